// The local conference with other SIP stacks as the merged parties: carol on SIP.js 0.21
// (SimpleUser) and dave, a plain SIP phone (baresip, a steady 440 Hz tone, behind rtpengine).
// alice (<sip-phone>) mixes in her browser, so neither needs to know it is in a conference.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { startBaresip } from './support/baresip.mjs';
import { launchBrowser, openRegisteredPhone, receivedDuring, serveRepo, until } from './support/harness.mjs';
import { recordCalls, recordedPackets } from './support/rtp-recording.mjs';
import { bundleSipJsPeer, openSipJsPeer } from './support/sipjs-peer.mjs';

let kamailio;
let web;
let browser;
let dave;
let recordingDir;
/** rtpengine's ids of the calls already recorded. */
const recordedCallIds = [];

before(async () => {
  recordingDir = mkdtempSync(join(tmpdir(), 'sip-phone-rtp-'));
  kamailio = await startKamailio({ name: 'conference-peers', rtpengine: true, rtpengineRecordingDir: recordingDir });
  web = await serveRepo();
  browser = await launchBrowser();
  [dave] = await Promise.all([startBaresip({ user: 'dave', kamailio }), bundleSipJsPeer()]);
});

after(async () => {
  await dave?.stop();
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
  if (recordingDir) rmSync(recordingDir, { recursive: true, force: true });
});

const registered = (user) => openRegisteredPhone(browser, web.url, { user, server: kamailio.wsUrl });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** alice calls an element phone, which answers; resolves to the call id. */
async function aliceCallsPhone(alice, callee) {
  const { value: id } = await alice.call('call', callee.user, { video: false });
  await callee.waitFor('sip-incoming-call');
  await callee.call('answer');
  await callee.waitFor('sip-call-updated', { change: 'media' });
  return id;
}

/** Waits until alice's call `id` is active. */
const active = (alice, id) => until(async () => (await alice.prop('calls')).find((c) => c.id === id)?.state === 'active', { message: `call ${id} active` });

/** alice merges, mutes (once: both calls) and waits for what was on its way to play out. */
async function mergeAndMute(alice, a, b) {
  assert.deepEqual(await alice.call('merge', a, b), {});
  await alice.call('mute');
  await until(async () => (await alice.prop('calls')).every((c) => c.muted.audio && c.conference?.length === 1), { message: 'merged and muted' });
  await sleep(1000);
}

test('alice merges bob and carol on SIP.js: muted herself, bob hears carol and carol hears bob', async (t) => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  const carol = await openSipJsPeer(browser, web.url, { user: 'carol', server: kamailio.wsUrl });
  try {
    const withBob = await aliceCallsPhone(alice, bob);
    const { value: withCarol } = await alice.call('call', 'carol', { video: false });
    await carol.waitFor('received');
    await carol.run('answer');
    await active(alice, withCarol);
    await until(async () => (await carol.stats())?.audioEnergyIn > 0, { message: 'carol hears alice' });
    await mergeAndMute(alice, withBob, withCarol);
    let last;
    await until(
      async () => {
        last = await receivedDuring([bob, carol], 1500).catch(() => null);
        return last?.every((r) => r.energy > 0.02);
      },
      { timeout: 15000, interval: 0, message: 'bob and carol (SIP.js) hear each other through alice' },
    ).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(last)}`);
    });
    t.diagnostic(`bob, carol hear: ${last.map((r) => r.energy)}`);
    await carol.run('hangup');
    await until(async () => (await alice.prop('calls')).length === 1 && (await alice.prop('calls'))[0].conference === null, {
      message: 'bob an ordinary call again',
    });
    await alice.call('hangup');
  } finally {
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  }
});

test("alice merges bob and dave (baresip behind rtpengine): muted herself, bob hears dave's 440 Hz tone and dave receives bob's beeps", async (t) => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    const withBob = await aliceCallsPhone(alice, bob);
    const from = dave.events().length;
    const { value: withDave } = await alice.call('call', 'dave', { video: false });
    await active(alice, withDave);
    await dave.waitForEvent('CALL_ESTABLISHED', { from });
    const known = new Set(recordedCallIds);
    const rtpCall = (await recordCalls(kamailio.rtpengine)).find((id) => !known.has(id));
    assert.ok(rtpCall, 'rtpengine relays the call with dave');
    recordedCallIds.push(rtpCall);
    await mergeAndMute(alice, withBob, withDave);
    const since = Date.now();
    // bob's fake microphone beeps; what he receives is alice's mix for him: dave's steady tone.
    const peak = await until(
      async () => {
        const hz = await bob.page.evaluate(() => window.remoteTonePeak());
        return hz && Math.abs(hz - 440) < 15 ? hz : null;
      },
      { timeout: 8000, interval: 200, message: "bob hearing dave's 440 Hz through alice" },
    );
    t.diagnostic(`bob hears a peak at ${peak} Hz`);
    await sleep(3000);
    const before_ = Date.now();
    await alice.call('hangup', withDave);
    await dave.waitForEvent('CALL_CLOSED', { from });
    // What alice's browser sent towards dave (rtpengine's recording, decoded): bob's beeps.
    const sdp = await alice.page.evaluate((id) => window.phone().getPeerConnection(id).remoteDescription?.sdp ?? '', withDave).catch(() => '');
    const port = Number(/m=audio (\d+)/.exec(sdp)?.[1] ?? 0);
    const packets = await until(
      () => {
        const all = recordedPackets(recordingDir, rtpCall).filter((p) => (!port || p.dstPort === port) && p.at >= since && p.at < before_);
        return all.length > 50 ? all : null;
      },
      { timeout: 5000, message: "rtpengine's recording of the call with dave" },
    );
    const levels = await alice.page.evaluate(
      (payloads) => window.opusLevels(payloads),
      packets.filter((p) => p.pt === packets[0].pt).map((p) => p.payload.toString('base64')),
    );
    // (Chromium's fake microphone beeps at about -15 dBFS, about a fifth of the frames.)
    const loud = levels.filter((l) => l > -30).length;
    const sorted = levels.filter((l) => typeof l === 'number').sort((a, b) => a - b);
    t.diagnostic(`levels (dBFS) at 10/50/80/95%: ${[0.1, 0.5, 0.8, 0.95].map((q) => sorted[Math.floor(q * (sorted.length - 1))]?.toFixed(1))}`);
    t.diagnostic(`dave received ${loud} of ${levels.length} frames above -30 dBFS`);
    assert.ok(loud >= 5, `dave received bob's sound through alice: ${loud} of ${levels.length} frames above -30 dBFS`);
    await until(async () => (await alice.prop('calls')).length === 1 && (await alice.prop('calls'))[0].conference === null, {
      message: 'bob an ordinary call again',
    });
    await alice.call('hangup');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});
