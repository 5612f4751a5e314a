// A STUN Binding responder (RFC 5389) on 127.0.0.1 for the ICE tests. Inside the loopback-only
// namespace a real STUN server would report 127.0.0.1, which Chromium drops as a copy of its host
// candidate; this one reports `mappedAddress` (a documentation address by default), so a browser
// that asked it surfaces a srflx candidate. `delayMs` delays the answers; `silent` never answers
// (an unreachable server that still counts the requests it ignores).
import { createSocket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;

export async function startStunServer({ delayMs = 0, silent = false, mappedAddress = '203.0.113.7' } = {}) {
  const socket = createSocket('udp4');
  const server = { requests: 0, answered: 0, url: '', close: () => new Promise((r) => socket.close(r)) };
  socket.on('message', (msg, from) => {
    // A Binding request: type 0x0001, the magic cookie, a 12-byte transaction id.
    if (msg.length < 20 || msg.readUInt16BE(0) !== 0x0001 || msg.readUInt32BE(4) !== MAGIC_COOKIE) return;
    server.requests++;
    if (silent) return;
    const response = Buffer.alloc(32);
    response.writeUInt16BE(0x0101, 0); // Binding success response
    response.writeUInt16BE(12, 2); // one attribute, 4 + 8 bytes
    msg.copy(response, 4, 4, 20); // cookie and transaction id
    response.writeUInt16BE(0x0020, 20); // XOR-MAPPED-ADDRESS
    response.writeUInt16BE(8, 22);
    response.writeUInt16BE(0x0001, 24); // IPv4
    response.writeUInt16BE(from.port ^ (MAGIC_COOKIE >>> 16), 26);
    const address = mappedAddress.split('.').reduce((n, octet) => (n << 8) | Number(octet), 0) >>> 0;
    response.writeUInt32BE((address ^ MAGIC_COOKIE) >>> 0, 28);
    setTimeout(() => {
      server.answered++;
      socket.send(response, from.port, from.address);
    }, delayMs);
  });
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.url = `stun:127.0.0.1:${socket.address().port}`;
  return server;
}
