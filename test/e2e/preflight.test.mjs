// The setup check (`preflight()` and "Check my setup") in Chromium against the real thing: Kamailio
// answering the OPTIONS over its WebSocket, coturn handing out (or refusing) relay addresses, a
// STUN responder, and Chromium's fake devices (a beeping microphone, a test-pattern camera).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { assertNoAxeViolations, chromiumArgs, e2eSuite, openPhone, openRegisteredPhone, until } from './support/harness.mjs';
import { startTurnServer, turnCredentials } from './support/turn-server.mjs';
import { startStunServer } from './support/stun-server.mjs';
import { freePort } from '../../demo/kamailio/kamailio.mjs';

const env = e2eSuite('preflight');
let turn;
let stun;
// The suite's Chromium grants media without asking (--use-fake-ui-for-media-stream), so its
// Permissions API says 'granted'. This one has no such switch: for it media is still 'prompt'.
let askingBrowser;
before(async () => {
  turn = await startTurnServer();
  stun = await startStunServer();
  askingBrowser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream'),
  });
});
after(async () => {
  await askingBrowser?.close();
  await turn?.close();
  await stun?.close();
});

const part = (phone, name) => phone.page.locator('sip-phone').locator(`[part~="${name}"]`);

/** STUN, and coturn over UDP and TCP with credentials valid for an hour (or `credential` instead). */
function goodIceServers(user, { credential } = {}) {
  const given = turnCredentials(turn.secret, user);
  return [{ urls: stun.url }, { urls: [turn.url('udp'), turn.url('tcp')], username: given.username, credential: credential ?? given.credential }];
}

/** Counts getUserMedia calls in the page (a call is what would make a browser prompt). */
const countGetUserMedia = {
  script: () => {
    window.getUserMediaCalls = 0;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => (window.getUserMediaCalls++, original(constraints));
  },
};

const line = (result, name, target) => result.checks.find((c) => c.name === name && (target === undefined || c.target === target));

test('a good setup: preflight({ media: true }) finds every line ok — Kamailio answers with a round trip, coturn gives relay candidates over UDP and TCP, the fake microphone is heard', async () => {
  const alice = await openRegisteredPhone(env.browser, env.web.url, {
    user: 'alice',
    server: env.kamailio.wsUrl,
    attributes: { 'ice-servers': JSON.stringify(goodIceServers('alice')) },
  });
  try {
    const logFrom = turn.log().length;
    const started = Date.now();
    const { value: result, error } = await alice.call('preflight', { media: true });
    const tookMs = Date.now() - started;
    assert.equal(error, undefined);
    const summary = result.checks.map((c) => `${c.name}${c.target ? ` ${c.target}` : ''}: ${c.status} (${c.detail})`).join('\n');
    console.log(`# preflight took ${tookMs} ms:\n# ${summary.split('\n').join('\n# ')}`);
    assert.deepEqual(
      result.checks.map((c) => [c.name, c.target, c.status]),
      [
        ['secure-context', undefined, 'ok'],
        ['microphone', undefined, 'ok'],
        ['camera', undefined, 'ok'],
        ['speaker', undefined, 'ok'],
        ['server', env.kamailio.wsUrl, 'ok'],
        ['ice-server', stun.url, 'ok'],
        ['ice-server', turn.url('udp'), 'ok'],
        ['ice-server', turn.url('tcp'), 'ok'],
      ],
      summary,
    );
    assert.equal(result.ok, true);

    const server = line(result, 'server');
    assert.equal(server.statusCode, 200, 'Kamailio answered the OPTIONS');
    assert.equal(server.tls, false);
    assert.ok(Number.isInteger(server.rttMs) && server.rttMs >= 0 && server.rttMs < 1000, `rtt ${server.rttMs} ms`);
    assert.match(server.detail, /^The SIP server answers in \d+ ms \(not encrypted, ws:\/\/\)\.$/);

    const mic = line(result, 'microphone');
    assert.ok(mic.level > 0.001, `the beeping fake microphone is heard (level ${mic.level})`);
    assert.ok(mic.device, 'the microphone has a name');
    assert.equal(mic.detail, `Your microphone works (${mic.device}).`);
    const camera = line(result, 'camera');
    assert.ok(camera.width > 0 && camera.height > 0, `the camera gives a picture size (${camera.width}×${camera.height})`);

    assert.ok(line(result, 'ice-server', stun.url).candidateTypes.includes('srflx'));
    assert.ok(stun.answered >= 1, 'the STUN server was asked');
    for (const transport of ['udp', 'tcp']) {
      const relay = line(result, 'ice-server', turn.url(transport));
      assert.ok(relay.candidateTypes.includes('relay'), `${transport}: a relay candidate (${relay.candidateTypes})`);
      assert.match(relay.detail, /^The TURN server works: it gave a relay address in \d+ ms\.$/);
    }
    assert.match(turn.log().slice(logFrom), /user <\d+:alice>: incoming packet ALLOCATE processed, success/, 'coturn allocated for alice');

    // Nothing is left open: the check's peer connections and tracks are closed; the tone played and stopped.
    let leaks;
    await until(async () => ((leaks = await alice.page.evaluate(() => window.leaks())), leaks.openPeerConnections === 0 && leaks.liveTracks === 0), {
      message: 'no open peer connection or live track',
      timeout: 4000,
    }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(leaks)}`));
    assert.equal(leaks.capturedTracks, 2, 'the microphone and the camera, once each');
    const tones = await alice.page.evaluate(() => window.oscillators);
    assert.ok(tones.started === 1 && tones.stopped === 1, `one test tone, started and stopped (${JSON.stringify(tones)})`);
    assert.equal(await alice.prop('registrationState'), 'registered', 'the phone itself is untouched');
    assert.ok(tookMs < 8000, `the whole check took ${tookMs} ms`);
  } finally {
    await alice.close();
  }
});

test('a broken setup: a ws:// port nothing listens on, coturn with a wrong password, a TURN port nothing listens on — each line fails with a readable verdict; media without permission is skipped and nothing is asked', async () => {
  const deadPort = await freePort();
  const deadTurnPort = await freePort({ udp: true });
  const given = turnCredentials(turn.secret, 'bob');
  const iceServers = [
    { urls: turn.url('udp'), username: given.username, credential: 'd3JvbmcgcGFzc3dvcmQ=' },
    { urls: `turn:127.0.0.1:${deadTurnPort}?transport=tcp`, username: given.username, credential: given.credential },
    { urls: `turn:127.0.0.1:${deadTurnPort}?transport=udp`, username: given.username, credential: given.credential },
  ];
  // In a browser that would ask for media permission: the check must not make it ask.
  const bob = await openPhone(askingBrowser, env.web.url, {
    user: 'bob',
    server: `ws://127.0.0.1:${deadPort}`,
    attributes: { 'ice-servers': JSON.stringify(iceServers) },
    beforeLoad: countGetUserMedia,
  });
  try {
    const logFrom = turn.log().length;
    const started = Date.now();
    const { value: result } = await bob.call('preflight');
    const tookMs = Date.now() - started;
    const summary = result.checks.map((c) => `${c.name}${c.target ? ` ${c.target}` : ''}: ${c.status} ${c.reason} (${c.detail})`).join('\n');
    console.log(`# preflight took ${tookMs} ms:\n# ${summary.split('\n').join('\n# ')}`);
    assert.equal(result.ok, false);

    // Media: not granted in this context, and media was not asked for: skipped, no prompt.
    for (const name of ['microphone', 'camera']) {
      const check = line(result, name);
      assert.equal(check.status, 'skipped', `${name}: ${check.detail}`);
      assert.equal(check.permission, 'prompt');
      assert.match(check.detail, /^Not checked: the browser would ask for permission first\./);
    }
    assert.equal(line(result, 'speaker').status, 'skipped');
    assert.equal(await bob.page.evaluate(() => window.getUserMediaCalls), 0, 'getUserMedia was never called');
    assert.deepEqual(await bob.page.evaluate(() => window.oscillators), { started: 0, stopped: 0 }, 'no tone unasked');

    const server = line(result, 'server');
    assert.deepEqual([server.status, server.reason], ['failed', 'refused'], server.detail);
    assert.equal(server.detail, 'Could not connect to the SIP server: nothing answers at that address, or it refused the WebSocket connection.');

    const refused = line(result, 'ice-server', turn.url('udp'));
    assert.deepEqual([refused.status, refused.reason, refused.errorCode], ['failed', 'credentials-refused', 401], refused.detail);
    assert.match(refused.detail, /^The TURN server refused the credentials \(401[^)]*\)\.$/);
    assert.ok(!refused.candidateTypes.includes('relay'));
    assert.match(turn.log().slice(logFrom), /user <\d+:bob>: incoming packet message processed, error 401: Unauthorized/, 'coturn refused bob');

    for (const transport of ['tcp', 'udp']) {
      const dead = line(result, 'ice-server', `turn:127.0.0.1:${deadTurnPort}?transport=${transport}`);
      assert.equal(dead.status, 'failed', `${transport}: ${dead.detail}`);
      assert.ok(['unreachable', 'timeout'].includes(dead.reason), `${transport}: ${dead.reason}`);
      assert.match(dead.detail, /^The TURN server (could not be reached|did not answer within 5 s)/);
    }
    assert.ok(tookMs < 7000, `bounded by the 5 s timeout (${tookMs} ms)`);
  } finally {
    await bob.close();
  }
});

test('a SIP server that takes too long to answer: "did not answer within 2 s" (a TCP port that accepts but never completes the handshake)', async () => {
  const net = await import('node:net');
  const sockets = new Set();
  const silent = net.createServer((socket) => sockets.add(socket));
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${silent.address().port}`;
  const carol = await openPhone(env.browser, env.web.url, { user: 'carol', server: url });
  try {
    const { value: result } = await carol.call('preflight', { timeoutMs: 2000 });
    const server = line(result, 'server');
    assert.deepEqual([server.status, server.reason], ['failed', 'timeout'], server.detail);
    assert.equal(server.detail, 'The SIP server did not answer within 2 s.');
    assert.deepEqual(line(result, 'ice-server'), { ...line(result, 'ice-server'), status: 'skipped', reason: 'none' });
  } finally {
    await carol.close();
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test('with the microphone allowed and the camera blocked, preflight() without options checks the microphone (its level), reports the camera blocked without opening it, plays no tone', async () => {
  const dave = await openPhone(env.browser, env.web.url, { user: 'dave', server: env.kamailio.wsUrl, beforeLoad: countGetUserMedia });
  try {
    // (Playwright's grant denies what it does not list: the camera.)
    await dave.context.grantPermissions(['microphone'], { origin: env.web.url });
    const { value: result } = await dave.call('preflight');
    assert.equal(line(result, 'microphone').status, 'ok', line(result, 'microphone').detail);
    assert.ok(line(result, 'microphone').level > 0.001);
    const camera = line(result, 'camera');
    assert.deepEqual([camera.status, camera.reason, camera.permission], ['failed', 'denied', 'denied'], camera.detail);
    assert.equal(camera.detail, 'The browser blocks the camera for this page: allow it in the site settings (the icon in the address bar).');
    assert.equal(line(result, 'speaker').status, 'skipped', 'no tone unasked');
    assert.equal(await dave.page.evaluate(() => window.getUserMediaCalls), 1, 'only the microphone was opened');
  } finally {
    await dave.close();
  }
});

test('misuse rejects with a PhoneError: preflight({ media: "yes" })', async () => {
  const erin = await openPhone(env.browser, env.web.url, { user: 'erin', server: env.kamailio.wsUrl });
  try {
    const { error } = await erin.call('preflight', { media: 'yes' });
    assert.deepEqual([error.name, error.code], ['PhoneError', 'invalid-option']);
  } finally {
    await erin.close();
  }
});

test('the user presses "Check my setup": the check loads only then, its lines show in the settings with their verdicts and a level meter, and axe finds nothing', async () => {
  const deadPort = await freePort();
  const alice = await openRegisteredPhone(env.browser, env.web.url, {
    user: 'alice',
    // A failover list: Kamailio first (registered), then a port nothing listens on.
    server: `${env.kamailio.wsUrl} ws://127.0.0.1:${deadPort}`,
    attributes: { 'ice-servers': JSON.stringify(goodIceServers('alice')) },
    beforeLoad: countGetUserMedia,
  });
  try {
    const loaded = () =>
      alice.page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.includes('/chunks/setup-check-')),
      );
    assert.deepEqual(await loaded(), [], 'the first render does without the setup check');
    assert.equal(await alice.page.evaluate(() => !!customElements.get('sip-setup-check')), false);
    assert.equal(await part(alice, 'setup-check').count(), 0);

    await part(alice, 'settings').locator('summary').first().click();
    const button = part(alice, 'check-setup-button');
    assert.equal((await button.textContent()).trim(), 'Check my setup');
    await button.click();
    await until(async () => (await loaded()).length === 1, { message: 'the setup-check chunk loaded' });
    assert.equal(await button.getAttribute('aria-disabled'), 'true', 'busy while it runs');
    // A second press while it runs starts nothing more. (force: Playwright would otherwise wait
    // until the button is no longer aria-disabled, i.e. for the end of the check.)
    await button.click({ force: true });

    // While it runs: the button is disabled and the microphone's meter moves.
    const levels = new Set();
    await until(
      async () => {
        const value = await part(alice, 'setup-check-level')
          .evaluate((m) => m.value)
          .catch(() => null);
        if (value !== null) levels.add(value);
        return /ready for calls|needs attention/.test(
          (await part(alice, 'setup-check-summary')
            .textContent()
            .catch(() => '')) ?? '',
        );
      },
      { timeout: 15000, interval: 50, message: 'the check to finish' },
    );
    assert.ok(
      [...levels].some((v) => v > 0),
      `the meter moved: ${[...levels].join(', ')}`,
    );
    assert.equal(await alice.page.evaluate(() => window.getUserMediaCalls), 2, 'the button (a user gesture) opened microphone and camera');

    const lines = await part(alice, 'setup-check-item').evaluateAll((items) =>
      items.map((li) => ({ check: li.dataset.check, status: li.dataset.status, text: li.textContent.replace(/\s+/g, ' ').trim() })),
    );
    console.log(`# ${lines.map((l) => `${l.status}: ${l.text}`).join('\n# ')}`);
    assert.deepEqual(
      lines.map((l) => `${l.check}:${l.status}`),
      ['secure-context:ok', 'microphone:ok', 'camera:ok', 'speaker:ok', 'server:ok', 'server:failed', 'ice-server:ok', 'ice-server:ok', 'ice-server:ok'],
    );
    assert.match(lines[1].text, /^OK Microphone Your microphone works \(.+\)\.$/);
    assert.match(lines[4].text, new RegExp(`^OK SIP server ${env.kamailio.wsUrl} The SIP server answers in \\d+ ms \\(not encrypted, ws://\\)\\.$`));
    assert.equal(
      lines[5].text,
      `Failed SIP server ws://127.0.0.1:${deadPort} Could not connect to the SIP server: nothing answers at that address, or it refused the WebSocket connection.`,
    );
    assert.match(lines[7].text, /^OK STUN\/TURN server turn:.* The TURN server works: it gave a relay address in \d+ ms\.$/);
    assert.equal((await part(alice, 'setup-check-summary').textContent()).trim(), 'Something needs attention: see the lines marked Failed.');
    assert.equal(await part(alice, 'setup-check-summary').getAttribute('role'), 'status');
    assert.equal(await part(alice, 'setup-check-level').getAttribute('aria-label'), 'Microphone level');
    assert.equal(await alice.page.locator('sip-phone').getByRole('list', { name: 'Setup check results' }).count(), 1);
    assert.equal(await button.getAttribute('aria-disabled'), 'false', 'the button is back once the check is done');
    assert.equal(
      await alice.page.evaluate(() => window.phone().shadowRoot.activeElement?.getAttribute('part')),
      'check-setup-button',
      'focus stays on the button',
    );

    await assertNoAxeViolations(alice, env.web.url, 'setup check results open');
  } finally {
    await alice.close();
  }
});

test('in German: lang="de" words the verdicts in German', async () => {
  const bob = await openPhone(env.browser, env.web.url, { user: 'bob', server: env.kamailio.wsUrl, attributes: { lang: 'de' } });
  try {
    const { value: result } = await bob.call('preflight');
    assert.match(line(result, 'server').detail, /^Der SIP-Server antwortet in \d+ ms \(unverschlüsselt, ws:\/\/\)\.$/);
    assert.equal(line(result, 'ice-server').detail, 'Keine STUN/TURN-Server eingetragen: Anrufe nutzen nur die eigenen Adressen dieses Geräts.');
  } finally {
    await bob.close();
  }
});
