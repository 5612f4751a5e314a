// `npm start`: Kamailio (demo/kamailio/kamailio.cfg) and a read-only static server for the repo,
// both on 127.0.0.1 only, with the demo page at /demo/. Ctrl-C stops both.
//
// With rtpengine and baresip installed it also starts rtpengine (the media relay between browsers
// and plain SIP phones) and dave, a plain SIP phone (baresip on UDP) that answers every call and
// plays a 440 Hz tone; without them the demo runs without dave.
//
// `--cluster` (`npm start -- --cluster`) starts the Kamailio cluster instead of the single Kamailio
// (demo/kamailio/cluster.mjs: PostgreSQL, two registrars, two edges with ws and wss, rtpengine);
// the phones list both edges; dave registers over UDP through edge 2.
//
// The React example (test/react/) is bundled at start-up and linked from the page; it registers as
// carol. `node demo/screenshots.mjs` starts this script to take the README's screenshots.
//
// Ports: ws 8080 and udp 5060 for Kamailio, 8000 for the page; any that is busy is replaced by a
// free one, and the page learns the real WebSocket URL from /demo/config.json (made here, not a file).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { startKamailio, freePort } from './kamailio/kamailio.mjs';
import { startCluster } from './kamailio/cluster.mjs';
import { startBaresip } from '../test/e2e/support/baresip.mjs';
import { startTurnServer } from '../test/e2e/support/turn-server.mjs';
import { createWebLogin } from './web-login.mjs';

const root = resolve(fileURLToPath(new URL('../', import.meta.url)));
const HOST = '127.0.0.1';
const PREFERRED = { ws: 8080, udp: 5060, http: 8000 };
const DOMAIN = 'sip-phone.test';
// The demo users Kamailio knows (kamailio.cfg fills them in at start-up).
const PHONES = [
  { user: 'alice', password: 'alice-pw' },
  { user: 'bob', password: 'bob-pw' },
];
const REACT_USER = { user: 'carol', password: 'carol-pw' };
const PLAIN_PHONE_USER = 'dave';
/** Where test/react/index.html loads its bundle from (a dot-folder, so served by name only). */
const REACT_BUNDLE_PATH = '/.test-tmp/react-example.js';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function tcpFree(port) {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

function udpFree(port) {
  return new Promise((done) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      done(false);
    });
    socket.bind(port, HOST, () => socket.close(() => done(true)));
  });
}

/** `preferred` if it is free on 127.0.0.1, else a free port. */
async function portOr(preferred, { udp = false, avoid = [] } = {}) {
  const free = udp ? await udpFree(preferred) : await tcpFree(preferred);
  return free && !avoid.includes(preferred) ? preferred : freePort({ udp, avoid });
}

/** Files under the repo, read-only; dot-folders (.git, .ci, …) and anything outside stay private. */
function filePath(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.split('/').some((segment) => segment.startsWith('.'))) return null;
  const full = resolve(root, `.${path}`);
  return full === root || full.startsWith(root + sep) ? full : null;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

function createSite(config, reactBundle, webLogin) {
  return createServer(async (req, res) => {
    // The web login's few endpoints (login.html): sign in and out, mint credentials.
    if (await webLogin(req, res)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'read-only\n', { allow: 'GET, HEAD' });
    const { pathname } = new URL(req.url ?? '/', `http://${HOST}`);
    if (pathname === '/' || pathname === '/demo') return send(res, 302, '', { location: '/demo/' });
    if (pathname === '/favicon.ico') return send(res, 204, '');
    if (pathname === '/demo/config.json') return send(res, 200, JSON.stringify(config, null, 2), { 'content-type': types['.json'] });
    let path = pathname === REACT_BUNDLE_PATH && reactBundle ? reactBundle : filePath(pathname);
    if (!path) return send(res, 404, 'not found\n');
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      send(res, 200, req.method === 'HEAD' ? '' : body, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    } catch {
      send(res, 404, 'not found\n');
    }
  });
}

function listen(server, port) {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, HOST, () => {
      server.off('error', fail);
      done(server.address().port);
    });
  });
}

async function main() {
  try {
    await stat(join(root, 'dist', 'sip-phone.js'));
  } catch {
    console.error('demo: dist/sip-phone.js is missing: run `npm run build` first (`npm start` does both).');
    process.exit(1);
  }

  // The web login's secret, shared with Kamailio (auth_ephemeral) and coturn (use-auth-secret).
  const secret = randomBytes(16).toString('hex');
  const clusterMode = process.argv.includes('--cluster');
  let kamailio = null;
  let cluster = null;
  let plainPhone = null;
  let wsPort, udpPort;
  if (clusterMode) {
    try {
      cluster = await startCluster({ name: 'demo', ephemeralSecret: secret });
    } catch (error) {
      console.error(`demo: the cluster did not start.\n${error.message}\n`);
      console.error('Are PostgreSQL and the Kamailio modules installed? bash test/ensure-deps.sh (see README.md).');
      process.exit(1);
    }
    // dave registers over UDP through edge 2; that edge bridges his calls through rtpengine.
    try {
      const edge = cluster.edges[1];
      plainPhone = await startBaresip({ user: PLAIN_PHONE_USER, kamailio: { udpPort: edge.sipPort, contacts: (user) => cluster.contacts(user) } });
    } catch (error) {
      console.warn(`demo: the plain SIP phone (baresip) did not start (${error.message.split('\n')[0]}); running without dave.`);
    }
  } else {
    wsPort = await portOr(PREFERRED.ws);
    udpPort = await portOr(PREFERRED.udp, { udp: true, avoid: [wsPort] });
    try {
      kamailio = await startKamailio({ name: 'demo', wsPort, udpPort, rtpengine: true, ephemeralSecret: secret });
    } catch (relayError) {
      console.warn(`demo: no media relay (${relayError.message.split('\n')[0]}); starting Kamailio without rtpengine, and without dave.`);
      try {
        kamailio = await startKamailio({ name: 'demo', wsPort, udpPort, ephemeralSecret: secret });
      } catch (error) {
        console.error(`demo: Kamailio did not start.\n${error.message}\n`);
        console.error('Is it installed? sudo apt-get install -y kamailio kamailio-websocket-modules (see README.md).');
        process.exit(1);
      }
    }

    // dave: a plain SIP phone, reachable through rtpengine only.
    if (kamailio.rtpengine) {
      try {
        plainPhone = await startBaresip({ user: PLAIN_PHONE_USER, kamailio });
      } catch (error) {
        console.warn(`demo: the plain SIP phone (baresip) did not start (${error.message.split('\n')[0]}); running without dave.`);
      }
    }
  }

  // coturn with the same secret: the web login hands out TURN credentials too.
  let turn = null;
  try {
    turn = await startTurnServer({ secret });
  } catch (error) {
    console.warn(`demo: no TURN server (${error.message.split('\n')[0]}); the web login gives SIP credentials only.`);
  }
  const webLogin = createWebLogin({
    secret,
    webUsers: Object.fromEntries(['alice', 'bob', 'carol', 'dave', 'erin'].map((user) => [user, `${user}-web`])),
    turnUrls: turn ? [turn.url('udp')] : [],
  });

  // The React example needs esbuild (a dev dependency): without it, the demo runs without the link.
  let reactBundle = null;
  try {
    const { buildReactExample } = await import('../test/react/build.mjs');
    reactBundle = await buildReactExample();
  } catch (error) {
    console.warn(`demo: the React example is not available (${error.message.split('\n')[0]}).`);
  }

  const config = {
    server: cluster ? cluster.edges.map((edge) => edge.wsUrl).join(' ') : kamailio.wsUrl,
    domain: DOMAIN,
    phones: PHONES.map(({ user, password }) => ({ uri: `sip:${user}@${DOMAIN}`, password })),
    reactExample: reactBundle ? { uri: `sip:${REACT_USER.user}@${DOMAIN}`, password: REACT_USER.password } : null,
    plainPhone: plainPhone ? { uri: plainPhone.uri } : null,
  };
  const site = createSite(config, reactBundle, webLogin);
  let httpPort;
  try {
    httpPort = await listen(site, PREFERRED.http);
  } catch {
    httpPort = await listen(site, 0);
  }

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${cluster ? 'the cluster (and PostgreSQL)' : 'Kamailio'} and the web server…`);
    site.close();
    site.closeAllConnections();
    await plainPhone?.stop().catch(() => {});
    await turn?.close().catch(() => {});
    await kamailio?.stop().catch(() => {});
    await cluster?.stop().catch(() => {});
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(signal));
  // `npm start` killed on its own (not by Ctrl-C, which reaches us too) does not signal us:
  // stop when we are orphaned, rather than leave Kamailio running.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop('parent process gone'), 1000).unref();
  // (kamailio.mjs also kills Kamailio if this process dies any other way.)

  const url = `http://${HOST}:${httpPort}/demo/`;
  const moved = [
    !cluster && wsPort !== PREFERRED.ws && `ws ${PREFERRED.ws} → ${wsPort}`,
    !cluster && udpPort !== PREFERRED.udp && `udp ${PREFERRED.udp} → ${udpPort}`,
    httpPort !== PREFERRED.http && `http ${PREFERRED.http} → ${httpPort}`,
  ].filter(Boolean);
  console.log(
    [
      '',
      '  sip-phone demo',
      '',
      `  Open ${url} in Chromium (or any browser with WebRTC).`,
      "  Two phones, alice and bob: on bob's phone type alice, press Call; answer on alice's.",
      ...(reactBundle ? [`  React example: linked from the page (registers as ${REACT_USER.user}, answers by itself).`] : []),
      ...(plainPhone
        ? [
            `  ${PLAIN_PHONE_USER} is a plain SIP phone (baresip on UDP, media through rtpengine): it answers and plays a 440 Hz tone. Call ${PLAIN_PHONE_USER} from either phone.`,
          ]
        : []),
      '',
      ...(cluster ? clusterLines(cluster) : kamailioLines(kamailio, udpPort)),
      `  Web       http://${HOST}:${httpPort}/ (this repository, read-only)`,
      `  Login     ${url.replace(/\/demo\/$/, '/demo/login.html')}: sign in as alice … erin (web password <user>-web), no SIP password${turn ? `; TURN ${turn.url('udp')}` : ''}`,
      ...(moved.length ? [`  Busy ports replaced: ${moved.join(', ')}`] : []),
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

function kamailioLines(kamailio, udpPort) {
  return [
    `  Kamailio  ${kamailio.wsUrl} (SIP over WebSocket), udp:${HOST}:${udpPort}; users alice … erin, passwords <user>-pw`,
    ...(kamailio.rtpengine
      ? [
          `  rtpengine ng 127.0.0.1:${kamailio.rtpengine.ngPort}, RTP ${kamailio.rtpengine.portMin}-${kamailio.rtpengine.portMax} (browser ↔ plain phone calls only)`,
        ]
      : []),
  ];
}

/** One line per edge (ws, then wss), the registrars and the database. */
function clusterLines(cluster) {
  return [
    ...cluster.edges.flatMap((edge, i) => [`  edge ${i + 1}: ${edge.wsUrl}`, `  edge ${i + 1}: ${edge.wssUrl} (self-signed certificate)`]),
    `  registrars: ${cluster.registrars.map((r) => `sip:127.0.0.1:${r.sipPort}`).join(', ')} (tcp and udp); users alice … erin, passwords <user>-pw`,
    `  PostgreSQL 127.0.0.1:${cluster.db.port} (location, presence, msilo)${cluster.rtpengine ? `; rtpengine ng 127.0.0.1:${cluster.rtpengine.ngPort}` : ''}`,
    '  The phones list both edges: each tab picks one at random and fails over to the other.',
  ];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
