// Registration against a real Kamailio: good and bad credentials, bad input, security of the password.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openPhone, until } from './support/harness.mjs';

const env = e2eSuite('registration');

describe('registration', () => {
  test('alice registers, shows it, the registrar holds her contact, and unregistering removes it', async () => {
    const alice = await openPhone(env.browser, env.web.url, { user: 'alice', server: env.kamailio.wsUrl });
    try {
      assert.deepEqual(await alice.call('register'), {});
      const registered = (await alice.events('sip-registered'))[0];
      assert.equal(registered.detail.uri, 'sip:alice@sip-phone.test');
      assert.ok(registered.detail.expires > 0);
      assert.equal(await alice.prop('registrationState'), 'registered');
      assert.equal(await alice.prop('connectionState'), 'connected');
      assert.match(await alice.text('[part~="status"]'), /Registered/);
      assert.equal((await env.kamailio.contacts('alice')).length, 1);
      const order = (await alice.events()).map((e) => e.type);
      assert.deepEqual(order.slice(0, 3), ['sip-connecting', 'sip-connected', 'sip-registered']);

      // register() again (a second press of a Register button): a new REGISTER, answered, resolves.
      const again = await Promise.race([alice.call('register'), new Promise((r) => setTimeout(() => r('still waiting'), 5000))]);
      assert.deepEqual(again, {});
      assert.equal((await alice.events('sip-registered')).length, 2);
      assert.equal(await alice.prop('registrationState'), 'registered');
      assert.equal((await env.kamailio.contacts('alice')).length, 1);

      await alice.call('unregister');
      await alice.waitFor('sip-unregistered');
      assert.equal(await alice.prop('registrationState'), 'unregistered');
      assert.equal(await alice.prop('connectionState'), 'disconnected');
      assert.equal((await env.kamailio.contacts('alice')).length, 0);
    } finally {
      await alice.close();
    }
  });

  test('a wrong password gives sip-registration-failed with 401 and no retry storm', async () => {
    const bob = await openPhone(env.browser, env.web.url, {
      user: 'bob',
      server: env.kamailio.wsUrl,
      password: 'not-the-password',
      attributes: { 'auto-register': true },
    });
    try {
      const failed = await bob.waitFor('sip-registration-failed');
      assert.ok([401, 403].includes(failed.detail.statusCode), `status ${failed.detail.statusCode}`);
      assert.equal(failed.detail.cause, 'authentication-error');
      assert.equal(await bob.prop('registrationState'), 'failed');
      assert.match(await bob.text('[part~="status"]'), /Wrong user name or password/);
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal((await bob.events('sip-registration-failed')).length, 1, 'no retries');
      assert.equal((await env.kamailio.contacts('bob')).length, 0);
      const errors = await bob.events('sip-error');
      assert.equal(errors[0]?.detail.code, 'authentication-failed');
    } finally {
      await bob.close();
    }
  });

  test('the password is never reflected to an attribute, logged or stored', async () => {
    const secret = 'alice-pw';
    const alice = await openPhone(env.browser, env.web.url, {
      user: 'alice',
      server: env.kamailio.wsUrl,
      password: null,
      attributes: { password: secret, 'auto-register': true },
    });
    try {
      await alice.waitFor('sip-registered');
      const exposed = await alice.page.evaluate((s) => {
        const el = window.phone();
        const storage = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
        return { attribute: el.hasAttribute('password'), html: document.documentElement.outerHTML.includes(s), storage: storage.includes(s) };
      }, secret);
      assert.deepEqual(exposed, { attribute: false, html: false, storage: false });
      assert.ok(!alice.consoleLines.some((line) => line.includes(secret)), 'not in the console');
    } finally {
      await alice.close();
    }
  });

  test('auto-register in the markup with the password set later from script registers once, with no error', async () => {
    const alice = await openPhone(env.browser, env.web.url, {
      user: 'alice',
      server: env.kamailio.wsUrl,
      password: null,
      attributes: { 'auto-register': true },
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await alice.prop('registrationState'), 'unregistered', 'waits for the password');
      await alice.page.evaluate(() => {
        window.phone().password = 'alice-pw';
      });
      await alice.waitFor('sip-registered');
      assert.deepEqual(await alice.events('sip-error'), []);
      assert.deepEqual(await alice.events('sip-registration-failed'), []);
      // Changing the server address re-registers without failing anything either.
      await alice.page.evaluate((url) => {
        window.phone().server = `${url} ${url}`;
      }, env.kamailio.wsUrl);
      await until(async () => (await alice.events('sip-registered')).length === 2, { message: 're-registered after the change' });
      assert.deepEqual(await alice.events('sip-error'), []);
    } finally {
      await alice.close();
    }
  });

  test('bad input is refused with a code, a readable message, and nothing sent', async () => {
    const phone = await openPhone(env.browser, env.web.url, { user: 'alice', server: 'http://127.0.0.1:1' });
    try {
      const badServer = await phone.call('register');
      assert.equal(badServer.error.code, 'invalid-server');
      assert.match(await phone.text('[part~="status"]'), /WebSocket URL/);
      assert.equal((await phone.events('sip-error'))[0].detail.code, 'invalid-server');
      assert.equal((await phone.events('sip-connecting')).length, 0);

      await phone.page.evaluate((url) => {
        window.phone().server = url;
        window.phone().uri = 'alice at example';
      }, env.kamailio.wsUrl);
      assert.equal((await phone.call('register')).error.code, 'invalid-uri');

      await phone.page.evaluate(() => {
        window.phone().uri = 'sip:alice@sip-phone.test';
      });
      assert.equal((await phone.call('call', 'bob')).error.code, 'not-registered');
      assert.deepEqual(await phone.call('register'), {});
      assert.equal((await phone.call('call', 'bob smith<>')).error.code, 'invalid-target');
      assert.equal((await phone.call('hangup')).error.code, 'no-such-call');
      assert.equal((await phone.call('answer')).error.code, 'no-such-call');
      assert.deepEqual(await phone.page.evaluate(() => window.pageErrors), []);
    } finally {
      await phone.close();
    }
  });
});
