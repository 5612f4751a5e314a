// SIP as real servers and phones speak it, against sipp on Kamailio's UDP side: answers the
// browser cannot use, and what the phone must still do (ACK, BYE, release everything), after
// which it calls another element normally.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './support/harness.mjs';
import { assertClean, sippFinished, sippSuite, startLines, states } from './support/sipp.mjs';

const env = sippSuite('sip-quirks');

/** The phone still places an ordinary call to another element and ends it. */
async function stillCalls(phone) {
  const other = await env.registered('erin', { 'auto-answer': true });
  try {
    const before = (await phone.events('sip-call-ended')).length;
    await phone.call('call', 'erin', { video: false });
    await phone.waitFor('sip-call-state', { 'call.state': 'active', 'call.remoteUri': 'sip:erin@sip-phone.test' });
    await phone.call('hangup');
    await until(async () => (await phone.events('sip-call-ended')).length === before + 1, { message: 'the ordinary call ended' });
  } finally {
    await other.close();
  }
}

describe('answers the browser cannot use', () => {
  test('a 200 OK with garbled SDP: the phone ACKs it, sends BYE, ends incompatible-sdp and closes its peer connection', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-garbled-sdp.xml', 'garbled-sdp');
    const phone = await env.registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      assert.ok(placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'incompatible-sdp');
      assert.deepEqual(await states(phone), ['ended'], 'never shown as active');
      await assertClean(phone);
      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received').filter((l) => !/^SIP\/2\.0 100 /.test(l));
      assert.deepEqual(received.map((l) => l.split(' ')[0]), ['INVITE', 'ACK', 'BYE'], 'every 2xx ACKed, then the dialog ended');
      await stillCalls(phone);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });
});

describe('no answer at all', () => {
  test('an INVITE nobody answers (the server froze) ends request-timeout after Timer B, not canceled; then calls work again', { timeout: 70000 }, async () => {
    // No keep-alive, so that the frozen server is noticed by the INVITE's own timer, not by pings.
    const phone = await env.registered('alice', { 'keepalive-interval': 0 });
    try {
      env.kamailio.freeze();
      const started = Date.now();
      const placed = await phone.call('call', 'bob', { video: false });
      assert.ok(placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 40000);
      const waited = Date.now() - started;
      env.kamailio.thaw();
      assert.equal(end.detail.cause, 'request-timeout');
      assert.ok(waited > 30000 && waited < 36000, `ended ${waited} ms after the INVITE (Timer B: 64 × T1 = 32 s)`);
      assert.match(await phone.text('[part~="status"]'), /ended/);
      await assertClean(phone);
      await stillCalls(phone);
    } finally {
      env.kamailio.thaw();
      await phone.close();
    }
  });
});

describe('races', () => {
  test("the callee's 200 crosses our CANCEL: the phone shows canceled, ACKs the late 200 and sends BYE, so nobody stays in a call", { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-cancel-crosses-200.xml', 'cancel-crosses-200');
    const phone = await env.registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      await phone.waitFor('sip-call-state', { 'call.state': 'ringing' }, 10000);
      await phone.call('hangup', placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 5000);
      assert.equal(end.detail.cause, 'canceled');
      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received').map((l) => l.split(' ')[0]);
      assert.deepEqual(received, ['INVITE', 'CANCEL', 'ACK', 'BYE'], 'the late 200 was ACKed and its dialog ended');
      assert.deepEqual(await states(phone), ['ringing', 'ended'], 'never shown as active');
      await assertClean(phone);
      await stillCalls(phone);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });
});
