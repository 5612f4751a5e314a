import { expect } from '@esm-bundle/chai';
import { DEAD_CONNECTION_CODE, SipSocket } from '../../../src/core/connection/sip-socket.js';
import { FakeSipServer } from '../fake-sip-server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function watch(socket: SipSocket) {
  const seen = { connected: 0, disconnects: [] as { error: boolean; code?: number; reason?: string }[], data: [] as unknown[] };
  socket.onconnect = () => seen.connected++;
  socket.ondisconnect = (error, code, reason) => seen.disconnects.push({ error, code, reason });
  socket.ondata = (data) => seen.data.push(data);
  return seen;
}

describe('SipSocket', () => {
  it('speaks the sip subprotocol and derives the Via transport and sip_uri from the URL', () => {
    const socket = new SipSocket('wss://sip.example.com:8443/ws');
    expect(socket.via_transport).to.equal('WSS');
    expect(socket.sip_uri).to.equal('sip:sip.example.com:8443;transport=ws');
  });

  it('pings with CRLFCRLF and keeps a connection that answers', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 20, pongTimeout: 50, createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.connect();
    // Four pings and their pongs: 80 ms of timers, given up to 3 s (Firefox runs a test page that
    // is not in front with coarse timers when the machine is busy).
    const pings = () => server.sockets[0]?.sent.filter((m) => m === '\r\n\r\n').length ?? 0;
    for (const end = Date.now() + 3000; pings() <= 3 && Date.now() < end;) await wait(20);
    expect(seen.connected).to.equal(1);
    expect(pings()).to.be.greaterThan(3);
    expect(seen.disconnects).to.deep.equal([]);
    expect(seen.data, 'pongs are not passed to JsSIP').to.deep.equal([]);
    socket.disconnect();
  });

  it('declares a frozen server dead within interval + pong timeout', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 30, pongTimeout: 40, createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.connect();
    await wait(10);
    server.frozen = true;
    await wait(120);
    expect(seen.disconnects).to.deep.equal([{ error: true, code: DEAD_CONNECTION_CODE, reason: 'keep-alive timeout' }]);
    expect(socket.isConnected()).to.equal(false);
    expect(server.sockets[0].readyState, 'the dead WebSocket is closed').to.equal(3);
  });

  it('times the next ping from the last message of the server, not from the last ping', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 60, pongTimeout: 40, createWebSocket: server.createWebSocket });
    watch(socket);
    socket.connect();
    await wait(10);
    const pings = () => server.sockets[0].sent.filter((m) => m === '\r\n\r\n').length;
    // Traffic every 30 ms keeps the connection proven alive: no ping is due.
    for (let i = 0; i < 5; i++) {
      await wait(30);
      server.sockets[0].deliver('OPTIONS sip:alice@example.com SIP/2.0\r\n\r\n');
    }
    expect(pings()).to.equal(0);
    await wait(100);
    expect(pings()).to.be.greaterThan(0);
    socket.disconnect();
  });

  it('checkNow() pings at once, and a frozen server is then noticed within the pong timeout', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 10000, pongTimeout: 40, createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.connect();
    await wait(10);
    server.frozen = true;
    socket.checkNow();
    expect(server.sockets[0].sent.at(-1)).to.equal('\r\n\r\n');
    await wait(200);
    expect(seen.disconnects).to.deep.equal([{ error: true, code: DEAD_CONNECTION_CODE, reason: 'keep-alive timeout' }]);
  });

  it('is in doubt while a keep-alive awaits its answer, and sure again once the server answers', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 10000, pongTimeout: 1000, createWebSocket: server.createWebSocket });
    watch(socket);
    socket.connect();
    await wait(10);
    expect(socket.awaitingPong()).to.equal(false);
    server.frozen = true;
    socket.checkNow();
    expect(socket.awaitingPong()).to.equal(true);
    server.frozen = false;
    server.sockets[0].deliver('\r\n');
    expect(socket.awaitingPong()).to.equal(false);
    socket.disconnect();
  });

  it('reports a dropped connection at once', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.connect();
    await wait(10);
    server.dropAll();
    expect(seen.disconnects).to.deep.equal([{ error: true, code: 1006, reason: '' }]);
  });

  it('drops a message the SIP stack throws on, and delivers the next one on the same connection', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.ondata = (data) => {
      if (String(data).includes('CSeq: 12\r\n')) throw new TypeError("Cannot read properties of undefined (reading 'method')");
      seen.data.push(data);
    };
    socket.connect();
    await wait(10);
    const malformed = 'SIP/2.0 200 OK\r\nCSeq: 12\r\n\r\n';
    expect(() => server.sockets[0].deliver(malformed)).not.to.throw();
    server.sockets[0].deliver('OPTIONS sip:alice@example.com SIP/2.0\r\n\r\n');
    expect(seen.data).to.deep.equal(['OPTIONS sip:alice@example.com SIP/2.0\r\n\r\n']);
    expect(seen.disconnects).to.deep.equal([]);
    expect(socket.isConnected()).to.equal(true);
    socket.disconnect();
  });

  it('gives up on a handshake that never completes', async () => {
    const socket = new SipSocket('ws://fake', {
      connectTimeout: 40,
      createWebSocket: () => ({ readyState: 0, binaryType: '', onopen: null, onclose: null, onmessage: null, onerror: null, send() {}, close() {} }),
    });
    const seen = watch(socket);
    socket.connect();
    await wait(80);
    expect(seen.disconnects).to.deep.equal([{ error: true, code: DEAD_CONNECTION_CODE, reason: 'connect timeout' }]);
  });
});

describe('SipSocket keep-alive fallback', () => {
  it('pings with OPTIONS when the server answers those but ignores CRLF', async () => {
    const server = new FakeSipServer();
    const handle = server.handle.bind(server);
    server.handle = (socket, data) => (data === '\r\n\r\n' ? undefined : handle(socket, data));
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 30, pongTimeout: 60, createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.connect();
    await wait(250);
    expect(seen.disconnects, 'still connected').to.deep.equal([]);
    expect(socket.keepaliveMethod).to.equal('options');
    expect(server.methods()).to.include('OPTIONS');
    expect(seen.data, 'the OPTIONS answers are not passed to JsSIP').to.deep.equal([]);
    socket.disconnect();
  });

  it('takes a double-CRLF answer (Asterisk) for a pong, and passes one that answers no ping of ours to JsSIP', async () => {
    const server = new FakeSipServer();
    server.handle = (socket, data) => (data === '\r\n\r\n' ? socket.deliver('\r\n\r\n') : undefined);
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 20, pongTimeout: 50, createWebSocket: server.createWebSocket });
    const seen = watch(socket);
    socket.connect();
    await wait(110);
    expect(seen.disconnects).to.deep.equal([]);
    expect(socket.keepaliveMethod).to.equal('crlf');
    expect(seen.data, 'the pongs are not passed to JsSIP (it would answer them as pings)').to.deep.equal([]);
    socket.disconnect();

    const quiet = new SipSocket('ws://fake', { keepaliveInterval: 0, createWebSocket: server.createWebSocket });
    const heard = watch(quiet);
    quiet.connect();
    await wait(10);
    server.sockets[1].deliver('\r\n\r\n'); // a ping from the server: none of ours is waiting
    expect(heard.data, 'a server ping goes to JsSIP, which answers it').to.deep.equal(['\r\n\r\n']);
    quiet.disconnect();
  });

  it('uses CRLF when the server answers it', async () => {
    const server = new FakeSipServer();
    const socket = new SipSocket('ws://fake', { keepaliveInterval: 20, pongTimeout: 50, createWebSocket: server.createWebSocket });
    socket.connect();
    await wait(60);
    expect(socket.keepaliveMethod).to.equal('crlf');
    expect(server.methods()).to.not.include('OPTIONS');
    socket.disconnect();
  });
});
