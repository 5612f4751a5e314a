// A new ICE generation's description goes out with its candidates (jssip-ice-generation.ts), on a
// stand-in for JsSIP's RTCSession whose _createLocalDescription resolves at once, as JsSIP's does
// when the browser still says gathering is 'complete'; the peer connection is a stand-in too.
import { expect } from '@esm-bundle/chai';
import { sendNewIceGenerationsWithCandidates } from '../../../src/core/kernel/jssip-ice-generation.js';
import { wait } from '../phone-fixture.js';

const description = (ufrag: string, candidates: string[] = []) =>
  ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', `a=ice-ufrag:${ufrag}`, ...candidates.map((c) => `a=candidate:${c}`), ''].join('\r\n');
const HOST = '0 1 UDP 2122187007 127.0.0.1 40000 typ host';

class FakePeerConnection extends EventTarget {
  localDescription: { sdp: string } | null = null;
  iceGatheringState: RTCIceGatheringState = 'complete';
  /** Firefox's order: the new generation's gathering starts after setLocalDescription resolved. */
  gather(ufrag: string, candidates: string[]) {
    this.iceGatheringState = 'gathering';
    this.dispatchEvent(new Event('icegatheringstatechange'));
    for (const c of candidates) {
      this.localDescription = { sdp: description(ufrag, [...(this.localDescription!.sdp.match(/a=candidate:.*/g) ?? []).map((l) => l.slice(12)), c]) };
      this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: c } }));
    }
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: null }));
    this.iceGatheringState = 'complete';
    this.dispatchEvent(new Event('icegatheringstatechange'));
  }
}

class FakeSession {
  _connection = new FakePeerConnection();
  _iceReady = false;
  announced: string[] = [];
  /** What the next description will be (set by the test). */
  next = '';
  _createLocalDescription(): Promise<string> {
    this._connection.localDescription = { sdp: this.next };
    return Promise.resolve(this.next);
  }
  emit(_event: string, { candidate }: { candidate: RTCIceCandidate }) {
    this.announced.push(candidate.candidate);
  }
}
sendNewIceGenerationsWithCandidates(FakeSession, 100);

describe('A new ICE generation goes out with its candidates', () => {
  it("Firefox's order (setLocalDescription resolved, gathering still 'complete', no candidate): waits for the candidates and announces each", async () => {
    const session = new FakeSession();
    session._connection.localDescription = { sdp: description('old', [HOST]) };
    session.next = description('new');
    const sent = session._createLocalDescription();
    await wait(0);
    session._connection.gather('new', [HOST]);
    expect(await sent).to.equal(description('new', [HOST]));
    expect(session.announced).to.deep.equal([HOST]);
    expect(session._iceReady).to.equal(true);
  });

  it("the last generation's candidates and end of gathering (Chromium, still gathering it) are not this one's", async () => {
    const session = new FakeSession();
    const pc = session._connection;
    pc.localDescription = { sdp: description('old', [HOST]) };
    session.next = description('new');
    const sent = session._createLocalDescription();
    await wait(0);
    pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: 'late tcp', usernameFragment: 'old' } }));
    pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: null }));
    pc.dispatchEvent(new Event('icegatheringstatechange'));
    await wait(10);
    expect(session.announced).to.deep.equal([]);
    pc.gather('new', [HOST]);
    expect(await sent).to.equal(description('new', [HOST]));
    expect(session.announced).to.deep.equal([HOST]);
  });

  it('the ICE gathering policy may send before gathering ends', async () => {
    const session = new FakeSession();
    session._connection.localDescription = { sdp: description('old', [HOST]) };
    session.next = description('new');
    const ready = new Promise<void>((resolve) => {
      session.emit = (_e, { ready: send }) => {
        send();
        resolve();
      };
    });
    const sent = session._createLocalDescription();
    await wait(0);
    const pc = session._connection;
    pc.iceGatheringState = 'gathering';
    pc.localDescription = { sdp: description('new', [HOST]) };
    pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: HOST } }));
    await ready;
    expect(await sent).to.equal(description('new', [HOST]));
  });

  it('a description with candidates already (Chromium), the first description and one of the same generation (hold) go at once', async () => {
    for (const [before, next] of [
      [description('old', [HOST]), description('new', [HOST])],
      [null, description('first')],
      [description('same', [HOST]), description('same')],
    ] as const) {
      const session = new FakeSession();
      session._connection.localDescription = before ? { sdp: before } : null;
      session.next = next;
      expect(await session._createLocalDescription()).to.equal(next);
      expect(session.announced).to.deep.equal([]);
    }
  });

  it('no candidate ever comes (the browser gathered before we listened): it goes as it is after the wait', async () => {
    const session = new FakeSession();
    session._connection.localDescription = { sdp: description('old', [HOST]) };
    session.next = description('new');
    const started = performance.now();
    expect(await session._createLocalDescription()).to.equal(description('new'));
    expect(performance.now() - started).to.be.within(90, 1000);
  });
});
