// The React example (test/react/example.tsx, bundled with esbuild) in Chromium against a real
// Kamailio: a call's sip-* events reach the React component's onSip… props and its state.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildReactExample } from '../react/build.mjs';
import { e2eSuite, openPhone, root, until, users } from './support/harness.mjs';

const env = e2eSuite('react', { setup: buildReactExample });

/** Opens the React example as `user`; `text(id)` reads what the app rendered. */
async function openReactApp(user) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const query = new URLSearchParams({ server: env.kamailio.wsUrl, uri: `sip:${user}@sip-phone.test`, password: users[user] });
  await page.goto(`${env.web.url}/test/react/index.html?${query}`);
  const text = (id) => page.evaluate((i) => document.getElementById(i)?.textContent ?? null, id);
  const shows = (id, pattern) =>
    until(async () => pattern.test((await text(id)) ?? '') && (await text(id)), { timeout: 15000, message: `#${id} to match ${pattern}` });
  return { page, context, errors, text, shows };
}

describe('the React example', () => {
  test('the example type-checks against the published types of sip-phone/react', () => {
    try {
      execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}test/react`], { encoding: 'utf8' });
    } catch (error) {
      assert.fail(`tsc found errors:\n${error.stdout}`);
    }
  });

  test('bob registers in React, alice calls, the React phone auto-answers, alice hangs up, React shows the cause', async () => {
    const bob = await openReactApp('bob');
    let alice;
    try {
      assert.equal(await bob.shows('registration', /^Registered as /), 'Registered as sip:bob@sip-phone.test', 'onSipRegistered reached React state');
      assert.equal(await bob.page.evaluate(() => document.querySelector('sip-phone').hasAttribute('password')), false, 'password set as a property');

      alice = await openPhone(env.browser, env.web.url, { user: 'alice', server: env.kamailio.wsUrl, attributes: { 'auto-register': true } });
      await alice.waitFor('sip-registered');
      const placed = await alice.call('call', 'bob');
      assert.ok(placed.value, `alice's call() resolved to an id: ${JSON.stringify(placed)}`);
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      assert.equal(await bob.shows('call-state', /active/), 'Call: active', 'autoAnswer answered; onSipCallState reached React');
      assert.equal(await bob.text('call-ended'), 'No call has ended');

      assert.deepEqual(await alice.call('hangup'), {});
      await alice.waitFor('sip-call-ended', { cause: 'hangup' });
      assert.match(await bob.shows('call-ended', /^Last call ended/), /^Last call ended: bye after \d+ s$/, 'onSipCallEnded gave React the cause');
      assert.equal(await bob.text('call-state'), 'Call: no call');
      assert.deepEqual(bob.errors, []);
    } finally {
      await alice?.close();
      await bob.context.close();
    }
  });
});
