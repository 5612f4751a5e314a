// A call rings in while bob's tab is in the background: bob's phone (notify) shows a desktop
// notification naming alice and flashes the tab title until bob answers or alice gives up.
// Real Kamailio and Chromium; the hidden tab is emulated (document.hidden, visibilitychange) and
// window.Notification is replaced by a recorder that has the user's permission.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openPhone, until } from './support/harness.mjs';

const env = e2eSuite('notify');

const FLASH = '📞 Incoming call…';

/** Replaces Notification and window.focus with recorders, and records every title the tab shows. */
function recordAttention(page) {
  return page.evaluate(() => {
    window.shownNotifications = [];
    window.focusCount = 0;
    window.focus = () => void window.focusCount++;
    window.Notification = class {
      static permission = 'granted';
      static requestPermission() {
        return Promise.resolve('granted');
      }
      constructor(title, options = {}) {
        this.title = title;
        this.options = options;
        this.closed = false;
        this.onclick = null;
        window.shownNotifications.push(this);
      }
      close() {
        this.closed = true;
      }
    };
    window.titles = [document.title];
    new MutationObserver(() => window.titles.push(document.title)).observe(document.head, { childList: true, subtree: true, characterData: true });
  });
}

/** What the tab and the notifications showed so far. */
const attention = (page) =>
  page.evaluate(() => ({
    title: document.title,
    titles: window.titles,
    notifications: window.shownNotifications.map((n) => ({ title: n.title, body: n.options.body, icon: n.options.icon ?? null, closed: n.closed })),
    focusCount: window.focusCount,
  }));

/** The tab goes to the background (or comes back), as the browser reports it. */
const setHidden = (page, hidden) =>
  page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { value: h, configurable: true });
    Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

async function twoPhones(bobAttributes) {
  const alice = await openPhone(env.browser, env.web.url, {
    user: 'alice',
    server: env.kamailio.wsUrl,
    attributes: { 'auto-register': true, 'display-name': 'Alice Liddell' },
  });
  const bob = await openPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, attributes: { 'auto-register': true, ...bobAttributes } });
  await Promise.all([alice.waitFor('sip-registered'), bob.waitFor('sip-registered')]);
  await recordAttention(bob.page);
  return { alice, bob };
}

test('bob is in another tab: a call from alice shows a notification and flashes the title; answering restores the title', async () => {
  const { alice, bob } = await twoPhones({ notify: true });
  try {
    const pageTitle = await bob.page.title();
    await setHidden(bob.page, true);
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');

    const ringing = await until(
      async () => {
        const seen = await attention(bob.page);
        return seen.titles.filter((t) => t === FLASH).length >= 2 && seen.titles.filter((t) => t === pageTitle).length >= 2 && seen;
      },
      { timeout: 5000, message: 'the title to alternate between the alert and the page title' },
    );
    assert.deepEqual(ringing.notifications, [
      { title: 'Incoming call from Alice Liddell <sip:alice@sip-phone.test>', body: 'Click to go to the phone.', icon: null, closed: false },
    ]);

    // Clicking the notification brings the window forward.
    await bob.page.evaluate(() => window.shownNotifications[0].onclick(new Event('click')));
    assert.equal((await attention(bob.page)).focusCount, 1);

    await bob.call('answer');
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await until(async () => (await bob.page.title()) === pageTitle, { timeout: 3000, message: 'the page title back' });
    const answered = await attention(bob.page);
    assert.equal(answered.notifications[0].closed, true, 'the notification is closed');
    // The flashing has stopped for good.
    await new Promise((r) => setTimeout(r, 1500));
    const later = await attention(bob.page);
    assert.equal(later.title, pageTitle);
    assert.equal(later.titles.length, answered.titles.length, 'no title change after the answer');
    assert.equal(later.notifications.length, 1, 'one notification for the call');

    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('without notify the title still flashes, no notification is shown, and it stops when alice gives up', async () => {
  const { alice, bob } = await twoPhones({});
  try {
    const pageTitle = await bob.page.title();
    await setHidden(bob.page, true);
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await until(async () => (await attention(bob.page)).titles.includes(FLASH), { timeout: 3000, message: 'the title to flash' });

    await alice.call('hangup');
    await bob.waitFor('sip-call-ended', { cause: 'canceled' });
    await until(async () => (await bob.page.title()) === pageTitle, { timeout: 3000, message: 'the page title back' });
    assert.deepEqual((await attention(bob.page)).notifications, []);
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('bob comes back to the tab while it rings: the flashing stops and the notification closes', async () => {
  const { alice, bob } = await twoPhones({ notify: true });
  try {
    const pageTitle = await bob.page.title();
    await setHidden(bob.page, true);
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await until(async () => (await attention(bob.page)).notifications.length === 1, { timeout: 3000, message: 'the notification' });

    await setHidden(bob.page, false);
    const seen = await attention(bob.page);
    assert.equal(seen.title, pageTitle);
    assert.equal(seen.notifications[0].closed, true);
    assert.equal(await bob.prop('ringing'), 'ringtone', 'the call still rings in the page');

    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
  } finally {
    await alice.close();
    await bob.close();
  }
});
