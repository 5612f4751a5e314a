// A local three-way conference: alice merges her calls with bob and carol (<sip-phone> elements
// through Kamailio); she mixes in her browser, so each hears her and the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoAxeViolations, e2eSuite, openRegisteredPhone, receivedDuring, until } from './support/harness.mjs';

const env = e2eSuite('conference');

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const close = (...phones) => Promise.all(phones.map((p) => p.close()));

/** alice calls `callee`, who answers; resolves to alice's call id. */
async function aliceCalls(alice, callee, { video = false } = {}) {
  const from = (await alice.events('sip-call-state')).length;
  const { value: id } = await alice.call('call', callee.user, { video });
  await callee.waitFor('sip-incoming-call');
  await callee.call('answer');
  await until(async () => (await alice.events('sip-call-state')).slice(from).some((e) => e.detail.call.id === id && e.detail.call.state === 'active'), {
    message: `alice's call with ${callee.user} active`,
  });
  await callee.waitFor('sip-call-updated', { change: 'media' });
  return id;
}

/** Received audio energy over `ms` per call of alice's, by call id. */
async function aliceHears(alice, ms) {
  const before = await alice.page.evaluate(() => window.callEnergies());
  await new Promise((r) => setTimeout(r, ms));
  const after = await alice.page.evaluate(() => window.callEnergies());
  return Object.fromEntries(Object.keys(after).map((id) => [id, after[id] - (before[id] ?? 0)]));
}

/** Until each phone has received sound (energy) within 1.5 s; resolves to the energies. */
async function eachHears(phones, label) {
  let last;
  await until(
    async () => {
      last = await receivedDuring(phones, 1500);
      return last.every((r) => r.energy > 0.02);
    },
    { timeout: 15000, interval: 0, message: label },
  ).catch((e) => {
    throw new Error(`${e.message}: ${JSON.stringify(last)}`);
  });
  return last.map((r) => r.energy);
}

test('alice merges her calls with bob and carol: muted herself, bob hears carol and carol hears bob; bob hangs up and carol stays an ordinary call', async (t) => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  const carol = await registered('carol');
  try {
    const withBob = await aliceCalls(alice, bob);
    const withCarol = await aliceCalls(alice, carol);
    // Call waiting held bob; the merge resumes him.
    await until(async () => (await alice.prop('calls')).find((c) => c.id === withBob).held, { message: 'bob held by call waiting' });
    assert.equal((await alice.call('merge', withBob, 'call-nobody')).error.code, 'no-such-call');
    assert.equal((await alice.call('merge', withBob, withBob)).error.code, 'invalid-option');
    assert.deepEqual(await alice.call('merge', withBob, withCarol), {});
    const calls = await alice.prop('calls');
    assert.deepEqual(
      calls.map((c) => [c.id, c.held, c.conference]),
      [
        [withBob, false, [withCarol]],
        [withCarol, false, [withBob]],
      ],
    );
    // alice mutes once: she is muted in both calls.
    await alice.call('mute');
    await until(async () => (await alice.prop('calls')).every((c) => c.muted.audio), { message: 'alice muted in both calls' });
    // (What was on its way before the mute plays out first.)
    await new Promise((r) => setTimeout(r, 1000));
    // Without her microphone, what bob and carol hear can only be each other, through her mix.
    const energies = await eachHears([bob, carol], 'bob and carol hear each other through alice');
    t.diagnostic(`bob, carol hear (alice muted): ${energies}`);
    // And alice hears them both.
    const aliceGets = await aliceHears(alice, 2000);
    t.diagnostic(`alice hears: ${JSON.stringify(aliceGets)}`);
    assert.ok(aliceGets[withBob] > 0.005 && aliceGets[withCarol] > 0.005, JSON.stringify(aliceGets));
    // The screen shows both parties: carol's call in front, bob beside it.
    assert.equal(await alice.text('[part~="caller"]'), 'carol');
    assert.equal(await alice.text('[part~="conference-party"] figcaption'), 'bob');

    // Recording the call with carol while only bob makes a sound: a merged call's recording holds
    // the other merged parties too.
    await carol.call('mute');
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await alice.call('startRecording', withCarol), {});
    await new Promise((r) => setTimeout(r, 3000));
    await alice.call('stopRecording', withCarol);
    const recording = await alice.page.evaluate(() => window.recordingPeaks(-1, [[0.5, 2.8]]));
    t.diagnostic(`the recording of carol's call with only bob unmuted: ${JSON.stringify(recording)}`);
    assert.ok(recording.peaks[0] > 0.02, `bob in the recording of the call with carol: ${JSON.stringify(recording)}`);

    // Bob and carol mute too: with alice muted in both calls, nothing reaches either of them.
    await Promise.all([bob.call('mute'), carol.call('mute')]);
    await new Promise((r) => setTimeout(r, 1000));
    const silent = (await receivedDuring([bob, carol], 1500)).map((r) => r.energy);
    assert.ok(
      silent.every((energy) => energy < 1e-4),
      `silence with everyone muted: ${silent}`,
    );
    // alice unmutes (once, for both calls): both hear her.
    await alice.call('unmute');
    await until(async () => (await alice.prop('calls')).every((c) => !c.muted.audio), { message: 'alice unmuted in both calls' });
    t.diagnostic(`bob, carol hear alice: ${await eachHears([bob, carol], 'bob and carol hear alice')}`);
    await Promise.all([bob.call('unmute'), carol.call('unmute')]);
    await alice.call('mute');

    // Bob hangs up: carol's call goes on as an ordinary call, with alice's plain microphone.
    await bob.call('hangup');
    await until(async () => (await alice.prop('calls')).length === 1, { message: "alice's call with bob ended" });
    await until(async () => (await alice.prop('calls'))[0].conference === null, { message: 'no conference left' });
    assert.equal(await alice.text('[part~="conference"]'), null);
    const sent = await alice.page.evaluate(() => {
      const track = window
        .phone()
        .getPeerConnection()
        .getSenders()
        .find((s) => s.track?.kind === 'audio')?.track;
      return { label: track?.label, state: track?.readyState };
    });
    assert.doesNotMatch(sent.label, /Destination/i, JSON.stringify(sent));
    assert.equal(sent.state, 'live');
    await alice.call('unmute');
    await eachHears([carol], 'carol hears alice after bob left');
    await alice.call('hangup');
  } finally {
    await close(alice, bob, carol);
  }
});

test('a video conference merged with "Merge calls": alice sees both bob and carol', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  const carol = await registered('carol');
  try {
    await aliceCalls(alice, bob, { video: true });
    await aliceCalls(alice, carol, { video: true });
    await alice.page.locator('sip-phone').locator('[part~="merge-button"]').click();
    await until(async () => (await alice.prop('calls')).every((c) => c.conference?.length === 1 && !c.held), { message: 'merged by the button' });
    assert.equal(await alice.text('[part~="merge-button"]'), null);
    // carol in the big picture, bob beside her: both pictures play.
    const sizes = () =>
      alice.page.evaluate(() =>
        ['remote-video', 'conference-video'].map((name) => window.phone().shadowRoot.querySelector(`[part~="${name}"]`)?.videoWidth ?? 0),
      );
    await until(async () => (await sizes()).every((width) => width > 0), { message: 'both parties seen' });
    await assertNoAxeViolations(alice, env.web.url, 'in a video conference');
    await alice.call('hangup');
    await alice.call('hangup');
  } finally {
    await close(alice, bob, carol);
  }
});
