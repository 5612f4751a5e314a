// Calls that survive a media outage (#20 item 1): all UDP dropped inside the test namespace
// (the browsers' only media path on 127.0.0.1) while SIP over the WebSocket (TCP) stays up. Both
// sides say `sip-call-reconnecting`, restart ICE, and say `sip-call-reconnected` once media flows
// again; past `call-recovery-timeout` the call ends `media-timeout` and releases its media.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bothWays, e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('call-recovery', { firefox: true });
const registered = (user, attributes, browser = env.browser) => openRegisteredPhone(browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** iptables rules dropping all UDP (media), and with `signalling` also TCP to and from the WebSocket port. */
function outageRules(signalling) {
  const rules = [['-p', 'udp']];
  if (signalling) {
    const port = new URL(env.kamailio.wsUrl).port;
    rules.push(['-p', 'tcp', '--dport', port], ['-p', 'tcp', '--sport', port]);
  }
  return rules;
}

/** Cuts the network for `ms` (every rule removed afterwards, whatever happens); `during` runs meanwhile. Resolves to when it returned. */
async function outage(ms, { signalling = false, during } = {}) {
  const rules = outageRules(signalling);
  for (const r of rules) execFileSync('iptables', ['-I', 'INPUT', ...r, '-j', 'DROP']);
  try {
    await Promise.all([sleep(ms), during?.()]);
  } finally {
    for (const r of rules) execFileSync('iptables', ['-D', 'INPUT', ...r, '-j', 'DROP']);
  }
  return Date.now();
}
const udpOutage = (ms) => outage(ms);

/**
 * Every SDP the phone sent (its restarts' offers, its answers to the other side's) carries ICE
 * candidates: Firefox says gathering is complete when it has not yet begun a restart's, and an
 * answer sent then had none (c=0.0.0.0, port 9).
 */
async function assertSentSdpsHaveCandidates(phone) {
  const sent = (await phone.prop('recentSipMessages')).filter((m) => m.direction === 'out' && /\r\n\r\nv=0/.test(m.text));
  assert.ok(sent.length >= 2, `${phone.user} sent SDP`);
  for (const m of sent) assert.match(m.text, /^a=candidate:/m, `${phone.user} sent SDP without candidates: ${m.text.split('\r\n')[0]}`);
}

async function inVideoCall(alice, bob) {
  await alice.call('call', 'bob', { video: true });
  await bob.waitFor('sip-incoming-call');
  await bob.call('answer');
  await alice.waitFor('sip-call-state', { 'call.state': 'active' });
  await bothWays([alice, bob], { video: true }, 'before the outage');
}

for (const callee of ['Chromium', 'Firefox']) {
  test(`a 20 s media outage (Chromium calls ${callee}): both sides reconnect (events in order) and hear and see each other within 5 s of the network returning`, async () => {
    const alice = await registered('alice', { video: true });
    const bob = await registered('bob', {}, callee === 'Firefox' ? env.firefox : env.browser);
    try {
      await inVideoCall(alice, bob);
      const outage = udpOutage(20000);
      // Noticed during the outage (Chromium's consent checks: ~6 s here) and shown on the call screen.
      // Firefox's checks may not call the path down within 20 s (seen once in CI): then it has
      // nothing to recover and says nothing; when it does notice, it says so in order.
      const noticed = [alice, bob].filter((p, i) => i === 0 || callee === 'Chromium');
      await Promise.all(noticed.map((p) => p.waitFor('sip-call-reconnecting', {}, 15000)));
      assert.match(await alice.text('[part~="status"]'), /Reconnecting/);
      if (callee === 'Chromium') assert.equal((await bob.prop('activeCall')).reconnecting, true);
      const back = await outage;
      await Promise.all(noticed.map((p) => p.waitFor('sip-call-reconnected', {}, 10000)));
      await bothWays([alice, bob], { video: true }, 'after the outage');
      const mediaBackMs = Date.now() - back;
      console.log(`media outage, Chromium calls ${callee}: media back both ways ${mediaBackMs} ms after the network returned`);
      assert.ok(mediaBackMs < 5000 + 2400, `media back after ${mediaBackMs} ms`); // (bothWays itself measures over 2 × 1.2 s)
      for (const phone of [alice, bob]) {
        assert.deepEqual(await phone.events('sip-call-ended'), [], `${phone.user}'s call did not end`);
        const types = (await phone.events()).map((e) => e.type).filter((t) => /reconnect/.test(t));
        const expected = noticed.includes(phone) || types.length ? ['sip-call-reconnecting', 'sip-call-reconnected'] : [];
        assert.deepEqual(types, expected, `${phone.user}: ${types}`);
        await until(async () => (await phone.prop('activeCall')).reconnecting === false, { message: `${phone.user} no longer reconnecting` });
        await assertSentSdpsHaveCandidates(phone);
      }
      await alice.call('hangup');
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
}

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
      // (The side that gives up first hangs up: the other may not have noticed the loss yet.)
      const reconnecting = (await phone.events('sip-call-reconnecting')).length;
      assert.ok(ended?.detail.cause === 'media-timeout' ? reconnecting === 1 : reconnecting <= 1, `${phone.user}: ${reconnecting} × reconnecting`);
      assert.deepEqual(await phone.events('sip-call-reconnected'), []);
      await until(async () => (await phone.page.evaluate(() => window.liveLocalTracks())) === 0, { message: `${phone.user}'s media released` });
    }
    console.log(`alice, bob ended: ${causes}`);
    assert.ok(causes.includes('media-timeout') && causes.every((c) => ['media-timeout', 'bye'].includes(c)), `causes ${causes}`);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

for (const callee of ['Chromium', 'Firefox']) {
  test(`a 20 s outage of media and signalling together (Chromium calls ${callee}): both phones reconnect, re-register, hear and see each other within 10 s of the network returning, and a hang-up then reaches the other side`, async () => {
    const alice = await registered('alice', { video: true });
    const bob = await registered('bob', {}, callee === 'Firefox' ? env.firefox : env.browser);
    try {
      await inVideoCall(alice, bob);
      const back = await outage(20000, {
        signalling: true,
        during: () => Promise.all([alice.waitFor('sip-call-reconnecting', {}, 15000), bob.waitFor('sip-call-reconnecting', {}, 15000)]),
      });
      await Promise.all([alice.waitFor('sip-call-reconnected', {}, 15000), bob.waitFor('sip-call-reconnected', {}, 15000)]);
      await bothWays([alice, bob], { video: true }, 'after the outage');
      const mediaBackMs = Date.now() - back;
      console.log(`full outage, Chromium calls ${callee}: media back both ways ${mediaBackMs} ms after the network returned`);
      assert.ok(mediaBackMs < 10000 + 2400, `media back after ${mediaBackMs} ms`);
      for (const phone of [alice, bob]) {
        assert.deepEqual(await phone.events('sip-call-ended'), [], `${phone.user}'s call did not end`);
        assert.ok((await phone.events('sip-connection-lost')).length >= 1, `${phone.user} noticed the connection drop`);
        await until(async () => (await phone.prop('registrationState')) === 'registered', { message: `${phone.user} registered again` });
        await assertSentSdpsHaveCandidates(phone);
      }
      await alice.call('hangup');
      await bob.waitFor('sip-call-ended', { cause: 'bye' });
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
}

test('the other side hangs up while we are cut off: our call ends bye within 10 s of the network returning', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob');
  try {
    await inVideoCall(alice, bob);
    // Only alice is cut off (media, and her WebSocket by its port on her side: all TCP of the port
    // is dropped, so bob's too; bob's hang-up is then sent once he is back, before alice is).
    const back = await outage(15000, {
      signalling: true,
      during: async () => {
        await alice.waitFor('sip-call-reconnecting', {}, 15000);
        await bob.call('hangup');
      },
    });
    await alice.waitFor('sip-call-ended', {}, 20000);
    const endedMs = Date.now() - back;
    const cause = (await alice.events('sip-call-ended'))[0].detail.cause;
    console.log(`hang-up during the outage: alice's call ended ${cause} ${endedMs} ms after the network returned`);
    assert.ok(['bye', 'request-timeout'].includes(cause), cause);
    assert.ok(endedMs < 10000, `ended ${endedMs} ms after`);
    await until(async () => (await alice.page.evaluate(() => window.liveLocalTracks())) === 0, { message: "alice's media released" });
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});
