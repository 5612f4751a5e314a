// The call screen as a person sees it, between two <sip-phone> elements through Kamailio: the
// caller card and its timer, the microphone meter, the folded dial pad, the hold overlay, links
// that call, a ringtone the autoplay policy blocks, and a ringer on its own output device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, launchBrowser, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('call-screen');

const registered = (user, { browser = env.browser, ...options } = {}) =>
  openRegisteredPhone(browser, env.web.url, { user, server: env.kamailio.wsUrl, ...options });
const part = (phone, name) => phone.page.locator('sip-phone').locator(`[part~="${name}"]`);
const partText = async (phone, name) =>
  (await part(phone, name).count()) ? (await part(phone, name).first().textContent()).replace(/\s+/g, ' ').trim() : null;
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds shown by the call timer (m:ss). */
async function timerSeconds(phone) {
  const text = await part(phone, 'call-timer').evaluate((timer) => timer.shadowRoot.textContent.trim());
  const [m, s] = text.split(':').map(Number);
  return m * 60 + s;
}

/** The microphone meter's readings over `ms`. */
async function meterReadings(phone, ms) {
  const readings = [];
  for (const end = Date.now() + ms; Date.now() < end; await pause(100)) {
    readings.push(await part(phone, 'mic-level').evaluate((meter) => meter.shadowRoot.querySelector('meter').value));
  }
  return readings;
}

test('a video call: caller cards, a running timer, the microphone meter, the dial pad on demand, the hold overlay', async () => {
  const alice = await registered('alice', { attributes: { 'display-name': 'Alice Liddell', dtmf: 'info' } });
  const bob = await registered('bob');
  try {
    await alice.call('call', 'bob', { video: true });
    await bob.waitFor('sip-incoming-call');
    const card = async (phone) => Promise.all(['avatar', 'caller', 'call-state'].map((name) => partText(phone, name)));
    assert.deepEqual(await card(bob), ['AL', 'Alice Liddell', 'Incoming video call from']);
    assert.match(await partText(bob, 'caller-card'), /Alice Liddell\s*sip:alice@sip-phone\.test/);
    await until(async () => JSON.stringify(await card(alice)) === JSON.stringify(['B', 'bob', 'Ringing…']), { message: "alice's card: bob, ringing" });
    await part(bob, 'answer-button').click();
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });

    // The timer runs: two readings two seconds apart.
    await until(async () => (await partText(alice, 'call-state')) === 'Connected ·' && (await part(alice, 'call-timer').count()) === 1, {
      message: 'Connected, with a timer',
    });
    const first = await timerSeconds(alice);
    await pause(2100);
    const later = await timerSeconds(alice);
    assert.ok(later - first >= 2 && later - first <= 3, `timer ${first} s, then ${later} s`);

    // The meter moves with Chromium's fake microphone (a beep), and falls silent when muted.
    const live = await meterReadings(alice, 2500);
    assert.ok(Math.max(...live) > 0.2, `meter readings while speaking: ${live}`);
    await part(alice, 'mute-button').click();
    await alice.waitFor('sip-call-updated', { change: 'muted', 'call.muted.audio': true });
    // The meter falls back gently after a peak (×0.7 a tenth of a second): it reaches silence, then stays there.
    await until(async () => (await part(alice, 'mic-level').evaluate((m) => m.shadowRoot.querySelector('meter').value)) < 0.05, {
      timeout: 3000,
      message: 'the meter falls silent after mute',
    });
    const muted = await meterReadings(alice, 1500);
    assert.ok(Math.max(...muted) < 0.05, `meter readings while muted: ${muted}`);
    await part(alice, 'mute-button').click();

    // The dial pad folded away when the call started; the button opens it and its keys send DTMF.
    assert.equal(await part(alice, 'dialpad').isVisible(), false, 'no dial pad during the call');
    assert.equal(await part(alice, 'dialpad-button').getAttribute('aria-expanded'), 'false');
    await part(alice, 'dialpad-button').click();
    assert.equal(await part(alice, 'dialpad-button').getAttribute('aria-expanded'), 'true');
    await part(alice, 'key').filter({ hasText: '5' }).click();
    const tone = await bob.waitFor('sip-dtmf');
    assert.equal(tone.detail.tone, '5');

    // The quality icon carries its figures in a tooltip; the video box has named icon buttons.
    await until(async () => / ms · \d+ kbit\/s/.test((await part(alice, 'quality').evaluate((q) => q.shadowRoot.querySelector('[title]')?.title)) ?? ''), {
      message: 'quality tooltip',
    });
    assert.equal(await part(alice, 'fullscreen-button').getAttribute('aria-label'), 'Full screen');
    assert.equal(await part(alice, 'fullscreen-button').locator('svg').count(), 1);

    // Held: words over the picture on both sides instead of a frozen frame.
    await part(alice, 'hold-button').click();
    await bob.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': true });
    await until(async () => (await partText(alice, 'held-overlay')) === 'On hold', { message: 'On hold at alice' });
    await until(async () => (await partText(bob, 'held-overlay')) === 'Held by the other side', { message: 'held by the other side at bob' });
    for (const phone of [alice, bob]) assert.equal(await part(phone, 'remote-video').evaluate((v) => getComputedStyle(v).visibility), 'hidden');
    await part(alice, 'hold-button').click();
    await bob.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': false });
    await until(async () => (await part(alice, 'held-overlay').count()) + (await part(bob, 'held-overlay').count()) === 0, { message: 'overlays gone' });

    await part(alice, 'hangup-button').click();
    await bob.waitFor('sip-call-ended');
    await until(async () => (await part(alice, 'caller-card').count()) === 0 && (await part(alice, 'dialpad').isVisible()), { message: 'idle screen back' });
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('with handle-links, clicking a sip: link on the page calls it; focus() puts the cursor in the contact field', async () => {
  const alice = await registered('alice', { attributes: { 'handle-links': true } });
  const bob = await registered('bob');
  try {
    await alice.page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<p>Call <a id="bob" href="sip:bob@sip-phone.test">Bob</a></p>');
      window.phone().focus();
    });
    assert.equal(await alice.page.evaluate(() => window.phone().shadowRoot.activeElement?.getAttribute('part')), 'target');
    await alice.page.click('#bob');
    const incoming = await bob.waitFor('sip-incoming-call');
    assert.equal(incoming.detail.call.remoteUri, 'sip:alice@sip-phone.test');
    assert.equal((await alice.prop('activeCall')).remoteUri, 'sip:bob@sip-phone.test');
    assert.equal(await alice.page.evaluate(() => location.pathname), '/test/e2e/pages/phone.html', 'the page did not navigate');
    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('a ringtone the autoplay policy blocks: "Click to turn on sound", then it plays', async () => {
  // bob's browser has the default policy of real browsers: no sound before the user interacts.
  // Playwright's evaluate() counts as a user gesture, so bob's page is driven through CDP without
  // one; the only gesture is the real click on the button.
  const strict = await launchBrowser({ autoplayPolicy: 'document-user-activation-required' });
  const alice = await registered('alice');
  const bobPage = await (await strict.newContext()).newPage();
  const cdp = await bobPage.context().newCDPSession(bobPage);
  const inBob = async (expression) => {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, userGesture: false });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  };
  const soundButton = () => inBob(`window.phone().shadowRoot.querySelector('[part~="sound-button"]')?.textContent.trim() ?? null`);
  try {
    await bobPage.goto(`${env.web.url}/test/e2e/pages/phone.html`);
    await inBob(
      `customElements.whenDefined('sip-phone').then(() => window.addPhone(${JSON.stringify({ server: env.kamailio.wsUrl, uri: 'sip:bob@sip-phone.test', 'auto-register': true })}, 'bob-pw')).then(() => true)`,
    );
    await inBob(`window.waitForEvent('sip-registered').then(() => true)`);
    await alice.call('call', 'bob');
    await inBob(`window.waitForEvent('sip-incoming-call').then(() => true)`);
    assert.equal(await inBob('navigator.userActivation.hasBeenActive'), false, "nobody has interacted with bob's page");
    await until(async () => (await soundButton()) === 'Click to turn on sound', { message: 'the sound button' });
    assert.equal(await inBob('window.phone().ringing'), 'ringtone');
    await bobPage.locator('sip-phone').locator('[part~="sound-button"]').click();
    await until(async () => (await soundButton()) === null, { message: 'the sound button gone once the ringtone plays' });
    assert.equal(await inBob('window.phone().activeCall.state'), 'incoming', 'still ringing');
    await alice.call('hangup');
    await inBob(`window.waitForEvent('sip-call-ended').then(() => true)`);
  } finally {
    await alice.close();
    await strict.close();
  }
});

test('the ringtone plays on the chosen ringer, the ringback on the speaker', async () => {
  // Which output each Web Audio context the page makes plays on (AudioContext.setSinkId).
  const recordContexts = {
    script: () => {
      const Original = window.AudioContext;
      window.audioContexts = [];
      window.AudioContext = class extends Original {
        constructor(...args) {
          super(...args);
          window.audioContexts.push(this);
        }
      };
    },
  };
  const alice = await registered('alice', { beforeLoad: recordContexts });
  const bob = await registered('bob', { beforeLoad: recordContexts });
  try {
    const outputs = async (phone) => (await phone.prop('devices')).audioOutputs.map((d) => d.deviceId).filter((id) => id !== 'default');
    const [speaker, ringer] = await outputs(bob);
    assert.ok(speaker && ringer, 'two fake outputs');
    assert.deepEqual(await bob.call('selectDevices', { audioOutput: speaker, ringer }), {});
    const [aliceSpeaker] = await outputs(alice);
    assert.deepEqual(await alice.call('selectDevices', { audioOutput: aliceSpeaker }), {});
    assert.equal((await bob.prop('selectedDevices')).ringer, ringer);
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    const sinks = (phone) => phone.page.evaluate(() => window.audioContexts.filter((c) => c.state === 'running').map((c) => c.sinkId));
    await until(async () => (await sinks(bob)).includes(ringer), { message: "bob's ringtone on the ringer" });
    await until(async () => (await sinks(alice)).includes(aliceSpeaker), { message: "alice's ringback on her speaker" });
    assert.equal((await sinks(bob)).includes(speaker), false, "bob's ringtone is not on his speaker");
    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});
