import { expect } from '@esm-bundle/chai';
import { FailoverSocket, JSSIP_RECOVERY_MS, URGENT_RETRY_MS } from '../../../src/core/connection/failover-socket.js';
import { lostConnectionDelay, reconnectDelay, DEFAULT_RECONNECT_POLICY } from '../../../src/core/connection/reconnect-policy.js';
import { FakeSipServer } from '../fake-sip-server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reconnect policy', () => {
  it('doubles from 1 s up to 30 s, with ±20 % jitter, never under 1 s', () => {
    const at = (attempt: number, random: number) => reconnectDelay(attempt, DEFAULT_RECONNECT_POLICY, () => random);
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => at(n, 0.5))).to.deep.equal([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(at(3, 0)).to.equal(3200);
    expect(at(3, 1)).to.equal(4800);
    expect(at(1, 0), 'floor').to.equal(1000);
    expect(at(9, 1), 'ceiling').to.equal(30000);
  });

  it('spreads the first attempt after a lost connection uniformly over 1–5 s', () => {
    const at = (random: number) => lostConnectionDelay(DEFAULT_RECONNECT_POLICY, () => random);
    expect([0, 0.25, 0.5, 1].map(at)).to.deep.equal([1000, 2000, 3000, 5000]);
    const delays = Array.from({ length: 1000 }, () => lostConnectionDelay());
    expect(Math.min(...delays)).to.be.at.least(1000);
    expect(Math.max(...delays)).to.be.at.most(5000);
    // No second of the window gets much more than its quarter of a fleet.
    const perSecond = [1, 2, 3, 4].map((s) => delays.filter((d) => d >= s * 1000 && d < (s + 1) * 1000).length);
    expect(Math.max(...perSecond)).to.be.below(330);
  });
});

describe('FailoverSocket', () => {
  // No spread of the first attempt after a loss unless a test asks for it.
  function failover(servers: Record<string, FakeSipServer>, policy = { ...DEFAULT_RECONNECT_POLICY, jitter: 0, lossSpreadMs: 1000 }) {
    const attempts: string[] = [];
    const socket = new FailoverSocket(
      Object.keys(servers),
      { createWebSocket: (url, protocol) => servers[url].createWebSocket(url, protocol) },
      { attempt: (url) => attempts.push(url) },
      policy,
    );
    const seen = { connects: 0, disconnects: 0 };
    socket.onconnect = () => seen.connects++;
    socket.ondisconnect = () => seen.disconnects++;
    return { socket, attempts, seen };
  }

  it('tries the servers in order and moves on after a failed attempt', async () => {
    const first = new FakeSipServer({ refuse: true });
    const second = new FakeSipServer();
    const { socket, attempts, seen } = failover({ 'ws://first': first, 'ws://second': second });
    socket.connect();
    await wait(10);
    expect(seen.disconnects).to.equal(1);
    expect(socket.nextRetryInMs).to.equal(1000);
    expect(socket.url, 'the next attempt goes to the second server').to.equal('ws://second');
    socket.connect(); // JsSIP's recovery timer, after JSSIP_RECOVERY_MS
    await wait(10);
    expect(attempts).to.deep.equal(['ws://first', 'ws://second']);
    expect(seen.connects).to.equal(1);
    expect(socket.isConnected()).to.equal(true);
    socket.disconnect();
  });

  it('after losing a connection starts again from the first server', async () => {
    const first = new FakeSipServer({ refuse: true });
    const second = new FakeSipServer();
    const { socket, attempts } = failover({ 'ws://first': first, 'ws://second': second });
    socket.connect();
    await wait(10);
    socket.connect();
    await wait(10);
    first.refuse = false;
    second.dropAll();
    expect(socket.url).to.equal('ws://first');
    socket.connect();
    await wait(10);
    expect(attempts).to.deep.equal(['ws://first', 'ws://second', 'ws://first']);
    expect(socket.isConnected()).to.equal(true);
    socket.disconnect();
  });

  it('waits no longer than URGENT_RETRY_MS between attempts while something waits for the connection (a call recovering)', async () => {
    const server = new FakeSipServer({ refuse: true });
    let urgent = false;
    const socket = new FailoverSocket(
      ['ws://only'],
      { createWebSocket: (url, protocol) => server.createWebSocket(url, protocol) },
      { urgent: () => urgent },
      {
        ...DEFAULT_RECONNECT_POLICY,
        jitter: 0,
      },
    );
    const failures = async (n: number) => {
      for (let i = 0; i < n; i++) {
        socket.reconnectNow();
        socket.connect();
        await wait(10);
      }
    };
    await failures(4);
    expect(socket.nextRetryInMs, 'the fourth failure backs off 8 s').to.equal(8000);
    urgent = true;
    await failures(1);
    expect(socket.nextRetryInMs).to.equal(URGENT_RETRY_MS);
    socket.disconnect();
  });

  it('starts at the preferred server, fails over from there, and after a lost connection starts again from it (not the first)', async () => {
    const servers = { 'ws://a': new FakeSipServer(), 'ws://b': new FakeSipServer({ refuse: true }), 'ws://c': new FakeSipServer() };
    const attempts: string[] = [];
    const urls = Object.keys(servers) as (keyof typeof servers)[];
    const socket = new FailoverSocket(
      urls,
      { createWebSocket: (url, p) => servers[url as keyof typeof servers].createWebSocket(url, p) },
      { attempt: (u) => attempts.push(u) },
      { ...DEFAULT_RECONNECT_POLICY, jitter: 0 },
      1,
    );
    socket.connect();
    await wait(10);
    socket.connect();
    await wait(10);
    expect(attempts).to.deep.equal(['ws://b', 'ws://c']);
    expect(socket.isConnected()).to.equal(true);
    servers['ws://b'].refuse = false;
    servers['ws://c'].dropAll();
    await wait(10);
    expect(socket.url, 'back to the preferred server after the loss').to.equal('ws://b');
    socket.disconnect();
    expect(new FailoverSocket(['ws://a'], {}, {}, DEFAULT_RECONNECT_POLICY, 3).url, 'out of range: the first').to.equal('ws://a');
  });

  it('a 430 Flow Failed drops the connection and connects again without backoff', async () => {
    const server = new FakeSipServer();
    const { socket, seen } = failover({ 'ws://only': server });
    let delivered = '';
    socket.ondata = (data) => (delivered = String(data));
    socket.connect();
    await wait(10);
    server.openSockets[0].deliver('SIP/2.0 430 Flow Failed\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
    await wait(10);
    expect(delivered, 'JsSIP still gets the response').to.match(/^SIP\/2.0 430/);
    expect(seen.disconnects).to.equal(1);
    expect(socket.isConnected()).to.equal(false);
    expect(socket.nextRetryInMs).to.equal(0);
    socket.connect();
    await wait(10);
    expect(socket.isConnected()).to.equal(true);
    socket.disconnect();
  });

  it('holds an attempt back for the rest of its backoff, and reconnectNow() ends the wait', async () => {
    const server = new FakeSipServer({ refuse: true });
    const { socket, attempts } = failover({ 'ws://only': server });
    socket.connect();
    await wait(10);
    socket.connect();
    await wait(10);
    expect(attempts).to.have.length(2);
    // Two failures: the next attempt is due 2 s after the loss, 1 s after JsSIP's own timer.
    expect(socket.nextRetryInMs - JSSIP_RECOVERY_MS).to.equal(1000);
    server.refuse = false;
    socket.connect();
    await wait(20);
    expect(socket.waiting).to.equal(true);
    expect(attempts).to.have.length(2);
    socket.reconnectNow();
    await wait(10);
    expect(attempts).to.have.length(3);
    expect(socket.isConnected()).to.equal(true);
    socket.disconnect();
  });

  it('a lost connection waits 1–5 s before its first attempt; reconnectNow() skips the wait', async () => {
    const server = new FakeSipServer();
    const { socket, attempts } = failover({ 'ws://only': server }, DEFAULT_RECONNECT_POLICY);
    socket.connect();
    await wait(10);
    expect(socket.isConnected()).to.equal(true);
    server.dropAll();
    await wait(10);
    expect(socket.nextRetryInMs).to.be.within(1000, 5000);
    socket.connect(); // JsSIP's recovery timer, 1 s after the loss: the rest of the spread is still to wait
    expect(socket.waiting || socket.nextRetryInMs === 1000).to.equal(true);
    socket.reconnectNow();
    expect(socket.nextRetryInMs).to.equal(0);
    await wait(10);
    expect(attempts).to.have.length(2);
    expect(socket.isConnected()).to.equal(true);
    socket.disconnect();
  });

  it('disconnect() during a backoff wait cancels it', async () => {
    const server = new FakeSipServer({ refuse: true });
    const { socket, attempts } = failover({ 'ws://only': server });
    socket.connect();
    await wait(10);
    socket.connect();
    await wait(10);
    socket.connect();
    expect(socket.waiting).to.equal(true);
    socket.disconnect();
    expect(socket.waiting).to.equal(false);
    await wait(1100);
    expect(attempts).to.have.length(2);
  });
});
