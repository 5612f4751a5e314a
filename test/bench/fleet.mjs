// A fleet survives a server restart (issue #12): FLEET_SIZE (default 1,000) phones registered to
// the repo's Kamailio; Kamailio restarts (stop, then start on the same ports); how long until all
// are registered again, the peak REGISTER rate, and any 5xx or failed registration. Twice in one
// run, each fleet alone against a freshly started Kamailio: (a) sip-phone's DOM-free core
// (lib/core/phone.js, built by `npm run build`), (b) plain JsSIP UAs with JsSIP's own reconnection
// defaults (connection_recovery_min_interval 2 s, max 30 s): the naive "everyone at once".
//
// Why Node and not a browser page: registration needs no media, and 1,000 cores with the `ws`
// package's WebSocket injected (Phone's createWebSocket option) run in one Node process at about
// the cost of the SIP parsing alone; 1,000 WebSockets in one Chromium page would measure the
// page's throttling as much as the phones.
//
// REGISTERs are counted twice: on the phone side, as each WebSocket sends them (a wrapper around
// the injected WebSocket's send(): exact times, and on loopback that is when the server gets
// them), and as the server saw them: Kamailio's core:rcv_requests_register counter (kamcmd, since
// its restart) polled every 100 ms; its peak rate is the largest rise over any span of ≥ 1 s
// between two polls.
//
// Not a test: a benchmark on a shared 2-core machine. Prints a table, then one line of JSON.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import JsSIP from 'jssip';
import { Phone } from '../../lib/core/phone.js';
import { buildConfig } from '../../lib/core/kernel/config.js';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { peakRate } from './stats.mjs';

const FLEET = Number(process.env.FLEET_SIZE ?? 1000);
/** Longest wait for a fleet to be registered again after the restart. */
const BACK_TIMEOUT_MS = Number(process.env.FLEET_TIMEOUT_MS ?? 60000);
/** FLEET_ALSO_SPREAD_MS=8000: a third fleet, sip-phone with the first attempt after a loss spread over 1 s–that. */
const ALSO_SPREAD_MS = Number(process.env.FLEET_ALSO_SPREAD_MS) || 0;
/** Phones registered at a time while the fleet starts (not part of the measurement). */
const START_BATCH = 50;
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

const log = (...args) => console.error(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** What the phones' WebSockets sent and received, for the fleet being measured. */
let wire = newWire();
function newWire() {
  return { registers: [], attempts: [], failedConnects: 0, responses5xx: 0 };
}

/** ws's WebSocket, counting REGISTERs sent and 5xx answers to them. */
class CountingWebSocket extends WebSocket {
  constructor(url, protocol) {
    super(url, protocol);
    wire.attempts.push(now());
    let opened = false;
    this.on('open', () => {
      opened = true;
    });
    this.on('close', () => {
      if (!opened) wire.failedConnects++;
    });
    this.on('message', (data) => {
      const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      if (/^SIP\/2\.0 5\d\d/.test(text) && /^CSeq:\s*\d+\s+REGISTER/im.test(text)) wire.responses5xx++;
    });
  }

  send(data, ...rest) {
    if (typeof data === 'string' && data.startsWith('REGISTER ')) wire.registers.push(now());
    return super.send(data, ...rest);
  }
}
// JsSIP's own WebSocketInterface (the plain fleet) opens `new WebSocket(url, 'sip')`.
globalThis.WebSocket = CountingWebSocket;

const userOf = (i) => USERS[i % USERS.length];

/** One fleet member, whichever kind: start(), registered events, stop(). */
function ourPhone(i, url, onRegistered, onFailed, reconnectPolicy) {
  const user = userOf(i);
  const phone = new Phone({ createWebSocket: (u, p) => new CountingWebSocket(u, p), instanceId: randomUUID(), reconnectPolicy });
  phone.configure(buildConfig({ server: url, uri: `sip:${user}@sip-phone.test`, password: `${user}-pw` }));
  phone.on('registered', onRegistered);
  phone.on('registration-failed', (e) => onFailed(`${e.cause}${e.statusCode ? ` ${e.statusCode}` : ''}`));
  return {
    start: () => phone.register(),
    stop: () => phone.stop(),
  };
}

function plainJsSip(i, url, onRegistered, onFailed) {
  const user = userOf(i);
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(url)],
    uri: `sip:${user}@sip-phone.test`,
    password: `${user}-pw`,
    // Everything else JsSIP's defaults: register_expires 600, connection_recovery 2 s / 30 s.
  });
  ua.on('registrationFailed', (e) => onFailed(`${e.cause}${e.response?.status_code ? ` ${e.response.status_code}` : ''}`));
  return {
    start: () =>
      new Promise((resolve, reject) => {
        ua.once('registered', resolve);
        ua.once('registrationFailed', (e) => reject(new Error(e.cause)));
        ua.on('registered', onRegistered);
        ua.start();
      }),
    stop: () => ua.stop(),
  };
}

async function serverRegisterCount(kamailio) {
  try {
    const out = await kamailio.kamcmd('stats.get_statistics', 'rcv_requests_register');
    const n = Number(/rcv_requests_register\s*=\s*(\d+)/.exec(out)?.[1]);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Polls the server's REGISTER counter every `everyMs` ms until stop() (samples: [time, count]). */
function pollServer(kamailio, everyMs = 100) {
  const samples = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const at = now();
      const count = await serverRegisterCount(kamailio);
      if (count !== null) samples.push([now(), count]);
      await sleep(Math.max(0, everyMs - (now() - at)));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** The steepest rise of the counter over any span of at least `windowMs` between two samples, per second. */
function serverPeakRate(samples, windowMs = 1000) {
  let peak = 0;
  for (let i = 0, j = 0; i < samples.length; i++) {
    while (j + 1 < i && samples[i][0] - samples[j + 1][0] >= windowMs) j++;
    const span = samples[i][0] - samples[j][0];
    if (span >= windowMs) peak = Math.max(peak, ((samples[i][1] - samples[j][1]) / span) * 1000);
  }
  return Math.round(peak);
}

async function measure(kind, kamailio, make) {
  // Each fleet alone against a freshly started Kamailio.
  await kamailio.stopKamailio();
  await kamailio.start();
  wire = newWire();
  const failures = [];
  let registeredAgain = new Map();
  let measuring = false;
  const members = Array.from({ length: FLEET }, (_, i) =>
    make(
      i,
      kamailio.wsUrl,
      () => {
        if (measuring && !registeredAgain.has(i)) registeredAgain.set(i, now());
      },
      (cause) => {
        if (measuring) failures.push(cause);
      },
    ),
  );

  log(`${kind}: registering ${FLEET} phones, ${START_BATCH} at a time`);
  const startedAt = now();
  for (let i = 0; i < FLEET; i += START_BATCH) {
    await Promise.all(members.slice(i, i + START_BATCH).map((m) => m.start()));
  }
  const startMs = Math.round(now() - startedAt);
  // Let the last answers settle before the restart.
  await sleep(2000);

  log(`${kind}: restarting Kamailio`);
  wire = newWire();
  measuring = true;
  const stopAt = now();
  await kamailio.stopKamailio();
  const downAt = now();
  await kamailio.start();
  const upAt = now();
  const server = pollServer(kamailio);
  while (registeredAgain.size < FLEET && now() - upAt < BACK_TIMEOUT_MS) await sleep(50);
  const lastAt = Math.max(...registeredAgain.values());
  // A moment for late REGISTERs (none expected) before counting.
  await sleep(1000);
  await server.stop();
  const serverCount = await serverRegisterCount(kamailio);
  measuring = false;

  const back = [...registeredAgain.values()].map((t) => t - upAt).sort((a, b) => a - b);
  const perSecond = [];
  for (const t of wire.registers) {
    const s = Math.floor((t - stopAt) / 1000);
    if (s >= 0) perSecond[s] = (perSecond[s] ?? 0) + 1;
  }
  const result = {
    phones: FLEET,
    fleetStartMs: startMs,
    serverDownMs: Math.round(upAt - stopAt),
    registeredAgain: registeredAgain.size,
    allBackAfterServerUpMs: registeredAgain.size === FLEET ? Math.round(lastAt - upAt) : null,
    allBackAfterStopMs: registeredAgain.size === FLEET ? Math.round(lastAt - stopAt) : null,
    halfBackAfterServerUpMs: back.length ? Math.round(back[Math.floor(back.length / 2)]) : null,
    connectAttempts: wire.attempts.length,
    failedConnects: wire.failedConnects,
    peakConnectAttemptsPerSecond: peakRate(wire.attempts),
    peakRegistersPerSecond: peakRate(wire.registers),
    peakRegistersPer100ms: peakRate(wire.registers, 100),
    serverPeakRegistersPerSecond: serverPeakRate(server.samples),
    serverPolls: server.samples.length,
    registersSent: wire.registers.length,
    registersSeenByServer: serverCount,
    responses5xx: wire.responses5xx,
    failedRegistrations: failures.length,
    failureCauses: [...new Set(failures)],
    registersPerSecondFromStop: Array.from(perSecond, (n) => n ?? 0),
    stopMs: Math.round(downAt - stopAt),
  };
  log(`${kind}: ${JSON.stringify(result)}`);
  for (const m of members) m.stop();
  await sleep(500);
  return result;
}

const kamailio = await startKamailio({ name: 'fleet', sharedMemoryMb: 256 });
const results = { machine: '2-core', date: new Date().toISOString().slice(0, 10) };
try {
  results.sipPhone = await measure('sip-phone', kamailio, ourPhone);
  results.plainJsSip = await measure('plain JsSIP', kamailio, plainJsSip);
  if (ALSO_SPREAD_MS) {
    results.sipPhoneWiderSpread = await measure(`sip-phone, first attempt 1–${ALSO_SPREAD_MS / 1000} s`, kamailio, (i, url, registered, failed) =>
      ourPhone(i, url, registered, failed, { lossSpreadMs: ALSO_SPREAD_MS }),
    );
    results.sipPhoneWiderSpread.lossSpreadMs = ALSO_SPREAD_MS;
  }
} finally {
  await kamailio.stop();
}
const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
results.peakRateVsPlain = ratio(results.sipPhone.peakRegistersPerSecond, results.plainJsSip.peakRegistersPerSecond);
results.offeredRateVsPlain = ratio(results.sipPhone.peakConnectAttemptsPerSecond, results.plainJsSip.peakConnectAttemptsPerSecond);
results.serverPeakRateVsPlain = ratio(results.sipPhone.serverPeakRegistersPerSecond, results.plainJsSip.serverPeakRegistersPerSecond);

const w = results.sipPhoneWiderSpread;
let widerOf = () => '';
const row = (name, a, b) => {
  const c = w ? ` ${String(widerOf(name) ?? '-').padStart(14)}` : '';
  return `${name.padEnd(44)} ${String(a ?? '-').padStart(12)} ${String(b ?? '-').padStart(12)}${c}`;
};
const o = results.sipPhone;
const p = results.plainJsSip;
if (w) {
  const cells = {
    [`${FLEET} phones, Kamailio restarted`]: `spread 1–${w.lossSpreadMs / 1000} s`,
    'server down (stop → accepting) ms': w.serverDownMs,
    'registered again': `${w.registeredAgain}/${FLEET}`,
    'server up → half registered ms': w.halfBackAfterServerUpMs,
    'server up → all registered ms': w.allBackAfterServerUpMs,
    'connection attempts / failed': `${w.connectAttempts}/${w.failedConnects}`,
    'peak connection attempts/s (offered)': w.peakConnectAttemptsPerSecond,
    'peak REGISTER/s (any 1 s window)': w.peakRegistersPerSecond,
    'peak REGISTER/s, server (polled)': w.serverPeakRegistersPerSecond,
    'peak REGISTER per 100 ms': w.peakRegistersPer100ms,
    'REGISTERs sent / seen by Kamailio': `${w.registersSent}/${w.registersSeenByServer}`,
    '5xx / failed registrations': `${w.responses5xx}/${w.failedRegistrations}`,
    'peak connection attempts, sip-phone / plain': ratio(w.peakConnectAttemptsPerSecond, p.peakConnectAttemptsPerSecond),
    'peak REGISTER rate, sip-phone / plain': ratio(w.peakRegistersPerSecond, p.peakRegistersPerSecond),
    '  as the server saw it': ratio(w.serverPeakRegistersPerSecond, p.serverPeakRegistersPerSecond),
  };
  widerOf = (name) => cells[name] ?? '';
}
log('');
log(row(`${FLEET} phones, Kamailio restarted`, 'sip-phone', 'plain JsSIP'));
log(row('server down (stop → accepting) ms', o.serverDownMs, p.serverDownMs));
log(row('registered again', `${o.registeredAgain}/${FLEET}`, `${p.registeredAgain}/${FLEET}`));
log(row('server up → half registered ms', o.halfBackAfterServerUpMs, p.halfBackAfterServerUpMs));
log(row('server up → all registered ms', o.allBackAfterServerUpMs, p.allBackAfterServerUpMs));
log(row('connection attempts / failed', `${o.connectAttempts}/${o.failedConnects}`, `${p.connectAttempts}/${p.failedConnects}`));
log(row('peak connection attempts/s (offered)', o.peakConnectAttemptsPerSecond, p.peakConnectAttemptsPerSecond));
log(row('peak REGISTER/s (any 1 s window)', o.peakRegistersPerSecond, p.peakRegistersPerSecond));
log(row('peak REGISTER/s, server (polled)', o.serverPeakRegistersPerSecond, p.serverPeakRegistersPerSecond));
log(row('peak REGISTER per 100 ms', o.peakRegistersPer100ms, p.peakRegistersPer100ms));
log(row('REGISTERs sent / seen by Kamailio', `${o.registersSent}/${o.registersSeenByServer}`, `${p.registersSent}/${p.registersSeenByServer}`));
log(row('5xx / failed registrations', `${o.responses5xx}/${o.failedRegistrations}`, `${p.responses5xx}/${p.failedRegistrations}`));
log(row('peak connection attempts, sip-phone / plain', results.offeredRateVsPlain, ''));
log(row('peak REGISTER rate, sip-phone / plain', results.peakRateVsPlain, ''));
log(row('  as the server saw it', results.serverPeakRateVsPlain, ''));
log('');
console.log(JSON.stringify(results));
