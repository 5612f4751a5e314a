// What the SIP trace's ring (core/trace/sip-trace.ts) costs with `trace` off: time per message
// recorded (against a ring of size 0, which only blanks credentials) and the memory 200 messages
// keep alive. Run after `npm run build`: node --expose-gc test/bench/trace-ring.mjs
import { SipTrace } from '../../lib/core/trace/sip-trace.js';

const sdp = Array.from({ length: 60 }, (_, i) => `a=candidate:${i} 1 udp 2122260223 192.168.1.${i} 5${i}000 typ host generation 0`).join('\r\n');
const messages = [
  `REGISTER sip:sip-phone.test SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bK123\r\nMax-Forwards: 69\r\nTo: <sip:alice@sip-phone.test>\r\nFrom: <sip:alice@sip-phone.test>;tag=x\r\nCall-ID: y\r\nCSeq: 2 REGISTER\r\nAuthorization: Digest algorithm=MD5, username="alice", realm="sip-phone.test", nonce="Z1x2", uri="sip:sip-phone.test", response="0123456789abcdef0123456789abcdef"\r\nContact: <sip:z@abc.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:8f1e5c7a-9d7b-4c53-a3a2-5c0d2f1b7e10>";expires=600\r\nExpires: 600\r\nAllow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\nSupported: path,gruu,outbound\r\nUser-Agent: sip-phone\r\nContent-Length: 0\r\n\r\n`,
  `SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bK123;rport=5;received=127.0.0.1\r\nTo: <sip:alice@sip-phone.test>;tag=q\r\nFrom: <sip:alice@sip-phone.test>;tag=x\r\nCall-ID: y\r\nCSeq: 2 REGISTER\r\nContact: <sip:z@abc.invalid;transport=ws>;expires=600\r\nContent-Length: 0\r\n\r\n`,
  `INVITE sip:bob@sip-phone.test SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bK9\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n${sdp}\r\n`,
];
const sizes = messages.map((m) => m.length);
const rounds = 200_000;

function timePerMessage(size) {
  const trace = new SipTrace(() => ['alice-pw', null], size);
  for (let i = 0; i < 20_000; i++) trace.record(i % 2 ? 'in' : 'out', messages[i % 3]);
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) trace.record(i % 2 ? 'in' : 'out', messages[i % 3]);
  return Number(process.hrtime.bigint() - started) / rounds;
}

const without = Math.min(...[1, 2, 3].map(() => timePerMessage(0)));
const withRing = Math.min(...[1, 2, 3].map(() => timePerMessage(200)));
console.log(`messages of ${sizes.join(', ')} characters, in turn`);
console.log(
  `record(), no ring: ${without.toFixed(0)} ns per message; with the 200-message ring: ${withRing.toFixed(0)} ns (+${(withRing - without).toFixed(0)} ns)`,
);

// Memory: 200 messages that the ring alone keeps alive (fresh strings, as a socket makes them).
global.gc?.();
const before = process.memoryUsage().heapUsed;
const trace = new SipTrace(() => ['alice-pw'], 200);
for (let i = 0; i < 200; i++) trace.record('in', `${messages[i % 3]} `.slice(0, -1) + String(i));
global.gc?.();
const after = process.memoryUsage().heapUsed;
console.log(
  `200 messages kept: ${((after - before) / 1024).toFixed(0)} KiB of heap (mean message ${(sizes.reduce((a, b) => a + b) / 3).toFixed(0)} characters)${global.gc ? '' : ' (run with --expose-gc for a steady figure)'}`,
);
if (!trace.entries().length) throw new Error('kept nothing');
