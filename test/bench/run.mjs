// `npm run bench`: <sip-phone> against a minimal plain-JsSIP page (JsSIP's defaults), side by side
// in one run, through a real Kamailio on loopback. Prints a table, then one line of JSON.
// Also audio calls from <sip-phone> to a plain SIP phone (baresip) through rtpengine.
// Not a test: timings on a shared 2-core machine are noisy; read the ratios, which share a run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, root, serveRepo } from '../e2e/support/harness.mjs';
import { openPair } from './pair.mjs';
import { startStunServer } from '../e2e/support/stun-server.mjs';
import { startBaresip } from '../e2e/support/baresip.mjs';
import { median, summary } from './stats.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 40);
const STUN_CALLS = Number(process.env.BENCH_STUN_CALLS ?? 10);
const RELAY_CALLS = Number(process.env.BENCH_RELAY_CALLS ?? 10);
/** The plain SIP phone (dave is the plain-JsSIP pair's callee). */
const PLAIN_PHONE = 'erin';
const HEAP_CALLS = 50;
const RESTARTS = 10;
// Nothing listens on the discard port: STUN requests there are never answered.
const UNREACHABLE_STUN = [{ urls: 'stun:127.0.0.1:9' }];
// The phone probes its STUN/TURN servers in the background once they are configured (3 s at
// most); pages configure them at load, seconds before a call. The benchmark waits that long.
const PROBE_WAIT_MS = 3500;
const STUN_ANSWER_DELAY_MS = 20;

const log = (...args) => console.error(...args);

buildSync({
  entryPoints: [`${root}node_modules/jssip/lib/JsSIP.js`],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: `${root}.test-tmp/jssip.js`,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'error',
});

const kamailio = await startKamailio({ name: 'bench', rtpengine: true });
const plainPhone = await startBaresip({ user: PLAIN_PHONE, kamailio });
const web = await serveRepo();
const browser = await launchBrowser();

// Each call starts once the previous one (either page's) has been torn down for a moment, so no
// call's set-up shares the CPU with another's teardown.
const SETTLE_MS = 300;
const callOnce = async (p, timeoutMs = 90000) => {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return Promise.race([
    p.caller.page.evaluate((t) => window.bench.call(t), p.target),
    new Promise((_, reject) => setTimeout(() => reject(new Error('call timed out')), timeoutMs)),
  ]);
};
const setIce = (p, servers) => Promise.all([p.caller, p.callee].map((s) => s.page.evaluate((x) => window.bench.setIceServers(x), servers)));

const results = {};
try {
  const ours = await openPair(browser, web.url, kamailio.wsUrl, 'sip-phone');
  const plain = await openPair(browser, web.url, kamailio.wsUrl, 'plain-jssip');
  const runs = {
    ours: { register: [ours.caller.registerMs, ours.callee.registerMs], active: [], frame: [] },
    plain: { register: [plain.caller.registerMs, plain.callee.registerMs], active: [], frame: [] },
  };

  log('registration: 10 each, alternating');
  for (let i = 0; i < 10; i++) {
    for (const [name, p] of [
      ['ours', ours],
      ['plain', plain],
    ]) {
      runs[name].register.push((await p.caller.page.evaluate(() => window.bench.reregister())).registerMs);
    }
  }

  log(`calls: ${CALLS} each, alternating`);
  for (let i = 0; i < CALLS; i++) {
    for (const [name, p] of [
      ['ours', ours],
      ['plain', plain],
    ]) {
      const r = await callOnce(p);
      runs[name].active.push(r.activeMs);
      runs[name].frame.push(r.firstFrameMs);
    }
  }

  log(`plain SIP phone (baresip) through rtpengine: ${RELAY_CALLS} audio calls with sip-phone`);
  const relay = { active: [], sound: [] };
  for (let i = 0; i < RELAY_CALLS; i++) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const r = await ours.caller.page.evaluate((t) => window.bench.callAudio(t), PLAIN_PHONE);
    relay.active.push(r.activeMs);
    if (r.soundMs !== null) relay.sound.push(r.soundMs);
  }

  log(`unreachable STUN: ${STUN_CALLS} calls with sip-phone, 1 with plain JsSIP`);
  await setIce(ours, UNREACHABLE_STUN);
  await setIce(plain, UNREACHABLE_STUN);
  await new Promise((r) => setTimeout(r, PROBE_WAIT_MS));
  const stunOurs = [];
  for (let i = 0; i < STUN_CALLS; i++) stunOurs.push((await callOnce(ours)).activeMs);
  let stunPlain = null;
  try {
    stunPlain = (await callOnce(plain, 90000)).activeMs;
  } catch (error) {
    log(`plain JsSIP with unreachable STUN: ${error.message}`);
  }

  log(`a STUN server that answers after ${STUN_ANSWER_DELAY_MS} ms: ${STUN_CALLS} calls with sip-phone`);
  const stun = await startStunServer({ delayMs: STUN_ANSWER_DELAY_MS });
  await setIce(ours, [{ urls: stun.url }]);
  await new Promise((r) => setTimeout(r, PROBE_WAIT_MS));
  const stunAnswering = [];
  for (let i = 0; i < STUN_CALLS; i++) stunAnswering.push((await callOnce(ours)).activeMs);
  await stun.close();
  await setIce(ours, []);

  log(`heap: ${HEAP_CALLS} calls`);
  const cdp = await ours.caller.context.newCDPSession(ours.caller.page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  let heapAfter5 = 0;
  for (let i = 1; i <= HEAP_CALLS; i++) {
    await callOnce(ours);
    if (i === 5) heapAfter5 = await heap();
  }
  const heapAfter50 = await heap();

  log('first render: 10 page loads');
  const renders = [];
  for (let i = 0; i < 10; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${web.url}/test/bench/pages/first-render.html`);
    renders.push(await page.evaluate(() => window.firstRender));
    await context.close();
  }

  log(`reconnection: ${RESTARTS} Kamailio restarts; frozen-server detection x3`);
  const reRegister = [];
  const page = ours.caller.page;
  const registeredCount = () => page.evaluate(() => window.registeredCount);
  await page.evaluate(() => {
    window.registeredCount = 0;
    document.querySelector('sip-phone').addEventListener('sip-registered', () => window.registeredCount++);
  });
  for (let i = 0; i < RESTARTS; i++) {
    const before = await registeredCount();
    await kamailio.stop();
    await new Promise((r) => setTimeout(r, 300));
    await kamailio.start();
    const back = Date.now();
    while ((await registeredCount()) === before) await new Promise((r) => setTimeout(r, 10));
    reRegister.push(Date.now() - back);
  }
  const frozen = [];
  await page.evaluate(() => {
    document.querySelector('sip-phone').keepaliveInterval = 2;
    window.lostCount = 0;
    document.querySelector('sip-phone').addEventListener('sip-connection-lost', () => window.lostCount++);
  });
  // The new interval applies from the next connection.
  {
    const before = await registeredCount();
    await kamailio.restart();
    while ((await registeredCount()) === before) await new Promise((r) => setTimeout(r, 10));
  }
  for (let i = 0; i < 3; i++) {
    const lost = await page.evaluate(() => window.lostCount);
    const before = await registeredCount();
    await kamailio.freeze();
    const frozenAt = Date.now();
    while ((await page.evaluate(() => window.lostCount)) === lost) await new Promise((r) => setTimeout(r, 10));
    frozen.push(Date.now() - frozenAt);
    await kamailio.thaw();
    while ((await registeredCount()) === before) await new Promise((r) => setTimeout(r, 50));
  }

  const bundle = readFileSync(`${root}dist/sip-phone.js`);
  const o = { register: summary(runs.ours.register), active: summary(runs.ours.active), frame: summary(runs.ours.frame) };
  const p = { register: summary(runs.plain.register), active: summary(runs.plain.active), frame: summary(runs.plain.frame) };
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  Object.assign(results, {
    machine: '2-core',
    calls: CALLS,
    sipPhone: {
      ...o,
      activeUnreachableStun: summary(stunOurs),
      activeAnsweringStun: summary(stunAnswering),
      activeToPlainPhoneViaRtpengine: summary(relay.active),
      firstSoundFromPlainPhone: summary(relay.sound),
    },
    plainJsSip: { ...p, activeUnreachableStun: stunPlain },
    ratios: {
      registerVsPlain: ratio(o.register.median, p.register.median),
      activeVsPlain: ratio(o.active.median, p.active.median),
      firstFrameVsPlain: ratio(o.frame.median, p.frame.median),
      unreachableStunVsOwnNormal: ratio(median(stunOurs), o.active.median),
      answeringStunVsOwnNormal: ratio(median(stunAnswering), o.active.median),
      plainPhoneViaRtpengineVsDirect: ratio(median(relay.active), o.active.median),
    },
    firstRenderMs: {
      define: summary(renders.map((r) => r.defineMs)),
      render: summary(renders.map((r) => r.renderMs)),
      total: summary(renders.map((r) => r.totalMs)),
    },
    heap: { after5Calls: heapAfter5, after50Calls: heapAfter50, growthBytes: heapAfter50 - heapAfter5 },
    bundle: { raw: bundle.length, gzip: gzipSync(bundle, { level: 9 }).length, brotli: brotliCompressSync(bundle).length },
    reconnect: { serverReturnToRegisteredMs: summary(reRegister), frozenServerDetectionMs: summary(frozen), keepaliveIntervalS: 2 },
  });

  const row = (name, a, b, r) => `${name.padEnd(34)} ${String(a ?? '-').padStart(12)} ${String(b ?? '-').padStart(12)} ${String(r ?? '-').padStart(8)}`;
  const mp = (s) => (s ? `${s.median}/${s.p90}` : '-');
  log('');
  log(row('median/p90 ms', 'sip-phone', 'plain JsSIP', 'ratio'));
  log(row('register', mp(o.register), mp(p.register), results.ratios.registerVsPlain));
  log(row('call() → active', mp(o.active), mp(p.active), results.ratios.activeVsPlain));
  log(row('call() → first remote frame', mp(o.frame), mp(p.frame), results.ratios.firstFrameVsPlain));
  log(row('→ active, baresip via rtpengine', mp(results.sipPhone.activeToPlainPhoneViaRtpengine), '', results.ratios.plainPhoneViaRtpengineVsDirect));
  log(row('→ first sound from baresip', mp(results.sipPhone.firstSoundFromPlainPhone), '', ''));
  log(
    row(
      'active, unreachable STUN',
      mp(results.sipPhone.activeUnreachableStun),
      stunPlain ? Math.round(stunPlain) : 'timeout',
      results.ratios.unreachableStunVsOwnNormal,
    ),
  );
  log(row(`active, STUN answering in ${STUN_ANSWER_DELAY_MS} ms`, mp(results.sipPhone.activeAnsweringStun), '', results.ratios.answeringStunVsOwnNormal));
  log(row('import+define / first render', `${results.firstRenderMs.define.median}/${results.firstRenderMs.render.median}`, '', ''));
  log(row('heap growth 5→50 calls (bytes)', results.heap.growthBytes, '', ''));
  log(row('bundle raw/gzip/brotli', `${results.bundle.raw}`, `${results.bundle.gzip}/${results.bundle.brotli}`, ''));
  log(row('server back → registered', mp(results.reconnect.serverReturnToRegisteredMs), '', ''));
  log(row('frozen server noticed (ka 2 s)', mp(results.reconnect.frozenServerDetectionMs), '', ''));
  log('');
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
  await web.close();
  await plainPhone.stop();
  await kamailio.stop();
}

// BENCH_MANY_CALLS=N: then N calls in a row in one page (many-calls.mjs; its own table and JSON line).
if (process.env.BENCH_MANY_CALLS) {
  const n = Number(process.env.BENCH_MANY_CALLS);
  const env = { ...process.env, ...(n > 1 ? { MANY_CALLS: String(n) } : {}) };
  const run = spawnSync(process.execPath, [`${root}test/bench/many-calls.mjs`], { stdio: 'inherit', env });
  process.exitCode = run.status ?? 1;
}

// BENCH_FLEET=N: then N phones (1,000 if N is 1) through a Kamailio restart, sip-phone's core and
// plain JsSIP in Node (fleet.mjs; its own table and JSON line). Off by default: 2,000 WebSockets.
if (process.env.BENCH_FLEET) {
  const n = Number(process.env.BENCH_FLEET);
  const env = { ...process.env, ...(n > 1 ? { FLEET_SIZE: String(n) } : {}) };
  const run = spawnSync(process.execPath, [`${root}test/bench/fleet.mjs`], { stdio: 'inherit', env });
  process.exitCode = process.exitCode || (run.status ?? 1);
}

// BENCH_FLEET_CLUSTER=N: then N phones (2,000 if N is 1) on the Kamailio cluster, an edge and a
// registrar killed (fleet-cluster.mjs; its own table and JSON line). Off by default.
if (process.env.BENCH_FLEET_CLUSTER) {
  const n = Number(process.env.BENCH_FLEET_CLUSTER);
  const env = { ...process.env, ...(n > 1 ? { FLEET_SIZE: String(n) } : {}) };
  const run = spawnSync(process.execPath, [`${root}test/bench/fleet-cluster.mjs`], { stdio: 'inherit', env });
  process.exitCode = process.exitCode || (run.status ?? 1);
}

// What a recording and a merged conference cost the page's main thread (media-cost.mjs; its own
// table and JSON line). BENCH_MEDIA=0 leaves it out.
if (process.env.BENCH_MEDIA !== '0') {
  const run = spawnSync(process.execPath, [`${root}test/bench/media-cost.mjs`], { stdio: 'inherit' });
  process.exitCode = process.exitCode || (run.status ?? 1);
}

// How fast calls come back after outages and a reload (recovery.mjs; its own table and JSON line).
// BENCH_RECOVERY=0 leaves it out.
if (process.env.BENCH_RECOVERY !== '0') {
  const run = spawnSync(process.execPath, [`${root}test/bench/recovery.mjs`], { stdio: 'inherit' });
  process.exitCode = process.exitCode || (run.status ?? 1);
}
