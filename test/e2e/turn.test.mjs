// Relay-only calls through a real TURN server: coturn on 127.0.0.1 (support/turn-server.mjs), two
// <sip-phone> elements with `ice-transport-policy="relay"` calling each other through Kamailio,
// with time-limited TURN REST credentials given by the page in `ice-servers`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bothWays, e2eSuite, openRegisteredPhone } from './support/harness.mjs';
import { startTurnServer, turnCredentials } from './support/turn-server.mjs';

const env = e2eSuite('turn');
let turn;
before(async () => {
  turn = await startTurnServer();
});
after(() => turn?.close());

/** What a page's backend would hand out: a TURN server with credentials valid for an hour. */
function relayOnly(user, transport, { credential } = {}) {
  const given = turnCredentials(turn.secret, user);
  return {
    'ice-transport-policy': 'relay',
    'ice-servers': JSON.stringify([{ urls: turn.url(transport), username: given.username, credential: credential ?? given.credential }]),
  };
}

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

for (const transport of ['udp', 'tcp']) {
  test(`alice calls bob relay-only through coturn over ${transport.toUpperCase()}: only relay candidates, a relay pair, sound and video both ways`, async () => {
    const alice = await registered('alice', relayOnly('alice', transport));
    const bob = await registered('bob', { ...relayOnly('bob', transport), 'auto-answer': true });
    try {
      // The STUN/TURN probe gathers once after configuration (≤ 3 s); let it finish, as a page
      // whose user dials by hand would. (Placed at once, 2 of 9 UDP relay calls here never
      // connected: the callee never asked coturn for a permission. Under investigation.)
      await new Promise((r) => setTimeout(r, 3500));
      const logFrom = turn.log().length;
      const started = Date.now();
      assert.ok((await alice.call('call', 'bob', { video: true })).value, 'the call is placed');
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      const setupMs = Date.now() - started;
      const { local: offer } = await alice.page.evaluate(() => window.lastSdp());
      const { local: answer } = await bob.page.evaluate(() => window.lastSdp());
      for (const sdp of [offer, answer]) {
        const candidates = sdp.match(/^a=candidate:.*$/gm) ?? [];
        assert.ok(candidates.length > 0, 'the SDP carries candidates');
        assert.ok(
          candidates.every((c) => / typ relay /.test(c)),
          `only relay candidates:\n${candidates.join('\n')}`,
        );
      }
      // Sound (energy), video frames and a picture that is not black, both ways.
      await bothWays([alice, bob], { video: true }, `through coturn over ${transport}`).catch((error) => {
        throw new Error(`${error.message}\ncoturn:\n${turn.log().split('\n').slice(-30).join('\n')}`);
      });
      const stats = await Promise.all([alice.stats(), bob.stats()]);
      for (const [i, who] of ['alice', 'bob'].entries()) {
        assert.equal(stats[i].localCandidateType, 'relay', `${who}'s selected pair is local relay`);
        assert.equal(stats[i].remoteCandidateType, 'relay', `${who}'s selected pair is remote relay`);
        assert.equal(stats[i].localRelayProtocol, transport, `${who} reaches coturn over ${transport}`);
      }
      // coturn accepted both phones' time-limited user names (`<expiry>:<user>`) for this call.
      for (const who of ['alice', 'bob']) {
        const expiry = Number(new RegExp(`user <(\\d+):${who}>: incoming packet ALLOCATE processed, success`).exec(turn.log().slice(logFrom))?.[1]);
        assert.ok(Math.abs(expiry - (Date.now() / 1000 + 3600)) < 120, `${who} allocated with a user name valid for an hour (${expiry})`);
      }
      console.log(`# ${transport}: call() → active ${setupMs} ms; alice ${JSON.stringify(stats[0])}`);
      await alice.call('hangup');
      await bob.waitFor('sip-call-ended');
    } finally {
      await alice.close();
      await bob.close();
    }
  });
}

test('a wrong TURN credential under relay-only: coturn refuses it (401), the offer has no candidate, and the silent call ends media-timeout on its own', async () => {
  const alice = await registered('alice', relayOnly('alice', 'udp', { credential: 'd3JvbmcgcGFzc3dvcmQ=' }));
  const bob = await registered('bob', { ...relayOnly('bob', 'udp'), 'auto-answer': true });
  try {
    const logFrom = turn.log().length;
    assert.ok((await alice.call('call', 'bob')).value, 'the call is placed: nothing tells the phone beforehand');
    const active = await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    assert.match(turn.log().slice(logFrom), /user <\d+:alice>: incoming packet message processed, error 401: Unauthorized/);
    const { local: offer } = await alice.page.evaluate(() => window.lastSdp());
    assert.doesNotMatch(offer, /a=candidate:/, 'without a relay candidate alice has none to offer');
    // Signalling succeeded, media cannot: nothing arrives on either side.
    await new Promise((r) => setTimeout(r, 3000));
    for (const phone of [alice, bob]) {
      const stats = await phone.stats();
      assert.notEqual(stats.connectionState, 'connected', `${phone.user}'s media path never connects`);
      assert.equal(stats.audioBytesIn, 0, `${phone.user} received nothing`);
    }
    // Neither phone leaves an "active" call silent for good: the media timeout (10 s after the
    // call became active) hangs up on whichever side runs out first (bob, usually: his call became
    // active when he answered), and the other sees the call end.
    const [aliceEnd, bobEnd] = await Promise.all([alice.waitFor('sip-call-ended', {}, 15000), bob.waitFor('sip-call-ended', {}, 15000)]);
    const causes = [aliceEnd.detail.cause, bobEnd.detail.cause];
    assert.ok(causes.includes('media-timeout') && causes.every((c) => ['media-timeout', 'bye'].includes(c)), `causes ${causes}`);
    const silentMs = aliceEnd.at - active.at;
    assert.ok(silentMs > 8000 && silentMs < 12000, `ended ${silentMs} ms after it became active`);
  } finally {
    await alice.close();
    await bob.close();
  }
});
