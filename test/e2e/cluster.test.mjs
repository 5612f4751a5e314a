// The cluster (demo/kamailio/cluster.mjs): two edge proxies, two registrars sharing PostgreSQL.
// Phones registered through different edges (each given one edge, for determinism) call, hold,
// transfer, watch each other's lamps, get their voicemail indicator and offline messages across
// the edges; phones given both edges spread over them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bothWays, openPhone, until } from './support/harness.mjs';
import { clusterSuite, publishMessageSummary } from './support/cluster-suite.mjs';
import { startBaresip } from './support/baresip.mjs';

const env = clusterSuite('cluster');
const edge = (n) => env.cluster.edges[n - 1];
/**
 * Unregisters, then closes the pages. Behind an edge a registrar does not see a closed WebSocket
 * (the single node drops such contacts at once: handle_lost_tcp): a closed tab's contact stays
 * until a request to it is answered 430 or it expires, and so does its "open" presence, which
 * would leak into the next test's lamps.
 */
const closeAll = (...phones) =>
  Promise.all(
    phones.filter(Boolean).map(async (phone) => {
      await phone.call('unregister');
      await phone.close();
    }),
  );

/** A call from `caller` to `callee` (a user name), answered: both active. */
async function inCall(caller, callee, calleeUser) {
  await caller.call('call', calleeUser);
  const ringing = await callee.waitFor('sip-incoming-call');
  assert.equal(ringing.detail.call.remoteUri, `sip:${caller.user}@sip-phone.test`, `${calleeUser} sees who calls`);
  await callee.call('answer');
  await caller.waitFor('sip-call-state', { 'call.state': 'active' });
  await callee.waitFor('sip-call-state', { 'call.state': 'active' });
}

describe('phones on different edges', () => {
  test('alice (edge 1) calls bob (edge 2) with video, bob holds and resumes, alice hangs up; then bob calls alice: each rings, sound and picture both ways', async () => {
    const alice = await env.registered('alice', [edge(1)], { video: true });
    const bob = await env.registered('bob', [edge(2)], { video: true });
    try {
      assert.equal(await env.edgeOf('alice'), edge(1), 'alice registered through edge 1 only');
      assert.equal(await env.edgeOf('bob'), edge(2), 'bob registered through edge 2 only');
      await inCall(alice, bob, 'bob');
      await bothWays([alice, bob], {}, 'alice → bob');
      // hold and resume: re-INVITEs from edge 2 to edge 1 along the route set
      await bob.call('hold');
      await alice.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': true });
      await bob.call('unhold');
      await alice.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': false });
      await bothWays([alice, bob], {}, 'after the resume');
      await alice.call('hangup');
      assert.equal((await bob.waitFor('sip-call-ended')).detail.cause, 'bye');

      await inCall(bob, alice, 'alice');
      await bothWays([alice, bob], {}, 'bob → alice');
      await bob.call('hangup');
      const ended = await until(async () => (await alice.events('sip-call-ended'))[1], { message: "alice's second call ended" });
      assert.equal(ended.detail.cause, 'bye');
      for (const phone of [alice, bob]) assert.deepEqual(await phone.page.evaluate(() => window.pageErrors), []);
    } finally {
      await closeAll(alice, bob);
    }
  });

  test('blind transfer across the edges: alice (edge 1) transfers bob (edge 2) to carol (edge 1); bob and carol talk', async () => {
    const alice = await env.registered('alice', [edge(1)]);
    const bob = await env.registered('bob', [edge(2)]);
    const carol = await env.registered('carol', [edge(1)], { 'auto-answer': true });
    try {
      await inCall(alice, bob, 'bob');
      assert.deepEqual(await alice.call('transfer', 'carol'), {});
      assert.equal((await alice.waitFor('sip-call-ended', {}, 15000)).detail.cause, 'transferred');
      await carol.waitFor('sip-call-state', { 'call.state': 'active', 'call.remoteUri': 'sip:bob@sip-phone.test' });
      await until(async () => (await bob.prop('activeCall'))?.remoteUri === 'sip:carol@sip-phone.test', { message: 'bob in a call with carol' });
      await bothWays([bob, carol], { video: false }, 'bob ↔ carol');
      await bob.call('hangup');
      await carol.waitFor('sip-call-ended');
    } finally {
      await closeAll(alice, bob, carol);
    }
  });

  test('alice (edge 1) watches bob (edge 2): his lamp goes idle → ringing → busy → idle as carol (edge 1) calls him; offline once he unregisters', async () => {
    const bob = await env.registered('bob', [edge(2)]);
    const carol = await env.registered('carol', [edge(1)]);
    const alice = await env.registered('alice', [edge(1)], { watch: 'bob' });
    try {
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'idle' });
      await carol.call('call', 'bob');
      await bob.waitFor('sip-incoming-call');
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'ringing' });
      await bob.call('answer');
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'busy' });
      await bob.call('hangup');
      await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob idle again' });
      const lamps = (await alice.events('sip-presence')).map((e) => e.detail.state).filter((s, i, all) => s !== all[i - 1]);
      assert.deepEqual(lamps, ['idle', 'ringing', 'busy', 'idle']);
      await bob.call('unregister');
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'offline' });
    } finally {
      await closeAll(alice, bob, carol);
    }
  });

  test('bob (edge 2) says he is away, then do-not-disturb, then available: alice (edge 1) watching him sees each (his PUBLISH and her NOTIFY through different edges and any registrar)', async () => {
    const bob = await env.registered('bob', [edge(2)]);
    const alice = await env.registered('alice', [edge(1)], { watch: 'bob' });
    const setAvailability = (value) => bob.page.evaluate((v) => (window.phone().availability = v), value);
    try {
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'idle' });
      await setAvailability('away');
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'away' });
      await setAvailability('dnd');
      await alice.waitFor('sip-presence', { uri: 'bob', state: 'dnd' });
      await setAvailability('available');
      await until(async () => (await alice.prop('presence')).bob === 'idle', { message: 'bob available again' });
    } finally {
      await closeAll(alice, bob);
    }
  });

  test("a voicemail system publishes bob's message summary to registrar 1: bob, on edge 2, shows 3 new messages; then none", async () => {
    const bob = await env.registered('bob', [edge(2)]);
    try {
      // his subscription is in the database: whichever registrar took it, the other one notifies too
      await until(async () => (await env.cluster.db.sql("SELECT count(*) FROM active_watchers WHERE event = 'message-summary'"))[0] !== '0', {
        message: "bob's message-summary subscription in the database",
      });
      assert.equal(await publishMessageSummary(env.cluster.registrars[0], 'bob', { waiting: true, newMessages: 3, oldMessages: 1 }), 'SIP/2.0 200 OK');
      const waiting = await bob.waitFor('sip-voicemail', { 'voicemail.waiting': true }, 10000);
      assert.deepEqual(waiting.detail.voicemail, { waiting: true, newMessages: 3, oldMessages: 1 });
      assert.equal(await publishMessageSummary(env.cluster.registrars[1], 'bob', { waiting: false, newMessages: 0, oldMessages: 4 }), 'SIP/2.0 200 OK');
      const cleared = await bob.waitFor('sip-voicemail', { 'voicemail.waiting': false }, 10000);
      assert.deepEqual(cleared.detail.voicemail, { waiting: false, newMessages: 0, oldMessages: 4 });
    } finally {
      await closeAll(bob);
    }
  });

  test('a message to carol while she is offline, sent by alice through edge 1, is stored (202) and delivered when carol registers through edge 2', async () => {
    const alice = await env.registered('alice', [edge(1)]);
    let carol;
    try {
      const stored = await alice.call('sendMessage', 'carol', 'Ring me when you are on edge 2');
      assert.equal(stored.value?.status, 'stored', JSON.stringify(stored));
      carol = await env.registered('carol', [edge(2)]);
      const delivered = await carol.waitFor('sip-message');
      assert.equal(delivered.detail.message.text, 'Ring me when you are on edge 2');
      assert.equal(delivered.detail.message.remoteUri, 'sip:alice@sip-phone.test');
      // and a message while both are online crosses the edges at once
      const sent = await carol.call('sendMessage', 'alice', 'Got it');
      assert.equal(sent.value?.status, 'sent', JSON.stringify(sent));
      assert.equal((await alice.waitFor('sip-message')).detail.message.text, 'Got it');
    } finally {
      await closeAll(alice, carol);
    }
  });

  test('alice (Chromium, edge 1) calls dave (baresip, a plain SIP phone registered over UDP through edge 2) and dave calls her: edge 2 bridges each call through rtpengine, alice hears his 440 Hz tone, hang-ups end both sides', async () => {
    // dave registers through edge 2's UDP side; his registration is in the shared location table
    const dave = await startBaresip({ user: 'dave', kamailio: { udpPort: edge(2).sipPort, contacts: (user) => env.cluster.contacts(user) } });
    const alice = await env.registered('alice', [edge(1)]);
    try {
      assert.equal(await env.edgeOf('dave'), edge(2));
      const hearsTone = () =>
        until(
          async () => {
            const hz = await alice.page.evaluate(() => window.remoteTonePeak());
            return hz && Math.abs(hz - 440) < 15 ? hz : null;
          },
          { timeout: 8000, interval: 200, message: 'alice hearing a 440 Hz tone' },
        );
      const relayed = async () => Object.keys((await env.cluster.rtpengine.command({ command: 'list' })).calls ?? {}).length;
      let from = dave.events().length;
      await alice.call('call', 'dave', { video: false });
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await dave.waitForEvent('CALL_ESTABLISHED', { from });
      await hearsTone();
      assert.ok((await relayed()) >= 1, 'rtpengine relays the call');
      await alice.call('hangup');
      await dave.waitForEvent('CALL_CLOSED', { from });

      from = dave.events().length;
      assert.equal((await dave.dial('sip:alice@sip-phone.test')).ok, true);
      const incoming = await until(async () => (await alice.events('sip-incoming-call'))[0], { message: 'dave rings alice' });
      assert.equal(incoming.detail.call.remoteUri, 'sip:dave@sip-phone.test');
      await alice.call('answer');
      await dave.waitForEvent('CALL_ESTABLISHED', { from });
      await hearsTone();
      assert.equal((await dave.hangup()).ok, true);
      await until(async () => (await alice.events('sip-call-ended')).length === 2, { message: "alice's second call ended" });
    } finally {
      await closeAll(alice);
      await dave.stop();
    }
  });

  test('ten tabs given both edges spread over them (each tab picks one at random) and all are registered', async () => {
    const servers = `${edge(1).wsUrl} ${edge(2).wsUrl}`;
    const context = await env.browser.newContext();
    try {
      const tabs = [];
      for (let i = 0; i < 10; i++) {
        tabs.push(await openPhone(env.browser, env.web.url, { user: 'erin', server: servers, context, attributes: { 'auto-register': true } }));
      }
      await Promise.all(tabs.map((tab) => tab.waitFor('sip-registered')));
      const rows = await env.cluster.contacts('erin');
      assert.equal(rows.length, 10, 'one contact per tab');
      const perEdge = [edge(1), edge(2)].map((e) => rows.filter((row) => env.cluster.edgeOf(row.path) === e).length);
      console.log(`10 tabs: ${perEdge[0]} on edge 1, ${perEdge[1]} on edge 2`);
      // all ten on one edge has a chance of 2 in 1,024
      assert.ok(perEdge[0] >= 1 && perEdge[1] >= 1, `spread ${perEdge}`);
      const chosen = await Promise.all(tabs.map(async (tab) => (await tab.events('sip-connected'))[0].detail.server));
      assert.deepEqual(
        [edge(1).wsUrl, edge(2).wsUrl].map((url) => chosen.filter((s) => s === url).length),
        perEdge,
      );
    } finally {
      await context.close();
    }
  });
});
