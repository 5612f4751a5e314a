// Relay-only calls through a real TURN server: coturn on 127.0.0.1 (support/turn-server.mjs), two
// <sip-phone> elements with `ice-transport-policy="relay"` calling each other through Kamailio,
// with time-limited TURN REST credentials given by the page in `ice-servers`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSuite, openRegisteredPhone, until } from './support/harness.mjs';
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

/** How much sound and how many video frames each phone received during `ms`. */
async function receivedDuring(phones, ms) {
  const before = await Promise.all(phones.map((p) => p.stats()));
  await new Promise((r) => setTimeout(r, ms));
  const after = await Promise.all(phones.map((p) => p.stats()));
  return after.map((a, i) => ({ energy: a.audioEnergyIn - before[i].audioEnergyIn, frames: a.framesDecoded - before[i].framesDecoded, stats: a }));
}

for (const transport of ['udp', 'tcp']) {
  test(`alice calls bob relay-only through coturn over ${transport.toUpperCase()}: only relay candidates, a relay pair, sound and video both ways`, async () => {
    const alice = await registered('alice', relayOnly('alice', transport));
    const bob = await registered('bob', { ...relayOnly('bob', transport), 'auto-answer': true });
    try {
      const started = Date.now();
      assert.deepEqual(await alice.call('call', 'bob', { video: true }), { value: (await alice.prop('activeCall')).id });
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      const setupMs = Date.now() - started;
      const { local: offer } = await alice.page.evaluate(() => window.lastSdp());
      const { local: answer } = await bob.page.evaluate(() => window.lastSdp());
      for (const sdp of [offer, answer]) {
        const candidates = sdp.match(/^a=candidate:.*$/gm) ?? [];
        assert.ok(candidates.length > 0, 'the SDP carries candidates');
        assert.ok(candidates.every((c) => / typ relay /.test(c)), `only relay candidates:\n${candidates.join('\n')}`);
      }
      let last;
      await until(async () => (last = await Promise.all([alice.stats(), bob.stats()])).every((x) => x?.framesDecoded > 5), { message: 'video both ways' }).catch((error) => {
        throw new Error(`${error.message}\nstats: ${JSON.stringify(last)}\ncoturn:\n${turn.log().split('\n').slice(-30).join('\n')}`);
      });
      const received = await receivedDuring([alice, bob], 2000);
      for (const [i, { energy, frames, stats }] of received.entries()) {
        const who = ['alice', 'bob'][i];
        assert.ok(energy > 0, `${who} heard sound (energy +${energy})`);
        assert.ok(frames > 10, `${who} saw video (${frames} frames in 2 s)`);
        assert.equal(stats.localCandidateType, 'relay', `${who}'s selected pair is local relay`);
        assert.equal(stats.remoteCandidateType, 'relay', `${who}'s selected pair is remote relay`);
        assert.equal(stats.localRelayProtocol, transport, `${who} reaches coturn over ${transport}`);
      }
      // coturn saw both phones allocate with their REST user names.
      assert.match(turn.log(), new RegExp(`user <\\d+:alice>: incoming packet ALLOCATE processed, success`));
      assert.match(turn.log(), new RegExp(`user <\\d+:bob>: incoming packet ALLOCATE processed, success`));
      console.log(`# ${transport}: call() → active ${setupMs} ms; alice ${JSON.stringify(received[0].stats)}`);
      await alice.call('hangup');
      await bob.waitFor('sip-call-ended');
    } finally {
      await alice.close();
      await bob.close();
    }
  });
}
