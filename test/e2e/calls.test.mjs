// Two <sip-phone> elements in separate browser contexts, registered at a real Kamailio on
// 127.0.0.1, calling each other with real WebRTC media.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, mediaFlows, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('calls');

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

describe('calls through Kamailio', () => {
  test('alice calls bob with video, bob answers, both receive audio and video on 127.0.0.1, bob hangs up', async () => {
    const alice = await registered('alice', { video: true });
    const bob = await registered('bob');
    try {
      const placed = await alice.call('call', 'bob');
      assert.ok(placed.value, `call() resolved to an id: ${JSON.stringify(placed)}`);
      const incoming = await bob.waitFor('sip-incoming-call');
      assert.equal(incoming.detail.call.remoteUri, 'sip:alice@sip-phone.test');
      assert.equal(incoming.detail.call.video, true);
      assert.equal(incoming.detail.call.state, 'incoming');
      await alice.waitFor('sip-call-state', { 'call.state': 'ringing' });

      assert.deepEqual(await bob.call('answer'), {});
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await bob.waitFor('sip-call-state', { 'call.state': 'active' });

      const [aliceStats, bobStats] = await Promise.all([mediaFlows(alice, { video: true }), mediaFlows(bob, { video: true })]);
      for (const stats of [aliceStats, bobStats]) {
        assert.equal(stats.localAddress, '127.0.0.1');
        assert.equal(stats.remoteAddress, '127.0.0.1');
      }
      assert.equal((await alice.prop('activeCall')).state, 'active');
      assert.match(await alice.text('[part~="status"]'), /In call with sip:bob@sip-phone\.test/);

      await bob.call('hangup');
      const [aliceEnd, bobEnd] = await Promise.all([alice.waitFor('sip-call-ended'), bob.waitFor('sip-call-ended')]);
      assert.equal(aliceEnd.detail.cause, 'bye');
      assert.equal(bobEnd.detail.cause, 'hangup');
      assert.ok(aliceEnd.detail.durationMs > 0);
      for (const phone of [alice, bob]) {
        assert.equal(await phone.prop('activeCall'), null);
        assert.deepEqual(await phone.prop('calls'), []);
        assert.equal(await phone.page.evaluate(() => window.liveLocalTracks()), 0, `${phone.user} released camera and microphone`);
        assert.deepEqual(await phone.page.evaluate(() => window.leaks()), { peerConnections: 1, openPeerConnections: 0, capturedTracks: 2, liveTracks: 0 });
        assert.deepEqual(await phone.page.evaluate(() => window.pageErrors), []);
      }
      assert.equal((await alice.events('sip-call-ended')).length, 1, 'sip-call-ended fires once per call');
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  test('bob rejects an audio call: alice sees it rejected, with a SIP status', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    try {
      await alice.call('call', 'sip:bob@sip-phone.test', { video: false });
      const incoming = await bob.waitFor('sip-incoming-call');
      assert.equal(incoming.detail.call.video, false);
      await bob.call('reject');
      const end = await alice.waitFor('sip-call-ended');
      assert.equal(end.detail.cause, 'rejected');
      assert.equal(end.detail.statusCode, 603);
      assert.equal((await bob.waitFor('sip-call-ended')).detail.cause, 'rejected');
      assert.match(await alice.text('[part~="status"]'), /ended: rejected/);
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  test('alice cancels before bob answers: both see it canceled', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    try {
      await alice.call('call', 'bob');
      await bob.waitFor('sip-incoming-call');
      await alice.waitFor('sip-call-state', { 'call.state': 'ringing' });
      await alice.call('hangup');
      assert.equal((await alice.waitFor('sip-call-ended')).detail.cause, 'canceled');
      assert.equal((await bob.waitFor('sip-call-ended')).detail.cause, 'canceled');
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  test('calling a user who is not registered ends with not-found', async () => {
    const alice = await registered('alice');
    try {
      await alice.call('call', 'dave');
      const end = await alice.waitFor('sip-call-ended');
      assert.equal(end.detail.cause, 'not-found');
      assert.equal(end.detail.statusCode, 404);
      assert.equal(await alice.prop('activeCall'), null);
      assert.equal(await alice.page.evaluate(() => window.liveLocalTracks()), 0);
    } finally {
      await alice.close();
    }
  });

  test('a caller whose display name is markup is shown as text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const carol = await registered('carol', { 'display-name': evil });
    const bob = await registered('bob');
    const dialogs = [];
    bob.page.on('dialog', (d) => (dialogs.push(d.message()), d.dismiss()));
    try {
      await carol.call('call', 'bob');
      const incoming = await bob.waitFor('sip-incoming-call');
      assert.equal(incoming.detail.call.remoteDisplayName, evil);
      const shown = await until(() => bob.text('.caller'), { message: 'the caller shown' });
      assert.equal(shown, evil);
      assert.match(await bob.text('[part~="caller-card"]'), /sip:carol@sip-phone\.test/);
      assert.equal(await bob.page.evaluate(() => window.phone().shadowRoot.querySelectorAll('img').length), 0);
      await bob.call('reject');
      await carol.waitFor('sip-call-ended');
      assert.deepEqual(dialogs, []);
    } finally {
      await carol.close();
      await bob.close();
    }
  });

  test('three calls in a row leave no open RTCPeerConnection and no live track on either side', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob', { 'auto-answer': true });
    try {
      for (let i = 1; i <= 3; i++) {
        await alice.call('call', 'bob', { video: i % 2 === 1 });
        await until(async () => (await alice.events('sip-call-state')).filter((e) => e.detail.call.state === 'active').length === i, {
          message: `call ${i} active`,
        });
        await mediaFlows(alice, { video: false });
        await (i === 2 ? bob : alice).call('hangup');
        await until(async () => (await alice.events('sip-call-ended')).length === i && (await bob.events('sip-call-ended')).length === i, {
          message: `call ${i} ended`,
        });
      }
      for (const phone of [alice, bob]) {
        const leaks = await phone.page.evaluate(() => window.leaks());
        assert.equal(leaks.peerConnections, 3);
        assert.equal(leaks.openPeerConnections, 0, `${phone.user}: ${JSON.stringify(leaks)}`);
        assert.ok(leaks.capturedTracks >= 3);
        assert.equal(leaks.liveTracks, 0, `${phone.user}: ${JSON.stringify(leaks)}`);
      }
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  test('auto-answer answers at once and media flows', async () => {
    const alice = await registered('alice');
    const erin = await registered('erin', { 'auto-answer': true });
    try {
      await alice.call('call', 'erin');
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await mediaFlows(alice, { video: false });
      await alice.call('hangup');
      assert.equal((await erin.waitFor('sip-call-ended')).detail.cause, 'bye');
    } finally {
      await alice.close();
      await erin.close();
    }
  });
});
