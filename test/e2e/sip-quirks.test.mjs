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
