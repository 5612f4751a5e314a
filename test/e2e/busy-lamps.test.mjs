// Busy lamps between <sip-phone> elements in separate browser contexts, through the repo's
// Kamailio: its presence server publishes the dialog state of the calls it routes
// (pua_dialoginfo → presence_dialoginfo) and each registration (pua_usrloc → presence_xml).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoAxeViolations, e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('busy-lamps');

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

/** The contacts panel as a user sees it: each button's name, its lamp, and its accessible name. */
const panel = (phone) =>
  phone.page.evaluate(() => {
    const contacts = window.phone().shadowRoot.querySelector('sip-contacts');
    return [...(contacts?.shadowRoot.querySelectorAll('[part~="contact"]') ?? [])].map((b) => ({
      text: b.textContent.trim(),
      state: b.dataset.state,
      label: b.getAttribute('aria-label'),
    }));
  });

/** bob's lamp as alice's page saw it change, repeats dropped. */
const lampsOf = async (phone, uri) =>
  (await phone.events('sip-presence'))
    .filter((e) => e.detail.uri === uri)
    .map((e) => e.detail.state)
    .filter((s, i, all) => s !== all[i - 1]);

describe('busy lamps through Kamailio', () => {
  test(
    'alice watches bob and dave: bob goes idle → ringing → busy → idle as carol calls him, he answers and hangs up; dave, never registered, is offline; so is bob once he unregisters',
    { timeout: 60000 },
    async () => {
      const bob = await registered('bob');
      const carol = await registered('carol');
      const alice = await registered('alice', { watch: 'bob sip:dave@sip-phone.test' });
      try {
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'idle' });
        await alice.waitFor('sip-presence', { uri: 'sip:dave@sip-phone.test', state: 'offline' });
        assert.deepEqual(await alice.prop('presence'), { bob: 'idle', 'sip:dave@sip-phone.test': 'offline' });
        await until(async () => (await panel(alice)).length === 2, { message: 'the contacts panel' });
        assert.deepEqual(await panel(alice), [
          { text: 'bob', state: 'idle', label: 'Call bob (available)' },
          { text: 'dave', state: 'offline', label: 'Call dave (offline)' },
        ]);
        await assertNoAxeViolations(alice, env.web.url, 'busy lamps');

        await carol.call('call', 'bob');
        await bob.waitFor('sip-incoming-call');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'ringing' });
        assert.equal((await panel(alice))[0].state, 'ringing');
        await bob.call('answer');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'busy' });
        await bob.call('hangup');
        await carol.waitFor('sip-call-ended');
        await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob idle again' });
        assert.deepEqual(await lampsOf(alice, 'bob'), ['idle', 'ringing', 'busy', 'idle']);
        assert.deepEqual(await lampsOf(alice, 'sip:dave@sip-phone.test'), ['offline'], 'dave never changed');

        // Click to call: alice's click on bob's lamp calls him (his lamp rings at alice's too).
        await alice.page.locator('sip-phone [part~="contact"]').first().click();
        await bob.waitFor('sip-incoming-call', { 'call.remoteUri': 'sip:alice@sip-phone.test' });
        await until(async () => (await alice.prop('presence')).bob === 'ringing', { message: 'bob rings' });
        await alice.call('hangup');
        await bob.waitFor('sip-call-ended');
        await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob idle after the cancelled call' });

        await bob.call('unregister');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'offline' });
        assert.equal((await panel(alice))[0].state, 'offline');
        assert.deepEqual(await alice.page.evaluate(() => window.pageErrors), []);
      } finally {
        await Promise.all([alice.close(), bob.close(), carol.close()]);
      }
    },
  );

  test(
    "bob says he is away, then do-not-disturb, then busy (PUBLISH to Kamailio's presence server): alice's lamp for him follows in words, a call rings over it; a bad value is invalid-option; unregistering withdraws it",
    { timeout: 60000 },
    async () => {
      const bob = await registered('bob');
      const carol = await registered('carol');
      const alice = await registered('alice', { watch: 'bob' });
      const setAvailability = (phone, value) => phone.page.evaluate((v) => (window.phone().availability = v), value);
      let bobAgain;
      try {
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'idle' });
        await setAvailability(bob, 'away');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'away' });
        await until(async () => (await panel(alice))[0]?.state === 'away', { message: 'the away lamp' });
        assert.deepEqual(await panel(alice), [{ text: 'bob', state: 'away', label: 'Call bob (away)' }]);
        await assertNoAxeViolations(alice, env.web.url, 'bob away');

        // The attribute too.
        await bob.page.evaluate(() => window.phone().setAttribute('availability', 'dnd'));
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'dnd' });
        await until(async () => (await panel(alice))[0]?.state === 'dnd', { message: 'the dnd lamp' });
        assert.deepEqual(await panel(alice), [{ text: 'bob', state: 'dnd', label: 'Call bob (do not disturb)' }]);
        await assertNoAxeViolations(alice, env.web.url, 'bob dnd');

        // A call to him shows over what he published, and what he published comes back after it.
        await carol.call('call', 'bob');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'ringing' });
        await carol.call('hangup');
        await until(async () => (await alice.prop('presence')).bob === 'dnd', { message: 'bob dnd again after the call' });

        await setAvailability(bob, 'on holiday');
        await bob.waitFor('sip-error', { code: 'invalid-option' });
        await setAvailability(bob, 'busy');
        await until(async () => (await alice.prop('presence')).bob === 'busy', { message: 'bob busy' });
        assert.equal((await panel(alice))[0].label, 'Call bob (on the phone)');
        await setAvailability(bob, 'available');
        await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob available again' });
        assert.deepEqual(await lampsOf(alice, 'bob'), ['idle', 'away', 'dnd', 'ringing', 'dnd', 'busy', 'idle']);

        // Away, then unregistered: the publication is withdrawn, so bob's next registration
        // (a new page, available) shows idle, not the away he left behind.
        await setAvailability(bob, 'away');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'away' });
        await bob.call('unregister');
        await until(async () => (await alice.prop('presence')).bob === 'offline', { message: 'bob offline' });
        bobAgain = await registered('bob');
        await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob idle on his new page' });
        assert.deepEqual(await alice.page.evaluate(() => window.pageErrors), []);
      } finally {
        await Promise.all([alice.close(), bob.close(), carol.close(), bobAgain?.close()]);
      }
    },
  );

  test(
    'a lamp survives a Kamailio restart: the watcher subscribes again once registered again, and the lamp follows the next call',
    { timeout: 60000 },
    async () => {
      const bob = await registered('bob');
      const carol = await registered('carol');
      const alice = await registered('alice', { watch: 'bob' });
      try {
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'idle' });
        await env.kamailio.restart();
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'unknown' });
        const registrations = async (phone) => (await phone.events('sip-registered')).length;
        await until(async () => (await registrations(alice)) >= 2 && (await registrations(bob)) >= 2 && (await registrations(carol)) >= 2, {
          timeout: 20000,
          message: 'all three registered again',
        });
        await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob idle again after the restart' });
        await carol.call('call', 'bob');
        await alice.waitFor('sip-presence', { uri: 'bob', state: 'ringing' });
        await carol.call('hangup');
        await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob idle after the call' });
        // Between the restart and the call, bob may be offline for a moment: alice can register again before he does.
        const seen = await lampsOf(alice, 'bob');
        assert.deepEqual(seen.slice(0, 2), ['idle', 'unknown'], `lamps ${seen}`);
        assert.deepEqual(seen.slice(-3), ['idle', 'ringing', 'idle'], `lamps ${seen}`);
        assert.ok(
          seen.slice(2, -3).every((s) => s === 'offline' || s === 'idle'),
          `lamps ${seen}`,
        );
      } finally {
        await Promise.all([alice.close(), bob.close(), carol.close()]);
      }
    },
  );
});
