// A person using the phone: fills in the settings form, dials on the dial pad, clicks Call,
// Answer and Bye. Real Kamailio, real WebRTC, clicks in the element's shadow DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openPhone, until } from './support/harness.mjs';

const env = e2eSuite('ui');

const part = (phone, name) => phone.page.locator('sip-phone').locator(`[part~="${name}"]`);

test('alice registers from the settings form, dials bob on the dial pad, bob clicks Answer, both see video, alice clicks Bye', async () => {
  const alice = await openPhone(env.browser, env.web.url, { user: 'alice', bare: true });
  const bob = await openPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, attributes: { 'auto-register': true } });
  try {
    await bob.waitFor('sip-registered');
    const settings = part(alice, 'settings');
    assert.equal(await settings.evaluate((d) => d.open), true, 'settings open while unconfigured');
    await settings.getByLabel('Display name').fill('Alice Liddell');
    await settings.getByLabel('Domain').fill('sip-phone.test');
    await settings.getByLabel('User name').fill('alice');
    await settings.getByLabel('Password').fill('alice-pw');
    await settings.locator('summary', { hasText: 'Advanced' }).click();
    await settings.getByLabel('WebSocket server URL').fill(env.kamailio.wsUrl);
    await part(alice, 'register-button').click();
    await alice.waitFor('sip-registered', { uri: 'sip:alice@sip-phone.test' });
    await until(async () => /Registered/.test(await alice.text('[part~="status"]')), { message: 'Registered shown' });

    for (const key of ['b', 'o', 'b']) await part(alice, 'target').press(key);
    assert.equal(await part(alice, 'target').inputValue(), 'bob');
    await alice.page.locator('sip-phone').getByLabel('Video').check();
    await part(alice, 'call-button').click();

    const incoming = await bob.waitFor('sip-incoming-call');
    assert.equal(incoming.detail.call.remoteDisplayName, 'Alice Liddell');
    await until(async () => /Incoming video call from\s*Alice Liddell\s*sip:alice@sip-phone\.test/.test((await bob.text('[part~="caller-card"]')) ?? ''), {
      message: 'caller shown',
    });
    // Ringing out, alice sees herself once the ringback sounds; nothing plays from bob before media connects.
    await until(() => part(alice, 'local-video').evaluate((v) => v.srcObject?.getVideoTracks().length === 1 && !v.paused), {
      message: 'self-view while ringing',
    });
    assert.equal(await part(alice, 'remote-video').evaluate((v) => v.srcObject), null);
    assert.equal((await alice.prop('activeCall')).mediaConnected, false);
    await part(bob, 'answer-button').click();

    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    const connected = await alice.waitFor('sip-call-updated', { change: 'media' });
    assert.equal(connected.detail.call.mediaConnected, true);
    const frames = async (phone) => (await phone.stats())?.framesDecoded ?? 0;
    await until(async () => (await frames(alice)) > 5 && (await frames(bob)) > 5, { message: 'video both ways' });
    const playing = await part(alice, 'remote-video').evaluate((v) => v.videoWidth > 0 && !v.paused);
    assert.equal(playing, true, "bob's video plays in alice's remote-video part");
    assert.equal(await part(alice, 'local-video').count(), 1);

    await part(alice, 'hangup-button').click();
    assert.equal((await bob.waitFor('sip-call-ended')).detail.cause, 'bye');
    assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'hangup');
    await until(async () => (await part(alice, 'call-button').count()) === 1, { message: 'Call button back' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await alice.prop('activeCall'), null, 'the click on Bye placed no new call');
    assert.equal(await part(alice, 'remote-video').count(), 0);
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('Escape rejects an incoming call from the keyboard', async () => {
  const alice = await openPhone(env.browser, env.web.url, { user: 'alice', server: env.kamailio.wsUrl, attributes: { 'auto-register': true } });
  const bob = await openPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, attributes: { 'auto-register': true } });
  try {
    await Promise.all([alice.waitFor('sip-registered'), bob.waitFor('sip-registered')]);
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await part(bob, 'answer-button').focus();
    await bob.page.keyboard.press('Escape');
    assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'rejected');
  } finally {
    await alice.close();
    await bob.close();
  }
});
