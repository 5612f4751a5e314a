// Proxies in front of Kamailio (issue #11): nginx terminating WSS with its default 60 s proxy
// timeouts, and a server that answers keep-alives with a double CRLF as Asterisk does.
// nginx serves the certificate Kamailio made for this run. Chromium does not trust it: the harness's
// browser contexts ignore certificate errors (ignoreHTTPSErrors, enough on its own: checked), and
// the browser gets --ignore-certificate-errors as in wss.test.mjs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { bothWays, launchBrowser, openRegisteredPhone, serveRepo, until } from './support/harness.mjs';
import { startNginx } from './support/nginx.mjs';
import { startDoubleCrlfProxy } from './support/double-crlf-proxy.mjs';

// Idle longer than nginx's timeout, by half of it: a connection nginx would drop is dropped by then.
const IDLE_MS = 90_000;
const NGINX_TIMEOUT_S = 60; // proxy_read_timeout's default, not set in the config

let kamailio;
let nginx;
let web;
let browser;

before(async () => {
  kamailio = await startKamailio({ name: 'proxies', wss: true });
  nginx = await startNginx({ upstream: kamailio.wsUrl, tls: kamailio.tls });
  web = await serveRepo();
  browser = await launchBrowser({ ignoreCertificateErrors: true });
});

after(async () => {
  await browser?.close();
  await web?.close();
  await nginx?.stop();
  await kamailio?.stop();
});

const registeredPhone = (user, server, attributes) => openRegisteredPhone(browser, web.url, { user, server, attributes });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const eventCount = (phone) => phone.page.evaluate(() => window.sipEvents.length);
/** The first `type` event matching `filter` among those recorded after the first `from`. */
const eventAfter = (phone, from, type, filter = {}, timeout = 15000) =>
  phone.page.evaluate(([t, f, ms, i]) => window.waitForEvent(t, f, ms, i), [type, filter, timeout, from]);

/** The caller calls the callee, who answers; both hear each other; the caller hangs up. */
async function callAndHangUp(caller, callee) {
  const [callerFrom, calleeFrom] = [await eventCount(caller), await eventCount(callee)];
  await caller.call('call', callee.user);
  await eventAfter(callee, calleeFrom, 'sip-incoming-call');
  assert.deepEqual(await callee.call('answer'), {});
  await eventAfter(caller, callerFrom, 'sip-call-state', { 'call.state': 'active' });
  await bothWays([caller, callee], { video: false }, `${caller.user} ↔ ${callee.user}`);
  await caller.call('hangup');
  await eventAfter(callee, calleeFrom, 'sip-call-ended');
}

test('through nginx with its default 60 s timeouts, the keep-alive holds one connection for 90 idle seconds; without keep-alive nginx drops it after 60 s', async () => {
  // alice: through nginx, default keepalive-interval (25 s). carol: through nginx, keep-alive off.
  // bob: straight to Kamailio. The path names alice's and carol's connections in nginx's log.
  const alice = await registeredPhone('alice', nginx.url('/alice'));
  const bob = await registeredPhone('bob', kamailio.wsUrl);
  const carol = await registeredPhone('carol', nginx.url('/carol'), { 'keepalive-interval': 0 });
  try {
    assert.equal((await alice.events('sip-connected'))[0].detail.server, nginx.url('/alice'));
    await callAndHangUp(alice, bob);

    const idleFrom = Date.now();
    await sleep(IDLE_MS);
    console.log(`alice idle for ${Math.round((Date.now() - idleFrom) / 1000)} s through nginx`);
    assert.deepEqual(await alice.events('sip-connection-lost'), [], 'alice never lost her connection');
    assert.equal((await alice.events('sip-connected')).length, 1, 'one connection all along');
    assert.equal(await alice.prop('registrationState'), 'registered');
    assert.equal((await nginx.accessLog()).filter((r) => r.path === '/alice').length, 0, 'her connection is still open');

    // carol sent nothing after registering: nginx closed her socket 60 s later; she came back by herself.
    const carolEvents = await carol.events();
    const registered = carolEvents.find((e) => e.type === 'sip-registered');
    const lost = carolEvents.find((e) => e.type === 'sip-connection-lost');
    assert.ok(lost, 'carol (keep-alive off) lost her connection');
    const silentS = (lost.at - registered.at) / 1000;
    console.log(`carol (keep-alive off): nginx closed her idle socket ${silentS.toFixed(1)} s after her last message (${lost.detail.cause})`);
    assert.ok(silentS >= NGINX_TIMEOUT_S - 1 && silentS <= NGINX_TIMEOUT_S + 5, `dropped after ${silentS} s`);
    assert.equal(lost.detail.reconnecting, true);
    assert.ok(carolEvents.filter((e) => e.type === 'sip-registered' && e.at > lost.at).length >= 1, 'carol registered again by herself');

    await callAndHangUp(bob, alice);
    await callAndHangUp(alice, bob);
  } finally {
    await alice.close();
    await bob.close();
    await carol.close();
  }

  const log = await until(
    async () => {
      const entries = await nginx.accessLog();
      // carol's: the one nginx timed out, and the one she came back on (logged once her page closed).
      return entries.some((r) => r.path === '/alice') && entries.filter((r) => r.path === '/carol').length >= 2 ? entries : null;
    },
    { message: 'nginx logged the closed connections' },
  );
  const errors = await nginx.errorLog();
  const timedOut = new Set([...errors.matchAll(/\*(\d+) upstream timed out .*while proxying upgraded connection/g)].map((m) => Number(m[1])));
  const aliceConnections = log.filter((r) => r.path === '/alice');
  const carolConnections = log.filter((r) => r.path === '/carol');
  console.log('nginx access log:', JSON.stringify(log), 'timed out:', [...timedOut]);
  assert.equal(aliceConnections.length, 1, "one WebSocket for alice's whole stay");
  assert.equal(aliceConnections[0].status, 101);
  assert.ok(aliceConnections[0].seconds >= IDLE_MS / 1000, `open for ${aliceConnections[0].seconds} s`);
  assert.ok(!timedOut.has(aliceConnections[0].connection), 'not closed by nginx for a timeout');
  assert.ok(carolConnections.length >= 2, `carol connected ${carolConnections.length} times`);
  assert.ok(timedOut.has(carolConnections[0].connection), "carol's first connection was closed by nginx's timeout");
});

test('a server that answers keep-alives with a double CRLF (as Asterisk does) and pings with one does not confuse the phone', async () => {
  const proxy = await startDoubleCrlfProxy({ upstream: kamailio.wsUrl, pingEveryMs: 3000 });
  const alice = await registeredPhone('alice', proxy.url, { 'keepalive-interval': 2 });
  const bob = await registeredPhone('bob', kamailio.wsUrl);
  try {
    await sleep(12_000);
    const counts = { ...proxy.counts };
    console.log('double-CRLF proxy:', JSON.stringify(counts));
    assert.ok(counts.pingsFromPhone >= 4, `alice pinged ${counts.pingsFromPhone} times`);
    assert.ok(counts.pingsToPhone >= 3, `the server pinged ${counts.pingsToPhone} times`);
    assert.equal(counts.crlfFromPhone, counts.pingsToPhone, "alice answers the server's pings, not its double-CRLF pongs");
    assert.equal(counts.connections, 1);
    assert.deepEqual(await alice.events('sip-connection-lost'), []);
    assert.equal(await alice.prop('registrationState'), 'registered');
    assert.deepEqual(
      alice.consoleLines.filter((l) => l.startsWith('pageerror')),
      [],
    );
    await callAndHangUp(alice, bob);
    await callAndHangUp(bob, alice);
    assert.equal(proxy.counts.connections, 1);
  } finally {
    await alice.close();
    await bob.close();
    await proxy.close();
  }
});
