// The cluster (demo/kamailio/cluster.mjs): two edge proxies, two registrars sharing PostgreSQL.
// alice registers only through edge 1, bob only through edge 2; everything works across them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bothWays, until } from './support/harness.mjs';
import { clusterSuite } from './support/cluster-suite.mjs';

const env = clusterSuite('cluster');
const edge = (n) => env.cluster.edges[n - 1];

describe('phones on different edges', () => {
  test('alice (edge 1) calls bob (edge 2) and bob calls alice: each rings, sound and picture both ways, hold and BYE cross the edges', { timeout: 90000 }, async () => {
    const alice = await env.registered('alice', [edge(1)], { video: true });
    const bob = await env.registered('bob', [edge(2)], { video: true });
    try {
      assert.equal(await env.edgeOf('alice'), edge(1));
      assert.equal(await env.edgeOf('bob'), edge(2));
      await alice.call('call', 'bob');
      const ringing = await bob.waitFor('sip-incoming-call');
      assert.equal(ringing.detail.call.remoteUri, 'sip:alice@sip-phone.test');
      await bob.call('answer');
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await bothWays([alice, bob]);
      await bob.call('hangup');
      await alice.waitFor('sip-call-ended');
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});
