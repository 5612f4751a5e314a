// A real phone's call features between <sip-phone> elements through Kamailio: hold, mute, DTMF,
// blind transfer, call waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bothWays, e2eSuite, receivedDuring, openRegisteredPhone, until } from './support/harness.mjs';

const env = e2eSuite('features');

const registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });

async function inCall(caller, callee, { video = true } = {}) {
  await caller.call('call', callee.user, { video });
  await callee.waitFor('sip-incoming-call');
  await callee.call('answer');
  await caller.waitFor('sip-call-state', { 'call.state': 'active' });
  if (video) await until(async () => (await caller.stats())?.framesDecoded > 5 && (await callee.stats())?.framesDecoded > 5, { message: 'video both ways' });
}

const close = (...phones) => Promise.all(phones.map((p) => p.close()));

test('alice holds and resumes: nothing flows while held; both hear and see each other again after', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob');
  try {
    await inCall(alice, bob);
    assert.deepEqual(await alice.call('hold'), {});
    const [aliceUpdate, bobUpdate] = await Promise.all([
      alice.waitFor('sip-call-updated', { change: 'held' }),
      bob.waitFor('sip-call-updated', { change: 'remoteHeld' }),
    ]);
    assert.equal(aliceUpdate.detail.call.held, true);
    assert.equal(bobUpdate.detail.call.remoteHeld, true);
    assert.match(await alice.text('[part~="status"]'), /on hold/);
    await new Promise((r) => setTimeout(r, 700));
    // Silence, not bit-exact zero: the jitter buffer's fade-out can leave ~1e-11 of energy (a 1.5 s
    // sound at -60 dBFS would be 1.5e-6).
    const held = (await receivedDuring([alice, bob], 1500)).map((r) => [r.frames, r.energy < 1e-6 ? 'silent' : r.energy]);
    assert.deepEqual(
      held,
      [
        [0, 'silent'],
        [0, 'silent'],
      ],
      `frames and sound while held: ${held}`,
    );

    await alice.call('unhold');
    await alice.waitFor('sip-call-updated', { change: 'held', 'call.held': false });
    await bob.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': false });
    // Heard and seen again, not just packets: a track left disabled sends silence and black frames.
    await bothWays([alice, bob], { video: true }, 'after resuming');
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('mute disables the microphone track without renegotiating, and shows in CallInfo', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await inCall(alice, bob, { video: false });
    await alice.call('mute');
    const update = await alice.waitFor('sip-call-updated', { change: 'muted' });
    assert.deepEqual(update.detail.call.muted, { audio: true, video: false });
    const enabled = () =>
      alice.page.evaluate(
        () =>
          window
            .phone()
            .getPeerConnection()
            .getSenders()
            .find((s) => s.track?.kind === 'audio').track.enabled,
      );
    assert.equal(await enabled(), false);
    assert.match(await alice.text('[part~="mute-button"]'), /Unmute/);
    await alice.page.locator('sip-phone').locator('[part~="mute-button"]').click();
    await until(async () => (await alice.prop('activeCall')).muted.audio === false, { message: 'unmuted' });
    assert.equal(await enabled(), true);
    assert.equal((await alice.call('mute', 'speaker')).error.code, 'invalid-option');
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('DTMF by SIP INFO reaches the other phone as sip-dtmf; RFC 4733 tones go through RTCDTMFSender', async () => {
  const alice = await registered('alice', { dtmf: 'info' });
  const bob = await registered('bob');
  try {
    await inCall(alice, bob, { video: false });
    await alice.call('sendDtmf', '1#');
    await until(async () => (await bob.events('sip-dtmf')).length === 2, { message: 'two tones at bob' });
    assert.deepEqual(
      (await bob.events('sip-dtmf')).map((e) => [e.detail.tone, e.detail.direction]),
      [
        ['1', 'incoming'],
        ['#', 'incoming'],
      ],
    );
    assert.deepEqual(
      (await alice.events('sip-dtmf')).map((e) => [e.detail.tone, e.detail.direction]),
      [
        ['1', 'outgoing'],
        ['#', 'outgoing'],
      ],
    );
    assert.equal((await alice.call('sendDtmf', '1x')).error.code, 'invalid-option');

    // The dial pad sends DTMF during a call, by RTP now.
    await alice.page.evaluate(() => {
      window.phone().dtmf = 'rfc4733';
      window.insertedDtmf = [];
      const insert = RTCDTMFSender.prototype.insertDTMF;
      RTCDTMFSender.prototype.insertDTMF = function (tones, ...rest) {
        window.insertedDtmf.push(tones);
        return insert.call(this, tones, ...rest);
      };
    });
    await alice.page.locator('sip-phone').locator('[part~="dialpad-button"]').click();
    await alice.page.locator('sip-phone').locator('[part~="key"]', { hasText: '5' }).click();
    await until(async () => (await alice.events('sip-dtmf')).length === 3, { message: 'the dial pad tone' });
    assert.deepEqual(await alice.page.evaluate(() => window.insertedDtmf), ['5']);
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('blind transfer: alice calls bob, transfers him to carol; bob and carol talk, alice ends as transferred', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  const carol = await registered('carol', { 'auto-answer': true });
  try {
    await inCall(alice, bob, { video: false });
    assert.deepEqual(await alice.call('transfer', 'carol'), {});
    const aliceEnd = await alice.waitFor('sip-call-ended', {}, 15000);
    assert.equal(aliceEnd.detail.cause, 'transferred');
    const transferStates = (await alice.events('sip-call-updated')).filter((e) => e.detail.change === 'transfer').map((e) => e.detail.call.transfer);
    assert.equal(transferStates[0], 'trying');
    assert.equal(transferStates.at(-1), 'accepted');
    await carol.waitFor('sip-call-state', { 'call.state': 'active', 'call.remoteUri': 'sip:bob@sip-phone.test' });
    await until(async () => (await bob.prop('activeCall'))?.remoteUri === 'sip:carol@sip-phone.test' && (await bob.prop('activeCall')).state === 'active', {
      message: 'bob in a call with carol',
    });
    await until(async () => (await carol.stats())?.audioBytesIn > 1000 && (await bob.stats())?.audioBytesIn > 1000, { message: 'audio between bob and carol' });
    assert.equal((await bob.events('sip-call-ended'))[0]?.detail.cause, 'bye', "bob's call with alice ended");
    await bob.call('hangup');
    await carol.waitFor('sip-call-ended');
  } finally {
    await close(alice, bob, carol);
  }
});

test('call waiting: carol calls bob during his call with alice; answering holds alice; with max-calls 1 carol gets busy', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  const carol = await registered('carol');
  try {
    await inCall(alice, bob, { video: false });
    await carol.call('call', 'bob');
    const waiting = await until(async () => (await bob.events('sip-incoming-call')).find((e) => e.detail.call.remoteUri === 'sip:carol@sip-phone.test'), {
      message: "carol's call at bob",
    });
    assert.equal((await bob.prop('calls')).length, 2);
    await bob.call('answer', waiting.detail.call.id);
    await carol.waitFor('sip-call-state', { 'call.state': 'active' });
    await alice.waitFor('sip-call-updated', { change: 'remoteHeld', 'call.remoteHeld': true });
    const calls = await bob.prop('calls');
    assert.deepEqual(
      calls.map((c) => [c.remoteUri, c.held]),
      [
        ['sip:alice@sip-phone.test', true],
        ['sip:carol@sip-phone.test', false],
      ],
    );
    await bob.call('hangup', calls[0].id);
    await bob.call('hangup', calls[1].id);
    await Promise.all([alice.waitFor('sip-call-ended'), carol.waitFor('sip-call-ended')]);

    await bob.page.evaluate(() => {
      window.phone().maxCalls = 1;
    });
    await inCall(alice, bob, { video: false });
    const before = (await carol.events('sip-call-ended')).length;
    await carol.call('call', 'bob');
    const busy = await until(async () => (await carol.events('sip-call-ended'))[before], { message: 'carol busy' });
    assert.equal(busy.detail.cause, 'busy');
    assert.equal(busy.detail.statusCode, 486);
    await alice.call('hangup');
  } finally {
    await close(alice, bob, carol);
  }
});

test('sip-call-stats arrives every 2 s with numbers, and updates the indicator without re-rendering the phone', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob');
  try {
    await inCall(alice, bob);
    await until(async () => (await alice.events('sip-call-stats')).length >= 2, { timeout: 8000, message: 'two stats reports' });
    const renders = await alice.page.evaluate(async () => {
      const phone = window.phone();
      window.renders = 0;
      const render = phone.render;
      phone.render = function () {
        window.renders++;
        return render.call(this);
      };
      const seen = window.sipEvents.filter((e) => e.type === 'sip-call-stats').length;
      await window.waitForEvent('sip-call-stats', {}, 5000, window.sipEvents.findLastIndex((e) => e.type === 'sip-call-stats') + 1);
      return { renders: window.renders, seen };
    });
    assert.equal(renders.renders, 0, 'a stats tick does not re-render the phone');
    const reports = await alice.events('sip-call-stats');
    const last = reports.at(-1).detail;
    assert.equal(last.callId, (await alice.prop('activeCall')).id);
    assert.ok(last.videoKbps > 10 && last.audioKbps > 5, JSON.stringify(last));
    assert.ok(typeof last.rttMs === 'number' && last.rttMs >= 0 && last.rttMs < 200, JSON.stringify(last));
    assert.ok(typeof last.jitterMs === 'number' && last.packetsLost >= 0, JSON.stringify(last));
    const gap = reports.at(-1).at - reports.at(-2).at;
    assert.ok(gap > 1500 && gap < 2600, `reports ${gap} ms apart`);
    const indicator = await alice.page.evaluate(() => window.phone().shadowRoot.querySelector('[part~="quality"]').shadowRoot.textContent);
    assert.match(indicator, /good · \d+ ms · \d+ kbit\/s/);
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('call history: kept across a reload, redial from the UI, clearHistory()', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob', { 'auto-answer': true });
  try {
    await alice.call('call', 'bob');
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await new Promise((r) => setTimeout(r, 300));
    await alice.call('hangup');
    await bob.waitFor('sip-call-ended');
    const [entry] = await alice.prop('history');
    assert.deepEqual(
      { ...entry, startedAt: typeof entry.startedAt, durationMs: entry.durationMs > 200 },
      {
        remoteUri: 'sip:bob@sip-phone.test',
        remoteDisplayName: '',
        direction: 'outgoing',
        startedAt: 'number',
        durationMs: true,
        cause: 'hangup',
      },
    );
    assert.equal((await bob.prop('history'))[0].direction, 'incoming');
    assert.equal((await bob.prop('history'))[0].cause, 'bye');

    await alice.page.reload();
    await alice.page.waitForFunction(() => customElements.get('sip-phone') && window.addPhone);
    await alice.page.evaluate((server) => window.addPhone({ server, uri: 'sip:alice@sip-phone.test', 'auto-register': true }, 'alice-pw'), env.kamailio.wsUrl);
    await alice.waitFor('sip-registered');
    assert.equal((await alice.prop('history')).length, 1, 'history survives the reload');
    const history = alice.page.locator('sip-phone').locator('[part~="history"]');
    await history.locator('summary').click();
    await history.locator('[part~="redial-button"]').first().click();
    await until(async () => (await bob.events('sip-incoming-call')).length === 2, { message: 'redial reaches bob' });
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await alice.call('hangup');
    await until(async () => (await alice.prop('history')).length === 2, { message: 'second entry' });
    await alice.page.evaluate(() => window.phone().clearHistory());
    assert.deepEqual(await alice.prop('history'), []);
    assert.equal(await alice.text('[part~="history"]'), null);
  } finally {
    await close(alice, bob);
  }
});

test('attended transfer: alice talks to bob, calls carol, then connects bob and carol', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob', { 'auto-answer': true });
  const carol = await registered('carol', { 'auto-answer': true });
  try {
    const toBob = (await alice.call('call', 'bob')).value;
    await until(async () => (await alice.prop('calls')).find((c) => c.id === toBob)?.state === 'active', { message: 'alice-bob active' });
    const toCarol = (await alice.call('call', 'carol')).value;
    await until(async () => (await alice.prop('calls')).find((c) => c.id === toCarol)?.state === 'active', { message: 'alice-carol active' });
    assert.equal((await alice.prop('calls')).find((c) => c.id === toBob).held, true, 'calling carol held bob');
    assert.deepEqual(await alice.call('attendedTransfer', toBob, toCarol), {});
    await until(async () => (await alice.events('sip-call-ended')).length === 2, { timeout: 15000, message: "alice's two calls ended" });
    assert.deepEqual((await alice.events('sip-call-ended')).map((e) => e.detail.cause).sort(), ['transferred', 'transferred']);
    await until(
      async () =>
        (await bob.prop('activeCall'))?.remoteUri === 'sip:carol@sip-phone.test' && (await carol.prop('activeCall'))?.remoteUri === 'sip:bob@sip-phone.test',
      { message: 'bob and carol connected' },
    );
    await until(async () => (await bob.stats())?.audioBytesIn > 1000 && (await carol.stats())?.audioBytesIn > 1000, { message: 'audio between bob and carol' });
    await bob.call('hangup');
    await carol.waitFor('sip-call-ended', { cause: 'bye' });
  } finally {
    await close(alice, bob, carol);
  }
});

test('devices: listed from the browser, switched mid-call with replaceTrack, remembered', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob', { 'auto-answer': true });
  try {
    await alice.call('call', 'bob');
    await until(async () => (await alice.stats())?.framesDecoded > 5 && (await bob.stats())?.framesDecoded > 5, { message: 'video' });
    const devices = await alice.prop('devices');
    assert.ok(devices.audioInputs.length >= 1 && devices.videoInputs.length >= 1, JSON.stringify(devices));
    const senderTracks = () =>
      alice.page.evaluate(() =>
        window
          .phone()
          .getPeerConnection()
          .getSenders()
          .map((s) => s.track?.id),
      );
    const before = await senderTracks();
    const camera = devices.videoInputs.at(-1).deviceId;
    const mic = devices.audioInputs.at(-1).deviceId;
    assert.deepEqual(await alice.call('selectDevices', { audioInput: mic, videoInput: camera }), {});
    const after = await senderTracks();
    assert.equal(after.length, before.length);
    assert.ok(
      after.every((id, i) => id && id !== before[i]),
      'new tracks on the senders',
    );
    const deviceIds = await alice.page.evaluate(() =>
      window
        .phone()
        .getPeerConnection()
        .getSenders()
        .map((s) => s.track.getSettings().deviceId),
    );
    assert.ok(deviceIds.includes(camera), `the chosen camera is sending: ${JSON.stringify(deviceIds)}`);
    const framesBefore = (await bob.stats()).framesDecoded;
    await until(async () => (await bob.stats()).framesDecoded > framesBefore + 10, { message: 'video still flows to bob' });
    assert.equal(await alice.page.evaluate(() => window.leaks().liveTracks), 2, 'the old tracks were stopped');
    assert.deepEqual(await alice.prop('selectedDevices'), { audioInput: mic, videoInput: camera });
    assert.match(await alice.page.evaluate(() => localStorage.getItem('sip-phone.devices')), new RegExp(camera));
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('screen share replaces the camera on the video sender, and Stop sharing brings the camera back', async () => {
  const alice = await registered('alice', { video: true });
  const bob = await registered('bob', { 'auto-answer': true });
  try {
    await alice.call('call', 'bob');
    await until(async () => (await bob.stats())?.framesDecoded > 5, { message: 'video' });
    const videoTrack = () =>
      alice.page.evaluate(() => {
        const track = window
          .phone()
          .getPeerConnection()
          .getSenders()
          .find((s) => s.track?.kind === 'video').track;
        return { id: track.id, displaySurface: track.getSettings().displaySurface ?? null, live: track.readyState === 'live' };
      });
    const camera = await videoTrack();
    await alice.page.locator('sip-phone').locator('[part~="share-button"]').click();
    const shared = await alice.waitFor('sip-call-updated', { change: 'video', 'call.screenSharing': true });
    assert.equal(shared.detail.call.screenSharing, true);
    const screen = await videoTrack();
    assert.notEqual(screen.id, camera.id);
    assert.ok(screen.displaySurface, `a display track: ${JSON.stringify(screen)}`);
    const frames = (await bob.stats()).framesDecoded;
    await until(async () => (await bob.stats()).framesDecoded > frames + 5, { message: 'bob sees the screen' });
    await alice.page.locator('sip-phone').locator('[part~="share-button"]').click();
    await alice.waitFor('sip-call-updated', { change: 'video', 'call.screenSharing': false });
    const back = await videoTrack();
    assert.equal(back.displaySurface, null);
    assert.equal(await alice.page.evaluate(() => window.leaks().liveTracks), 2, 'the screen track was stopped');
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});

test('the ringtone plays while a call rings in, the ringback while ours rings out, and both stop on answer', async () => {
  const alice = await registered('alice');
  const bob = await registered('bob');
  try {
    await alice.call('call', 'bob');
    await bob.waitFor('sip-incoming-call');
    await alice.waitFor('sip-call-state', { 'call.state': 'ringing' });
    await until(async () => (await bob.prop('ringing')) === 'ringtone' && (await alice.prop('ringing')) === 'ringback', { message: 'tones' });
    const tones = (phone) => phone.page.evaluate(() => window.oscillators);
    // The ringback starts a moment (300 ms) after the 180.
    await until(async () => (await tones(bob)).started === 2 && (await tones(alice)).started === 2, { message: 'two oscillators each' });
    assert.deepEqual(await tones(bob), { started: 2, stopped: 0 });
    assert.deepEqual(await tones(alice), { started: 2, stopped: 0 });
    await bob.call('answer');
    await alice.waitFor('sip-call-state', { 'call.state': 'active' });
    await until(async () => (await bob.prop('ringing')) === null && (await alice.prop('ringing')) === null, { message: 'silence' });
    assert.deepEqual(await tones(bob), { started: 2, stopped: 2 });
    assert.deepEqual(await tones(alice), { started: 2, stopped: 2 });
    await alice.call('hangup');
  } finally {
    await close(alice, bob);
  }
});
