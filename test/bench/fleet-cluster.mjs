// The fleet on the cluster (#21 item 5): FLEET_SIZE (default 2,000) phones of sip-phone's
// DOM-free core (lib/core/phone.js, `npm run build` first; the `ws` package's WebSocket injected,
// as in fleet.mjs) register to the cluster of demo/kamailio/cluster.mjs, both edges listed in
// `server`, each phone preferring a random one (as each tab does), each its own user (u0, u1, …,
// with credentials minted as the demo's web login does: auth_ephemeral on the registrars). Then:
//   1. SIGKILL of edge 1: how long until every phone it held is registered again (through edge 2),
//      the peak REGISTER rate, failures, and the phones of edge 2 untouched (no REGISTER, no loss).
//   2. Edge 1 restarted: nobody goes back to it (no stampede; connection attempts to it counted).
//   3. SIGKILL of registrar 1, then every phone refreshes its registration (REGISTER again, 50 at a
//      time): all answered 200 by the surviving registrar, no connection lost; rows in the shared
//      location table before and after. Registrar 1 restarted.
// Not a test: a benchmark on a shared 2-core machine. Prints a table, then one line of JSON.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Phone } from '../../lib/core/phone.js';
import { buildConfig } from '../../lib/core/kernel/config.js';
import { startCluster } from '../../demo/kamailio/cluster.mjs';
import { mintCredentials } from '../../demo/web-login.mjs';
import { peakRate } from './stats.mjs';

const FLEET = Number(process.env.FLEET_SIZE ?? 2000);
const BACK_TIMEOUT_MS = Number(process.env.FLEET_TIMEOUT_MS ?? 60000);
const BATCH = 50;
/** Each phone its own user (u0, u1, …), signed in with credentials minted as the demo's web login does. */
const SECRET = randomBytes(16).toString('hex');

const log = (...args) => console.error(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** Every REGISTER sent and connection attempt made, by phone and server URL. */
const wire = { registers: [], attempts: [] };

/** ws's WebSocket, noting each connection attempt and REGISTER sent by fleet member `i`. */
class CountingWebSocket extends WebSocket {
  constructor(url, protocol, i) {
    super(url, protocol);
    this.member = i;
    wire.attempts.push({ at: now(), i, url });
  }
  send(data, ...rest) {
    if (typeof data === 'string' && data.startsWith('REGISTER ')) wire.registers.push({ at: now(), i: this.member, url: this.url.replace(/\/$/, '') });
    return super.send(data, ...rest);
  }
}

/** One fleet member: its phone, the edge it is on, what happened to it. */
function member(i, servers) {
  const user = `u${i}`;
  const m = { i, server: null, registered: false, losses: 0, failures: [] };
  const phone = new Phone({ createWebSocket: (u, p) => new CountingWebSocket(u, p, i), instanceId: randomUUID(), serverChoice: Math.random() });
  phone.credentials = () => mintCredentials(SECRET, user, { ttlSeconds: 3600 });
  phone.configure(buildConfig({ server: servers.join(' '), uri: `sip:${user}@sip-phone.test` }));
  phone.on('connected', (e) => (m.server = e.server));
  phone.on('registered', () => {
    m.registered = true;
    m.registeredAt = now();
  });
  phone.on('unregistered', () => (m.registered = false));
  phone.on('connection-lost', () => m.losses++);
  phone.on('registration-failed', (e) => m.failures.push(`${e.cause}${e.statusCode ? ` ${e.statusCode}` : ''}`));
  m.phone = phone;
  return m;
}

const countBy = (items, key) => items.reduce((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});

async function locationRowsByEdge(cluster) {
  const rows = await cluster.db.sql('SELECT path FROM location');
  return countBy(rows, (path) => cluster.edgeOf(path)?.name ?? 'none');
}

// Every phone may end up on one edge (the other killed): room for all of them there.
const cluster = await startCluster({
  name: 'fleet',
  rtpengine: false,
  ephemeralSecret: SECRET,
  edgeMemoryMb: Math.max(64, Math.ceil((FLEET * 0.2) / 64) * 64),
});
const servers = cluster.edges.map((e) => e.wsUrl);
const [edge1, edge2] = cluster.edges;
const results = { machine: '2-core', date: new Date().toISOString().slice(0, 10), phones: FLEET };
const fleet = Array.from({ length: FLEET }, (_, i) => member(i, servers));
try {
  log(`registering ${FLEET} phones on ${servers.join(', ')}, ${BATCH} at a time`);
  const startedAt = now();
  const startErrors = [];
  for (let i = 0; i < FLEET; i += BATCH) {
    const outcomes = await Promise.allSettled(fleet.slice(i, i + BATCH).map((m) => m.phone.register()));
    startErrors.push(...outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason?.message ?? String(o.reason)));
  }
  results.startErrors = startErrors.length;
  if (startErrors.length) log(`${startErrors.length} phones failed to register at first: ${[...new Set(startErrors)].join('; ')}`);
  results.fleetStartMs = Math.round(now() - startedAt);
  await sleep(2000);
  results.split = countBy(fleet, (m) => (m.server === edge1.wsUrl ? 'edge1' : m.server === edge2.wsUrl ? 'edge2' : 'none'));
  results.locationRowsBefore = await locationRowsByEdge(cluster);
  log(`split ${JSON.stringify(results.split)}, location rows ${JSON.stringify(results.locationRowsBefore)}`);

  // 1. SIGKILL of edge 1.
  const onEdge1 = fleet.filter((m) => m.server === edge1.wsUrl);
  const onEdge2 = fleet.filter((m) => m.server === edge2.wsUrl);
  for (const m of fleet) [m.losses, m.failures, m.registeredAt] = [0, [], null];
  const mark = { registers: wire.registers.length, attempts: wire.attempts.length };
  const killedAt = now();
  await cluster.kill(edge1);
  while (onEdge1.some((m) => !(m.registeredAt && m.server === edge2.wsUrl)) && now() - killedAt < BACK_TIMEOUT_MS) await sleep(50);
  await sleep(1000);
  const back = onEdge1.filter((m) => m.registeredAt && m.server === edge2.wsUrl).map((m) => m.registeredAt - killedAt);
  back.sort((a, b) => a - b);
  const registers = wire.registers.slice(mark.registers);
  const edge2Ids = new Set(onEdge2.map((m) => m.i));
  results.edgeKilled = {
    phonesOnIt: onEdge1.length,
    registeredAgainOnEdge2: back.length,
    halfBackMs: back.length ? Math.round(back[Math.floor(back.length / 2)]) : null,
    allBackMs: back.length === onEdge1.length ? Math.round(back.at(-1)) : null,
    peakRegistersPerSecond: peakRate(registers.map((r) => r.at)),
    registersSent: registers.length,
    failedRegistrations: onEdge1.flatMap((m) => m.failures).length,
    failureCauses: [...new Set(fleet.flatMap((m) => m.failures))],
    survivingEdgePhones: onEdge2.length,
    survivingEdgeRegisters: registers.filter((r) => edge2Ids.has(r.i)).length,
    survivingEdgeConnectionLosses: onEdge2.reduce((n, m) => n + m.losses, 0),
  };
  results.locationRowsAfterEdgeKill = await locationRowsByEdge(cluster);
  log(`edge 1 killed: ${JSON.stringify(results.edgeKilled)}`);

  // 2. Edge 1 back: nobody moves to it.
  const attemptsMark = wire.attempts.length;
  await cluster.restart(edge1);
  await sleep(10000);
  results.edgeRestarted = {
    connectionAttemptsToIt: wire.attempts.slice(attemptsMark).filter((a) => a.url.startsWith(edge1.wsUrl)).length,
    phonesOnIt: fleet.filter((m) => m.server === edge1.wsUrl).length,
  };
  log(`edge 1 restarted: ${JSON.stringify(results.edgeRestarted)}`);

  // 3. SIGKILL of registrar 1; every phone registers again.
  for (const m of fleet) [m.losses, m.failures] = [0, []];
  const [rowsBefore] = await cluster.db.sql('SELECT count(*) FROM location');
  await cluster.kill(cluster.registrars[0]);
  const refreshMark = wire.registers.length;
  const refreshAt = now();
  let refreshed = 0;
  let refreshErrors = [];
  for (let i = 0; i < FLEET; i += BATCH) {
    const outcomes = await Promise.allSettled(fleet.slice(i, i + BATCH).map((m) => m.phone.register()));
    refreshed += outcomes.filter((o) => o.status === 'fulfilled').length;
    refreshErrors.push(...outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason?.code ?? String(o.reason)));
    if (i % 500 === 0) log(`registrar 1 killed: ${i + BATCH} phones registered again, ${Math.round(now() - refreshAt)} ms`);
  }
  const refreshMs = now() - refreshAt;
  const refreshRegisters = wire.registers.slice(refreshMark);
  results.registrarKilled = {
    refreshed,
    refreshErrors: [...new Set(refreshErrors)],
    refreshMs: Math.round(refreshMs),
    registersSent: refreshRegisters.length,
    peakRegistersPerSecond: peakRate(refreshRegisters.map((r) => r.at)),
    failedRegistrations: fleet.flatMap((m) => m.failures).length,
    connectionLosses: fleet.reduce((n, m) => n + m.losses, 0),
    registeredAtEnd: fleet.filter((m) => m.registered).length,
    locationRowsBefore: Number(rowsBefore),
    locationRowsAfter: Number((await cluster.db.sql('SELECT count(*) FROM location'))[0]),
  };
  log(`registrar 1 killed: ${JSON.stringify(results.registrarKilled)}`);
  await cluster.restart(cluster.registrars[0]);
} finally {
  for (const m of fleet) m.phone.stop();
  await sleep(500);
  await cluster.stop();
}

const e = results.edgeKilled;
const r = results.registrarKilled;
const row = (name, value) => log(`${name.padEnd(52)} ${String(value ?? '-').padStart(16)}`);
log('');
row(`${FLEET} phones on 2 edges + 2 registrars`, 'sip-phone core');
row('split edge 1 / edge 2', `${results.split.edge1 ?? 0}/${results.split.edge2 ?? 0}`);
row('edge 1 SIGKILL: its phones registered on edge 2', `${e.registeredAgainOnEdge2}/${e.phonesOnIt}`);
row('  half / all registered again (ms after the kill)', `${e.halfBackMs}/${e.allBackMs}`);
row('  peak REGISTER/s (any 1 s window)', e.peakRegistersPerSecond);
row('  failed registrations', e.failedRegistrations);
row('  surviving edge: REGISTERs / connections lost', `${e.survivingEdgeRegisters}/${e.survivingEdgeConnectionLosses}`);
row('edge 1 restarted: attempts to it in 10 s', results.edgeRestarted.connectionAttemptsToIt);
row('registrar 1 SIGKILL: phones registered again', `${r.refreshed}/${FLEET}`);
row('  in ms (50 at a time) / peak REGISTER/s', `${r.refreshMs}/${r.peakRegistersPerSecond}`);
row('  failed / connections lost', `${r.failedRegistrations}/${r.connectionLosses}`);
row('  location rows before / after', `${r.locationRowsBefore}/${r.locationRowsAfter}`);
log('');
console.log(JSON.stringify({ fleetCluster: results }));
