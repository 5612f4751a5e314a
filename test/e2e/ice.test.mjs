// The ICE gathering policy with real STUN traffic: Chromium asks a STUN responder on 127.0.0.1
// (see support/stun-server.mjs), through Kamailio, with `ice-gathering-timeout` far above the
// tests' waits, so a call that waited for a server that never answers could not pass.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, mediaFlows, openRegisteredPhone, until } from './support/harness.mjs';
import { startStunServer } from './support/stun-server.mjs';

const env = e2eSuite('ice');
const LONG_TIMEOUT = 60000;

const servers = [];
async function stunServer(options) {
  const server = await startStunServer(options);
  servers.push(server);
  return server;
}
after(() => Promise.all(servers.map((s) => s.close())));

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

async function callAndHangUp(alice, bob) {
  await alice.call('call', 'bob', { video: true });
  // Both sides would hold their offer/answer for LONG_TIMEOUT if they waited for the server.
  await alice.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
  const offer = await bob.page.evaluate(() => window.lastSdp().remote);
  await Promise.all([mediaFlows(alice, { video: true }), mediaFlows(bob, { video: true })]);
  await alice.call('hangup');
  await bob.waitFor('sip-call-ended');
  return offer;
}

describe('ICE gathering with STUN servers', () => {
  test('a STUN server that answers: its srflx candidate is in the offer and the call connects at once', async () => {
    const stun = await stunServer({ delayMs: 20 });
    const ice = { 'ice-servers': JSON.stringify([{ urls: stun.url }]), 'ice-gathering-timeout': LONG_TIMEOUT };
    const alice = await registered('alice', ice);
    const bob = await registered('bob', { ...ice, 'auto-answer': true });
    try {
      const offer = await callAndHangUp(alice, bob);
      assert.match(offer, /a=candidate:.* 203\.0\.113\.7 \d+ typ srflx/, 'alice waited for the server-reflexive candidate');
      assert.match(offer, /a=candidate:.* 127\.0\.0\.1 \d+ typ host/);
      assert.ok(stun.answered >= 2, `the server answered both phones (${stun.answered})`);
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  });

  test('an unreachable STUN server, once probed, costs calls nothing on either side', async () => {
    const stun = await stunServer({ silent: true });
    const ice = { 'ice-servers': JSON.stringify([{ urls: stun.url }]), 'ice-gathering-timeout': LONG_TIMEOUT };
    const alice = await registered('alice', ice);
    const bob = await registered('bob', { ...ice, 'auto-answer': true });
    try {
      // Both phones probe the server as soon as they are configured; the probe gives up after 3 s.
      await until(() => stun.requests >= 2, { message: 'the probes asking the STUN server' });
      await new Promise((r) => setTimeout(r, 3500));
      const asked = stun.requests;
      const offer = await callAndHangUp(alice, bob);
      assert.doesNotMatch(offer, /typ srflx/);
      assert.ok(stun.requests > asked, 'the call itself still asked the server (it is not dropped from the configuration)');
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  });
});
