// SIP as real servers and phones speak it, against sipp on Kamailio's UDP side: answers the
// browser cannot use, and what the phone must still do (ACK, BYE, release everything), after
// which it calls another element normally.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertClean, sippFinished, sippSuite, startLines, states, tracedMessages } from './support/sipp.mjs';

const env = sippSuite('sip-quirks');

describe('answers the browser cannot use', () => {
  test('a 200 OK with garbled SDP: the phone ACKs it, sends BYE, ends incompatible-sdp and closes its peer connection', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-garbled-sdp.xml', 'garbled-sdp');
    const phone = await env.registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      assert.ok(placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'incompatible-sdp');
      assert.deepEqual(await states(phone), ['ended'], 'never shown as active');
      await assertClean(phone);
      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received').filter((l) => !/^SIP\/2\.0 100 /.test(l));
      assert.deepEqual(
        received.map((l) => l.split(' ')[0]),
        ['INVITE', 'ACK', 'BYE'],
        'every 2xx ACKed, then the dialog ended',
      );
      await env.stillCalls(phone);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });
});

describe('no answer at all', () => {
  test('an INVITE nobody answers (the server froze) ends request-timeout after Timer B, not canceled; then calls work again', { timeout: 70000 }, async () => {
    // No keep-alive, so that the frozen server is noticed by the INVITE's own timer, not by pings.
    const phone = await env.registered('alice', { 'keepalive-interval': 0 });
    try {
      env.kamailio.freeze();
      const started = Date.now();
      const placed = await phone.call('call', 'bob', { video: false });
      assert.ok(placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 40000);
      const waited = Date.now() - started;
      env.kamailio.thaw();
      assert.equal(end.detail.cause, 'request-timeout');
      assert.ok(waited > 30000 && waited < 36000, `ended ${waited} ms after the INVITE (Timer B: 64 × T1 = 32 s)`);
      assert.match(await phone.text('[part~="status"]'), /ended/);
      await assertClean(phone);
      await env.stillCalls(phone);
    } finally {
      env.kamailio.thaw();
      await phone.close();
    }
  });
});

// The races (a 200 crossing our CANCEL, a BYE right after or before the 200, two forks both
// answering) are in races-sipp.test.mjs, repeated with the cores busy.

describe('authentication', () => {
  test(
    "a 407 from a PBX with a realm of its own: the phone answers it with the account's credentials for that realm and the call connects",
    { timeout: 40000 },
    async () => {
      const sipp = await env.startSipp('uas-auth-other-realm.xml', 'auth-other-realm');
      const phone = await env.registered('alice');
      try {
        await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
        await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
        await phone.call('hangup');
        await phone.waitFor('sip-call-ended', {}, 5000);
        const { messages } = await sippFinished(sipp);
        const invites = tracedMessages(messages).filter((m) => m.direction === 'received' && m.text.startsWith('INVITE '));
        assert.equal(invites.length, 2, 'one INVITE, then one answering the challenge');
        const header = /^Proxy-Authorization: *Digest (.*)$/im.exec(invites[1].text)?.[1];
        assert.ok(header, 'the second INVITE carries Proxy-Authorization');
        const field = (name) => new RegExp(`\\b${name}="?([^",]+)"?`).exec(header)?.[1];
        assert.equal(field('realm'), 'pbx.example');
        assert.equal(field('username'), 'alice');
        const md5 = (text) => createHash('md5').update(text).digest('hex');
        const ha1 = md5(`alice:pbx.example:alice-pw`);
        const ha2 = md5(`INVITE:${field('uri')}`);
        const expected = md5(`${ha1}:${field('nonce')}:${field('nc')}:${field('cnonce')}:${field('qop')}:${ha2}`);
        assert.equal(field('response'), expected, 'the digest is right for the realm asked');
        assert.equal((await phone.events('sip-call-ended'))[0].detail.cause, 'hangup');
        await assertClean(phone);
        await env.stillCalls(phone);
      } finally {
        sipp.stop();
        await phone.close();
      }
    },
  );
});

/** When (s, from sipp's clock) sipp received each INVITE, in order. */
function inviteTimes(log) {
  return [...log.matchAll(/^-{10,} \S+ (\d+):(\d+):([\d.]+)\n(?:UDP|TCP) message received[^\n]*\n\s*INVITE /gm)].map(
    ([, h, m, sec]) => Number(h) * 3600 + Number(m) * 60 + Number(sec),
  );
}
const gaps = (times) => times.slice(1).map((t, i) => Number((t - times[i]).toFixed(2)));

describe('request pending (491)', () => {
  test('our hold re-INVITE gets 491 once: the phone sent the INVITE, so it retries after 2.1-4 s, and the hold succeeds', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-491-once.xml', '491-once');
    const phone = await env.registered('alice');
    try {
      await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
      const held = await phone.call('hold');
      assert.equal(held.error, undefined, `hold resolved: ${JSON.stringify(held)}`);
      assert.equal((await phone.prop('activeCall'))?.held, true);
      await phone.call('hangup');
      await phone.waitFor('sip-call-ended', {}, 5000);
      const { messages } = await sippFinished(sipp);
      const [, retry] = gaps(inviteTimes(messages));
      assert.ok(retry >= 2.1 && retry <= 4.3, `retried ${retry} s after the 491 (RFC 3261 §14.1: 2.1-4 s)`);
      console.log(`# 491 then retry after ${retry} s`);
      await assertClean(phone);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test(
    'every hold re-INVITE gets 491: three retries 0-2 s apart (we did not choose the Call-ID), then hold() rejects change-refused and the call goes on, not held',
    { timeout: 40000 },
    async () => {
      const phone = await env.registered('alice', { 'auto-answer': true });
      const sipp = await env.startSipp('uac-491-always.xml', '491-always');
      try {
        await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
        const held = await phone.call('hold');
        assert.equal(held.error?.code, 'change-refused', JSON.stringify(held));
        const call = await phone.prop('activeCall');
        assert.equal(call?.state, 'active', 'the call goes on');
        assert.equal(call?.held, false, 'as it was: not held');
        const heldChanges = (await phone.events('sip-call-updated')).filter((e) => e.detail.change === 'held').map((e) => e.detail.call.held);
        assert.deepEqual(heldChanges, [true, false], 'shown held while asking, then back');
        assert.equal((await phone.page.evaluate(() => window.leaks())).openPeerConnections, 1, 'its peer connection still open');
        await phone.call('hangup');
        const end = await phone.waitFor('sip-call-ended', {}, 5000);
        assert.equal(end.detail.cause, 'hangup');
        const { messages } = await sippFinished(sipp);
        const times = inviteTimes(messages);
        assert.equal(times.length, 4, 'the re-INVITE and three retries');
        for (const gap of gaps(times)) assert.ok(gap <= 2.3, `retries 0-2 s apart: ${gaps(times)}`);
        console.log(`# 491 ×4, retries after ${gaps(times).join(', ')} s`);
        await assertClean(phone);
        await env.stillCalls(phone);
      } finally {
        sipp.stop();
        await phone.close();
      }
    },
  );
});

/** The ids of the calls the phone reported (state changes and ends). */
async function callIds(phone) {
  const events = [...(await phone.events('sip-call-state')), ...(await phone.events('sip-call-ended'))];
  return [...new Set(events.map((e) => e.detail.call.id))];
}

describe('redirects', () => {
  test(
    'a 302 to bob: the phone calls bob, who answers, all as ONE call that never ends on the way; sipp got the ACK for its 302',
    { timeout: 40000 },
    async () => {
      const sipp = await env.startSipp('uas-redirect-bob.xml', 'redirect-bob');
      const bob = await env.registered('bob', { 'auto-answer': true });
      const phone = await env.registered('alice');
      try {
        const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
        await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
        await bob.waitFor('sip-call-state', { 'call.state': 'active' }, 5000);
        assert.deepEqual(await callIds(phone), [placed.value], 'one call id');
        assert.ok(!(await states(phone)).includes('ended'), 'never ended on the way');
        const { messages } = await sippFinished(sipp);
        assert.deepEqual(
          startLines(messages, 'received').map((l) => l.split(' ')[0]),
          ['INVITE', 'ACK'],
          'the 302 was ACKed',
        );
        await phone.call('hangup');
        assert.equal((await phone.waitFor('sip-call-ended', {}, 5000)).detail.cause, 'hangup');
        await assertClean(phone);
      } finally {
        sipp.stop();
        await phone.close();
        await bob.close();
      }
    },
  );

  test('a 302 to bob (q=0.3) and carol (q=0.8): carol, the higher q, rings first; she does not answer (480) and bob does', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-redirect-q.xml', 'redirect-q');
    const bob = await env.registered('bob', { 'auto-answer': true });
    const carol = await env.registered('carol');
    const phone = await env.registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      await carol.waitFor('sip-incoming-call', {}, 10000);
      assert.equal((await bob.events('sip-incoming-call')).length, 0, 'bob not called yet');
      await carol.call('hangup');
      await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
      await bob.waitFor('sip-call-state', { 'call.state': 'active' }, 5000);
      assert.deepEqual(await callIds(phone), [placed.value], 'one call id');
      await sippFinished(sipp);
      await phone.call('hangup');
      await phone.waitFor('sip-call-ended', {}, 5000);
      await assertClean(phone);
    } finally {
      sipp.stop();
      await phone.close();
      await carol.close();
      await bob.close();
    }
  });

  test('a redirect loop (302 to a target already tried) ends redirected after 2 INVITEs', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-redirect-loop.xml', 'redirect-loop', { calls: 2 });
    const phone = await env.registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'redirected');
      assert.deepEqual(await callIds(phone), [placed.value], 'one call id');
      const { messages } = await sippFinished(sipp);
      assert.deepEqual(
        startLines(messages, 'received').map((l) => l.split(' ')[0]),
        ['INVITE', 'ACK', 'INVITE', 'ACK'],
      );
      await assertClean(phone);
      await env.stillCalls(phone);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('a chain of redirects with no end stops at 5 INVITEs and ends redirected', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-redirect-chain.xml', 'redirect-chain', { calls: 5 });
    const phone = await env.registered('alice');
    try {
      await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'redirected');
      const { messages } = await sippFinished(sipp);
      assert.equal(startLines(messages, 'received').filter((l) => l.startsWith('INVITE ')).length, 5);
      await assertClean(phone);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('with no-follow-redirects a 302 ends the call redirected at once and bob never rings', { timeout: 40000 }, async () => {
    const sipp = await env.startSipp('uas-redirect-bob.xml', 'redirect-off');
    const bob = await env.registered('bob', { 'auto-answer': true });
    const phone = await env.registered('alice', { 'no-follow-redirects': true });
    try {
      await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'redirected');
      assert.equal(end.detail.statusCode, 302);
      await sippFinished(sipp);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal((await bob.events('sip-incoming-call')).length, 0, 'bob never called');
      await assertClean(phone);
    } finally {
      sipp.stop();
      await phone.close();
      await bob.close();
    }
  });
});

describe('session timers', () => {
  test(
    '422 Session Interval Too Small with Min-SE: 1800: the phone retries once with Session-Expires and Min-SE 1800, same Call-ID, From and To, next CSeq',
    { timeout: 40000 },
    async () => {
      const sipp = await env.startSipp('uas-session-interval-too-small.xml', 'min-se', { calls: 1 });
      const phone = await env.registered('alice');
      try {
        const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`, { video: false });
        const end = await phone.waitFor('sip-call-ended', {}, 10000);
        assert.equal(end.detail.cause, 'busy', 'the retry reached the callee, who is busy');
        assert.deepEqual(await callIds(phone), [placed.value], 'one call id');
        const { messages } = await sippFinished(sipp);
        const invites = tracedMessages(messages).filter((m) => m.direction === 'received' && m.text.startsWith('INVITE '));
        assert.equal(invites.length, 2);
        assert.match(invites[1].text, /^Session-Expires: *1800\b/im);
        assert.match(invites[1].text, /^Min-SE: *1800\r?$/im);
        const header = (text, name) => new RegExp(`^${name}: *(.*?)\r?$`, 'im').exec(text)?.[1];
        assert.equal(header(invites[1].text, 'Call-ID'), header(invites[0].text, 'Call-ID'));
        assert.equal(header(invites[1].text, 'From'), header(invites[0].text, 'From'), 'the same From, tag included');
        assert.equal(header(invites[1].text, 'To'), header(invites[0].text, 'To'));
        const cseq = (text) => Number(header(text, 'CSeq').split(' ')[0]);
        assert.equal(cseq(invites[1].text), cseq(invites[0].text) + 1);
        assert.deepEqual(
          startLines(messages, 'sent').filter((l) => !/ 100 /.test(l)),
          ['SIP/2.0 422 Session Interval Too Small', 'SIP/2.0 486 Busy Here'],
        );
        await assertClean(phone);
      } finally {
        sipp.stop();
        await phone.close();
      }
    },
  );
});
