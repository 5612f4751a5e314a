import { expect } from '@esm-bundle/chai';
import { IceGatheringRound, neededCandidateTypes } from '../../../src/core/media/ice-policy.js';

const candidate = (type: string) => ({ type }) as RTCIceCandidate;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ICE gathering policy', () => {
  it('waits for host only without servers, srflx with STUN, relay with TURN, only relay under relay policy', () => {
    expect([...neededCandidateTypes([])]).to.deep.equal(['host']);
    expect([...neededCandidateTypes([{ urls: 'stun:s' }])]).to.deep.equal(['host', 'srflx']);
    expect([...neededCandidateTypes([{ urls: ['turn:t'] }])]).to.deep.equal(['host', 'srflx', 'relay']);
    expect([...neededCandidateTypes([{ urls: 'turn:t' }], 'relay')]).to.deep.equal(['relay']);
  });

  it('releases shortly after the first host candidate when no server is configured', async () => {
    let released = 0;
    const round = new IceGatheringRound({ iceServers: [], timeoutMs: 1000, graceMs: 20 });
    round.onCandidate(candidate('host'), () => released++);
    expect(released).to.equal(0);
    await wait(60);
    expect(released).to.equal(1);
  });

  it('waits for a srflx candidate with STUN, but no longer than the timeout', async () => {
    let released = 0;
    const round = new IceGatheringRound({ iceServers: [{ urls: 'stun:unreachable' }], timeoutMs: 150, graceMs: 10 });
    round.onCandidate(candidate('host'), () => released++);
    await wait(60);
    expect(released, 'still waiting for srflx').to.equal(0);
    await wait(150);
    expect(released).to.equal(1);
    round.onCandidate(candidate('srflx'), () => released++);
    await wait(30);
    expect(released, 'released once only').to.equal(1);
  });

  it('releases soon after the srflx candidate arrives', async () => {
    let released = 0;
    const round = new IceGatheringRound({ iceServers: [{ urls: 'stun:s' }], timeoutMs: 5000, graceMs: 10 });
    round.onCandidate(candidate('host'), () => released++);
    round.onCandidate(candidate('srflx'), () => released++);
    await wait(40);
    expect(released).to.equal(1);
    round.dispose();
  });

  it('under relay policy releases soon after the first relay candidate (no host or srflx comes)', async () => {
    let released = 0;
    const round = new IceGatheringRound({ iceServers: [{ urls: ['stun:s', 'turn:t'] }], iceTransportPolicy: 'relay', timeoutMs: 5000, graceMs: 10 });
    round.onCandidate(candidate('relay'), () => released++);
    await wait(40);
    expect(released).to.equal(1);
    round.dispose();
  });
});
