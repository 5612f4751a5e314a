// Quality warnings in real calls between <sip-phone> elements through Kamailio, the call really
// degraded: the other side stops sending audio, our microphone goes silent behind the phone's back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, launchFirefox, mediaFlows, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('quality');
let firefox;
before(async () => {
  firefox = await launchFirefox();
});
after(() => firefox?.close());

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const close = (...phones) => Promise.all(phones.map((p) => p.close()));

async function inCall(caller, callee) {
  await caller.call('call', callee.user, { video: false });
  await callee.waitFor('sip-incoming-call');
  await callee.call('answer');
  await caller.waitFor('sip-call-state', { 'call.state': 'active' });
  await Promise.all([mediaFlows(caller, { video: false }), mediaFlows(callee, { video: false })]);
}

/** The warning text shown in the call screen ('' while there is none). */
const warningText = (phone) => phone.text('[part~="quality-warning"]').then((text) => text ?? null);
const quality = async (phone, warning) => (await phone.events('sip-call-quality')).filter((e) => !warning || e.detail.warning === warning).map((e) => e.detail);

test('bob stops sending audio: alice is told "No sound from the other side", and the warning clears when his audio is back', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await inCall(alice, bob);
    assert.equal(await warningText(alice), '', 'no warning while all is well');
    // Bob's browser stops sending (his sender loses its track), without any SIP signalling.
    await bob.page.evaluate(() =>
      window
        .phone()
        .getPeerConnection()
        .getTransceivers()
        .find((t) => t.receiver.track.kind === 'audio')
        .sender.replaceTrack(null),
    );
    const raised = await alice.waitFor('sip-call-quality', { warning: 'no-inbound-audio', active: true }, 15000);
    assert.equal(raised.detail.threshold, 3000);
    assert.ok(raised.detail.value >= 3000, `silent for ${raised.detail.value} ms`);
    assert.equal(raised.detail.call.state, 'active');
    assert.deepEqual(raised.detail.call.qualityWarnings, ['no-inbound-audio']);
    await until(async () => (await warningText(alice)) === 'No sound from the other side.', { message: 'the warning shown at alice' });
    const region = await alice.page.evaluate(() => {
      const el = window.phone().shadowRoot.querySelector('[part~="quality-warning"]');
      return [el.getAttribute('role'), el.getAttribute('aria-live')];
    });
    assert.deepEqual(region, ['status', 'polite']);

    // His microphone goes back on the sender: alice hears him again and the warning clears.
    await bob.page.evaluate(() => {
      const call = window.phone().getPeerConnection();
      const sender = call.getTransceivers().find((t) => t.receiver.track.kind === 'audio').sender;
      return navigator.mediaDevices.getUserMedia({ audio: true }).then((stream) => sender.replaceTrack(stream.getAudioTracks()[0]));
    });
    const cleared = await alice.waitFor('sip-call-quality', { warning: 'no-inbound-audio', active: false }, 15000);
    assert.deepEqual(cleared.detail.call.qualityWarnings, []);
    await until(async () => (await warningText(alice)) === '', { message: 'the warning gone at alice' });
    assert.equal((await quality(alice, 'no-inbound-audio')).length, 2, 'raised once and cleared once');
    assert.deepEqual(await quality(alice, 'microphone-silent'), [], "alice's own microphone was fine");
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('alice\'s microphone goes silent behind the phone\'s back (a muted AudioContext track, then a disabled track): "You may be muted by your system"', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await inCall(alice, bob);
    // Digital silence on the sender (what a microphone muted by the system delivers); the phone's mute is off.
    await alice.page.evaluate(async () => {
      const context = new AudioContext();
      await context.resume();
      const destination = context.createMediaStreamDestination();
      const gain = context.createGain();
      gain.gain.value = 0;
      const tone = context.createOscillator();
      tone.connect(gain).connect(destination);
      tone.start();
      const silent = destination.stream.getAudioTracks()[0];
      const sender = window
        .phone()
        .getPeerConnection()
        .getTransceivers()
        .find((t) => t.receiver.track.kind === 'audio').sender;
      window.microphone = sender.track;
      await sender.replaceTrack(silent);
    });
    const raised = await alice.waitFor('sip-call-quality', { warning: 'microphone-silent', active: true }, 20000);
    assert.equal(raised.detail.threshold, 5000);
    assert.ok(raised.detail.value >= 5000);
    assert.equal(raised.detail.call.muted.audio, false);
    await until(async () => /^You may be muted by your system: no sound from your microphone\.$/.test(await warningText(alice)), {
      message: 'the microphone warning shown',
    });

    await alice.page.evaluate(() =>
      window
        .phone()
        .getPeerConnection()
        .getTransceivers()
        .find((t) => t.receiver.track.kind === 'audio')
        .sender.replaceTrack(window.microphone),
    );
    await alice.waitFor('sip-call-quality', { warning: 'microphone-silent', active: false }, 15000);
    await until(async () => (await warningText(alice)) === '', { message: 'the warning gone' });

    // The track disabled directly (not through mute()): silent too.
    await alice.page.evaluate(() => {
      window.microphone.enabled = false;
    });
    const events = (await quality(alice, 'microphone-silent')).length;
    await until(async () => (await quality(alice, 'microphone-silent')).length > events, { timeout: 20000, message: 'microphone-silent again' });
    assert.equal((await quality(alice, 'microphone-silent')).at(-1).active, true);
    await alice.page.evaluate(() => {
      window.microphone.enabled = true;
    });
    await until(async () => (await quality(alice, 'microphone-silent')).at(-1).active === false, { timeout: 15000, message: 'cleared again' });

    // The phone's own mute is no warning.
    await alice.call('mute');
    await new Promise((r) => setTimeout(r, 8000));
    assert.equal((await quality(alice, 'microphone-silent')).at(-1).active, false, 'muted on purpose: no warning');
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('a held call is silent on purpose: no no-inbound-audio on either side, and none after resuming', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await inCall(alice, bob);
    await alice.call('hold');
    await bob.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': true });
    await new Promise((r) => setTimeout(r, 8000));
    await alice.call('unhold');
    await bob.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': false });
    await new Promise((r) => setTimeout(r, 5000));
    for (const phone of [alice, bob]) {
      assert.deepEqual(await quality(phone), [], `${phone.user}: no quality warning`);
      assert.equal(await warningText(phone), '');
    }
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('a healthy call between Chromium and Firefox (whose statistics differ) raises no warning on either side', async () => {
  const alice = await registered('alice');
  const bob = await openRegisteredPhone(firefox, env.web.url, { user: 'bob', server: env.kamailio.wsUrl });
  try {
    await inCall(alice, bob);
    await new Promise((r) => setTimeout(r, 12000));
    for (const phone of [alice, bob]) assert.deepEqual(await quality(phone), [], `${phone.user}: no quality warning`);
    assert.ok((await alice.events('sip-call-stats')).length >= 4 && (await bob.events('sip-call-stats')).length >= 4, 'both sides sampled');
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});
