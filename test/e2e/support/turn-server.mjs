// coturn (Debian's `turnserver`) on 127.0.0.1 for the TURN tests: one listening port for UDP and
// TCP (free for both), relaying on 127.0.0.1 (`allow-loopback-peers`: without it coturn refuses
// loopback peers and a relay-only call on this machine gets no media), time-limited credentials
// from a shared secret (`use-auth-secret` + `static-auth-secret`, the "TURN REST API"), no CLI, no
// TLS/DTLS, its own temp dir (pid file, SQLite db), its log kept in memory. Stopped by its pid.
//
//   const turn = await startTurnServer();
//   const { username, credential } = turnCredentials(turn.secret, 'alice');
//   turn.url('udp') / turn.url('tcp'), turn.log(), await turn.close()
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../demo/kamailio/kamailio.mjs';

const TURNSERVER_BIN = process.env.TURNSERVER_BIN ?? 'turnserver';
const running = new Set();
process.on('exit', () => {
  for (const child of running)
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
});

/**
 * Credentials as coturn's `use-auth-secret` expects them (its README, "TURN REST API"): the user
 * name is `<expiry unix time>:<user>`, the password base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret, user, { ttlSeconds = 3600, now = Date.now() } = {}) {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** `secret`: the shared secret of its time-limited credentials (default: a random one), e.g. the one Kamailio's auth_ephemeral has too. */
export async function startTurnServer({ realm = 'sip-phone.test', secret = randomBytes(16).toString('hex') } = {}) {
  const port = await freePort({ udp: true });
  const dir = await mkdtemp(join(tmpdir(), 'sip-phone-turn-'));
  const args = [
    '-n', // no configuration file: only these options
    '--listening-ip',
    '127.0.0.1',
    '--relay-ip',
    '127.0.0.1',
    '--listening-port',
    String(port),
    '--allow-loopback-peers',
    '--use-auth-secret',
    '--static-auth-secret',
    secret,
    '--realm',
    realm,
    '--fingerprint',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--verbose',
    '--log-file',
    'stdout',
    '--pidfile',
    join(dir, 'turnserver.pid'),
    '--userdb',
    join(dir, 'turndb'),
  ];
  const child = spawn(TURNSERVER_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  let exited = null;
  const append = (chunk) => {
    log += chunk.toString('utf8');
    if (log.length > 2_000_000) log = log.slice(-1_000_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.once('error', (error) => append(`spawn error: ${error.message}\n`));
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));

  // Ready once both listeners are open and the TCP one accepts.
  const deadline = Date.now() + 10_000;
  while (!(/UDP listener opened on: 127\.0\.0\.1:\d+/.test(log) && /TCP listener opened on : 127\.0\.0\.1:\d+/.test(log) && (await accepts(port)))) {
    if (exited || Date.now() > deadline) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
      throw new Error(`turnserver did not start (exit ${JSON.stringify(exited)}):\n${log.split('\n').slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    port,
    secret,
    realm,
    pid: child.pid,
    /** A `turn:` URL for this server over `udp` or `tcp`. */
    url: (transport = 'udp') => `turn:127.0.0.1:${port}?transport=${transport}`,
    /** Everything coturn logged so far. */
    log: () => log,
    async close() {
      if (!exited) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {}
        const timer = setTimeout(() => {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
        }, 3000);
        await exit;
        clearTimeout(timer);
      }
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
