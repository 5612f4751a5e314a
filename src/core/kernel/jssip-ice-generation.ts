/**
 * A description that starts a new ICE generation (an ICE restart: ours, or the other side's that
 * we answer) goes out with that generation's candidates.
 *
 * JsSIP 3.13 sends a description at once when the browser says gathering is 'complete', or says
 * 'gathering' after an earlier round was sent early (its `_iceReady`). Either way an answer to an
 * ICE restart went with no candidate at all (`c=IN IP4 0.0.0.0`, port 9), leaving the other side
 * only the peer-reflexive addresses its checks happen to reveal:
 * - Firefox resolves setLocalDescription of such an answer before it starts gathering the new
 *   generation: its iceGatheringState still says 'complete' (the old generation's);
 * - Chromium, when the last generation was still gathering (our restart's offer goes once it has
 *   a host candidate): seen in the media outage test, Chromium answering Firefox's restart.
 *
 * Such a description waits for its candidates the way JsSIP waits for an offer's: each is
 * announced ('icecandidate' with `ready`, so the ICE gathering policy decides when to send), and
 * the end of gathering sends. Applied once, by jssip-adapter.ts.
 */

/** The JsSIP internals this touches. */
interface SessionInternals {
  _connection?: RTCPeerConnection;
  _iceReady: boolean;
  _createLocalDescription(type: string, constraints?: unknown): Promise<string>;
  emit(event: 'icecandidate', data: { candidate: RTCIceCandidate; ready: () => void }): void;
}

/** The longest a new generation's description waits for its first candidate (then it goes as it is). */
export const NEW_GENERATION_WAIT_MS = 2000;

/** A description's ICE username fragment (its first). */
export const iceUfrag = (sdp: string | undefined) => sdp?.match(/^a=ice-ufrag:(\S+)/m)?.[1];

export function sendNewIceGenerationsWithCandidates(Session: { prototype: unknown }, waitMs = NEW_GENERATION_WAIT_MS): void {
  const proto = Session.prototype as SessionInternals;
  const create = proto._createLocalDescription;
  proto._createLocalDescription = async function (this: SessionInternals, type, constraints) {
    const pc = this._connection;
    const previous = iceUfrag(pc?.localDescription?.sdp);
    const sdp = await create.call(this, type, constraints);
    const ufrag = iceUfrag(sdp);
    if (!pc || !previous || ufrag === previous || /^a=candidate:/m.test(sdp)) return sdp;
    return candidates(this, pc, ufrag, waitMs);
  };
}

/** The local description once its candidates are in (as the ICE policy or the end of gathering says). */
function candidates(session: SessionInternals, pc: RTCPeerConnection, ufrag: string | undefined, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const ready = () => {
      pc.removeEventListener('icecandidate', onCandidate);
      pc.removeEventListener('icegatheringstatechange', onGathering);
      clearTimeout(first);
      // (As JsSIP: a later description while the browser still gathers goes at once.)
      session._iceReady = true;
      resolve(pc.localDescription!.sdp);
    };
    // The last generation may still be gathering (Chromium, after an offer sent before its gathering
    // ended): its candidates and its end are not this one's.
    const gathered = () => /^a=candidate:/m.test(pc.localDescription?.sdp ?? '');
    const onCandidate = ({ candidate }: RTCPeerConnectionIceEvent) => {
      if (!candidate) return gathered() && ready();
      if (candidate.usernameFragment && candidate.usernameFragment !== ufrag) return;
      clearTimeout(first);
      session.emit('icecandidate', { candidate, ready });
    };
    const onGathering = () => pc.iceGatheringState === 'complete' && gathered() && ready();
    pc.addEventListener('icecandidate', onCandidate);
    pc.addEventListener('icegatheringstatechange', onGathering);
    // A browser that gathered before we listened: nothing more will come.
    const first = setTimeout(ready, waitMs);
  });
}
