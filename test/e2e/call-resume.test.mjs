// A reload keeps the call (#20 item 4): the page that reloads (same `uri`, same tab) registers
// again and takes its call back with an INVITE carrying Replaces; the other party keeps its call
// (same id, never rings, no sip-call-ended) and both hear and see each other again. With
// `no-call-resume` a reload hangs up instead. A closed tab: the other side ends the call when its
// recovery gives up (README "Staying online").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bothWays, e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('call-resume', { firefox: true });
const browsers = { Chromium: () => env.browser, Firefox: () => env.firefox };
const registered = (user, attributes = {}, browser = 'Chromium') =>
  openRegisteredPhone(browsers[browser](), env.web.url, { user, server: env.kamailio.wsUrl, attributes });

async function inVideoCall(caller, callee) {
  await caller.call('call', callee.user, { video: true });
  await callee.waitFor('sip-incoming-call');
  await callee.call('answer', undefined, { video: true });
  await caller.waitFor('sip-call-state', { 'call.state': 'active' });
  await bothWays([caller, callee], { video: true }, 'before the reload');
}

/** Reloads the phone's page and puts the same element on it again (as the page's own script would). */
async function reload(phone, attributes = {}) {
  await phone.page.reload();
  await phone.page.waitForFunction(() => customElements.get('sip-phone') && window.addPhone);
  await phone.page.evaluate(
    ([attrs, pw]) => window.addPhone(attrs, pw),
    [{ server: env.kamailio.wsUrl, uri: `sip:${phone.user}@sip-phone.test`, 'auto-register': true, ...attributes }, `${phone.user}-pw`],
  );
}

for (const [reloading, otherBrowser, reloaderIs] of [
  ['Chromium', 'Chromium', 'caller'],
  ['Chromium', 'Firefox', 'callee'],
]) {
  test(`the ${reloaderIs} reloads its page mid video call (other party in ${otherBrowser}): the call goes on, media both ways within 5 s of the reload`, async () => {
    const alice = await registered('alice', { video: true }, reloading);
    const bob = await registered('bob', { video: true }, otherBrowser);
    const [caller, callee] = reloaderIs === 'caller' ? [alice, bob] : [bob, alice];
    try {
      await inVideoCall(caller, callee);
      const before = await bob.prop('activeCall');
      const started = Date.now();
      await reload(alice, { video: true });
      const resumed = await alice.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
      await bothWays([alice, bob], { video: true }, 'after the reload');
      const backMs = Date.now() - started;
      console.log(`${reloaderIs} reloaded (other party ${otherBrowser}): media both ways ${backMs} ms after the reload began`);
      assert.ok(backMs < 5000 + 2400, `media back ${backMs} ms after the reload`); // (bothWays measures over 2 × 1.2 s)
      // The other party kept its call: the same one, never rang again, never ended.
      const after = await bob.prop('activeCall');
      assert.equal(after.id, before.id);
      assert.equal(after.state, 'active');
      assert.equal(after.startedAt, before.startedAt);
      assert.deepEqual(await bob.events('sip-call-ended'), []);
      assert.equal((await bob.events('sip-incoming-call')).length, reloaderIs === 'caller' ? 1 : 0);
      // The reloaded page shows the call with the other party, its duration going on.
      assert.equal(resumed.detail.call.remoteUri, 'sip:bob@sip-phone.test');
      assert.ok(Math.abs(resumed.detail.call.startedAt - before.startedAt) < 2000, 'the call keeps its start');
      // Hanging up from either side still works.
      await bob.call('hangup');
      await alice.waitFor('sip-call-ended', { cause: 'bye' });
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
}

test('no-call-resume: a reload hangs up (the other side ends bye at once) and the page comes back without a call', async () => {
  const alice = await registered('alice', { video: true, 'no-call-resume': true });
  const bob = await registered('bob');
  try {
    await inVideoCall(alice, bob);
    const started = Date.now();
    await reload(alice, { 'no-call-resume': true });
    await bob.waitFor('sip-call-ended', { cause: 'bye' }, 5000);
    console.log(`no-call-resume: the other side's call ended ${Date.now() - started} ms after the reload began`);
    await alice.waitFor('sip-registered');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await alice.events('sip-call-state'), []);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('a closed tab: the other side ends the call within its call-recovery-timeout, media released', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob', { 'call-recovery-timeout': 8 });
  try {
    await inVideoCall(alice, bob);
    const closed = Date.now();
    await alice.close();
    await bob.waitFor('sip-call-ended', {}, 15000);
    const ended = (await bob.events('sip-call-ended'))[0].detail;
    console.log(`closed tab: the other side's call ended ${ended.cause} ${Date.now() - closed} ms after the close`);
    assert.ok(Date.now() - closed < 8000 + 3000, 'within the recovery timeout');
    await until(async () => (await bob.page.evaluate(() => window.liveLocalTracks())) === 0, { message: "bob's media released" });
  } finally {
    await bob.close();
  }
});
