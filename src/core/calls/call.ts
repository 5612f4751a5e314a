import { assertTransition, type CallState } from './call-state.js';
import { fromParty, resumingSessions } from './call-resume.js';
import { sessionEndCause, sessionEndStatus, type EndCause } from '../kernel/causes.js';
import { IceGatheringRound, type IcePolicyOptions } from '../media/ice-policy.js';
import type { CallStats } from './call-stats.js';
import type { QualityChange } from './call-quality-monitor.js';
import { PhoneError } from '../kernel/errors.js';
import type { EndEvent, IceCandidateEvent, RTCSession } from '../kernel/jssip-adapter.js';
import { CallSenders } from './call-senders.js';
import { CallMediaPath } from './call-media-path.js';
import { InviteRetry, type InviteFailure } from './invite-retry.js';
import { referCall } from './call-transfer.js';
import { startReinvite } from './call-reinvite.js';
import { receivedHeaders, type SipHeaders } from '../kernel/sip-headers.js';

export { RTP_TONE } from './call-senders.js';

import type { CallInfo, TransferState } from './call-info.js';
export type { CallInfo, TransferState };

export interface CallEnd {
  cause: EndCause;
  statusCode?: number;
  durationMs: number;
}

/** What changed in a `call-updated` event. */
export type CallChange = 'held' | 'remoteHeld' | 'muted' | 'video' | 'transfer' | 'media' | 'ignored' | 'conference';

export type DtmfTransport = 'rfc4733' | 'info';

export interface CallObserver {
  updated(call: Call, change: CallChange): void;
  dtmf(call: Call, tone: string, direction: 'incoming' | 'outgoing'): void;
  stats(call: Call, stats: CallStats): void;
  /** A quality warning was raised or cleared. */
  quality(call: Call, change: QualityChange): void;
  /** Whether a 3xx to our INVITE makes us call its Contacts. */
  readonly followRedirects: boolean;
  /** Sends an INVITE to `target` offering the tracks of `stream` (throws on a target JsSIP refuses). */
  invite(target: string, stream: MediaStream, video: boolean, options?: object): RTCSession;
  /** The other side asked us to call `target` (REFER): returns the new call, or null if refused. */
  referred(call: Call, accept: (options: object, adopt: (session: RTCSession) => void) => void, target: string): void;
  stateChanged(call: Call, previous: CallState, cause?: EndCause): void;
  ended(call: Call, end: CallEnd): void;
  mediaChanged(call: Call): void;
  /** The media path went down and is being recovered (`on`), or is back. */
  reconnecting(call: Call, on: boolean): void;
  /** Whether the SIP connection is up (a dead media path then reads as 'media-timeout'). */
  signallingConnected(): boolean;
  /** Whether the SIP connection is being checked (a keep-alive awaits its answer): no re-INVITE into it until it is known alive. */
  signallingInDoubt(): boolean;
}

export interface CallOptions {
  ice: IcePolicyOptions;
  /**
   * How long (ms) the media path may stay disconnected before the call ends, and how long after
   * the call became active it may take to connect at all.
   */
  mediaTimeoutMs: number;
  /** How long (ms) a media path that went down while the call was up is recovered before the call ends (0: ends as a path that never connected). */
  recoveryTimeoutMs: number;
  /** Milliseconds between `stats` reports while active (0: none). */
  statsIntervalMs: number;
}

let counter = 0;

/**
 * One call: wraps a JsSIP RTCSession, owns its local media and its state machine. Beside it: what
 * it sends (call-senders.ts), its media path (call-media-path.ts), where a failed INVITE goes
 * next (invite-retry.ts) and a transfer it starts (call-transfer.ts).
 */
export class Call {
  readonly id = `call-${Date.now().toString(36)}-${++counter}`;
  readonly direction: 'incoming' | 'outgoing';
  readonly remoteUri: string;
  readonly remoteDisplayName: string;
  video: boolean;
  state: CallState;
  startedAt: number | null = null;
  localStream: MediaStream | null = null;
  remoteStream: MediaStream | null = null;
  transfer: TransferState | null = null;
  /** Whether the network sent early media (a provisional response with SDP) while ringing. */
  earlyMedia = false;
  /** The SDP offer of an incoming call ('' for others). */
  offer = '';
  /** The ids of the calls merged with this one (CallInfo.conference). */
  conference: string[] | null = null;
  /** The screen track while sharing the screen instead of the camera. */
  screenTrack: MediaStreamTrack | null = null;
  /** The headers the INVITE or the answer arrived with (see CallInfo.headers). */
  headers: SipHeaders = {};
  /** The page's headers for our INVITE: sent again when it goes out again (invite-retry.ts). */
  extraHeaders: string[] = [];
  ignored = false;
  private readonly senders = new CallSenders(this);
  /** Set before terminating to name why we ended the call ourselves. */
  localCause: EndCause | undefined;
  private iceRound: IceGatheringRound | undefined;
  private readonly mediaPath: CallMediaPath;
  private readonly cleanups: (() => void)[] = [];
  /** Our re-INVITE (hold, resume) still waiting for its answer: a transfer waits for it. */
  private pendingChange: Promise<void> | null = null;
  private readonly retries = new InviteRetry();
  session: RTCSession;

  constructor(
    session: RTCSession,
    direction: 'incoming' | 'outgoing',
    video: boolean,
    private readonly options: CallOptions,
    private readonly observer: CallObserver,
  ) {
    this.session = session;
    this.direction = direction;
    this.state = direction === 'incoming' ? 'incoming' : 'calling';
    this.video = video;
    const identity = session.remote_identity;
    this.remoteUri = identity?.uri?.toString() ?? '';
    this.remoteDisplayName = identity?.display_name ?? '';
    this.mediaPath = new CallMediaPath(this, options, observer);
    this.listen();
  }

  get info(): CallInfo {
    return {
      id: this.id,
      direction: this.direction,
      state: this.state,
      remoteUri: this.remoteUri,
      remoteDisplayName: this.remoteDisplayName,
      video: this.video,
      held: this.session.isOnHold().local,
      remoteHeld: this.session.isOnHold().remote,
      muted: { ...this.session.isMuted() } as { audio: boolean; video: boolean },
      startedAt: this.startedAt,
      transfer: this.transfer,
      screenSharing: this.screenTrack !== null,
      mediaConnected: this.mediaConnected,
      qualityWarnings: this.mediaPath.warnings,
      reconnecting: this.mediaPath.reconnecting,
      headers: { ...this.headers },
      ignored: this.ignored,
      conference: this.conference && [...this.conference],
    };
  }

  /** Whether the peer connection has connected at least once. */
  get mediaConnected(): boolean {
    return this.mediaPath.connected;
  }

  get peerConnection(): RTCPeerConnection | null {
    return (this.session.connection as RTCPeerConnection | undefined) ?? null;
  }

  /** Hangs up, cancels or rejects, whichever fits the state. */
  end(cause: EndCause, statusCode?: number, extraHeaders: string[] = []): void {
    if (this.state === 'ended') return;
    this.localCause = cause;
    try {
      this.session.terminate({ ...(statusCode && { status_code: statusCode }), extraHeaders });
    } catch {
      // JsSIP throws if the session already ended; finish ourselves.
      this.finish(cause);
    }
  }

  /** Ends the call on our side without reaching the other party (signalling is gone). */
  abandon(cause: EndCause): void {
    this.localCause = cause;
    this.end(cause);
    this.finish(cause);
  }

  /** Puts the call on hold (re-INVITE a=sendonly) and stops sending anything; no-op if held. */
  hold(): Promise<void> {
    if (this.state === 'active' && this.session.isOnHold().local) return Promise.resolve();
    return this.reinvite((done) => this.session.hold({}, done));
  }

  unhold(): Promise<void> {
    if (this.state === 'active' && !this.session.isOnHold().local) return Promise.resolve();
    return this.reinvite((done) => this.session.unhold({}, done));
  }

  /** Disables the local track of this kind (no renegotiation). */
  mute(kind: 'audio' | 'video', muted: boolean): void {
    this.requireState('active');
    const options = { audio: kind === 'audio', video: kind === 'video' };
    if (muted) this.session.mute(options);
    else this.session.unmute(options);
  }

  /** Sends tones (0-9 * # A-D, ',' = pause) over RTP (RFC 4733) or SIP INFO. */
  sendDtmf(tones: string, transport: DtmfTransport): void {
    this.requireState('active');
    if (this.session.isOnHold().local) throw new PhoneError('invalid-call-state', 'The call is on hold: resume it to send tones.');
    if (transport === 'info') this.session.sendDTMF(tones, { transportType: 'INFO' } as never);
    else this.senders.sendTones(tones);
    // JsSIP reports INFO tones itself ('newDTMF'); RTP tones are reported here.
    if (transport === 'rfc4733') for (const tone of tones.replace(/,/g, '')) this.observer.dtmf(this, tone.toUpperCase(), 'outgoing');
  }

  /** Blind transfer: REFER the other side to `target`; on success this call ends as 'transferred'. */
  async transferTo(target: string, replacing?: Call, extraHeaders: string[] = []): Promise<void> {
    this.requireState('active');
    // A REFER sent while our re-INVITE (the hold of call waiting) is still open can reach the other
    // side before our ACK, and JsSIP there refuses it 403 Wrong Status: wait for the change to end.
    await this.pendingChange?.catch(() => {});
    this.requireState('active');
    referCall(this, target, replacing, extraHeaders, (state) => {
      this.transfer = state;
      this.observer.updated(this, 'transfer');
    });
  }

  /** Replaces the track of this kind on its sender (device switch, screen share), keeping the stream current. */
  async replaceTrack(track: MediaStreamTrack): Promise<MediaStreamTrack | null> {
    const old = await this.senders.replace(track);
    if (this.localStream && old) {
      this.localStream.removeTrack(old);
      this.localStream.addTrack(track);
    }
    this.observer.mediaChanged(this);
    return old;
  }

  /** Resolves once our re-INVITE under way (hold, resume), if any, has been answered. */
  async changeSettled(): Promise<void> {
    await this.pendingChange?.catch(() => {});
  }

  /** Merged with these calls (null: no longer merged); reported as a `conference` change. */
  setConference(ids: string[] | null): void {
    this.conference = ids;
    this.observer.updated(this, 'conference');
  }

  private requireState(state: CallState): void {
    if (this.state !== state) throw new PhoneError('invalid-call-state', `The call is ${this.state}, not ${state}.`);
  }

  private reinvite(start: (done: () => void) => boolean): Promise<void> {
    this.requireState('active');
    const change = startReinvite(this.session, this.cleanups, start);
    this.pendingChange = change;
    const over = () => void (this.pendingChange === change && (this.pendingChange = null));
    change.then(over, over);
    return change;
  }

  setLocalStream(stream: MediaStream): void {
    this.localStream = stream;
    this.observer.mediaChanged(this);
  }

  /**
   * Camera and microphone that started after the offer or answer went out: their tracks go onto
   * the senders waiting for them, and into a new local stream (so views pick them up).
   */
  supplyMedia(media: MediaStream): void {
    const pc = this.peerConnection;
    if (this.state === 'ended' || !pc) {
      media.getTracks().forEach((track) => track.stop());
      return;
    }
    if (this.direction === 'incoming' && !pc.remoteDescription) {
      // A callee's microphone can be ready before JsSIP has applied the offer, and the senders
      // waiting for it exist only then: it goes onto them once the answer is made.
      const answerMade = ({ originator }: { originator: string }) => {
        if (originator !== 'local') return;
        this.session.off('sdp', answerMade);
        this.supplyMedia(media);
      };
      this.session.on('sdp', answerMade);
      this.cleanups.push(() => {
        this.session.off('sdp', answerMade);
        media.getTracks().forEach((track) => track.stop());
      });
      return;
    }
    this.senders.supply(pc, media);
    this.setLocalStream(new MediaStream([...(this.localStream?.getTracks() ?? []), ...media.getTracks()]));
  }

  private listen(): void {
    const session = this.session;
    const on = <A extends unknown[]>(name: string, handler: (...args: A) => void) => {
      (session as unknown as { on(n: string, h: (...a: A) => void): void }).on(name, handler);
      this.cleanups.push(() => (session as unknown as { off(n: string, h: (...a: A) => void): void }).off(name, handler));
    };
    // JsSIP also fires 'progress' when we send 180 for an incoming call: only the caller rings.
    on('progress', (event: { originator: string; response?: { body?: string } }) => {
      if (this.direction !== 'outgoing') return;
      if (event.response) this.headers = receivedHeaders(event.response);
      const early = event.originator === 'remote' && !!event.response?.body;
      this.move('ringing');
      // Early media (a 18x with SDP): the network's audio replaces our ringback.
      if (early && !this.earlyMedia) {
        this.earlyMedia = true;
        this.observer.mediaChanged(this);
      }
    });
    on('accepted', ({ response }: { response?: object }) => {
      if (this.direction === 'outgoing' && response) this.headers = receivedHeaders(response);
      this.activated();
    });
    on('confirmed', () => this.activated());
    on('ended', (event: EndEvent) => this.finish(this.causeOf(event), sessionEndStatus(event)));
    on('failed', (event: EndEvent) => this.retry(event as never) || this.finish(this.causeOf(event), sessionEndStatus(event)));
    on('icecandidate', (event: IceCandidateEvent) => {
      this.iceRound ??= new IceGatheringRound(this.options.ice);
      this.iceRound.onCandidate(event.candidate, event.ready);
    });
    // A new gathering round for each offer/answer JsSIP makes.
    on('sdp', () => {
      this.iceRound?.dispose();
      this.iceRound = undefined;
    });
    on('peerconnection', () => this.watchPeerConnection());
    on('hold', ({ originator }: { originator: string }) => {
      if (originator === 'local') this.senders.detach(true);
      this.observer.updated(this, originator === 'local' ? 'held' : 'remoteHeld');
    });
    on('unhold', ({ originator }: { originator: string }) => {
      if (originator === 'local') this.senders.detach(false);
      this.observer.updated(this, originator === 'local' ? 'held' : 'remoteHeld');
    });
    on('muted', () => this.observer.updated(this, 'muted'));
    on('unmuted', () => this.observer.updated(this, 'muted'));
    on('newDTMF', ({ originator, dtmf }: { originator: string; dtmf: { tone: string } }) => {
      this.observer.dtmf(this, dtmf.tone, originator === 'remote' ? 'incoming' : 'outgoing');
    });
    // An INVITE with Replaces for this call: from the other party, it takes the call back after
    // reloading its page (call-resume.ts); from a third one, an attended transfer to us.
    on('replaces', (event: { request: Parameters<typeof fromParty>[0]; accept(cb?: (s: RTCSession) => void): void }) => {
      if (this.state === 'active' && fromParty(event.request, this.remoteUri)) return event.accept((next) => this.continueWith(next));
      this.localCause = 'transferred';
      event.accept();
    });
    on('refer', (event: { request: { refer_to: { uri: { toString(): string } } }; accept(cb: (s: RTCSession) => void, o: object): void; reject(): void }) => {
      this.observer.referred(this, (options, adopt) => event.accept(adopt, options), event.request.refer_to.uri.toString());
    });
    // A request that got no response at all (Timer B, 32 s): JsSIP ends the call through
    // terminate(), which reports 'Canceled' (the caller gave up); name it for what it was.
    const timeouts = session as unknown as { onRequestTimeout(): void };
    const onRequestTimeout = timeouts.onRequestTimeout;
    timeouts.onRequestTimeout = () => {
      this.localCause ??= 'request-timeout';
      onRequestTimeout.call(session);
    };
    this.mediaPath.keepSessionWhileRecovering(session);
    if (session.connection) this.watchPeerConnection();
  }

  /** An outgoing INVITE that failed goes out again on a new session, the call staying as it was (see invite-retry.ts). */
  private retry(failure: InviteFailure): boolean {
    const next = this.retries.next(failure, `${this.session.remote_identity.uri}`, this.observer.followRedirects);
    let session;
    try {
      const extraHeaders = [...this.extraHeaders, ...((next?.options as { extraHeaders?: string[] } | undefined)?.extraHeaders ?? [])];
      session = next && this.observer.invite(next.target, this.localStream!, this.video, { ...next.options, extraHeaders });
    } catch {
      // A Contact JsSIP cannot call: the call ends with the response we have.
    }
    if (!session) return false;
    // (Its ICE round ended with the offer: 'sdp' disposed of it.)
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.session = session;
    this.listen();
    return true;
  }

  /** The other party's new session for this call (it reloaded its page): answered with our media, the call goes on. */
  private continueWith(session: RTCSession): void {
    resumingSessions.add(session);
    const recovering = this.mediaPath.reconnecting;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.session = session;
    this.listen();
    this.mediaPath.resumed(recovering);
    const { iceServers, iceTransportPolicy } = this.options.ice;
    queueMicrotask(() => session.answer({ mediaStream: this.localStream ?? undefined, pcConfig: { iceServers, iceTransportPolicy } }));
  }

  private watchPeerConnection(): void {
    const pc = this.peerConnection;
    if (pc) this.cleanups.push(this.mediaPath.watch(pc));
  }

  /** After a network change: renegotiate with an ICE restart if the media path is down. */
  restartIceIfDown(): void {
    this.mediaPath.restartIceIfDown();
  }

  /** The SIP connection was lost: a recovery under way ends with a restart through the next one. */
  signallingLost(): void {
    this.mediaPath.signallingLost();
  }

  private activated(): void {
    this.move('active');
    const stopWaiting = this.mediaPath.expectConnection();
    if (stopWaiting) this.cleanups.push(stopWaiting);
  }

  private causeOf(event: EndEvent): EndCause {
    const cause = this.localCause || sessionEndCause(event);
    if (!this.mediaPath.reconnecting) return cause;
    // While we recover the media path: our ICE restart got 481 or 408, the other side is gone (it
    // hung up while we were cut off, its BYE lost; JsSIP ends the dialog, 'Dialog Error'); or
    // JsSIP gave up on a restart that failed ('WebRTC Error'): the media path was not recovered.
    return cause === 'dialog-error' ? 'bye' : cause === 'webrtc-error' ? 'media-timeout' : cause;
  }

  private move(to: CallState, cause?: EndCause): void {
    if (this.state === to) return;
    assertTransition(this.state, to);
    const previous = this.state;
    this.state = to;
    if (to === 'active') {
      this.startedAt ??= Date.now(); // (a call taken back after a reload keeps its start: call-resume.ts)
      this.mediaPath.startStats();
    }
    this.observer.stateChanged(this, previous, cause);
  }

  private finish(cause: EndCause, statusCode?: number): void {
    if (this.state === 'ended') return;
    const durationMs = this.startedAt ? Date.now() - this.startedAt : 0;
    this.iceRound?.dispose();
    this.mediaPath.stopStats();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    // JsSIP leaves the peer connection open when it ends a call through _acceptAndTerminate (a 2xx
    // whose SDP the browser refused): every ended call closes its own (Chromium caps open ones).
    const pc = this.peerConnection;
    if (pc && pc.signalingState !== 'closed') pc.close();
    this.localStream?.getTracks().forEach((track) => track.stop());
    this.screenTrack?.stop();
    this.localStream = null;
    this.remoteStream = null;
    this.move('ended', cause);
    this.observer.ended(this, { cause, statusCode, durationMs });
  }
}
