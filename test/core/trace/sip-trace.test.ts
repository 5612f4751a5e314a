import { expect } from '@esm-bundle/chai';
import { SipTrace, redactSipMessage, type SipTraceEntry } from '../../../src/core/trace/sip-trace.js';
import * as JsSIPModule from 'jssip';
import { FakeSipServer } from '../fake-sip-server.js';
import { phoneWith, wait } from '../phone-fixture.js';

const { calculateMD5 } = ((JsSIPModule as { default?: typeof JsSIPModule }).default ?? JsSIPModule).Utils;

const register = [
  'REGISTER sip:sip-phone.test SIP/2.0',
  'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1',
  'authorization: Digest username="alice", realm="sip-phone.test", nonce="n", uri="sip:sip-phone.test",',
  '  response="0123456789abcdef0123456789abcdef", algorithm=MD5',
  'Proxy-Authorization : Digest username="alice", response="fedcba9876543210fedcba9876543210"',
  'X-Note: secret-pw',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('SIP trace', () => {
  it('blanks Authorization and Proxy-Authorization (any case, folded) and the secrets given, nothing else', () => {
    const text = redactSipMessage(register, ['secret-pw', null, '']);
    expect(text).to.equal(
      [
        'REGISTER sip:sip-phone.test SIP/2.0',
        'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1',
        'authorization: …',
        'Proxy-Authorization : …',
        'X-Note: …',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('keeps the last `size` messages in a ring, oldest first, and makes no entries for a listener that is not there', () => {
    const trace = new SipTrace(() => [], 3);
    for (const n of [1, 2, 3, 4, 5]) trace.record(n % 2 ? 'out' : 'in', `OPTIONS ${n}`);
    trace.record('in', '\r\n\r\n');
    expect(trace.entries().map((e) => [e.direction, e.text])).to.deep.equal([
      ['out', 'OPTIONS 3'],
      ['in', 'OPTIONS 4'],
      ['out', 'OPTIONS 5'],
    ]);
    const heard: SipTraceEntry[] = [];
    trace.listener = (entry) => heard.push(entry);
    trace.record('in', new TextEncoder().encode('SIP/2.0 200 OK\r\n\r\n').buffer);
    expect(heard.map((e) => e.text)).to.deep.equal(['SIP/2.0 200 OK\r\n\r\n']);
    expect(trace.entries()).to.have.length(3);
    trace.clear();
    expect(trace.entries()).to.deep.equal([]);
    trace.listener = () => {
      throw new Error('a page bug');
    };
    expect(() => trace.record('in', 'OPTIONS 6'), 'a failing listener costs no message').not.to.throw();
    expect(trace.entries()).to.have.length(1);
  });

  it('a phone traces its REGISTERs and their answers in order, with neither password, HA1 nor digest response', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server);
    const heard: SipTraceEntry[] = [];
    phone.on('trace', (entry) => heard.push(entry));
    await phone.register();
    expect(heard, 'trace off: no events').to.deep.equal([]);
    const ring = phone.recentSipMessages;
    expect(ring.slice(0, 4).map((e) => `${e.direction} ${e.text.split('\r\n')[0]}`)).to.deep.equal([
      'out REGISTER sip:sip-phone.test SIP/2.0',
      'in SIP/2.0 401 Unauthorized',
      'out REGISTER sip:sip-phone.test SIP/2.0',
      'in SIP/2.0 200 OK',
    ]);
    await wait(10);
    phone.trace = true;
    await phone.unregister();
    expect(heard.map((e) => `${e.direction} ${e.text.split(' ')[0]}`)).to.include.members(['out REGISTER', 'in SIP/2.0']);
    expect(heard[0].at).to.be.closeTo(Date.now(), 1000);
    const sent = server.requests.find((r) => /^Authorization:/im.test(r))!;
    const response = /response="(\w+)"/.exec(sent)![1];
    const ha1 = calculateMD5('alice:sip-phone.test:alice-pw');
    const everything = JSON.stringify(phone.recentSipMessages);
    for (const secret of ['alice-pw', ha1, response]) expect(everything).not.to.include(secret);
    expect(everything).to.include('Authorization: …');
  });

  it('blanks what a credentials function gave, while JsSIP answers the challenge with it', async () => {
    const server = new FakeSipServer();
    const { phone } = phoneWith(server, '');
    phone.credentials = () => ({ password: 'alice-pw' });
    phone.trace = true;
    const heard: SipTraceEntry[] = [];
    phone.on('trace', (entry) => heard.push(entry));
    await phone.register();
    const everything = JSON.stringify(heard);
    expect(everything).to.include('Authorization: …');
    expect(everything).not.to.include('alice-pw');
    phone.stop();
  });
});
