// Signing in with the web login (ephemeral credentials): the demo's login (demo/web-login.mjs)
// mints SIP and TURN credentials for the logged-in user with the secret Kamailio's auth_ephemeral
// and coturn share; the phone fetches them through its `credentials` function at every challenge
// and never holds a SIP password. Short expiries here, so that several pass during a test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { createWebLogin, mintCredentials } from '../../demo/web-login.mjs';
import { bothWays, launchBrowser, openPhone, serveRepo, until } from './support/harness.mjs';
import { startTurnServer } from './support/turn-server.mjs';

const secret = randomBytes(16).toString('hex');
const SIP_TTL_S = 3;
const env = { kamailio: null, turn: null, web: null, browser: null };

before(async () => {
  env.kamailio = await startKamailio({ name: 'web-login', inviteAuth: true, ephemeralSecret: secret, maxExpires: 10 });
  env.turn = await startTurnServer({ secret });
  const login = createWebLogin({ secret, webUsers: { alice: 'alice-web', bob: 'bob-web' }, ttlSeconds: SIP_TTL_S, turnUrls: [env.turn.url('udp')] });
  env.web = await serveRepo(login); // (the login's endpoints on the same origin: the session cookie's)
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await env.web?.close();
  await env.turn?.close();
  await env.kamailio?.stop();
});

/**
 * A phone with no password whose page logged in as `login` (web user and password; none: not
 * logged in) and whose `credentials` function fetches /demo/sip-credentials at every challenge.
 */
async function phoneWithWebLogin(user, login, attributes = {}) {
  const phone = await openPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, password: '', attributes });
  await phone.page.evaluate(
    async (form) => {
      if (form) await fetch('/demo/login', { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
      window.webCredentials = [];
      window.phone().credentials = async () => {
        const response = await fetch('/demo/sip-credentials');
        if (!response.ok) throw new Error(`the login service answered ${response.status}`);
        const { username, password, expiresAt } = await response.json();
        window.webCredentials.push({ username, expiresAt, fetchedAt: Date.now() });
        return { username, password };
      };
    },
    login && { user: login[0], password: login[1] },
  );
  return phone;
}

/** A phone whose `credentials` function gives `credentials` (minted here, in the test). */
async function phoneWithCredentials(user, credentials) {
  const phone = await openPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, password: '' });
  await phone.page.evaluate((given) => (window.phone().credentials = async () => given), credentials);
  return phone;
}

test('alice and bob sign in with the web login only: registered across several credential expiries, then a relay-only call with the minted TURN credentials', async () => {
  const alice = await phoneWithWebLogin('alice', ['alice', 'alice-web']);
  const bob = await phoneWithWebLogin('bob', ['bob', 'bob-web'], { 'auto-answer': true });
  try {
    assert.deepEqual(await alice.call('register'), {});
    assert.deepEqual(await bob.call('register'), {});
    // Kamailio grants 10 s (maxExpires); JsSIP refreshes 5 s before the end: every refresh is
    // challenged and answered with new credentials, the ones before having expired (3 s) meanwhile.
    const accepted = async () =>
      (await alice.prop('recentSipMessages')).filter((m) => m.direction === 'in' && /^SIP\/2\.0 200 .*\r\nCSeq: \d+ REGISTER/s.test(m.text)).length;
    await until(async () => (await accepted()) >= 4, { timeout: 30000, message: 'three refreshes accepted' });
    // (The first two: the REGISTER and the voicemail SUBSCRIBE that follows it.)
    const refreshes = (await alice.page.evaluate(() => window.webCredentials)).slice(1);
    assert.ok(refreshes.length >= 4, `credentials fetched for ${refreshes.length} challenges after the first`);
    for (const c of refreshes) assert.match(c.username, /^\d{10}:alice$/);
    for (let i = 2; i < refreshes.length; i++) {
      assert.ok(refreshes[i].fetchedAt > refreshes[i - 1].expiresAt, `credentials ${i} fetched after those before had expired`);
      assert.notEqual(refreshes[i].username, refreshes[i - 1].username);
    }
    assert.deepEqual(await alice.events('sip-registration-failed'), []);
    assert.equal(await alice.prop('registrationState'), 'registered');
    assert.equal(await alice.prop('password'), '');

    // One login covers media too: TURN credentials from the same endpoint, relay only.
    for (const phone of [alice, bob]) {
      await phone.page.evaluate(async () => {
        const { iceServers } = await (await fetch('/demo/sip-credentials')).json();
        Object.assign(window.phone(), { iceServers, iceTransportPolicy: 'relay' });
      });
    }
    await new Promise((r) => setTimeout(r, 3500)); // the TURN probe, as in turn.test.mjs
    const logFrom = env.turn.log().length;
    assert.ok((await alice.call('call', 'bob', { video: false })).value, 'the call is placed (its INVITE challenged and answered with minted credentials)');
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await bothWays([alice, bob], { video: false }, 'through coturn');
    const stats = await alice.stats();
    assert.equal(stats.localCandidateType, 'relay');
    for (const who of ['alice', 'bob'])
      assert.match(env.turn.log().slice(logFrom), new RegExp(`user <\\d+:${who}>: incoming packet ALLOCATE processed, success`));
    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('forged, expired and other-user credentials are refused (authentication-failed); no login: credentials-failed', async () => {
  const cases = [
    ['forged', { ...mintCredentials(secret, 'alice'), password: mintCredentials('not the secret', 'alice').password }, 401],
    ['expired', mintCredentials(secret, 'alice', { ttlSeconds: -60 }), 401],
    ["bob's", mintCredentials(secret, 'bob'), 403],
  ];
  for (const [what, { username, password }, statusCode] of cases) {
    const alice = await phoneWithCredentials('alice', { username, password });
    try {
      const result = await alice.call('register');
      assert.equal(result.error?.code, 'authentication-failed', `${what} credentials: ${JSON.stringify(result)}`);
      const failed = await alice.waitFor('sip-registration-failed');
      assert.equal(failed.detail.statusCode, statusCode, `${what} credentials are refused ${statusCode}`);
    } finally {
      await alice.close();
    }
  }
  const stranger = await phoneWithWebLogin('alice', null);
  try {
    const result = await stranger.call('register');
    assert.equal(result.error?.code, 'credentials-failed');
    assert.match(result.error.message, /the login service answered 401/);
  } finally {
    await stranger.close();
  }
});
