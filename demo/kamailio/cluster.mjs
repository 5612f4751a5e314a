// The Kamailio cluster on 127.0.0.1: PostgreSQL (shared location, presence and msilo tables),
// registrars (registrar.cfg) and edge proxies (edge.cfg, ws + wss), and rtpengine, each its own
// processes on its own ports. Used by `npm start -- --cluster`, the cluster e2e tests and benches.
//
//   const cluster = await startCluster({ name: 'demo' });
//   cluster.edges[0].wsUrl, cluster.edges[1].wssUrl, cluster.registrars[0].sipPort
//   cluster.kill(cluster.edges[0])     SIGKILL of every process of that node, by PID
//   await cluster.restart(node)        start it again (same ports)
//   await cluster.contacts('alice')    rows of the shared location table
//   await cluster.stop()               everything, PostgreSQL too
//
// Only Node built-ins; only ever signals processes it started (by pid).
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { childPidsSync, freePort, generateCertificate, startRtpengine, tcpProbe } from './kamailio.mjs';
import { startPostgres } from './postgres.mjs';

const execFileP = promisify(execFile);
const KAMAILIO_BIN = process.env.KAMAILIO_BIN || 'kamailio';
const KAMCMD_BIN = process.env.KAMCMD_BIN || 'kamcmd';
const EDGE_CFG = fileURLToPath(new URL('./edge.cfg', import.meta.url));
const REGISTRAR_CFG = fileURLToPath(new URL('./registrar.cfg', import.meta.url));
const READY_TIMEOUT_MS = 10_000;
const LOG_LIMIT = 256 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Kamailio's `-A` arguments: each a define (`NAME` or `NAME=value`) for the cfg's #!ifdef / #!subst. */
const defines = (...names) => names.flatMap((name) => ['-A', name]);

/** One Kamailio process tree with fixed arguments: start(), kill() (SIGKILL), stop() (SIGTERM). */
function kamailioNode({ kind, index, cfg, args, dir, readyPort, beforeStart, sharedMemoryMb = 64 }) {
  const name = `${kind}${index}`;
  let child = null;
  let exited = null;
  let logBuf = '';
  const logFile = process.env.KAMAILIO_LOG_DIR ? path.join(process.env.KAMAILIO_LOG_DIR, `cluster-${name}-${readyPort}.log`) : undefined;
  const append = (chunk) => {
    if (logFile) fs.appendFileSync(logFile, chunk);
    logBuf = (logBuf + chunk).slice(-LOG_LIMIT);
  };
  const ctl = `unix:${path.join(dir, `${name}_ctl`)}`;
  const fullArgs = [
    '-f',
    cfg,
    '-DD',
    '-E',
    '-P',
    path.join(dir, `${name}.pid`),
    '-Y',
    dir,
    '-w',
    dir,
    '-m',
    String(sharedMemoryMb),
    '-M',
    '8',
    ...defines(`CTL_SOCK="${ctl}"`),
    ...args,
  ];
  const node = {
    kind,
    index,
    name,
    get pid() {
      return child && !exited ? child.pid : undefined;
    },
    get running() {
      return !!child && !exited;
    },
    /** The main process and all its children (what a SIGKILL of the node hits). */
    pids: () => (child && !exited ? [child.pid, ...childPidsSync(child.pid)] : []),
    log: () => logBuf,
    kamcmd: async (...cmd) => (await execFileP(KAMCMD_BIN, ['-s', ctl, ...cmd.map(String)], { timeout: 5000 })).stdout,
    async start() {
      if (node.running) throw new Error(`${name} already running`);
      await beforeStart?.();
      if (logFile) fs.mkdirSync(path.dirname(logFile), { recursive: true });
      append(`--- ${new Date().toISOString()} ${KAMAILIO_BIN} ${fullArgs.join(' ')}\n`);
      const me = spawn(KAMAILIO_BIN, fullArgs, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child = me;
      exited = null;
      me.stdout.on('data', append);
      me.stderr.on('data', append);
      me.exitPromise = new Promise((resolve) => me.once('exit', (code, signal) => resolve((exited = { code, signal }))));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (!(await tcpProbe(readyPort, 300))) {
        if (exited || Date.now() > deadline) {
          node.kill();
          throw new Error(`${name} did not start (${JSON.stringify(exited)}):\n${logBuf.split('\n').slice(-30).join('\n')}`);
        }
        await sleep(20);
      }
      return node;
    },
    /** SIGKILL of every process of the node, by PID; resolves once the main process is gone. */
    async kill() {
      const all = node.pids();
      for (const pid of all) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      if (child && !exited) await child.exitPromise;
      return all;
    },
    killSync() {
      for (const pid of node.pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    },
    async stop() {
      if (!child || exited) return;
      const all = node.pids();
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => node.killSync(), 5000);
      await child.exitPromise;
      clearTimeout(timer);
      for (const pid of all) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    },
  };
  return node;
}

/**
 * Starts the cluster. `edges`, `registrars`: how many (2 each). `rtpengine`: start one (the
 * edges relay calls between a browser and a plain phone through it). `ephemeralSecret`: also
 * accept credentials minted with it (auth_ephemeral). `maxExpires`: longest registration granted.
 */
export async function startCluster({ name = 'cluster', edges = 2, registrars = 2, rtpengine = true, ephemeralSecret, maxExpires, edgeMemoryMb = 64 } = {}) {
  const safeName = String(name).replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `sip-phone-${safeName}-cluster-`));
  const puaTables = [...Array.from({ length: edges }, (_, i) => `pua_edge${i + 1}`), ...Array.from({ length: registrars }, (_, i) => `pua_registrar${i + 1}`)];
  const nodes = [];
  let db = null;
  let relay = null;
  const killAllSync = () => {
    for (const node of nodes) node.killSync();
    if (relay?.running) relay.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAllSync);
  const sipdump = (node, port) => {
    if (!process.env.KAMAILIO_SIPDUMP_DIR) return [];
    const folder = path.join(path.resolve(process.env.KAMAILIO_SIPDUMP_DIR), `${safeName}-${node}-${port}`);
    fs.mkdirSync(folder, { recursive: true });
    return defines('WITH_SIPDUMP', `SIPDUMP_DIR="${folder}"`);
  };
  const debug = process.env.KAMAILIO_DEBUG ? defines(`DBG_LEVEL=${Number(process.env.KAMAILIO_DEBUG)}`) : [];
  try {
    // its own temp dir: the postgres user must be able to enter it
    db = await startPostgres({ puaTables });
    if (rtpengine) relay = await startRtpengine({ cwd: dir });
    const taken = [];
    const port = async () => {
      const p = await freePort({ udp: true, avoid: taken });
      taken.push(p);
      return p;
    };
    const authSecret = randomBytes(12).toString('hex');
    const emptyPua = (table) => () => db.sql(`DELETE FROM ${table}`);
    const registrarNodes = [];
    for (let i = 1; i <= registrars; i++) {
      const sipPort = await port();
      const args = [
        ...defines(
          `SIP_PORT=${sipPort}`,
          `SELF_URI="sip:127.0.0.1:${sipPort}"`,
          `AUTH_SECRET="${authSecret}"`,
          `DB_URL="${db.url}"`,
          `PUA_TABLE="pua_registrar${i}"`,
        ),
        ...debug,
        ...sipdump(`registrar${i}`, sipPort),
      ];
      if (ephemeralSecret) args.push(...defines('WITH_EPHEMERAL_AUTH', `AUTHEPH_SECRET="${ephemeralSecret}"`));
      if (maxExpires) args.push(...defines(`REG_MAX_EXPIRES=${Number(maxExpires)}`));
      const node = kamailioNode({ kind: 'registrar', index: i, cfg: REGISTRAR_CFG, args, dir, readyPort: sipPort, beforeStart: emptyPua(`pua_registrar${i}`) });
      Object.assign(node, { sipPort, udpPort: sipPort, uri: `sip:127.0.0.1:${sipPort};transport=tcp` });
      registrarNodes.push(node);
      nodes.push(node);
    }
    const dsList = path.join(dir, 'dispatcher.list');
    await fsp.writeFile(dsList, registrarNodes.map((r) => `1 ${r.uri}\n`).join(''));
    const tls = await generateCertificate(path.join(dir, 'tls'));
    const tlsCfg = path.join(dir, 'tls.cfg');
    await fsp.writeFile(
      tlsCfg,
      `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = ${tls.key}\ncertificate = ${tls.cert}\n\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n`,
    );
    const edgeNodes = [];
    for (let i = 1; i <= edges; i++) {
      const [wsPort, wssPort, sipPort] = [await port(), await port(), await port()];
      const args = [
        ...defines(
          `WS_PORT=${wsPort}`,
          `SIP_PORT=${sipPort}`,
          `SELF_TCP="tcp:127.0.0.1:${sipPort}"`,
          `SELF_URI="sip:127.0.0.1:${sipPort}"`,
          'WITH_TLS',
          `WSS_PORT=${wssPort}`,
          `TLS_CFG="${tlsCfg}"`,
          `DS_LIST="${dsList}"`,
          `PUA_DB_URL="${db.url}"`,
          `PUA_TABLE="pua_edge${i}"`,
        ),
        ...debug,
        ...sipdump(`edge${i}`, wsPort),
      ];
      if (relay) args.push(...defines('WITH_RTPENGINE', `RTPENGINE_SOCK="udp:127.0.0.1:${relay.ngPort}"`));
      // Each WebSocket costs an edge about 130 KB of shared memory (its TCP and WebSocket buffers): 64 MB holds ~450 phones.
      const node = kamailioNode({
        kind: 'edge',
        index: i,
        cfg: EDGE_CFG,
        args,
        dir,
        readyPort: wsPort,
        beforeStart: emptyPua(`pua_edge${i}`),
        sharedMemoryMb: edgeMemoryMb,
      });
      Object.assign(node, { wsPort, wssPort, sipPort, wsUrl: `ws://127.0.0.1:${wsPort}`, wssUrl: `wss://127.0.0.1:${wssPort}` });
      edgeNodes.push(node);
      nodes.push(node);
    }
    for (const node of nodes) await node.start();
    return {
      dir,
      db,
      rtpengine: relay,
      edges: edgeNodes,
      registrars: registrarNodes,
      nodes,
      /** SIGKILL of every process of `node` (by PID); resolves to the PIDs killed. */
      kill: (node) => node.kill(),
      restart: (node) => node.start(),
      /** The user's rows in the shared location table: { contact, path, expires, instance }. */
      async contacts(user) {
        const rows = await db.sql(
          `SELECT contact, path, extract(epoch from expires)::int, instance FROM location WHERE username = '${user.replace(/'/g, '')}' ORDER BY id`,
        );
        return rows.map((row) => {
          const [contact, pathHeader, expires, instance] = row.split('|');
          return { contact, path: pathHeader, expires: Number(expires), instance };
        });
      },
      /** Which edge a Path names (by its SIP port), or null. */
      edgeOf(pathHeader) {
        return edgeNodes.find((edge) => pathHeader?.includes(`127.0.0.1:${edge.sipPort}`)) ?? null;
      },
      async stop() {
        for (const node of [...edgeNodes, ...registrarNodes]) await node.stop();
        await relay?.stop();
        await db.stop();
        process.off('exit', killAllSync);
        await fsp.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const node of nodes) node.killSync();
    await relay?.stop();
    await db?.stop();
    process.off('exit', killAllSync);
    await fsp.rm(dir, { recursive: true, force: true });
    throw error;
  }
}
