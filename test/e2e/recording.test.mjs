// Recording a call between <sip-phone> elements through Kamailio: both sides in one track.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoAxeViolations, e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('recording');

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const close = (...phones) => Promise.all(phones.map((p) => p.close()));

async function inCall(caller, callee) {
  await caller.call('call', callee.user, { video: false });
  await callee.waitFor('sip-incoming-call');
  await callee.call('answer');
  await caller.waitFor('sip-call-state', { 'call.state': 'active' });
  await callee.waitFor('sip-call-updated', { change: 'media' });
}

/** Seconds since `since` (performance.now() in the page). */
const secondsSince = (phone, since) => phone.page.evaluate((t) => (performance.now() - t) / 1000, since);
const now = (phone) => phone.page.evaluate(() => performance.now());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("alice records her call with bob: the recording holds bob's side while only he speaks, hers while only she does, silence when both are muted", async (t) => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    assert.equal((await alice.call('startRecording')).error.code, 'not-in-call');
    await inCall(alice, bob);
    const id = (await alice.prop('activeCall')).id;
    assert.equal((await alice.call('startRecording', 'call-nobody')).error.code, 'no-such-call');
    assert.equal((await alice.call('stopRecording')).error.code, 'invalid-call-state');

    // Only bob's sound first: alice muted. (The fake microphones beep about once a second.)
    await alice.call('mute');
    const started = await now(alice);
    assert.deepEqual(await alice.call('startRecording'), {});
    const start = await alice.waitFor('sip-recording', { state: 'started' });
    assert.equal(start.detail.call.id, id);
    assert.equal(await alice.text('[part~="recording"]'), 'Recording');
    await assertNoAxeViolations(alice, env.web.url, 'recording');
    await sleep(3000);
    // Then only alice: she unmutes, bob mutes.
    const switched = await secondsSince(alice, started);
    await Promise.all([alice.call('unmute'), bob.call('mute')]);
    await sleep(3000);
    // Then nobody.
    const silenced = await secondsSince(alice, started);
    await alice.call('mute');
    await sleep(2500);
    const stopped = await alice.page.evaluate(async () => {
      const blob = await window.phone().stopRecording();
      return { size: blob.size, type: blob.type, same: window.recordedBlobs.at(-1) === blob };
    });
    assert.ok(stopped.size > 1000 && stopped.same, JSON.stringify(stopped));
    assert.equal((await alice.waitFor('sip-recording', { state: 'stopped' })).detail.call.id, id);
    assert.equal(await alice.text('[part~="recording"]'), null);

    const margin = 0.7;
    const recording = await alice.page.evaluate(
      ([windows]) => window.recordingPeaks(-1, windows),
      [
        [
          [margin, switched - margin / 2],
          [switched + margin, silenced - margin / 2],
          [silenced + margin, silenced + 2.2],
        ],
      ],
    );
    t.diagnostic(`recording: ${JSON.stringify(recording)}`);
    const [bobOnly, aliceOnly, nobody] = recording.peaks;
    assert.match(recording.type, /^audio\/(webm|ogg)/);
    assert.ok(bobOnly > 0.02, `bob's side in the recording: ${JSON.stringify(recording)}`);
    assert.ok(aliceOnly > 0.02, `alice's side in the recording: ${JSON.stringify(recording)}`);
    assert.ok(nobody < 0.005, `silence while both are muted: ${JSON.stringify(recording)}`);
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('a call that ends while recorded delivers its recording then', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await inCall(alice, bob);
    await bob.call('startRecording');
    await bob.waitFor('sip-recording', { state: 'started' });
    await sleep(2000);
    await alice.call('hangup');
    const stopped = await bob.waitFor('sip-recording', { state: 'stopped' });
    assert.equal(stopped.detail.call.state, 'ended');
    const recording = await until(() => bob.page.evaluate(() => window.recordedBlobs.length && window.recordingPeaks(-1, [[0, 1.8]])), {
      message: "bob's recording",
    });
    assert.ok(recording.duration > 1.5 && recording.peaks[0] > 0.02, JSON.stringify(recording));
    assert.equal(await bob.text('[part~="recording"]'), null);
  } finally {
    await close(alice, bob);
  }
});
