// Hundreds of calls in a row in one page (issue #11): alice calls bob (auto-answer) MANY_CALLS
// times (600), audio only, through a real Kamailio on loopback. Every call must become active with
// its media path connected and a live microphone track on its audio sender on both sides (every
// 10th also: audio bytes arrive both ways), then
// alice hangs up and both see sip-call-ended. Every 50 calls: peer connections and live tracks
// in both pages, and the JS heap after a forced garbage collection.
// Prints a table (stderr) and one line of JSON (stdout); exits 1 if a call failed or a peer
// connection or track was left open. After `npm run build`:
//   bash test/loopback-only.sh node test/bench/many-calls.mjs
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, serveRepo, users } from '../e2e/support/harness.mjs';
import { summary } from './stats.mjs';

const CALLS = Number(process.env.MANY_CALLS ?? 600);
const CHECK_EVERY = 50;
const AUDIO_CHECK_EVERY = 10;
const STEP_TIMEOUT_MS = 15000;
const TIMER_M_WAIT_MS = 33000;
// A pause after each call's end, so one call's teardown does not share the CPU with the next set-up.
const SETTLE_MS = Number(process.env.MANY_CALLS_SETTLE_MS ?? 100);
// MANY_CALLS_GC=0: no forced garbage collection (the heap column is then performance.memory as is).
const FORCE_GC = process.env.MANY_CALLS_GC !== '0';

const log = (...args) => console.error(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (promise, ms, what) =>
  Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what}: no answer within ${ms} ms`);
    }),
  ]);
async function until(fn, ms, what) {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await fn()) return;
    await sleep(20);
  }
  throw new Error(`${what} within ${ms} ms`);
}

const kamailio = await startKamailio({ name: 'many-calls' });
const web = await serveRepo();
const browser = await launchBrowser();

async function openPhone(user, autoAnswer) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.length < 20 && errors.push(e.message));
  await page.goto(`${web.url}/test/bench/pages/many-calls.html`);
  await page.waitForFunction(() => window.bench && customElements.get('sip-phone'));
  await page.evaluate((o) => window.bench.start(o), { server: kamailio.wsUrl, user, password: users[user], autoAnswer });
  const cdp = await context.newCDPSession(page);
  return {
    user,
    page,
    errors,
    heap: async () => {
      if (!FORCE_GC) return page.evaluate(() => window.bench.heapUsed());
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    },
    leaks: () => page.evaluate(() => window.leaks()),
    tally: () => page.evaluate(() => window.tally),
  };
}

const failures = [];
const setup = [];
const mediaSetup = [];
const checkpoints = [];
let connected = 0;
let audioChecked = 0;
let exitCode = 1;
const started = Date.now();
try {
  const alice = await openPhone('alice', false);
  const bob = await openPhone('bob', true);
  const phones = [alice, bob];

  const checkpoint = async (call) => {
    // Counted before the forced collection: how many closed connections the page's own GC left.
    const before = await Promise.all(phones.map((p) => p.leaks()));
    const heap = await Promise.all(phones.map((p) => p.heap()));
    const after = await Promise.all(phones.map((p) => p.leaks()));
    const row = { call, elapsedS: Math.round((Date.now() - started) / 1000) };
    phones.forEach((p, i) => {
      row[p.user] = {
        openPeerConnections: after[i].openPeerConnections,
        liveTracks: after[i].liveTracks,
        uncollectedBeforeGc: before[i].peerConnectionsUncollected,
        uncollectedAfterGc: after[i].peerConnectionsUncollected,
        peerConnectionsMade: after[i].peerConnectionsMade,
        heapBytes: heap[i],
      };
    });
    checkpoints.push(row);
    log(
      `${String(call).padStart(4)} ${String(row.elapsedS).padStart(5)} s  ` +
        phones
          .map((p) => {
            const r = row[p.user];
            return `${p.user}: open pc ${r.openPeerConnections}, live tracks ${r.liveTracks}, uncollected pc ${r.uncollectedBeforeGc}→${r.uncollectedAfterGc}, heap ${(r.heapBytes / 1024).toFixed(0)} KB`;
          })
          .join(' | '),
    );
  };

  log(`${CALLS} audio calls alice → bob, ${SETTLE_MS} ms apart${FORCE_GC ? '' : ', no forced GC'}`);
  for (let i = 1; i <= CALLS; i++) {
    let step = 'call';
    try {
      const r = await within(
        alice.page.evaluate(([t, ms]) => window.bench.call(t, ms), ['bob', STEP_TIMEOUT_MS]),
        STEP_TIMEOUT_MS + 2000,
        'alice call()',
      );
      step = 'bob active with media';
      await until(() => bob.page.evaluate(() => window.bench.callUp()), STEP_TIMEOUT_MS, "bob's call active with media connected");
      step = 'microphone on the sender';
      const sending = await Promise.all(phones.map((p) => p.page.evaluate((ms) => window.bench.sendsAudio(ms), 5000)));
      if (!sending.every(Boolean))
        throw new Error(
          `no live microphone track on the audio sender: ${phones
            .filter((p, k) => !sending[k])
            .map((p) => p.user)
            .join(', ')}`,
        );
      if (i % AUDIO_CHECK_EVERY === 0) {
        step = 'audio both ways';
        const bytes = await Promise.all(phones.map((p) => p.page.evaluate((ms) => window.bench.audioArrives(1000, ms), STEP_TIMEOUT_MS)));
        if (!bytes.every((b) => b > 1000)) throw new Error(`inbound audio bytes alice ${bytes[0]}, bob ${bytes[1]}`);
        audioChecked++;
      }
      setup.push(r.activeMs);
      mediaSetup.push(r.mediaMs);
      step = 'hangup';
      const endedBefore = await Promise.all(phones.map((p) => p.tally().then((t) => t.ended)));
      await within(
        alice.page.evaluate(() => window.bench.hangupAll()),
        STEP_TIMEOUT_MS,
        'alice hangup()',
      );
      step = 'both ended';
      await until(
        async () => (await Promise.all(phones.map((p) => p.tally()))).every((t, k) => t.ended > endedBefore[k]),
        STEP_TIMEOUT_MS,
        'sip-call-ended on both sides',
      );
      connected++;
    } catch (error) {
      failures.push({ call: i, step, cause: error.message.split('\n')[0] });
      log(`call ${i} failed at ${step}: ${error.message.split('\n')[0]}`);
      // Clear up so the next call starts from idle.
      await Promise.all(phones.map((p) => p.page.evaluate(() => window.bench.hangupAll()).catch(() => {})));
      await until(
        async () => (await Promise.all(phones.map((p) => p.page.evaluate(() => window.bench.callCount())))).every((n) => n === 0),
        STEP_TIMEOUT_MS,
        'both idle',
      ).catch((e) => log(e.message));
    }
    if (i % CHECK_EVERY === 0 || i === CALLS) {
      // Give the last call's teardown a moment before counting what it left.
      await sleep(500);
      await checkpoint(i);
    }
    await sleep(SETTLE_MS);
  }

  // JsSIP keeps an answered INVITE's client transaction, and so the session and its closed peer
  // connection, for Timer M (32 s, RFC 6026) to absorb a retransmitted 200 OK: 33 s later nothing
  // of the calls should be left after a forced collection.
  log(`idle ${TIMER_M_WAIT_MS / 1000} s (JsSIP's Timer M)`);
  await sleep(TIMER_M_WAIT_MS);
  await checkpoint('idle');
  const idle = checkpoints.pop();

  const first = setup.slice(0, 50);
  const last = setup.slice(-50);
  const end = checkpoints.at(-1);
  const at50 = checkpoints.find((c) => c.call === CHECK_EVERY) ?? checkpoints[0];
  // The second half too: the first calls warm up code and fill the 100-entry call history.
  const half = checkpoints.find((c) => c.call >= CALLS / 2) ?? at50;
  const slopeFrom = (from, user) =>
    end.call > from.call ? Math.round(((end[user].heapBytes - from[user].heapBytes) / 1024 / (end.call - from.call)) * 100) / 100 : null;
  const slope = (user) => slopeFrom(at50, user);
  const tallies = await Promise.all(phones.map((p) => p.tally()));
  const results = {
    machine: '2-core',
    chromium: browser.version(),
    calls: CALLS,
    connected,
    failures,
    audioCheckedBothWays: audioChecked,
    forcedGc: FORCE_GC,
    durationS: Math.round((Date.now() - started) / 1000),
    setupMs: { first50: summary(first), last50: summary(last), all: summary(setup) },
    mediaConnectedMs: { first50: summary(mediaSetup.slice(0, 50)), last50: summary(mediaSetup.slice(-50)) },
    end: Object.fromEntries(
      phones.map((p) => [
        p.user,
        { openPeerConnections: end[p.user].openPeerConnections, liveTracks: end[p.user].liveTracks, peerConnectionsMade: end[p.user].peerConnectionsMade },
      ]),
    ),
    afterTimerM: Object.fromEntries(
      phones.map((p) => [p.user, { uncollectedPeerConnections: idle[p.user].uncollectedAfterGc, heapBytes: idle[p.user].heapBytes }]),
    ),
    maxUncollectedPeerConnections: Object.fromEntries(
      phones.map((p) => [
        p.user,
        {
          beforeForcedGc: Math.max(...checkpoints.map((c) => c[p.user].uncollectedBeforeGc)),
          afterForcedGc: Math.max(...checkpoints.map((c) => c[p.user].uncollectedAfterGc)),
        },
      ]),
    ),
    heap: Object.fromEntries(
      phones.map((p) => [
        p.user,
        {
          fromCall: at50.call,
          toCall: end.call,
          fromBytes: at50[p.user].heapBytes,
          toBytes: end[p.user].heapBytes,
          slopeKBPerCall: slope(p.user),
          secondHalfFromCall: half.call,
          secondHalfSlopeKBPerCall: slopeFrom(half, p.user),
        },
      ]),
    ),
    endCauses: Object.fromEntries(phones.map((p, k) => [p.user, tallies[k].causes])),
    pageErrors: Object.fromEntries(phones.map((p, k) => [p.user, [...p.errors, ...tallies[k].errors]])),
    checkpoints,
  };

  const mp = (s) => (s.n ? `${s.median} / ${s.p90}` : '-');
  log('');
  log(`connected ${connected} of ${CALLS}, failed ${failures.length}, audio checked both ways on ${audioChecked}, ${results.durationS} s`);
  log(`call() → active, median / p90 ms: first 50 ${mp(results.setupMs.first50)}, last 50 ${mp(results.setupMs.last50)}`);
  log(`call() → media connected:         first 50 ${mp(results.mediaConnectedMs.first50)}, last 50 ${mp(results.mediaConnectedMs.last50)}`);
  for (const p of phones) {
    const h = results.heap[p.user];
    const u = results.maxUncollectedPeerConnections[p.user];
    log(
      `${p.user}: open pc ${results.end[p.user].openPeerConnections}, live tracks ${results.end[p.user].liveTracks}, heap call ${h.fromCall} ${(h.fromBytes / 1024).toFixed(0)} KB → call ${h.toCall} ${(h.toBytes / 1024).toFixed(0)} KB (${h.slopeKBPerCall} KB/call; from call ${h.secondHalfFromCall} ${h.secondHalfSlopeKBPerCall} KB/call), most closed pc not yet collected: ${u.beforeForcedGc} before a forced GC, ${u.afterForcedGc} after, ${results.afterTimerM[p.user].uncollectedPeerConnections} ${TIMER_M_WAIT_MS / 1000} s after the last call`,
    );
  }
  console.log(JSON.stringify(results));
  const leftOpen = phones.some((p) => results.end[p.user].openPeerConnections > 0 || results.end[p.user].liveTracks > 0);
  if (leftOpen) log('FAIL: peer connections or tracks left open after the last hangup');
  if (failures.length) log(`FAIL: ${failures.length} call(s) failed`);
  exitCode = failures.length || leftOpen || connected !== CALLS ? 1 : 0;
} finally {
  await browser.close();
  await web.close();
  await kamailio.stop();
}
process.exit(exitCode);
