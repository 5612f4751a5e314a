// The SIP a phone sends and receives, seen in the page (`trace`, sip-trace, <sip-trace-view>),
// through the real Kamailio: a failed call's final response in the ladder, and no password, HA1
// or digest response in any traced message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { e2eSuite, openPhone, openRegisteredPhone, until, users } from './support/harness.mjs';

// INVITEs are challenged too (407 → Proxy-Authorization).
const env = e2eSuite('trace', { kamailio: { inviteAuth: true } });

const md5 = (text) => createHash('md5').update(text).digest('hex');

/** Every digest `response="…"` in the frames the page's WebSockets really sent. */
function digestResponsesSent(page) {
  const responses = new Set();
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => String(payload).replace(/response="?([0-9a-f]{32})/g, (_, r) => responses.add(r))));
  return responses;
}

/** A <sip-trace-view> for the page's phone (id "phone"), under it. */
async function addTraceView(phone) {
  await phone.page.evaluate(async () => {
    window.phone().id = 'phone';
    await customElements.whenDefined('sip-trace-view');
    const view = document.createElement('sip-trace-view');
    view.setAttribute('for', 'phone');
    document.body.append(view);
  });
}

/** The ladder's arrows: "out INVITE sip:…" / "in 404 Not Found INVITE". */
const ladder = (phone) =>
  phone.page.evaluate(() =>
    [...document.querySelector('sip-trace-view').shadowRoot.querySelectorAll('[part~="message"]')].map(
      (a) => `${a.dataset.direction} ${a.querySelector('.arrow').textContent.replace(/\s+/g, ' ').trim()}`,
    ),
  );

test('a failed call: its final response is the last arrow of the ladder; a click reads the whole message', async () => {
  const alice = await openRegisteredPhone(env.browser, env.web.url, { user: 'alice', server: env.kamailio.wsUrl, attributes: { trace: true } });
  try {
    await addTraceView(alice);
    const early = await ladder(alice);
    assert.deepEqual(
      early.slice(0, 4),
      ['out REGISTER sip:sip-phone.test', 'in 401 Unauthorized REGISTER', 'out REGISTER sip:sip-phone.test', 'in 200 OK REGISTER'],
      'the view starts with what the phone kept',
    );
    await alice.call('call', 'nobody', { video: false });
    const ended = await alice.waitFor('sip-call-ended');
    const status = ended.detail.statusCode;
    assert.ok(status >= 400, `the call failed (${ended.detail.cause} ${status})`);
    const arrows = await until(async () => {
      const all = await ladder(alice);
      return all.some((a) => a.startsWith(`in ${status} `)) && all;
    });
    const invites = arrows.filter((a) => / INVITE$|^out INVITE /.test(a));
    assert.deepEqual(invites.slice(0, 3), [
      'out INVITE sip:nobody@sip-phone.test',
      'in 407 Proxy Authentication Required INVITE',
      'out INVITE sip:nobody@sip-phone.test',
    ]);
    assert.match(invites.at(-1), new RegExp(`^in ${status} .* INVITE$`), 'the final response is the last INVITE arrow');
    const finalText = await alice.page.evaluate((code) => {
      const view = document.querySelector('sip-trace-view');
      const arrow = [...view.shadowRoot.querySelectorAll('[part~="message"][data-direction="in"]')].findLast((a) => a.textContent.includes(`${code} `));
      arrow.click();
      return view.updateComplete.then(() => arrow.parentElement.querySelector('[part~="message-text"]').textContent);
    }, status);
    assert.match(finalText, new RegExp(`^SIP/2\\.0 ${status} [^\\r]*\\r\\n`));
    assert.match(finalText, /\r\nCSeq: \d+ INVITE\r\n/);
    // "Copy" puts the whole trace on the clipboard as text, for a support ticket.
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const copied = await alice.page.evaluate(async () => {
      const view = document.querySelector('sip-trace-view');
      view.shadowRoot.querySelector('[part~="copy-button"]').click();
      await new Promise((r) => setTimeout(r, 200));
      return { clipboard: await navigator.clipboard.readText(), text: view.text };
    });
    assert.equal(copied.clipboard, copied.text);
    assert.match(copied.clipboard, new RegExp(`-> phone\\nSIP/2\\.0 ${status} `));
    // axe finds nothing in the ladder, a message open.
    await alice.page.addScriptTag({ url: `${env.web.url}/node_modules/axe-core/axe.min.js` });
    const violations = await alice.page.evaluate(async () =>
      (await window.axe.run(document.querySelector('sip-trace-view'), { resultTypes: ['violations'] })).violations.map((v) => `${v.id}: ${v.help}`),
    );
    assert.deepEqual(violations, []);
  } finally {
    await alice.close();
  }
});

test('no traced message holds the password, the HA1 or a digest response (password, or HA1 from a credentials function)', async () => {
  const ha1 = md5(`bob:sip-phone.test:${users.bob}`);
  const alice = await openPhone(env.browser, env.web.url, { user: 'alice', server: env.kamailio.wsUrl, attributes: { trace: true } });
  const bob = await openPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, password: '', attributes: { trace: true } });
  const sent = { alice: digestResponsesSent(alice.page), bob: digestResponsesSent(bob.page) };
  try {
    await bob.page.evaluate((value) => (window.phone().credentials = async () => ({ ha1: value })), ha1);
    assert.deepEqual(await alice.call('register'), {});
    assert.deepEqual(await bob.call('register'), {});
    await alice.call('call', 'bob', { video: false });
    await bob.waitFor('sip-incoming-call');
    await bob.call('answer');
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await bob.call('hangup');
    await alice.waitFor('sip-call-ended');
    await alice.call('unregister');
    for (const [phone, secrets] of [
      [alice, [users.alice, md5(`alice:sip-phone.test:${users.alice}`), ...sent.alice]],
      [bob, [users.bob, ha1, ...sent.bob]],
    ]) {
      // REGISTER and SUBSCRIBE (voicemail) both, and alice's INVITE too.
      assert.ok(secrets.length >= 2 + 2, `${phone.user} sent digest responses: ${secrets.length - 2}`);
      const traced = (await phone.events('sip-trace')).map((e) => e.detail);
      const kept = await phone.prop('recentSipMessages');
      assert.ok(traced.length > 8 && kept.length > 8, `${phone.user} traced ${traced.length}, kept ${kept.length}`);
      assert.ok(
        traced.some((m) => /^(Proxy-)?Authorization: …\r$/m.test(m.text)),
        'the Authorization headers are there, blanked',
      );
      for (const message of [...traced, ...kept]) {
        for (const secret of secrets) assert.ok(!message.text.includes(secret), `${phone.user}: a traced message holds a secret:\n${message.text}`);
      }
      assert.deepEqual([...new Set(traced.map((m) => m.direction))].sort(), ['in', 'out']);
    }
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});
