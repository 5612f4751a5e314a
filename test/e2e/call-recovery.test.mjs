// Calls that survive a media outage (#20 item 1): all UDP dropped inside the test namespace
// (the browsers' only media path on 127.0.0.1) while SIP over the WebSocket (TCP) stays up. Both
// sides say `sip-call-reconnecting`, restart ICE, and say `sip-call-reconnected` once media flows
// again; past `call-recovery-timeout` the call ends `media-timeout` and releases its media.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bothWays, e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('call-recovery');
const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Drops all UDP in the namespace for `ms` (every rule removed afterwards, whatever happens). */
async function udpOutage(ms) {
  const rule = (op) => execFileSync('iptables', [op, 'INPUT', '-p', 'udp', '-j', 'DROP']);
  rule('-I');
  try {
    await sleep(ms);
  } finally {
    rule('-D');
  }
  return Date.now();
}

async function inVideoCall(alice, bob) {
  await alice.call('call', 'bob', { video: true });
  await bob.waitFor('sip-incoming-call');
  await bob.call('answer');
  await alice.waitFor('sip-call-state', { 'call.state': 'active' });
  await bothWays([alice, bob], { video: true }, 'before the outage');
}

test('a 20 s media outage: both sides reconnect (events in order) and hear and see each other within 5 s of the network returning', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob');
  try {
    await inVideoCall(alice, bob);
    const outage = udpOutage(20000);
    // Noticed during the outage (consent checks: ~6 s here) and shown on the call screen.
    await Promise.all([alice.waitFor('sip-call-reconnecting', {}, 15000), bob.waitFor('sip-call-reconnecting', {}, 15000)]);
    assert.match(await alice.text('[part~="status"]'), /Reconnecting/);
    assert.equal((await bob.prop('activeCall')).reconnecting, true);
    const back = await outage;
    await Promise.all([alice.waitFor('sip-call-reconnected', {}, 10000), bob.waitFor('sip-call-reconnected', {}, 10000)]);
    await bothWays([alice, bob], { video: true }, 'after the outage');
    const mediaBackMs = Date.now() - back;
    console.log(`media back both ways ${mediaBackMs} ms after the network returned`);
    assert.ok(mediaBackMs < 5000 + 2400, `media back after ${mediaBackMs} ms`); // (bothWays itself measures over 2 × 1.2 s)
    for (const phone of [alice, bob]) {
      assert.deepEqual(await phone.events('sip-call-ended'), [], `${phone.user}'s call did not end`);
      const types = (await phone.events()).map((e) => e.type).filter((t) => /reconnect/.test(t));
      assert.deepEqual(types, ['sip-call-reconnecting', 'sip-call-reconnected'], `${phone.user}: ${types}`);
      assert.equal((await phone.prop('activeCall')).reconnecting, false);
    }
    await alice.call('hangup');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

test('an outage past call-recovery-timeout ends the call media-timeout on both sides and releases camera and microphone', async () => {
  const alice = await registered('alice', { video: true, 'call-recovery-timeout': 4 });
  const bob = await registered('bob', { 'call-recovery-timeout': 4 });
  try {
    await inVideoCall(alice, bob);
    await udpOutage(16000);
    // The first side to give up says so with a BYE (signalling is up): the other ends 'bye' or on its own.
    const causes = [];
    for (const phone of [alice, bob]) {
      const ended = (await phone.events('sip-call-ended'))[0];
      causes.push(ended?.detail.cause);
      assert.equal((await phone.events('sip-call-reconnecting')).length, 1);
      assert.deepEqual(await phone.events('sip-call-reconnected'), []);
      await until(async () => (await phone.page.evaluate(() => window.liveLocalTracks())) === 0, { message: `${phone.user}'s media released` });
    }
    console.log(`alice, bob ended: ${causes}`);
    assert.ok(causes.includes('media-timeout') && causes.every((c) => ['media-timeout', 'bye'].includes(c)), `causes ${causes}`);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});
