// Accessibility with a real call: axe-core finds no violation in any state a user sees (idle,
// settings open, a call ringing in, an outgoing call ringing, a video call, the history after it)
// in the light and the dark preset; and the keyboard alone answers and hangs up a call.
// Two phones registered at a real Kamailio on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoAxeViolations, e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('a11y');

const part = (phone, name) => phone.page.locator('sip-phone').locator(`[part~="${name}"]`);

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

const assertNoViolations = (phone, state) => assertNoAxeViolations(phone, env.web.url, state);

/** The focused element inside the phone, as "part[:text]", or what is focused outside it. */
const focusedPart = (phone) =>
  phone.page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (!active || active === document.body) return 'nothing';
    const name = active.getAttribute('part') ?? active.localName;
    return name === 'key' ? `key:${active.textContent.trim()}` : name;
  });

test('axe finds no violations in any state of a video call, in the light and the dark preset', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob');
  try {
    await assertNoViolations(alice, 'idle');

    await part(alice, 'settings').locator('summary').first().click();
    await part(alice, 'settings').locator('summary', { hasText: 'Advanced' }).click();
    await part(alice, 'devices').locator('summary').click();
    assert.equal(await part(alice, 'settings').evaluate((d) => d.open && d.querySelector('details').open), true);
    await assertNoViolations(alice, 'settings, Advanced and devices open');

    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await alice.waitFor('sip-call-state', { 'call.state': 'ringing' });
    await until(async () => (await part(bob, 'answer-button').count()) === 1, { message: 'Answer shown' });
    await assertNoViolations(bob, 'a call ringing in');
    await assertNoViolations(alice, 'an outgoing call ringing');

    await part(bob, 'answer-button').click();
    await Promise.all([alice.waitFor('sip-call-state', { 'call.state': 'active' }), bob.waitFor('sip-call-state', { 'call.state': 'active' })]);
    await until(async () => ((await alice.stats())?.framesDecoded ?? 0) > 5 && ((await bob.stats())?.framesDecoded ?? 0) > 5, { message: 'video both ways' });
    await until(async () => (await part(alice, 'quality').evaluate((q) => q.shadowRoot.textContent)).includes('kbit/s'), { message: 'the quality indicator' });
    await assertNoViolations(alice, 'in a video call (caller)');
    await assertNoViolations(bob, 'in a video call (callee)');

    // The dial pad opened, the call held: the overlay over the video on both sides.
    await part(alice, 'dialpad-button').click();
    await part(alice, 'hold-button').click();
    await bob.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': true });
    await until(async () => (await part(alice, 'held-overlay').count()) === 1 && (await part(bob, 'held-overlay').count()) === 1, {
      message: 'the hold overlays',
    });
    await assertNoViolations(alice, 'held, dial pad open');
    await assertNoViolations(bob, 'held by the other side');

    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
    await part(bob, 'history').locator('summary').click();
    await assertNoViolations(bob, 'after the call, history open');
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('from the keyboard: a ringing call focuses Answer, Enter answers, Escape hangs up, focus goes back', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await part(bob, 'key').filter({ hasText: '5' }).focus();
    assert.equal(await focusedPart(bob), 'key:5');

    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await until(async () => (await focusedPart(bob)) === 'answer-button', { message: 'focus on Answer' });

    await bob.page.keyboard.press('Enter');
    await Promise.all([alice.waitFor('sip-call-state', { 'call.state': 'active' }), bob.waitFor('sip-call-state', { 'call.state': 'active' })]);
    // The dial pad folds away during the call: focus waits on Bye, and goes back to the key after.
    await until(async () => (await focusedPart(bob)) === 'hangup-button', { message: 'focus on Bye' });
    assert.match(await bob.text('[part~="status"] [role="status"]'), /In call with sip:alice@sip-phone\.test/);

    await bob.page.keyboard.press('Escape');
    assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'bye');
    assert.equal((await bob.waitFor('sip-call-ended')).detail.cause, 'hangup');
    await until(async () => (await focusedPart(bob)) === 'key:5', { message: 'focus back on the key' });
    assert.match(await bob.text('[part~="status"] [role="status"]'), /Call with sip:alice@sip-phone\.test ended: hangup/);
    assert.deepEqual(await bob.page.evaluate(() => window.pageErrors), []);
  } finally {
    await alice.close();
    await bob.close();
  }
});
