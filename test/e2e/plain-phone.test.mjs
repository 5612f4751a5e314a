// <sip-phone> and plain SIP phones: baresip on UDP, registered with the repo's Kamailio, media
// bridged by rtpengine (ICE + DTLS-SRTP towards the browser, plain RTP towards the phone). Audio is
// judged by content both ways: the browser's Web Audio analyser finds the phone's 440 Hz tone, and
// what the browser sent to the phone (rtpengine's recording of the call, decrypted) is decoded
// (Opus with WebCodecs in the page, G.711 μ-law here) and must hold sound, not silence.
// dave answers with opus, PCMU and PCMA; erin is a G.711-only phone (PCMU).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { startBaresip } from './support/baresip.mjs';
import { launchBrowser, mediaFlows, openRegisteredPhone, serveRepo, until } from './support/harness.mjs';
import { pcmuLevel, recordCalls, recordedPackets, telephoneEvents } from './support/rtp-recording.mjs';

const TONE_HZ = 440;
/** A decoded 20 ms frame louder than this holds sound (Chromium's fake microphone beeps at about −20 dBFS). */
const SOUND_DBFS = -50;

let kamailio;
let web;
let browser;
let dave;
let erin;
let recordingDir;

before(async () => {
  recordingDir = mkdtempSync(join(tmpdir(), 'sip-phone-rtp-'));
  kamailio = await startKamailio({ name: 'plain-phone', rtpengine: true, rtpengineRecordingDir: recordingDir });
  web = await serveRepo();
  browser = await launchBrowser();
  [dave, erin] = await Promise.all([startBaresip({ user: 'dave', kamailio }), startBaresip({ user: 'erin', kamailio, codecs: 'pcmu' })]);
});

after(async () => {
  await Promise.all([dave?.stop(), erin?.stop()]);
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
  if (recordingDir) rmSync(recordingDir, { recursive: true, force: true });
});

const alicePhone = (attributes = {}) => openRegisteredPhone(browser, web.url, { user: 'alice', server: kamailio.wsUrl, attributes });

/** alice calls `peer` and resolves once the call is active and rtpengine records it. */
async function aliceCalls(alice, peer) {
  const from = peer.events().length;
  const { value: callId, error } = await alice.call('call', peer.user);
  assert.equal(error, undefined);
  await alice.waitFor('sip-call-state', { 'call.id': callId, 'call.state': 'active' });
  await peer.waitForEvent('CALL_ESTABLISHED', { from });
  return { callId, rtpCall: await recordNewCall() };
}

const recorded = new Set();
/** Starts rtpengine's recording of the call it relays now; resolves to rtpengine's call id. */
async function recordNewCall() {
  const rtpCall = (await recordCalls(kamailio.rtpengine)).find((id) => !recorded.has(id));
  assert.ok(rtpCall, 'rtpengine relays the call');
  recorded.add(rtpCall);
  return rtpCall;
}

/** The browser hears the phone's tone: its Web Audio analyser finds 440 Hz. */
async function browserHearsTone(phone) {
  const peak = await until(
    async () => {
      const hz = await phone.page.evaluate(() => window.remoteTonePeak());
      return hz && Math.abs(hz - TONE_HZ) < 15 ? hz : null;
    },
    { timeout: 8000, interval: 200, message: `${phone.user} hearing a ${TONE_HZ} Hz tone` },
  );
  return peak;
}

/** Resolves once the browser has sent `frames` more audio packets than now (20 ms each). */
async function browserSendsFrames(phone, frames) {
  const sent = () =>
    phone.page.evaluate(async () => {
      let packets = 0;
      (await window.phone().getPeerConnection().getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'audio') packets += s.packetsSent;
      });
      return packets;
    });
  const start = await sent();
  await until(async () => (await sent()) >= start + frames, { timeout: frames * 20 + 5000, message: `${frames} audio frames sent` });
}

/**
 * The levels (dBFS per 20 ms frame) of the audio the browser sent to the phone through rtpengine
 * after `since` and before `before` (ms since the epoch): the recorded packets towards the phone,
 * decoded. rtpengine writes the recording when the call ends.
 */
async function levelsSentToPhone(phone, rtpCall, since = 0, before = Infinity) {
  const { port, codecs } = audioOf((await phone.page.evaluate(() => window.lastSdp())).remote);
  const packets = await until(
    () => {
      const all = recordedPackets(recordingDir, rtpCall).filter((p) => p.dstPort === port && p.at >= since && p.at < before);
      return all.length ? all : null;
    },
    { timeout: 5000, message: "rtpengine's recording of the call" },
  );
  const pcmu = packets.filter((p) => codecs[p.pt] === 'PCMU/8000');
  const opus = packets.filter((p) => codecs[p.pt] === 'opus/48000/2');
  assert.ok(pcmu.length || opus.length, `opus or PCMU among the recorded packets (payload types ${[...new Set(packets.map((p) => p.pt))]})`);
  if (pcmu.length > opus.length) return pcmu.map((p) => pcmuLevel(p.payload));
  return phone.page.evaluate(
    (payloads) => window.opusLevels(payloads),
    opus.map((p) => p.payload.toString('base64')),
  );
}

/** The browser's side of rtpengine: the port of its m=audio line and the codec of each payload type. */
function audioOf(sdp) {
  const codecs = {};
  for (const [, pt, codec] of sdp.matchAll(/a=rtpmap:(\d+) ([^\r\n]+)/g)) codecs[pt] = codec;
  return { port: Number(/m=audio (\d+)/.exec(sdp)[1]), codecs };
}

const loudFrames = (levels) => levels.filter((l) => l > SOUND_DBFS).length;

describe('a browser and plain SIP phones through rtpengine', () => {
  test('alice calls dave (a plain SIP phone): each hears the other, and when she hangs up both see the call end', async () => {
    const alice = await alicePhone();
    try {
      const from = dave.events().length;
      const { rtpCall } = await aliceCalls(alice, dave);
      assert.match(
        (await alice.page.evaluate(() => window.lastSdp())).remote,
        /UDP\/TLS\/RTP\/SAVPF 111/,
        "the browser gets rtpengine's ICE/DTLS answer with opus",
      );
      await browserHearsTone(alice);
      await browserSendsFrames(alice, 100);
      assert.equal((await alice.call('hangup')).error, undefined);
      assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'hangup');
      await dave.waitForEvent('CALL_CLOSED', { from });
      await until(async () => !(await kamailio.rtpengine.command({ command: 'list' })).calls.includes(rtpCall), {
        message: 'rtpengine forgetting the call after the BYE',
      });
      const levels = await levelsSentToPhone(alice, rtpCall);
      assert.ok(loudFrames(levels) >= 5, `dave received sound: ${loudFrames(levels)} of ${levels.length} frames above ${SOUND_DBFS} dBFS`);
    } finally {
      await alice.close();
    }
  });

  test('dave calls alice and she answers: each hears the other, and when he hangs up both see the call end', async () => {
    const alice = await alicePhone({ 'auto-answer': true });
    try {
      const from = dave.events().length;
      assert.equal((await dave.dial('sip:alice@sip-phone.test')).ok, true);
      const incoming = await alice.waitFor('sip-incoming-call');
      assert.equal(incoming.detail.call.remoteUri, 'sip:dave@sip-phone.test');
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await dave.waitForEvent('CALL_ESTABLISHED', { from });
      const rtpCall = await recordNewCall();
      await browserHearsTone(alice);
      await browserSendsFrames(alice, 100);
      assert.equal((await dave.hangup()).ok, true);
      assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'bye');
      await dave.waitForEvent('CALL_CLOSED', { from });
      const levels = await levelsSentToPhone(alice, rtpCall);
      assert.ok(loudFrames(levels) >= 5, `dave received sound: ${loudFrames(levels)} of ${levels.length} frames above ${SOUND_DBFS} dBFS`);
    } finally {
      await alice.close();
    }
  });

  test('alice holds dave and resumes: afterwards he receives her voice again and she hears his tone', async () => {
    const alice = await alicePhone();
    try {
      const from = dave.events().length;
      const { rtpCall } = await aliceCalls(alice, dave);
      await browserHearsTone(alice);
      assert.equal((await alice.call('hold')).error, undefined);
      await alice.waitFor('sip-call-updated', { 'call.held': true });
      assert.equal((await alice.call('unhold')).error, undefined);
      const resumedAt = Date.now();
      await browserHearsTone(alice);
      await browserSendsFrames(alice, 100);
      assert.equal((await alice.call('hangup')).error, undefined);
      await dave.waitForEvent('CALL_CLOSED', { from });
      const levels = await levelsSentToPhone(alice, rtpCall, resumedAt);
      assert.ok(levels.length >= 50, `audio after the resume was recorded (${levels.length} frames)`);
      assert.ok(loudFrames(levels) >= 5, `after the resume dave received sound: ${loudFrames(levels)} of ${levels.length} frames above ${SOUND_DBFS} dBFS`);
    } finally {
      await alice.close();
    }
  });

  test('erin is a G.711-only phone: alice calls her, the call uses PCMU and each hears the other', async () => {
    const alice = await alicePhone();
    try {
      const from = erin.events().length;
      const { rtpCall } = await aliceCalls(alice, erin);
      const answer = (await alice.page.evaluate(() => window.lastSdp())).remote;
      assert.match(answer, /m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0[ \r]/, 'PCMU is the first codec of the answer');
      assert.doesNotMatch(answer, /opus/);
      await browserHearsTone(alice);
      await browserSendsFrames(alice, 100);
      assert.equal((await erin.hangup()).ok, true);
      assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'bye');
      await erin.waitForEvent('CALL_CLOSED', { from });
      const levels = await levelsSentToPhone(alice, rtpCall);
      assert.ok(loudFrames(levels) >= 5, `erin received sound: ${loudFrames(levels)} of ${levels.length} frames above ${SOUND_DBFS} dBFS`);
    } finally {
      await alice.close();
    }
  });

  test('alice transfers dave (a plain SIP phone) to bob: dave calls bob through rtpengine, bob hears his tone, alice ends as transferred', async () => {
    const alice = await alicePhone();
    const bob = await openRegisteredPhone(browser, web.url, { user: 'bob', server: kamailio.wsUrl, attributes: { 'auto-answer': true } });
    try {
      const from = dave.events().length;
      await aliceCalls(alice, dave);
      await browserHearsTone(alice);
      assert.deepEqual(await alice.call('transfer', 'bob'), {});
      const incoming = await bob.waitFor('sip-incoming-call');
      assert.equal(incoming.detail.call.remoteUri, 'sip:dave@sip-phone.test', 'the new call comes from dave');
      await bob.waitFor('sip-call-state', { 'call.state': 'active' });
      assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'transferred');
      assert.equal(await alice.prop('activeCall'), null);
      assert.match((await bob.page.evaluate(() => window.lastSdp())).remote, /a=fingerprint:/, "bob gets rtpengine's DTLS offer, not a plain RTP one");
      await browserHearsTone(bob);
      await browserSendsFrames(bob, 50);
      assert.equal((await bob.call('hangup')).error, undefined);
      await until(
        () =>
          dave
            .events()
            .slice(from)
            .filter((e) => e.type === 'CALL_CLOSED').length >= 2,
        { message: "both of dave's calls closed" },
      );
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  test('erin (G.711 only) calls alice: each hears the other; alice holds and resumes and each hears the other again; alice hangs up and both see the call end', async () => {
    const alice = await alicePhone({ 'auto-answer': true });
    try {
      const from = erin.events().length;
      assert.equal((await erin.dial('sip:alice@sip-phone.test')).ok, true);
      assert.equal((await alice.waitFor('sip-incoming-call')).detail.call.remoteUri, 'sip:erin@sip-phone.test');
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await erin.waitForEvent('CALL_ESTABLISHED', { from });
      const rtpCall = await recordNewCall();
      const offer = (await alice.page.evaluate(() => window.lastSdp())).remote;
      assert.match(offer, /m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0[ \r]/, "erin's offer reaches alice with PCMU first");
      assert.doesNotMatch(offer, /opus/);
      await browserHearsTone(alice);
      await browserSendsFrames(alice, 50);
      const beforeHold = Date.now();

      assert.equal((await alice.call('hold')).error, undefined);
      await alice.waitFor('sip-call-updated', { 'call.held': true });
      assert.equal((await alice.call('unhold')).error, undefined);
      await alice.waitFor('sip-call-updated', { 'call.held': false });
      const resumedAt = Date.now();
      await browserHearsTone(alice);
      await browserSendsFrames(alice, 100);
      assert.equal((await alice.call('hangup')).error, undefined);
      assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'hangup');
      await erin.waitForEvent('CALL_CLOSED', { from });
      const early = await levelsSentToPhone(alice, rtpCall, 0, beforeHold);
      assert.ok(loudFrames(early) >= 5, `before the hold erin received sound: ${loudFrames(early)} of ${early.length} frames above ${SOUND_DBFS} dBFS`);
      const levels = await levelsSentToPhone(alice, rtpCall, resumedAt);
      assert.ok(levels.length >= 50, `audio after the resume was recorded (${levels.length} frames)`);
      assert.ok(loudFrames(levels) >= 5, `after the resume erin received sound: ${loudFrames(levels)} of ${levels.length} frames above ${SOUND_DBFS} dBFS`);
    } finally {
      await alice.close();
    }
  });

  test('alice calls bob (both browsers) through the same Kamailio: their media stays direct, rtpengine never sees the call', async () => {
    const alice = await alicePhone();
    const bob = await openRegisteredPhone(browser, web.url, { user: 'bob', server: kamailio.wsUrl, attributes: { 'auto-answer': true } });
    try {
      assert.equal((await alice.call('call', 'bob')).error, undefined);
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await Promise.all([mediaFlows(alice, { video: false }), mediaFlows(bob, { video: false })]);
      assert.deepEqual((await kamailio.rtpengine.command({ command: 'list' })).calls, []);
      const [offerSent, offerReceived] = [(await alice.page.evaluate(() => window.lastSdp())).local, (await bob.page.evaluate(() => window.lastSdp())).remote];
      const fingerprint = (sdp) => /a=fingerprint:\S+ (\S+)/.exec(sdp)?.[1];
      assert.equal(fingerprint(offerReceived), fingerprint(offerSent), "bob got alice's own DTLS fingerprint");
      assert.equal((await alice.call('hangup')).error, undefined);
      await bob.waitFor('sip-call-ended');
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  for (const [peerName, codec] of [
    ['dave', 'opus with telephone-event/8000'],
    ['erin', 'PCMU'],
  ]) {
    test(`alice dials digits during a call with ${peerName} (${codec}) and ${peerName} gets every one (RFC 4733)`, async () => {
      const peer = peerName === 'dave' ? dave : erin;
      const alice = await alicePhone();
      try {
        const from = peer.events().length;
        const { rtpCall } = await aliceCalls(alice, peer);
        const digits = '159#*0';
        assert.equal((await alice.call('sendDtmf', digits)).error, undefined);
        await until(() => peer.dtmf(from).length >= digits.length, { timeout: 10000, message: `${peerName} reporting ${digits.length} digits` }).catch(
          () => {},
        );
        const received = peer.dtmf(from);
        assert.equal((await alice.call('hangup')).error, undefined);
        await peer.waitForEvent('CALL_CLOSED', { from });
        const { port, codecs } = audioOf((await alice.page.evaluate(() => window.lastSdp())).remote);
        const events = telephoneEvents(
          recordedPackets(recordingDir, rtpCall).filter((p) => p.dstPort === port && codecs[p.pt]?.startsWith('telephone-event/')),
        );
        assert.equal(received, digits, `${peerName} reported the digits; RFC 4733 events sent: ${JSON.stringify(events)}`);
      } finally {
        await alice.close();
      }
    });
  }
});
