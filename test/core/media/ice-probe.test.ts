import { expect } from '@esm-bundle/chai';
import { IceServerProbe } from '../../../src/core/media/ice-probe.js';
import { IceGatheringRound } from '../../../src/core/media/ice-policy.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STUN = [{ urls: 'stun:stun.example.org' }];

/** A peer connection that gathers the candidate types it is told to, once its offer is set. */
class FakeGatherer {
  static made: FakeGatherer[] = [];
  onicecandidate: ((e: { candidate: { type: string } | null }) => void) | null = null;
  closed = false;
  channels: string[] = [];
  constructor(
    readonly config: RTCConfiguration,
    private readonly types: string[],
    private readonly complete: boolean,
  ) {
    FakeGatherer.made.push(this);
  }
  createDataChannel(label: string) {
    this.channels.push(label);
  }
  async createOffer() {
    return { type: 'offer', sdp: '' };
  }
  async setLocalDescription() {
    for (const type of this.types) setTimeout(() => this.onicecandidate?.({ candidate: { type } }), 5);
    if (this.complete) setTimeout(() => this.onicecandidate?.({ candidate: null }), 10);
  }
  close() {
    this.closed = true;
  }
}

const probeWith = (types: string[], { complete = false, timeoutMs = 100, now = () => 0 } = {}) => {
  FakeGatherer.made = [];
  return new IceServerProbe({
    timeoutMs,
    now: () => now(),
    createPeerConnection: (config) => new FakeGatherer(config, types, complete) as unknown as RTCPeerConnection,
  });
};

describe('ICE server probe', () => {
  it('learns that a STUN server answers: the srflx type is known, the probe connection closed', async () => {
    const probe = probeWith(['host', 'srflx']);
    expect(probe.typesFor(STUN), 'unknown before a probe').to.equal(null);
    probe.refresh(STUN);
    await wait(30);
    expect([...(probe.typesFor(STUN) ?? [])]).to.have.members(['host', 'srflx']);
    expect(FakeGatherer.made).to.have.length(1);
    expect(FakeGatherer.made[0].config.iceServers).to.deep.equal(STUN);
    expect(FakeGatherer.made[0].channels, 'gathers without media').to.deep.equal(['probe']);
    expect(FakeGatherer.made[0].closed).to.equal(true);
  });

  it('learns that a STUN server does not answer once the probe times out', async () => {
    const probe = probeWith(['host'], { timeoutMs: 60 });
    probe.refresh(STUN);
    await wait(30);
    expect(probe.typesFor(STUN), 'still probing').to.equal(null);
    await wait(60);
    expect([...(probe.typesFor(STUN) ?? [])]).to.deep.equal(['host']);
    expect(FakeGatherer.made[0].closed).to.equal(true);
  });

  it('ends at gathering complete, and knows nothing about other servers', async () => {
    const probe = probeWith(['host'], { complete: true, timeoutMs: 5000 });
    probe.refresh(STUN);
    await wait(30);
    expect([...(probe.typesFor(STUN) ?? [])]).to.deep.equal(['host']);
    expect(probe.typesFor([{ urls: 'stun:other.example.org' }])).to.equal(null);
  });

  it('does not probe without STUN/TURN servers, nor again while a result is fresh; probes a stale one or when forced', async () => {
    let clock = 0;
    const probe = probeWith(['host', 'srflx'], { now: () => clock });
    probe.refresh([]);
    expect(FakeGatherer.made, 'nothing to learn without servers').to.have.length(0);
    probe.refresh(STUN);
    probe.refresh(STUN);
    expect(FakeGatherer.made, 'one probe at a time').to.have.length(1);
    await wait(30);
    probe.refresh(STUN);
    expect(FakeGatherer.made, 'fresh result').to.have.length(1);
    probe.refresh(STUN, true);
    expect(FakeGatherer.made, 'forced (network change)').to.have.length(2);
    await wait(30);
    clock = 6 * 60_000;
    probe.refresh(STUN);
    expect(FakeGatherer.made, 'stale result').to.have.length(3);
    expect([...(probe.typesFor(STUN) ?? [])], 'the old result serves meanwhile').to.have.members(['host', 'srflx']);
    probe.stop();
    expect(FakeGatherer.made[2].closed, 'stop() closes a probe under way').to.equal(true);
  });

  it('a call does not wait for a type the servers did not yield when probed', async () => {
    let released = 0;
    const round = new IceGatheringRound({ iceServers: STUN, timeoutMs: 1000, graceMs: 5, yielded: new Set(['host']) });
    round.onCandidate({ type: 'host' } as RTCIceCandidate, () => released++);
    await wait(30);
    expect(released).to.equal(1);
  });

  it('a call still waits for a type the servers yielded when probed', async () => {
    let released = 0;
    const round = new IceGatheringRound({ iceServers: STUN, timeoutMs: 1000, graceMs: 5, yielded: new Set(['host', 'srflx']) });
    round.onCandidate({ type: 'host' } as RTCIceCandidate, () => released++);
    await wait(30);
    expect(released, 'waiting for srflx').to.equal(0);
    round.onCandidate({ type: 'srflx' } as RTCIceCandidate, () => released++);
    await wait(30);
    expect(released).to.equal(1);
  });
});
