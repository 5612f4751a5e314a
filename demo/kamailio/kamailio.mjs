// Test harness: run Kamailio (demo/kamailio/kamailio.cfg) as a child process
// on 127.0.0.1 with ws, optional wss and udp listeners on free ports.
//
//   const k = await startKamailio({ wss: true });
//   k.wsUrl, k.wssUrl, k.udpPort, await k.contacts('alice'), await k.stop()
//
// With { rtpengine: true } it first starts an rtpengine of its own (userspace
// forwarding, ng control port and RTP ports on 127.0.0.1) and turns on the
// cfg's WITH_RTPENGINE media relay; stop() stops both.
//
// Only Node built-ins. Only ever signals processes it started (by pid).

import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import dgram from 'node:dgram';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const execFileP = promisify(execFile);

export const KAMAILIO_CFG = fileURLToPath(new URL('./kamailio.cfg', import.meta.url));
const KAMAILIO_BIN = process.env.KAMAILIO_BIN || 'kamailio';
const KAMCMD_BIN = process.env.KAMCMD_BIN || 'kamcmd';
const RTPENGINE_BIN = process.env.RTPENGINE_BIN || 'rtpengine';
const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 20;
const LOG_LIMIT = Number(process.env.KAMAILIO_LOG_LIMIT) || 256 * 1024;

// ---------------------------------------------------------------------------
// cleanup of everything we started, on any exit of the Node process

const live = new Set(); // instances with a running child
const liveRtpengines = new Set(); // rtpengine children
const tempDirs = new Set(); // removed when the Node process exits

function killAllSync() {
  for (const inst of live) {
    for (const pid of inst.pidsSync()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {}
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  live.clear();
  for (const child of liveRtpengines) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
  liveRtpengines.clear();
  for (const d of tempDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {}
  }
  tempDirs.clear();
}

let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSig = () => {
      killAllSync();
      // keep default behaviour (terminate) unless someone else listens too
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSig);
  }
}

// ---------------------------------------------------------------------------
// helpers

/** A free TCP port on 127.0.0.1 (also checked free for UDP). */
export async function freePort({ udp = false, avoid = [] } = {}) {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    if (avoid.includes(port)) continue;
    if (udp && !(await udpFree(port))) continue;
    return port;
  }
  throw new Error('could not find a free port');
}

function udpFree(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` within `timeoutMs`. */
export function tcpProbe(port, timeoutMs = 200) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      clearTimeout(t);
      sock.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Send a plain HTTP GET to the ws port and resolve true if anything answers. */
function httpProbe(port, timeoutMs = 300) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      clearTimeout(t);
      sock.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    sock.once('data', (d) => done(d.toString('latin1').startsWith('HTTP/')));
    sock.once('error', () => done(false));
  });
}

export function childPidsSync(ppid) {
  // direct and indirect children of ppid, read from /proc
  const byParent = new Map();
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      // pid (comm) state ppid ...  -- comm may contain spaces/parens
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(rest[1]);
      if (!byParent.has(parent)) byParent.set(parent, []);
      byParent.get(parent).push(Number(e));
    } catch {}
  }
  const out = [];
  const queue = [ppid];
  while (queue.length) {
    const p = queue.shift();
    for (const c of byParent.get(p) || []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Bencode, as rtpengine's ng protocol speaks it (strings, integers, lists, dictionaries). */
export function bencode(value) {
  if (typeof value === 'number') return `i${Math.trunc(value)}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  return `d${Object.keys(value)
    .sort()
    .map((k) => bencode(k) + bencode(value[k]))
    .join('')}e`;
}

export function bdecode(buffer) {
  let i = 0;
  const next = () => {
    const c = String.fromCharCode(buffer[i]);
    if (c === 'i') {
      const end = buffer.indexOf(0x65, i);
      const n = Number(buffer.subarray(i + 1, end).toString('latin1'));
      i = end + 1;
      return n;
    }
    if (c === 'l' || c === 'd') {
      i++;
      const items = [];
      while (buffer[i] !== 0x65) items.push(next());
      i++;
      if (c === 'l') return items;
      const out = {};
      for (let k = 0; k < items.length; k += 2) out[items[k]] = items[k + 1];
      return out;
    }
    const colon = buffer.indexOf(0x3a, i);
    const length = Number(buffer.subarray(i, colon).toString('latin1'));
    const text = buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
    i = colon + 1 + length;
    return text;
  };
  return next();
}

function ngCommand(port, message, timeoutMs = 2000) {
  const cookie = `c${Math.random().toString(36).slice(2, 10)}`;
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      sock.close();
      reject(new Error(`rtpengine: no answer to ${message.command}`));
    }, timeoutMs);
    sock.once('error', (e) => {
      clearTimeout(t);
      sock.close();
      reject(e);
    });
    sock.on('message', (m) => {
      const text = m.toString('latin1');
      if (!text.startsWith(`${cookie} `)) return;
      clearTimeout(t);
      sock.close();
      resolve(bdecode(m.subarray(cookie.length + 1)));
    });
    sock.send(`${cookie} ${bencode(message)}`, port, '127.0.0.1');
  });
}

/** Answers rtpengine's ng "ping" with "pong"? (bencoded over UDP) */
function ngPing(port, timeoutMs = 300) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const done = (ok) => {
      clearTimeout(t);
      sock.close();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    sock.once('error', () => done(false));
    sock.once('message', (m) => done(m.toString('latin1').includes('pong')));
    sock.send('ping1 d7:command4:pinge', port, '127.0.0.1');
  });
}

/**
 * Starts rtpengine (userspace, no kernel table) on 127.0.0.1: ng control on a free UDP port,
 * RTP on a range of `ports` ports. `--dtls-passive`: towards a browser's actpass offer it must
 * not start DTLS as client before its own answer (measured: most calls had no audio without).
 * @returns {Promise<{ pid: number, ngPort: number, portMin: number, portMax: number, log(): string, stop(): Promise<void> }>}
 */
export async function startRtpengine({ ports = 400, logFile, recordingDir, cwd = os.tmpdir(), ...again } = {}) {
  hookExit();
  const ngPort = again.ngPort ?? (await freePort({ udp: true }));
  // A random range of ports; in the tests' namespace nothing else uses them.
  const portMin = again.portMin ?? 20000 + 2 * Math.floor(Math.random() * ((40000 - ports) / 2));
  const portMax = portMin + ports - 1;
  const args = [
    '--foreground',
    '--log-stderr',
    '--table=-1',
    '--config-file=none',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${portMin}`,
    `--port-max=${portMax}`,
    '--dtls-passive',
    '--delete-delay=0',
    `--log-level=${process.env.RTPENGINE_LOG_LEVEL || 5}`,
  ];
  if (recordingDir) args.push('--recording-method=pcap', `--recording-dir=${recordingDir}`);
  let logBuf = '';
  const appendLog = (chunk) => {
    if (logFile) {
      try {
        fs.appendFileSync(logFile, chunk);
      } catch {}
    }
    logBuf += chunk.toString('utf8');
    if (logBuf.length > LOG_LIMIT) logBuf = logBuf.slice(-LOG_LIMIT / 2);
  };
  const child = spawn(RTPENGINE_BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  liveRtpengines.add(child);
  let exitInfo = null;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      liveRtpengines.delete(child);
      resolve();
    }),
  );
  child.stdout.on('data', appendLog);
  child.stderr.on('data', appendLog);
  child.once('error', (err) => appendLog(`spawn error: ${err.message}\n`));
  const rtpengine = {
    pid: child.pid,
    ngPort,
    portMin,
    portMax,
    commandLine: [RTPENGINE_BIN, ...args].join(' '),
    recordingDir,
    get running() {
      return !exitInfo;
    },
    /** A new rtpengine with the same ports and options (after stop()). */
    startAgain: () => startRtpengine({ ports, logFile, recordingDir, cwd, ngPort, portMin }),
    log: () => logBuf,
    /** Sends one ng command (an object, bencoded) and resolves to the decoded reply. */
    command: (message) => ngCommand(ngPort, message),
    async stop({ timeoutMs = 3000 } = {}) {
      if (exitInfo) return;
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {}
      const t = setTimeout(() => {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {}
      }, timeoutMs);
      await exited;
      clearTimeout(t);
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ngPing(ngPort))) {
    if (exitInfo || Date.now() > deadline) {
      await rtpengine.stop();
      throw new Error(
        `rtpengine did not answer on ng port ${ngPort} (exit ${JSON.stringify(exitInfo)}).\n` +
          `command: ${rtpengine.commandLine}\nstderr tail:\n${tail(logBuf)}`,
      );
    }
    await sleep(POLL_MS);
  }
  return rtpengine;
}

// Debian's db_text table files (package kamailio).
const DBTEXT_TABLES = process.env.KAMAILIO_DBTEXT_DIR || '/usr/share/kamailio/dbtext/kamailio';

/**
 * The presence server's database (voicemail waiting, busy lamps): Kamailio's presence module keeps
 * subscriptions and published states in memory here (kamailio.cfg), but opens its database and checks
 * its tables' versions at start-up. A db_text directory in `dir` with those tables (empty).
 * @returns {Promise<string>} the directory
 */
async function preparePresenceDb(dir) {
  const db = path.join(dir, 'presence-db');
  await fsp.mkdir(db, { recursive: true });
  for (const table of ['version', 'presentity', 'active_watchers', 'watchers', 'xcap']) {
    await fsp.copyFile(path.join(DBTEXT_TABLES, table), path.join(db, table));
  }
  return db;
}

/**
 * pua keeps its publications (busy lamps, registrations) in memory and writes them to its table
 * when Kamailio stops; Debian's db_text schema of that table refuses pua's own rows at the next
 * start-up (watcher_uri is null for a PUBLISH), and Kamailio then fails to start. Nor should a
 * restarted Kamailio re-publish registrations it no longer has: an empty table at every start.
 */
const PUA_TABLE =
  'id(int,auto) pres_uri(string) pres_id(string) event(int) expires(int) desired_expires(int) flag(int) etag(string,null) tuple_id(string,null) watcher_uri(string,null) call_id(string,null) to_tag(string,null) from_tag(string,null) cseq(int,null) record_route(string,null) contact(string,null) remote_contact(string,null) version(int,null) extra_headers(string,null) \n';

/**
 * Self-signed certificate + key for 127.0.0.1 / localhost (openssl).
 * @returns {Promise<{cert: string, key: string}>} file paths
 */
export async function generateCertificate(dir) {
  await fsp.mkdir(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await execFileP('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-sha256',
    '-days',
    '3650',
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:sip-phone.test',
  ]);
  return { cert, key };
}

// ---------------------------------------------------------------------------

/**
 * Start a Kamailio instance.
 * @param {object} [opts]
 * @param {number} [opts.wsPort]   default: a free port
 * @param {number|boolean} [opts.wssPort] a port, or 0/true for a free port;
 *        undefined = no wss listener (unless opts.wss)
 * @param {boolean} [opts.wss]     shorthand: wss on a free port
 * @param {number} [opts.udpPort]  default: a free port
 * @param {string} [opts.name]     used in the temp dir name
 * @param {boolean} [opts.inviteAuth] challenge INVITEs from ws clients (407)
 * @param {number} [opts.maxExpires] the longest registration granted, in seconds (default 3600; at least 10)
 * @param {string} [opts.ephemeralSecret] also accept ephemeral credentials minted with this secret (letters, digits, - and _ only)
 * @param {number} [opts.debug]    Kamailio debug level (default 1)
 *        (with $KAMAILIO_SIPDUMP_DIR set, every SIP message in and out is written as text to
 *        <that dir>/<name>-<wsPort>/: Kamailio's sipdump module)
 * @param {string[]} [opts.extraArgs] more kamailio command-line args
 * @param {string} [opts.logFile] also append Kamailio's stderr to this file
 *        (default: $KAMAILIO_LOG_DIR/<name>-<wsPort>.log when that env is set)
 * @param {boolean} [opts.rtpengine] start an rtpengine of its own first and relay the media of
 *        calls between a WebSocket and a UDP client through it (inst.rtpengine)
 * @param {string} [opts.rtpengineRecordingDir] let that rtpengine record calls as pcap files
 *        here (recording starts per call with the ng command "start recording")
 * @param {boolean} [opts.presence] the presence server (default true): message-summary (voicemail
 *        waiting, presence_mwi), dialog (busy lamps: presence_dialoginfo fed by pua_dialoginfo) and
 *        presence (registered or not: presence_xml fed by pua_usrloc); see preparePresenceDb()
 * @param {number} [opts.sharedMemoryMb] Kamailio's shared memory (default 64 MB; each TCP/WebSocket
 *        connection takes about 130 KB of it: 1,000 WebSockets need about 135 MB)
 */
export async function startKamailio(opts = {}) {
  const { name = 'kamailio', inviteAuth = false, extraArgs = [] } = opts;
  const debug = opts.debug ?? (process.env.KAMAILIO_DEBUG ? Number(process.env.KAMAILIO_DEBUG) : undefined);
  const wantWss = opts.wss === true || opts.wssPort !== undefined;
  const taken = [];
  const wsPort = opts.wsPort || (await freePort({ avoid: taken }));
  taken.push(wsPort);
  const udpPort = opts.udpPort || (await freePort({ udp: true, avoid: taken }));
  taken.push(udpPort);
  let wssPort;
  if (wantWss) {
    wssPort = typeof opts.wssPort === 'number' && opts.wssPort > 0 ? opts.wssPort : await freePort({ avoid: taken });
  }

  const safeName = String(name).replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `sip-phone-${safeName}-`));
  tempDirs.add(dir);
  hookExit();
  const pidFile = path.join(dir, 'kamailio.pid');
  const ctlPath = path.join(dir, 'kamailio_ctl');

  const args = [
    '-f',
    KAMAILIO_CFG,
    '-DD',
    '-E',
    '-P',
    pidFile,
    '-Y',
    dir,
    '-w',
    dir,
    '-m',
    String(opts.sharedMemoryMb ?? 64),
    '-M',
    '8',
    '-A',
    `WS_PORT=${wsPort}`,
    '-A',
    `UDP_PORT=${udpPort}`,
    '-A',
    `CTL_SOCK="unix:${ctlPath}"`,
  ];
  // msilo keeps messages for users who are offline in db_text tables of this run's own.
  const msiloDir = path.join(dir, 'msilo');
  await fsp.mkdir(msiloDir);
  await fsp.writeFile(path.join(msiloDir, 'version'), 'id(int,auto) table_name(string) table_version(int) \n0:silo:8\n');
  await fsp.writeFile(
    path.join(msiloDir, 'silo'),
    'id(int,auto) src_addr(string) dst_addr(string) username(string) domain(string) inc_time(int) exp_time(int) snd_time(int,null) ctype(string) body(string,null) extra_hdrs(string,null) callid(string,null) status(int,null) \n',
  );
  args.push('-A', `MSILO_DB="text://${msiloDir}"`, '-A', `MSILO_PROXY="sip:127.0.0.1:${udpPort}"`);
  if (debug !== undefined) args.push('-A', `DBG_LEVEL=${Number(debug)}`);
  if (inviteAuth) args.push('-A', 'WITH_INVITE_AUTH');
  // Credentials a web backend mints with this secret (auth_ephemeral), besides the users' passwords.
  if (opts.ephemeralSecret) args.push('-A', 'WITH_EPHEMERAL_AUTH', '-A', `AUTHEPH_SECRET="${opts.ephemeralSecret}"`);
  // The longest registration granted (s; default 3600): short, so refreshes come quickly in a test.
  if (opts.maxExpires) args.push('-A', `REG_MAX_EXPIRES=${Number(opts.maxExpires)}`);
  // A SIP trace of this run: every message Kamailio received and sent, in text files there.
  if (process.env.KAMAILIO_SIPDUMP_DIR) {
    const sipdumpDir = path.join(path.resolve(process.env.KAMAILIO_SIPDUMP_DIR), `${safeName}-${wsPort}`);
    await fsp.mkdir(sipdumpDir, { recursive: true });
    args.push('-A', 'WITH_SIPDUMP', '-A', `SIPDUMP_DIR="${sipdumpDir}"`);
  }
  let presenceDb = null;
  if (opts.presence ?? true) {
    const db = (presenceDb = await preparePresenceDb(dir));
    args.push('-A', 'WITH_PRESENCE', '-A', `PRESENCE_DB_URL="text://${db}"`, '-A', `PRESENCE_PROXY="sip:127.0.0.1:${udpPort}"`);
  }
  let rtpengine = null;
  if (opts.rtpengine) {
    rtpengine = await startRtpengine({
      cwd: dir,
      recordingDir: opts.rtpengineRecordingDir,
      logFile: process.env.KAMAILIO_LOG_DIR ? path.join(process.env.KAMAILIO_LOG_DIR, `${safeName}-rtpengine.log`) : undefined,
    });
    args.push('-A', 'WITH_RTPENGINE', '-A', `RTPENGINE_SOCK="udp:127.0.0.1:${rtpengine.ngPort}"`);
  }
  let tls;
  if (wantWss) {
    tls = await generateCertificate(dir);
    const { cert, key } = tls;
    const tlsCfg = path.join(dir, 'tls.cfg');
    await fsp.writeFile(
      tlsCfg,
      [
        '[server:default]',
        'method = TLSv1.2+',
        'verify_certificate = no',
        'require_certificate = no',
        `private_key = ${key}`,
        `certificate = ${cert}`,
        '',
        '[client:default]',
        'method = TLSv1.2+',
        'verify_certificate = no',
        'require_certificate = no',
        '',
      ].join('\n'),
    );
    args.push('-A', 'WITH_TLS', '-A', `WSS_PORT=${wssPort}`, '-A', `TLS_CFG="${tlsCfg}"`);
  }
  args.push(...extraArgs);

  let child = null;
  let logBuf = '';
  let exitInfo = null;
  let frozen = false;

  const logFile = opts.logFile || (process.env.KAMAILIO_LOG_DIR ? path.join(process.env.KAMAILIO_LOG_DIR, `${safeName}-${wsPort}.log`) : undefined);
  if (logFile) fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const appendLog = (chunk) => {
    if (logFile) {
      try {
        fs.appendFileSync(logFile, chunk);
      } catch {}
    }
    logBuf += chunk.toString('utf8');
    if (logBuf.length > LOG_LIMIT) logBuf = logBuf.slice(-LOG_LIMIT / 2);
  };

  const inst = {
    name,
    wsPort,
    wssPort,
    udpPort,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    wssUrl: wantWss ? `wss://127.0.0.1:${wssPort}` : undefined,
    /** With wss: the self-signed certificate and key files it serves (for a proxy in front). */
    tls,
    dir,
    ctlSocket: `unix:${ctlPath}`,
    cfg: KAMAILIO_CFG,
    args,
    get rtpengine() {
      return rtpengine;
    },
    get commandLine() {
      return [KAMAILIO_BIN, ...args].join(' ');
    },
    get pid() {
      return child && !exitInfo ? child.pid : undefined;
    },
    get running() {
      return !!child && !exitInfo;
    },
    get frozen() {
      return frozen;
    },

    pidsSync() {
      if (!child || exitInfo) return [];
      return [child.pid, ...childPidsSync(child.pid)];
    },
    pids() {
      return inst.pidsSync();
    },

    log() {
      return logBuf;
    },

    async start() {
      if (inst.running) throw new Error('kamailio already running');
      // stop() stopped our rtpengine too: Kamailio checks it at start-up.
      if (rtpengine && !rtpengine.running) rtpengine = await rtpengine.startAgain();
      exitInfo = null;
      frozen = false;
      if (presenceDb) await fsp.writeFile(path.join(presenceDb, 'pua'), PUA_TABLE);
      hookExit();
      appendLog(`--- ${new Date().toISOString()} starting: ${inst.commandLine}\n`);
      child = spawn(KAMAILIO_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const me = child;
      live.add(inst);
      me.stdout.on('data', appendLog);
      me.stderr.on('data', appendLog);
      me.once('error', (err) => {
        appendLog(`spawn error: ${err.message}\n`);
      });
      me.once('exit', (code, signal) => {
        if (child === me) {
          exitInfo = { code, signal };
          live.delete(inst);
        }
      });

      const deadline = Date.now() + READY_TIMEOUT_MS;
      let phase = 'tcp';
      for (;;) {
        if (exitInfo) {
          throw new Error(
            `kamailio (${name}) exited during start-up ` +
              `(code ${exitInfo.code}, signal ${exitInfo.signal}).\n` +
              `command: ${inst.commandLine}\nstderr tail:\n${tail(logBuf)}`,
          );
        }
        if (phase === 'tcp' && (await tcpProbe(wsPort))) phase = 'http';
        if (phase === 'http' && (await httpProbe(wsPort))) break;
        if (Date.now() > deadline) {
          await inst.stop().catch(() => {});
          throw new Error(
            `kamailio (${name}) did not accept connections on ` +
              `127.0.0.1:${wsPort} within ${READY_TIMEOUT_MS} ms (phase ${phase}).\n` +
              `command: ${inst.commandLine}\nstderr tail:\n${tail(logBuf)}`,
          );
        }
        await sleep(POLL_MS);
      }
      return inst;
    },

    async stop({ timeoutMs = 5000 } = {}) {
      await inst.stopKamailio({ timeoutMs });
      await rtpengine?.stop();
    },

    async stopKamailio({ timeoutMs = 5000 } = {}) {
      if (!child || exitInfo) return;
      const me = child;
      const exited = new Promise((r) => me.once('exit', r));
      const all = inst.pidsSync();
      if (frozen)
        for (const p of all) {
          try {
            process.kill(p, 'SIGCONT');
          } catch {}
        }
      frozen = false;
      try {
        process.kill(me.pid, 'SIGTERM');
      } catch {}
      const t = setTimeout(() => {
        for (const p of [me.pid, ...childPidsSync(me.pid), ...all]) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {}
        }
      }, timeoutMs);
      await exited;
      clearTimeout(t);
      // kamailio's main reaps its children; make sure none linger
      for (const p of all) {
        if (p === me.pid) continue;
        try {
          process.kill(p, 0);
        } catch {
          continue;
        }
        try {
          const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'latin1');
          if (cmd.includes(KAMAILIO_CFG)) process.kill(p, 'SIGKILL');
        } catch {}
      }
      live.delete(inst);
    },

    async restart() {
      await inst.stopKamailio();
      await inst.start();
      return inst;
    },

    /** SIGSTOP all its processes: sockets stay open, nothing answers. */
    freeze() {
      const all = inst.pidsSync();
      // children first so the main process can't react in between
      for (const p of all.slice().reverse()) {
        try {
          process.kill(p, 'SIGSTOP');
        } catch {}
      }
      frozen = true;
    },

    thaw() {
      for (const p of inst.pidsSync()) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {}
      }
      frozen = false;
    },

    /** `kamcmd ul.dump` raw text. */
    async ulDump() {
      const { stdout } = await execFileP(KAMCMD_BIN, ['-s', inst.ctlSocket, 'ul.dump'], { timeout: 5000 });
      return stdout;
    },

    /** Any kamcmd command, e.g. kamcmd('ul.lookup', 'location', 'alice'). */
    async kamcmd(...cmd) {
      const { stdout } = await execFileP(KAMCMD_BIN, ['-s', inst.ctlSocket, ...cmd.map(String)], { timeout: 5000 });
      return stdout;
    },

    /**
     * Contact addresses registered for a user ('alice', 'alice@sip-phone.test'
     * or 'sip:alice@...'; AoRs are keyed by user part only).
     * @returns {Promise<string[]>}
     */
    async contacts(aor) {
      return (await inst.contactRecords(aor)).map((c) => c.Address);
    },

    /** Like contacts(), but each contact as an object of ul.dump fields. */
    async contactRecords(aor) {
      const user = String(aor)
        .replace(/^sips?:/, '')
        .replace(/@.*$/, '');
      return parseUlDump(await inst.ulDump())[user] || [];
    },
  };

  try {
    await inst.start();
  } catch (error) {
    await rtpengine?.stop();
    throw error;
  }
  return inst;
}

function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Parse `kamcmd ul.dump` text into { aor: [ { Address, Expires, Received, ... } ] }.
 */
export function parseUlDump(text) {
  const out = {};
  let aor = null;
  let contact = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m;
    if ((m = /^AoR:\s*(.*)$/.exec(line))) {
      aor = m[1];
      out[aor] = out[aor] || [];
      contact = null;
    } else if (/^Contact:\s*\{$/.test(line) && aor !== null) {
      contact = {};
      out[aor].push(contact);
    } else if (contact && (m = /^([A-Za-z-]+):\s*(.*)$/.exec(line))) {
      contact[m[1]] = m[2];
    } else if (line === '}' && contact && Object.keys(contact).length) {
      // end of a nested block; contacts have no nested blocks, so close it
      contact = null;
    }
  }
  return out;
}
