// Several tabs of one browser profile (one browser context, one localStorage): each tab registers
// its own contact, so all of them ring; answering in one ends the others' ringing as
// `answered-elsewhere`. A reload keeps the tab's contact, a duplicated tab gets its own, a closed
// tab's contact goes at once. `registration-scope="browser"` keeps one contact per profile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, mediaFlows, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('tabs');
const TAB_KEY = 'sip-phone.tab-instance-id';

/** A phone of `user` in a new tab of `first`'s browser profile (or a new profile). */
const tab = (user, first, options = {}) =>
  openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, context: first?.context, ...options });
const instances = async (user) => (await env.kamailio.contactRecords(user)).map((c) => c.Instance).sort();
const tabId = async (phone) => (await phone.page.evaluate((key) => sessionStorage.getItem(key), TAB_KEY))?.split(' ')[0];

describe('several tabs', () => {
  test(
    'two tabs of alice both ring; the second answers: the first stops ringing as answered-elsewhere, and its history says so',
    { timeout: 60000 },
    async () => {
      const first = await tab('alice');
      const second = await tab('alice', first);
      const bob = await tab('bob');
      try {
        const contacts = await instances('alice');
        assert.equal(contacts.length, 2, `one contact per tab: ${contacts}`);
        assert.notEqual(contacts[0], contacts[1]);

        const placed = Date.now();
        await bob.call('call', 'alice', { video: false });
        const [ringFirst, ringSecond] = await Promise.all([first.waitFor('sip-incoming-call', {}, 5000), second.waitFor('sip-incoming-call', {}, 5000)]);
        assert.ok(Date.now() - placed < 5000);
        assert.equal(ringFirst.detail.call.remoteUri, 'sip:bob@sip-phone.test');
        assert.equal(ringSecond.detail.call.remoteUri, 'sip:bob@sip-phone.test');

        assert.deepEqual(await second.call('answer'), {});
        const ended = await first.waitFor('sip-call-ended', {}, 5000);
        assert.equal(ended.detail.cause, 'answered-elsewhere');
        assert.equal(ended.detail.durationMs, 0);
        assert.equal((await first.prop('history'))[0].cause, 'answered-elsewhere', 'not a missed call');
        assert.equal(await first.prop('activeCall'), null);
        assert.equal((await first.page.evaluate(() => window.leaks())).openPeerConnections, 0);

        await second.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
        await bob.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
        await mediaFlows(second, { video: false });
        await mediaFlows(bob, { video: false });
        await bob.call('hangup');
        await second.waitFor('sip-call-ended', {}, 5000);
      } finally {
        await Promise.all([second.close(), first.close(), bob.close()]);
      }
    },
  );

  test(
    "a reload keeps the tab its contact; a duplicated tab (its sessionStorage a copy of a live tab) gets its own; a closed tab's contact goes at once",
    { timeout: 60000 },
    async () => {
      const first = await tab('carol');
      const id = await tabId(first);
      assert.ok(id);
      assert.deepEqual(await instances('carol'), [`<urn:uuid:${id}>`]);

      await first.page.reload();
      await first.page.waitForFunction(() => customElements.get('sip-phone') && window.addPhone);
      await first.page.evaluate(
        ([server, password]) => window.addPhone({ server, uri: 'sip:carol@sip-phone.test', 'auto-register': true }, password),
        [env.kamailio.wsUrl, 'carol-pw'],
      );
      await first.waitFor('sip-registered');
      assert.equal(await tabId(first), id, 'the reloaded tab has its id back');
      await until(async () => (await instances('carol')).join() === `<urn:uuid:${id}>`, {
        timeout: 3000,
        message: `carol's one contact is the reloaded tab's: ${await instances('carol')}`,
      });

      // Chromium copies sessionStorage into a duplicated tab: the copy says the id is held.
      const copy = await first.page.evaluate((key) => sessionStorage.getItem(key), TAB_KEY);
      const duplicate = await tab('carol', first, { beforeLoad: { script: ([key, value]) => sessionStorage.setItem(key, value), arg: [TAB_KEY, copy] } });
      const other = await tabId(duplicate);
      assert.notEqual(other, id, 'the duplicate made its own id');
      assert.deepEqual(await instances('carol'), [`<urn:uuid:${id}>`, `<urn:uuid:${other}>`].sort(), 'both tabs registered');
      await duplicate.close();
      const closedAt = Date.now();
      await until(async () => (await instances('carol')).join() === `<urn:uuid:${id}>`, {
        timeout: 3000,
        interval: 50,
        message: "the closed tab's contact removed",
      });
      console.log(`# contact gone ${Date.now() - closedAt} ms after the tab closed`);
      await first.close();
    },
  );

  test('registration-scope="browser": one contact for the profile; the newest tab takes it and is the one that rings', { timeout: 60000 }, async () => {
    const scope = { attributes: { 'registration-scope': 'browser' } };
    const first = await tab('dave', null, scope);
    const second = await tab('dave', first, scope);
    const erin = await tab('erin');
    try {
      assert.equal((await instances('dave')).length, 1, 'one contact per browser profile');
      await erin.call('call', 'dave', { video: false });
      await second.waitFor('sip-incoming-call', {}, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(await first.events('sip-incoming-call'), [], 'the older tab does not ring');
      await erin.call('hangup');
      await second.waitFor('sip-call-ended', {}, 5000);
    } finally {
      await Promise.all([second.close(), first.close(), erin.close()]);
    }
  });
});
