// <sip-phone> against sipp (Debian's sip-tester) on UDP 127.0.0.1, through a real Kamailio, for
// what a browser cannot produce: 183 early media then 486, a plain 486, a plain-RTP offer, a
// remote re-INVITE with a=sendonly and an incoming SIP INFO DTMF. sipp speaks plain RTP, not
// ICE/DTLS-SRTP: these are signalling tests only, no media is expected to flow.
//
// sipp itself is run by support/sipp.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './support/harness.mjs';
import { assertClean, sippFinished, sippSuite, startLines, states } from './support/sipp.mjs';

const env = sippSuite('sipp');
const registered = (user) => env.registered(user);
const startSipp = (scenario, name) => env.startSipp(scenario, name);

describe('signalling against sipp on UDP through Kamailio', () => {
  test('183 Session Progress with SDP (early media) after 180, then 486: ringing, early SDP applied, ends busy/486', { timeout: 30000 }, async () => {
    const sipp = await startSipp('uas-early-media-busy.xml', 'early-busy');
    const phone = await registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`);
      assert.ok(placed.value, `call() resolved to an id: ${JSON.stringify(placed)}`);
      const ringing = await phone.waitFor('sip-call-state', { 'call.state': 'ringing' }, 10000);
      assert.equal(ringing.detail.call.id, placed.value);
      assert.equal(ringing.detail.call.remoteUri, `sip:svc@127.0.0.1:${sipp.port}`);
      // The 183's SDP is the early-media answer: the phone's RTCPeerConnection takes it
      // (Chromium rewrites s= and the like; the ICE credentials are sipp's).
      const early = await until(
        () =>
          phone.page.evaluate(() => {
            const pc = window.phone().getPeerConnection();
            const sdp = pc?.remoteDescription?.sdp ?? '';
            return sdp.includes('a=ice-ufrag:SIPpUfrg') ? { signalingState: pc.signalingState, type: pc.remoteDescription.type, sdp } : null;
          }),
        { timeout: 5000, message: 'the 183 SDP applied as the remote description' },
      );
      assert.equal(early.signalingState, 'stable');
      assert.equal(early.type, 'answer');
      assert.match(early.sdp, /^o=\S+ 4242 1 /m);
      assert.equal((await phone.prop('activeCall')).state, 'ringing');
      assert.equal(await phone.prop('ringing'), null, 'early media replaces the local ringback');

      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'busy');
      assert.equal(end.detail.statusCode, 486);
      assert.equal(end.detail.call.id, placed.value);
      assert.equal(end.detail.durationMs, 0);
      assert.deepEqual(await states(phone), ['ringing', 'ended'], '180 and 183 ring once; never active');
      await assertClean(phone);

      const { messages } = await sippFinished(sipp);
      const sent = startLines(messages, 'sent');
      assert.deepEqual(sent, ['SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress', 'SIP/2.0 486 Busy Here']);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('486 Busy Here straight away: the call ends busy/486 without ringing', { timeout: 30000 }, async () => {
    const sipp = await startSipp('uas-busy.xml', 'busy');
    const phone = await registered('bob');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`);
      assert.ok(placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'busy');
      assert.equal(end.detail.statusCode, 486);
      assert.equal(end.detail.call.id, placed.value);
      assert.deepEqual(await states(phone), ['ended']);
      assert.match(await phone.text('[part~="status"]'), /busy/);
      await assertClean(phone);
      await sippFinished(sipp);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('a sipp UAC offers plain RTP/AVP to erin: the phone rings, answering fails with 488, the call ends cleanly', { timeout: 30000 }, async () => {
    const phone = await registered('erin');
    const sipp = await startSipp('uac-plain-rtp.xml', 'plain-rtp');
    try {
      const incoming = await phone.waitFor('sip-incoming-call', {}, 10000);
      assert.equal(incoming.detail.call.direction, 'incoming');
      assert.equal(incoming.detail.call.state, 'incoming');
      assert.equal(incoming.detail.call.remoteUri, `sip:sipp@127.0.0.1:${sipp.port}`);
      assert.equal(incoming.detail.call.remoteDisplayName, 'SIPp Caller');
      assert.equal(incoming.detail.call.video, false);

      // answer() starts the answer; setRemoteDescription() then refuses an offer without ICE/DTLS.
      assert.deepEqual(await phone.call('answer'), {});
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.call.id, incoming.detail.call.id);
      assert.equal(end.detail.cause, 'incompatible-sdp');
      assert.equal(end.detail.statusCode, undefined, 'no SIP response was received: we sent the 488');
      assert.equal(end.detail.durationMs, 0);
      assert.deepEqual(await states(phone), ['ended'], 'never active');
      await assertClean(phone);

      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received');
      assert.deepEqual(
        received.filter((l) => !l.startsWith('SIP/2.0 100')),
        ['SIP/2.0 180 Ringing', 'SIP/2.0 488 Not Acceptable Here'],
      );
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('sipp answers with a WebRTC-style SDP, holds the phone (re-INVITE a=sendonly), sends INFO DTMF 5, then BYE', { timeout: 30000 }, async () => {
    const sipp = await startSipp('uas-answer-hold-info-bye.xml', 'hold-info-bye');
    const phone = await registered('dave');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`);
      assert.ok(placed.value);
      const active = await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
      assert.equal(active.detail.call.id, placed.value);

      const held = await phone.waitFor('sip-call-updated', { change: 'remoteHeld' }, 5000);
      assert.equal(held.detail.call.id, placed.value);
      assert.equal(held.detail.call.remoteHeld, true);
      assert.equal(held.detail.call.held, false);
      assert.equal(held.detail.call.state, 'active');

      const dtmf = await phone.waitFor('sip-dtmf', {}, 5000);
      assert.deepEqual(dtmf.detail, { callId: placed.value, tone: '5', direction: 'incoming' });
      assert.equal((await phone.prop('activeCall')).remoteHeld, true);

      const end = await phone.waitFor('sip-call-ended', {}, 5000);
      assert.equal(end.detail.cause, 'bye');
      assert.equal(end.detail.call.id, placed.value);
      assert.ok(end.detail.durationMs > 0);
      assert.ok(held.at < dtmf.at && dtmf.at < end.at, 'hold, then DTMF, then BYE');
      assert.deepEqual(await states(phone), ['active', 'ended']);
      assert.equal((await phone.events('sip-dtmf')).length, 1);
      assert.deepEqual(
        (await phone.events('sip-call-updated')).map((e) => e.detail.change),
        ['remoteHeld'],
      );
      await assertClean(phone);

      // The scenario itself checked the phone's answer to the re-INVITE says a=recvonly.
      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received');
      assert.deepEqual(
        received.filter((l) => !/^SIP\/2\.0 100 /.test(l)),
        [
          `INVITE sip:svc@127.0.0.1:${sipp.port} SIP/2.0`,
          `ACK sip:sipp@127.0.0.1:${sipp.port};transport=udp SIP/2.0`, // JsSIP lowercases the transport
          'SIP/2.0 200 OK', // re-INVITE
          'SIP/2.0 200 OK', // INFO
          'SIP/2.0 200 OK', // BYE
        ],
      );
    } finally {
      sipp.stop();
      await phone.close();
    }
  });
});
