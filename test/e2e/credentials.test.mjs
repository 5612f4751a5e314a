// Registering and calling through the real Kamailio with credentials fetched when the server asks
// (the `credentials` property): an HA1 computed here, the password never given to the element.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { e2eSuite, mediaFlows, openPhone, openRegisteredPhone, users } from './support/harness.mjs';

// INVITEs are challenged too (407), so a call needs credentials as well.
const env = e2eSuite('credentials', { kamailio: { inviteAuth: true } });

const md5 = (text) => createHash('md5').update(text).digest('hex');

/** A phone without a password whose `credentials` function answers with `answer` (run in the page) and records what it was asked. */
async function phoneWithCredentials(user, answer) {
  const phone = await openPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, password: '' });
  await phone.page.evaluate((source) => {
    window.asked = [];
    const answer = new Function('request', `return (${source})(request)`);
    window.phone().credentials = async (request) => {
      window.asked.push(request);
      return answer(request);
    };
  }, answer);
  return phone;
}

test('alice registers and calls with an HA1 fetched at each challenge; the element never holds a password', async () => {
  const ha1 = md5(`alice:sip-phone.test:${users.alice}`);
  const alice = await phoneWithCredentials('alice', `async () => ({ ha1: '${ha1}' })`);
  const bob = await openRegisteredPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl });
  try {
    assert.deepEqual(await alice.call('register'), {});
    assert.equal(await alice.prop('registrationState'), 'registered');
    assert.equal(await alice.prop('password'), '');
    await alice.call('call', 'bob', { video: false });
    await bob.waitFor('sip-incoming-call', { 'call.remoteUri': 'sip:alice@sip-phone.test' });
    await bob.call('answer');
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await mediaFlows(alice, { video: false });
    const asked = await alice.page.evaluate(() => window.asked);
    const challenges = asked.map((r) => [r.reason, r.method, r.realm, r.username, r.uri]);
    assert.deepEqual(challenges[0], ['register', 'REGISTER', 'sip-phone.test', 'alice', 'sip:alice@sip-phone.test']);
    // The voicemail subscription (SUBSCRIBE message-summary, sent once registered) is challenged too.
    assert.deepEqual(challenges.slice(1).sort(), [
      ['challenge', 'INVITE', 'sip-phone.test', 'alice', 'sip:alice@sip-phone.test'],
      ['challenge', 'SUBSCRIBE', 'sip-phone.test', 'alice', 'sip:alice@sip-phone.test'],
    ]);
    // Not in the DOM, not in any event, not in the console.
    const everything = JSON.stringify(await alice.events()) + (await alice.page.content()) + alice.consoleLines.join('\n');
    assert.ok(!everything.includes(ha1) && !everything.includes(users.alice), 'the HA1 and the password appear nowhere');
    await alice.call('hangup');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('auto-register with a credentials function does not wait for a password', async () => {
  const ha1 = md5(`carol:sip-phone.test:${users.carol}`);
  const carol = await openPhone(env.browser, env.web.url, { user: 'carol', server: env.kamailio.wsUrl, password: '' });
  try {
    await carol.page.evaluate((value) => {
      const phone = window.phone();
      phone.credentials = async () => ({ ha1: value });
      phone.autoRegister = true;
    }, ha1);
    await carol.waitFor('sip-registered', { uri: 'sip:carol@sip-phone.test' });
  } finally {
    await carol.close();
  }
});

test('a credentials function that throws: a clear credentials-failed error, no uncaught exception', async () => {
  const dave = await phoneWithCredentials('dave', `async () => { throw new Error('token service unavailable'); }`);
  try {
    const result = await dave.call('register');
    assert.equal(result.error.code, 'credentials-failed');
    assert.match(result.error.message, /token service unavailable/);
    const failed = await dave.waitFor('sip-registration-failed');
    assert.equal(failed.detail.cause, 'credentials-failed');
    const error = await dave.waitFor('sip-error');
    assert.equal(error.detail.code, 'credentials-failed');
    assert.equal(await dave.prop('registrationState'), 'failed');
    assert.match(await dave.text('[part~="status"]'), /Could not get the credentials for the server/);
    assert.deepEqual(await dave.page.evaluate(() => window.pageErrors), []);
  } finally {
    await dave.close();
  }
});
