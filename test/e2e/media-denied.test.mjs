// A user who refuses the microphone and camera: the call is not placed, the phone says why, and an
// incoming call answered without media ends cleanly on both sides.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { chromiumArgs, e2eSuite, openPhone, until } from './support/harness.mjs';

const env = e2eSuite('media-denied');
let denying;

before(async () => {
  // Without the flag that accepts every prompt, and with prompts denied: getUserMedia fails.
  denying = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs.filter((flag) => flag !== '--use-fake-ui-for-media-stream'), '--deny-permission-prompts'],
  });
});

after(async () => {
  await denying?.close();
});

test('a denied microphone: call() rejects media-denied, no INVITE, a readable message; answering a call ends it media-denied', async () => {
  const alice = await openPhone(denying, env.web.url, { user: 'alice', server: env.kamailio.wsUrl, attributes: { 'auto-register': true } });
  const bob = await openPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, attributes: { 'auto-register': true } });
  try {
    await Promise.all([alice.waitFor('sip-registered'), bob.waitFor('sip-registered')]);
    const refused = await alice.call('call', 'bob');
    assert.equal(refused.error?.code, 'media-denied');
    assert.equal((await alice.events('sip-error')).at(-1).detail.code, 'media-denied');
    assert.match(await alice.text('[part~="status"]'), /denied/);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await bob.events('sip-incoming-call'), [], 'nothing was sent');
    assert.equal(await alice.prop('activeCall'), null);

    await bob.call('call', 'alice');
    await alice.waitFor('sip-incoming-call');
    assert.equal((await alice.call('answer')).error?.code, 'media-denied');
    assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'media-denied');
    const bobEnd = await bob.waitFor('sip-call-ended');
    assert.equal(bobEnd.detail.statusCode, 480);
    await until(async () => (await alice.prop('activeCall')) === null && (await bob.prop('activeCall')) === null, { message: 'no call left' });
    assert.deepEqual(await alice.page.evaluate(() => window.pageErrors), []);
  } finally {
    await alice.close();
    await bob.close();
  }
});
