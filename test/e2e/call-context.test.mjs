// The phone inside someone else's application (#19): call context in SIP headers both ways,
// intercom, do not disturb, redirect, ignore, codec preferences and confirm-close, between
// <sip-phone> elements (and SIP.js, baresip) through the real Kamailio.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBaresip } from './support/baresip.mjs';
import { bundleSipJsPeer, openSipJsPeer } from './support/sipjs-peer.mjs';
import { e2eSuite, mediaFlows, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('call-context', { kamailio: { rtpengine: true }, setup: bundleSipJsPeer });
let dave;
after(() => dave?.stop());

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const close = (...phones) => Promise.all(phones.map((p) => p.close()));
const uri = (user) => `sip:${user}@sip-phone.test`;

test('headers go both ways: INVITE headers reach the callee, the answer headers reach the caller; bad ones send nothing', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    const bad = await alice.call('call', 'bob', { headers: { 'X-Ticket': '1\r\nVia: SIP/2.0/WSS evil' } });
    assert.equal(bad.error.code, 'invalid-header');
    assert.equal((await alice.call('call', 'bob', { headers: { 'Call-ID': 'x' } })).error.code, 'invalid-header');
    const { value: callId } = await alice.call('call', 'bob', { headers: { 'X-Ticket': '4711', 'X-Customer': 'Müller <b>' } });
    const incoming = await bob.waitFor('sip-incoming-call');
    assert.equal((await bob.events('sip-incoming-call')).length, 1, 'the refused calls never rang');
    assert.equal(incoming.detail.call.headers['X-Ticket'], '4711');
    assert.equal(incoming.detail.call.headers['X-Customer'], 'Müller <b>');
    assert.match(incoming.detail.call.headers.From, /sip:alice@sip-phone\.test/);
    assert.equal(incoming.detail.autoAnswerRequested, false);
    assert.ok(!Object.keys(incoming.detail.call.headers).some((name) => /authorization/i.test(name)), 'no credentials');
    await bob.call('answer', undefined, { headers: { 'X-Agent': 'bob-7' } });
    const active = await alice.waitFor('sip-call-state', { 'call.id': callId, 'call.state': 'active' });
    assert.equal(active.detail.call.headers['X-Agent'], 'bob-7');
    assert.equal((await alice.prop('activeCall')).headers['X-Agent'], 'bob-7');
    await alice.call('hangup', callId, { headers: { 'X-Reason-Code': 'done' } });
    await bob.waitFor('sip-call-ended', { cause: 'bye' });
  } finally {
    await close(alice, bob);
  }
});

test('headers with SIP.js: its INVITE headers reach us, ours reach it, on the call and on the BYE', async () => {
  const alice = await registered('alice');
  const carol = await openSipJsPeer(env.browser, env.web.url, { user: 'carol', server: env.kamailio.wsUrl });
  try {
    await carol.run('call', uri('alice'), { extraHeaders: ['X-Ticket: sipjs-1'] });
    const incoming = await alice.waitFor('sip-incoming-call');
    assert.equal(incoming.detail.call.headers['X-Ticket'], 'sipjs-1', JSON.stringify(incoming.detail.call.headers));
    await alice.call('answer', undefined, { headers: { 'X-Agent': 'alice' } });
    await carol.waitFor('answered');
    await alice.call('hangup', undefined, { headers: { 'X-Wrap-Up': '42' } });
    await carol.waitFor('hangup');
    const trace = await carol.trace();
    assert.ok(
      trace.some((m) => m.direction === 'in' && /^SIP\/2\.0 200/.test(m.text) && /\r\nX-Agent: alice\r\n/.test(m.text)),
      'the 200 OK carries X-Agent',
    );
    assert.ok(
      trace.some((m) => m.direction === 'in' && /^BYE /.test(m.text) && /\r\nX-Wrap-Up: 42\r\n/.test(m.text)),
      'the BYE carries X-Wrap-Up',
    );
  } finally {
    await close(alice, carol);
  }
});

test('headers with baresip through rtpengine: the answer of a plain SIP phone reaches the page', async () => {
  dave = await startBaresip({ user: 'dave', kamailio: env.kamailio });
  const alice = await registered('alice');
  try {
    const { value: callId } = await alice.call('call', 'dave', { headers: { 'X-Ticket': 'plain-1' } });
    const active = await alice.waitFor('sip-call-state', { 'call.id': callId, 'call.state': 'active' });
    assert.match(active.detail.call.headers.Contact ?? '', /^<sip:dave[^@]*@127\.0\.0\.1:\d+>$/);
    assert.match(active.detail.call.headers['Content-Type'] ?? '', /application\/sdp/);
    await alice.call('hangup', callId);
  } finally {
    await close(alice);
  }
});

test('intercom: a call that asks answer-after=1 is answered after about a second, audio only; without intercom it rings', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob', { intercom: true });
  const carol = await registered('carol');
  try {
    const { value: callId } = await alice.call('call', 'bob', { headers: { 'Call-Info': '<sip:pbx@sip-phone.test>;answer-after=1' } });
    const rang = await bob.waitFor('sip-incoming-call');
    const rangAt = Date.now();
    assert.equal(rang.detail.autoAnswerRequested, true);
    const active = await alice.waitFor('sip-call-state', { 'call.id': callId, 'call.state': 'active' });
    // (rangAt is a little after bob's phone rang: the delay measured can only be shorter.)
    const delay = active.detail.call.startedAt - rangAt;
    assert.ok(delay >= 700 && delay < 4000, `answered after ${delay} ms`);
    assert.equal((await bob.prop('activeCall')).video, false, 'intercom answers with audio only');
    await mediaFlows(alice, { video: false });
    await alice.call('hangup', callId);

    await alice.call('call', 'carol', { headers: { 'Alert-Info': '<http://x.invalid/>;info=alert-autoanswer' } });
    const ringing = await carol.waitFor('sip-incoming-call');
    assert.equal(ringing.detail.autoAnswerRequested, true);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await carol.prop('activeCall')).state, 'incoming', 'carol has no intercom: it rings');
    assert.equal(await carol.prop('ringing'), 'ringtone');
    await alice.call('hangup');
  } finally {
    await close(alice, bob, carol);
  }
});

test('do not disturb: callers get 486 Busy Here, nothing rings, the history keeps each call, colleagues see dnd; off again, calls ring', async () => {
  const alice = await registered('alice', { watch: 'bob' });
  const bob = await registered('bob', { dnd: true });
  try {
    await alice.waitFor('sip-presence', { uri: 'bob', state: 'dnd' });
    await alice.call('call', 'bob');
    const ended = await alice.waitFor('sip-call-ended');
    assert.equal(ended.detail.cause, 'busy');
    assert.equal(ended.detail.statusCode, 486);
    await bob.waitFor('sip-call-ended', { cause: 'dnd' });
    assert.deepEqual(await bob.events('sip-incoming-call'), []);
    assert.equal(await bob.prop('ringing'), null);
    assert.equal(await bob.text('[part~="dnd"]'), 'Do not disturb');
    const [entry] = await bob.prop('history');
    assert.deepEqual([entry.direction, entry.cause, entry.remoteUri], ['incoming', 'dnd', uri('alice')]);
    await bob.page.evaluate(() => (window.phone().dnd = false));
    await until(async () => (await bob.text('[part~="dnd"]')) === null, { message: 'the status line drops "Do not disturb"' });
    await alice.waitFor('sip-presence', { uri: 'bob', state: 'idle' });
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test("redirect: bob sends alice's ringing call to carol (302); carol answers and they talk", async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  const carol = await registered('carol');
  try {
    const { value: callId } = await alice.call('call', 'bob');
    const { detail } = await bob.waitFor('sip-incoming-call');
    assert.equal((await bob.call('redirect', detail.call.id, 'bad <target>')).error.code, 'invalid-target');
    assert.deepEqual(await bob.call('redirect', detail.call.id, 'carol'), {});
    await bob.waitFor('sip-call-ended', { cause: 'redirected' });
    const atCarol = await carol.waitFor('sip-incoming-call');
    assert.equal(atCarol.detail.call.remoteUri, uri('alice'));
    await carol.call('answer');
    await alice.waitFor('sip-call-state', { 'call.id': callId, 'call.state': 'active' });
    await mediaFlows(alice, { video: false });
    assert.equal((await bob.call('redirect', detail.call.id, 'carol')).error.code, 'no-such-call');
    await alice.call('hangup');
  } finally {
    await close(alice, bob, carol);
  }
});

test('ignore: the ringing stops here (sound, screen) without an answer; the caller rings on; history: missed', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    const { value: callId } = await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await alice.waitFor('sip-call-state', { 'call.state': 'ringing' });
    assert.equal(await bob.prop('ringing'), 'ringtone');
    // The user's way: the Ignore button of the ringing screen.
    await bob.page.locator('sip-phone').locator('[part~="ignore-button"]').click();
    await bob.waitFor('sip-call-updated', { change: 'ignored', 'call.ignored': true });
    await until(async () => (await bob.prop('ringing')) === null, { message: 'the ringtone stops' });
    await until(async () => (await bob.text('[part~="incoming"]')) === null, { message: 'the ringing screen goes' });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await alice.prop('activeCall')).state, 'ringing', 'alice still rings');
    await alice.call('hangup', callId);
    await bob.waitFor('sip-call-ended', { cause: 'canceled' });
    const [entry] = await bob.prop('history');
    assert.deepEqual([entry.direction, entry.cause, entry.durationMs], ['incoming', 'canceled', 0]);
  } finally {
    await close(alice, bob);
  }
});

/** The audio codec the call's inbound RTP uses, from getStats(). */
const audioCodec = (phone) =>
  phone.page.evaluate(async () => {
    const stats = await window.phone().getPeerConnection().getStats();
    const inbound = [...stats.values()].find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
    return inbound?.codecId ? stats.get(inbound.codecId)?.mimeType : null;
  });

test("codecs: the callee's and the caller's preferences decide the codec getStats() reports; an unknown name is invalid-option", async () => {
  const alice = await registered('alice', { codecs: 'G722 PCMA' });
  const bob = await registered('bob', { codecs: 'PCMU opus' });
  try {
    // alice offers only G722 and PCMA: bob's PCMU/opus are not on offer, so PCMA… or G722 if bob allows it.
    await bob.page.evaluate(() => (window.phone().codecs = 'PCMA'));
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await bob.call('answer');
    // Each phone's inbound stats (and their codec) exist once its own media flows.
    await Promise.all([mediaFlows(bob, { video: false }), mediaFlows(alice, { video: false })]);
    assert.equal(await audioCodec(bob), 'audio/PCMA');
    assert.equal(await audioCodec(alice), 'audio/PCMA');
    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
    await alice.page.evaluate(() => (window.phone().codecs = 'G722 opus'));
    await bob.page.evaluate(() => (window.phone().codecs = ''));
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call', { 'call.state': 'incoming' });
    await until(async () => (await bob.events('sip-incoming-call')).length === 2);
    await bob.call('answer');
    await mediaFlows(alice, { video: false });
    assert.equal(await audioCodec(alice), 'audio/G722');
    await alice.call('hangup');
    await alice.page.evaluate(() => (window.phone().codecs = 'opus AMR'));
    await alice.waitFor('sip-error', { code: 'invalid-option' });
    assert.equal((await alice.call('call', 'bob')).error.code, 'invalid-option');
  } finally {
    await close(alice, bob);
  }
});

test('confirm-close: closing the page during a call asks first; without a call it does not', async () => {
  const alice = await registered('alice', { 'confirm-close': true });
  const bob = await registered('bob');
  const dialogs = [];
  alice.page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  try {
    // Browsers ask only on a page the user has interacted with.
    await alice.page.locator('sip-phone').locator('[part~="target"]').click();
    await alice.page.close({ runBeforeUnload: true });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(dialogs, [], 'no call: no question');
    const alice2 = await registered('alice', { 'confirm-close': true });
    alice2.page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await alice2.page.locator('sip-phone').locator('[part~="target"]').click();
    await alice2.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await alice2.page.close({ runBeforeUnload: true });
    await until(() => dialogs.length > 0, { message: 'the beforeunload question' });
    assert.deepEqual(dialogs, ['beforeunload']);
    assert.equal(alice2.page.isClosed(), false, 'dismissed: the page stays');
    await alice2.call('hangup');
    await alice2.close();
  } finally {
    await close(alice, bob);
  }
});
