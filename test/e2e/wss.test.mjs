// SIP over secure WebSocket: Kamailio's tls module with a certificate made for this run;
// Chromium accepts it with --ignore-certificate-errors (this file only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openPhone, until } from './support/harness.mjs';

const env = e2eSuite('wss', { kamailio: { wss: true }, browser: { ignoreCertificateErrors: true } });

test('alice and bob register over wss:// and call with audio and video', async () => {
  assert.match(env.kamailio.wssUrl, /^wss:\/\/127\.0\.0\.1:\d+$/);
  const open = (user) => openPhone(env.browser, env.web.url, { user, server: env.kamailio.wssUrl, attributes: { 'auto-register': true, video: true } });
  const alice = await open('alice');
  const bob = await open('bob');
  try {
    const registered = await alice.waitFor('sip-registered');
    assert.equal((await alice.events('sip-connected'))[0].detail.server, env.kamailio.wssUrl);
    assert.ok(registered.detail.expires > 0);
    await bob.waitFor('sip-registered');
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await bob.call('answer');
    await until(
      async () => {
        const [a, b] = [await alice.stats(), await bob.stats()];
        return a?.framesDecoded > 5 && b?.framesDecoded > 5 && a.audioBytesIn > 1000 && b.audioBytesIn > 1000;
      },
      { message: 'audio and video both ways over wss signalling' },
    );
    await alice.call('hangup');
    assert.equal((await bob.waitFor('sip-call-ended')).detail.cause, 'bye');
  } finally {
    await alice.close();
    await bob.close();
  }
});
