// The demo's web login (demo/login.html): a web application's backend, in a few lines, vouching
// for its logged-in user to Kamailio and coturn, so the phone needs no SIP password. A form posts
// user and password to /demo/login, a cookie holds the session, and /demo/sip-credentials mints
// credentials for the session's user with the secret Kamailio (auth_ephemeral) and coturn
// (use-auth-secret) share: user name "<unix expiry>:<user>", password
// base64(HMAC-SHA1(secret, user name)): the "TURN REST API" scheme.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Credentials for `user`, valid `ttlSeconds` from `now`: { username, password, expiresAt } (ms). */
export function mintCredentials(secret, user, { ttlSeconds = 300, now = Date.now() } = {}) {
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${user}`;
  const password = createHmac('sha1', secret).update(username).digest('base64');
  return { username, password, expiresAt: expiry * 1000 };
}

const COOKIE = 'sip-phone-demo-session';

function sameText(a, b) {
  const [x, y] = [Buffer.from(String(a)), Buffer.from(String(b))];
  return x.length === y.length && timingSafeEqual(x, y);
}

async function formBody(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) throw new Error('too long');
  }
  return new URLSearchParams(body);
}

/**
 * The login's HTTP endpoints. `webUsers`: user → web password; `secret`: shared with Kamailio and
 * coturn; `ttlSeconds`: how long minted SIP credentials last (the phone fetches new ones at each
 * challenge); `turnUrls`: coturn's URLs (TURN credentials are handed out with them, valid
 * `turnTtlSeconds`: a call's relay must outlive them), or none. Returns `handle(req, res)`: true
 * if it answered.
 */
export function createWebLogin({ secret, webUsers, ttlSeconds = 300, turnUrls = [], turnTtlSeconds = 3600 }) {
  const sessions = new Map(); // session id → user
  const userOf = (req) => {
    const id = /(?:^|;\s*)sip-phone-demo-session=([0-9a-f]{32})/.exec(req.headers.cookie ?? '')?.[1];
    return id ? sessions.get(id) : undefined;
  };
  const reply = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
    res.end(body);
  };
  const json = (res, status, value) => reply(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8' });

  return async function handle(req, res) {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/demo/login' && req.method === 'POST') {
      const form = await formBody(req).catch(() => new URLSearchParams());
      const user = form.get('user') ?? '';
      const known = Object.hasOwn(webUsers, user) && sameText(form.get('password') ?? '', webUsers[user]);
      if (!known) {
        reply(res, 303, '', { location: '/demo/login.html?failed' });
        return true;
      }
      const id = randomBytes(16).toString('hex');
      sessions.set(id, user);
      reply(res, 303, '', { location: '/demo/login.html', 'set-cookie': `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/` });
      return true;
    }
    if (pathname === '/demo/logout' && req.method === 'POST') {
      const id = /(?:^|;\s*)sip-phone-demo-session=([0-9a-f]{32})/.exec(req.headers.cookie ?? '')?.[1];
      if (id) sessions.delete(id);
      reply(res, 303, '', { location: '/demo/login.html', 'set-cookie': `${COOKIE}=; Max-Age=0; Path=/` });
      return true;
    }
    if (pathname === '/demo/session' && req.method === 'GET') {
      const user = userOf(req);
      json(res, user ? 200 : 401, user ? { user } : { error: 'not logged in' });
      return true;
    }
    // The phone's `credentials` function fetches this at every digest challenge.
    if (pathname === '/demo/sip-credentials' && req.method === 'GET') {
      const user = userOf(req);
      if (!user) {
        json(res, 401, { error: 'not logged in' });
        return true;
      }
      const { username, password, expiresAt } = mintCredentials(secret, user, { ttlSeconds });
      const turn = mintCredentials(secret, user, { ttlSeconds: turnTtlSeconds });
      const iceServers = turnUrls.length ? [{ urls: turnUrls, username: turn.username, credential: turn.password }] : [];
      json(res, 200, { username, password, expiresAt, iceServers });
      return true;
    }
    return false;
  };
}
