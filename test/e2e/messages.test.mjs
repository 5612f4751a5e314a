// Text messages between <sip-phone> elements in separate browser contexts, through the repo's
// Kamailio: relayed between registered users, kept by msilo for a user who is offline and
// delivered when they register, refused for an unknown user.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('messages');

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

const markup = '<img src=x onerror=alert(1)>';

/** Inside the phone's shadow root (and the conversations view's): Playwright's CSS pierces both. */
const inPhone = (phone, selector) => phone.page.locator(`sip-phone ${selector}`);

/** The unread badge: its text, or '' while hidden. */
const badge = (phone) =>
  phone.page.evaluate(() => {
    const element = window.phone().shadowRoot.querySelector('[part~="unread-badge"]');
    return element && !element.hidden ? element.querySelector('[aria-hidden="true"]').textContent.trim() : '';
  });

/** The open thread's messages as the user sees them: text content and state. */
const thread = (phone) =>
  phone.page.evaluate(() => {
    const view = window.phone().shadowRoot.querySelector('sip-conversations');
    return [...(view?.shadowRoot.querySelectorAll('[part~="message"]') ?? [])].map((li) => ({
      text: [...li.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent)
        .join('')
        .trim(),
      meta: li.querySelector('.meta').textContent,
      status: li.dataset.status,
      images: li.querySelectorAll('img').length,
    }));
  });

describe('text messages through Kamailio', () => {
  test('alice and bob message both ways: sent, received as text, an unread badge until the thread is open', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    try {
      const sent = await alice.call('sendMessage', 'bob', 'Hello Bob, grüß dich!');
      assert.equal(sent.value?.status, 'sent', JSON.stringify(sent));
      assert.equal(sent.value.remoteUri, 'sip:bob@sip-phone.test');
      const arrived = await bob.waitFor('sip-message');
      assert.deepEqual(
        { ...arrived.detail.message, id: undefined, at: undefined },
        {
          id: undefined,
          at: undefined,
          direction: 'incoming',
          remoteUri: 'sip:alice@sip-phone.test',
          remoteDisplayName: '',
          text: 'Hello Bob, grüß dich!',
          status: 'received',
        },
      );
      await until(async () => (await badge(bob)) === '1', { message: "bob's unread badge shows 1" });

      // bob opens Messages: alice's thread is open, read, and he answers with markup in the text.
      await inPhone(bob, '[part~="messages-button"]').click();
      await until(async () => (await thread(bob)).length === 1, { message: "bob sees alice's message" });
      assert.equal(await badge(bob), '', 'the badge goes once the thread is shown');
      assert.equal(await inPhone(bob, '[part~="message-to"]').inputValue(), 'sip:alice@sip-phone.test');
      await inPhone(bob, '[part~="message-input"]').fill(markup);
      await inPhone(bob, '[part~="send-button"]').click();
      await until(async () => (await thread(bob)).at(-1)?.status === 'sent', { message: "bob's answer is sent" });

      const answer = await alice.waitFor('sip-message');
      assert.equal(answer.detail.message.text, markup);
      assert.equal(answer.detail.message.remoteUri, 'sip:bob@sip-phone.test');
      await until(async () => (await badge(alice)) === '1', { message: "alice's unread badge shows 1" });
      await inPhone(alice, '[part~="messages-button"]').click();
      await until(async () => (await thread(alice)).at(1)?.status === 'read', { message: 'alice sees the thread, read' });
      const lines = await thread(alice);
      assert.deepEqual(
        lines.map((l) => [l.text, l.status, l.images]),
        [
          ['Hello Bob, grüß dich!', 'sent', 0],
          [markup, 'read', 0],
        ],
      );
      assert.match(lines[0].meta, /Sent/);
      assert.equal(await badge(alice), '');
      assert.deepEqual(
        (await alice.prop('messages')).map((m) => [m.direction, m.status, m.text]),
        [
          ['outgoing', 'sent', 'Hello Bob, grüß dich!'],
          ['incoming', 'read', markup],
        ],
      );
      // The thread's call action calls bob.
      await inPhone(alice, '[part~="thread-call-button"]').click();
      await bob.waitFor('sip-incoming-call');
      await alice.call('hangup');
      for (const phone of [alice, bob]) assert.deepEqual(await phone.page.evaluate(() => window.pageErrors), []);
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  test('a message to carol while she is offline is stored (202) and delivered when she registers', async () => {
    const alice = await registered('alice');
    let carol;
    try {
      const stored = await alice.call('sendMessage', 'carol', 'Call me when you are back');
      assert.equal(stored.value?.status, 'stored', JSON.stringify(stored));
      carol = await registered('carol');
      const delivered = await carol.waitFor('sip-message');
      assert.equal(delivered.detail.message.text, 'Call me when you are back');
      assert.equal(delivered.detail.message.remoteUri, 'sip:alice@sip-phone.test');
      await until(async () => (await badge(carol)) === '1', { message: "carol's unread badge shows 1" });
      // Delivered once: msilo forgets it, registering again brings nothing more.
      await carol.call('unregister');
      await carol.call('register');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await carol.events('sip-message')).length, 1);
    } finally {
      await alice.close();
      await carol?.close();
    }
  });

  test('a message to an unknown user rejects message-failed with 404, and the thread shows it undelivered', async () => {
    const alice = await registered('alice');
    try {
      const refused = await alice.call('sendMessage', 'nobody', 'anyone there?');
      assert.equal(refused.error?.code, 'message-failed', JSON.stringify(refused));
      assert.match(refused.error.message, /404/);
      assert.equal((await alice.waitFor('sip-error', { code: 'message-failed' })).detail.code, 'message-failed');

      await inPhone(alice, '[part~="messages-button"]').click();
      await inPhone(alice, '[part~="message-to"]').fill('nobody2');
      await inPhone(alice, '[part~="message-input"]').fill('hello?');
      await inPhone(alice, '[part~="send-button"]').click();
      await until(async () => (await thread(alice)).at(-1)?.status === 'failed', { message: 'the thread shows the message undelivered' });
      const [line] = await thread(alice);
      assert.equal(line.text, 'hello?');
      assert.match(line.meta, /Not delivered \(404\)/);
      assert.match(await inPhone(alice, 'sip-conversations .error').textContent(), /could not be delivered/);
      assert.equal(await inPhone(alice, '[part~="message-input"]').inputValue(), 'hello?', 'the draft stays');
    } finally {
      await alice.close();
    }
  });

  test('a message over 1300 bytes rejects message-too-long and nothing is sent', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    try {
      const tooLong = await alice.call('sendMessage', 'bob', 'x'.repeat(1301));
      assert.equal(tooLong.error?.code, 'message-too-long', JSON.stringify(tooLong));
      const fits = await alice.call('sendMessage', 'bob', 'y'.repeat(1300));
      assert.equal(fits.value?.status, 'sent', JSON.stringify(fits));
      await bob.waitFor('sip-message');
      await new Promise((r) => setTimeout(r, 300));
      const received = await bob.events('sip-message');
      assert.deepEqual(
        received.map((e) => e.detail.message.text.length),
        [1300],
        'only the message that fits arrived',
      );
      assert.deepEqual(
        (await alice.prop('messages')).map((m) => m.text.length),
        [1300],
      );
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});
