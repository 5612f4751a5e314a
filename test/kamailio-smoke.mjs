#!/usr/bin/env node
// Smoke test for demo/kamailio/kamailio.cfg + test/support/kamailio.mjs.
//   node test/support/kamailio-smoke.mjs
// Starts Kamailio (ws + wss + udp) and drives it with real SIP traffic over a
// minimal hand-written WebSocket client, raw UDP and sipp. One line per
// check; exit code 1 if any check fails. Node built-ins only (plus the sipp
// and kamcmd binaries).

import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { startKamailio } from '../demo/kamailio/kamailio.mjs';

const DOMAIN = 'sip-phone.test';
const PASSWORDS = { alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw', dave: 'dave-pw', erin: 'erin-pw' };

// ---------------------------------------------------------------------------
// tiny test reporter

let failures = 0;
const cleanups = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    console.log(`ok   ${name}${detail ? ` — ${detail}` : ''} (${Date.now() - t0} ms)`);
  } catch (err) {
    failures++;
    console.log(`FAIL ${name} — ${err && err.message ? err.message : err}`);
    if (process.env.SMOKE_VERBOSE && err && err.stack) console.log(err.stack);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rnd = (n = 10) => crypto.randomBytes(n).toString('hex').slice(0, n);
function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms);
    }),
  ]);
}

// ---------------------------------------------------------------------------
// minimal WebSocket client (RFC 6455, client side, text frames)

class MiniWs extends EventEmitter {
  static connect(url, { timeoutMs = 3000, protocol = 'sip' } = {}) {
    const u = new URL(url);
    const secure = u.protocol === 'wss:';
    const port = Number(u.port) || (secure ? 443 : 80);
    return withTimeout(
      new Promise((resolve, reject) => {
        const sock = secure
          ? tls.connect({ host: u.hostname, port, rejectUnauthorized: false, servername: 'localhost' })
          : net.connect({ host: u.hostname, port });
        const key = crypto.randomBytes(16).toString('base64');
        let buf = Buffer.alloc(0);
        const onErr = (e) => reject(e);
        sock.once('error', onErr);
        sock.once(secure ? 'secureConnect' : 'connect', () => {
          sock.write(
            [
              `GET ${u.pathname || '/'} HTTP/1.1`,
              `Host: ${u.host}`,
              'Upgrade: websocket',
              'Connection: Upgrade',
              `Sec-WebSocket-Key: ${key}`,
              'Sec-WebSocket-Version: 13',
              `Sec-WebSocket-Protocol: ${protocol}`,
              'Origin: http://smoke.test',
              '',
              '',
            ].join('\r\n'),
          );
        });
        const onData = (d) => {
          buf = Buffer.concat([buf, d]);
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.subarray(0, end).toString('latin1');
          const rest = buf.subarray(end + 4);
          sock.off('data', onData);
          sock.off('error', onErr);
          const status = /^HTTP\/1\.1 (\d+)/.exec(head);
          if (!status || status[1] !== '101') {
            sock.destroy();
            return reject(new Error(`handshake failed: ${head.split('\r\n')[0]}`));
          }
          const accept = crypto
            .createHash('sha1')
            .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
            .digest('base64');
          if (!head.toLowerCase().includes(accept.toLowerCase())) {
            sock.destroy();
            return reject(new Error('bad Sec-WebSocket-Accept'));
          }
          resolve(new MiniWs(sock, rest, head));
        };
        sock.on('data', onData);
      }),
      timeoutMs,
      `WebSocket handshake ${url}`,
    );
  }

  constructor(sock, initial, head) {
    super();
    this.sock = sock;
    this.head = head;
    this.buf = Buffer.alloc(0);
    this.closed = false;
    this.localPort = sock.localPort;
    sock.on('data', (d) => this._onData(d));
    sock.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
    sock.on('error', () => {});
    if (initial.length) this._onData(initial);
  }

  _onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      let mask = null;
      if (masked) {
        if (b.length < off + 4) return;
        mask = b.subarray(off, off + 4);
        off += 4;
      }
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      this.buf = b.subarray(off + len);
      if (opcode === 1 || opcode === 2 || opcode === 0) this.emit('message', payload.toString('utf8'));
      else if (opcode === 8) {
        this.sock.end();
      } else if (opcode === 9) this._frame(10, payload);
    }
  }

  _frame(opcode, payload) {
    const len = payload.length;
    let hdr;
    if (len < 126) {
      hdr = Buffer.alloc(2);
      hdr[1] = 0x80 | len;
    } else if (len < 65536) {
      hdr = Buffer.alloc(4);
      hdr[1] = 0x80 | 126;
      hdr.writeUInt16BE(len, 2);
    } else {
      hdr = Buffer.alloc(10);
      hdr[1] = 0x80 | 127;
      hdr.writeBigUInt64BE(BigInt(len), 2);
    }
    hdr[0] = 0x80 | opcode;
    const mask = crypto.randomBytes(4);
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
    this.sock.write(Buffer.concat([hdr, mask, body]));
  }

  send(text) {
    this._frame(1, Buffer.from(text, 'utf8'));
  }
  close() {
    if (!this.closed) {
      try {
        this._frame(8, Buffer.from([0x03, 0xe8]));
      } catch {}
      this.sock.end();
    }
  }
  destroy() {
    this.sock.destroy();
  }
  nextMessage(ms = 2000) {
    return withTimeout(new Promise((r) => this.once('message', r)), ms, 'ws message');
  }
}

// ---------------------------------------------------------------------------
// minimal SIP

const COMPACT = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', k: 'supported' };

function parseSip(text) {
  const sep = text.indexOf('\r\n\r\n');
  const head = sep >= 0 ? text.slice(0, sep) : text;
  const body = sep >= 0 ? text.slice(sep + 4) : '';
  const lines = head.split('\r\n');
  const first = lines.shift();
  const msg = { raw: text, first, body, headers: [] };
  let m;
  if ((m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first))) {
    msg.status = Number(m[1]);
    msg.reason = m[2];
  } else if ((m = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(first))) {
    msg.method = m[1];
    msg.ruri = m[2];
  }
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i < 0) continue;
    let name = l.slice(0, i).trim().toLowerCase();
    name = COMPACT[name] || name;
    msg.headers.push([name, l.slice(i + 1).trim()]);
  }
  msg.get = (n) => {
    const h = msg.headers.find(([k]) => k === n.toLowerCase());
    return h && h[1];
  };
  msg.all = (n) => msg.headers.filter(([k]) => k === n.toLowerCase()).map(([, v]) => v);
  msg.cseq = msg.get('cseq');
  const via = msg.get('via') || '';
  msg.branch = (/branch=([^;,\s]+)/.exec(via) || [])[1];
  return msg;
}

function buildSip(first, headers, body = '') {
  const lines = [first];
  for (const [k, v] of headers) lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

function parseAuthParams(h) {
  const out = {};
  const re = /(\w+)=("([^"]*)"|[^,\s]+)/g;
  let m;
  while ((m = re.exec(h))) out[m[1].toLowerCase()] = m[3] !== undefined ? m[3] : m[2];
  return out;
}

const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');

function digest({ challenge, method, uri, user, password }) {
  const p = parseAuthParams(challenge.replace(/^Digest\s+/i, ''));
  const ha1 = md5(`${user}:${p.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  let resp = `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", algorithm=MD5`;
  if (p.qop && /\bauth\b/.test(p.qop)) {
    const nc = '00000001';
    const cnonce = rnd(12);
    const r = md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    resp += `, response="${r}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
  } else {
    resp += `, response="${md5(`${ha1}:${p.nonce}:${ha2}`)}"`;
  }
  if (p.opaque) resp += `, opaque="${p.opaque}"`;
  return resp;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/** A SIP user agent over one MiniWs connection, shaped like JsSIP's. */
class WsUa extends EventEmitter {
  constructor(ws, { user, password = PASSWORDS[user], instance, regId = 1, contactUser = rnd(8), transport = 'ws' }) {
    super();
    this.ws = ws;
    this.user = user;
    this.password = password;
    this.instance = instance || crypto.randomUUID();
    this.regId = regId;
    this.transport = transport;
    this.viaHost = `${rnd(12)}.invalid`;
    this.contactUri = `sip:${contactUser}@${rnd(12)}.invalid;transport=${transport}`;
    this.aor = `sip:${user}@${DOMAIN}`;
    this.regCallId = rnd(20);
    this.cseq = 1;
    this.pending = new Map(); // branch -> { resolve, provisional: [] }
    this.requests = [];
    ws.on('message', (t) => this._onMessage(t));
  }

  _onMessage(text) {
    if (!text.startsWith('SIP/2.0') && !/^[A-Z]+ /.test(text)) return; // keepalive etc
    const msg = parseSip(text);
    if (msg.status) {
      const p = this.pending.get(msg.branch);
      if (!p) return;
      if (msg.status < 200) {
        p.provisional.push(msg);
        return;
      }
      this.pending.delete(msg.branch);
      p.resolve(msg);
    } else {
      this.requests.push(msg);
      this.emit('request', msg);
    }
  }

  via() {
    return `SIP/2.0/${this.transport.toUpperCase()} ${this.viaHost};branch=z9hG4bK${rnd(16)}`;
  }

  /** send a request; resolves with the final response */
  send(method, ruri, headers, body = '', { timeoutMs = 3000 } = {}) {
    const via = this.via();
    const branch = /branch=(\S+)/.exec(via)[1];
    const text = buildSip(`${method} ${ruri} SIP/2.0`, [['Via', via], ['Max-Forwards', '69'], ...headers], body);
    if (method === 'ACK') {
      this.ws.send(text);
      return Promise.resolve(null);
    }
    const p = new Promise((resolve) => this.pending.set(branch, { resolve, provisional: [] }));
    this.ws.send(text);
    return withTimeout(p, timeoutMs, `${method} ${ruri} response`);
  }

  async register({ expires = 600, password = this.password } = {}) {
    const ruri = `sip:${DOMAIN}`;
    const fromTag = rnd(10);
    const contact = `<${this.contactUri}>;+sip.ice;reg-id=${this.regId};+sip.instance="<urn:uuid:${this.instance}>";expires=${expires}`;
    const base = () => [
      ['To', `<${this.aor}>`],
      ['From', `<${this.aor}>;tag=${fromTag}`],
      ['Call-ID', this.regCallId],
      ['CSeq', `${this.cseq++} REGISTER`],
      ['Contact', contact],
      ['Expires', String(expires)],
      ['Allow', 'INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY'],
      ['Supported', 'path,gruu,outbound'],
      ['User-Agent', 'kamailio-smoke'],
    ];
    const first = await this.send('REGISTER', ruri, base());
    if (first.status !== 401) return { first, final: first };
    const auth = digest({ challenge: first.get('www-authenticate'), method: 'REGISTER', uri: ruri, user: this.user, password });
    const final = await this.send('REGISTER', ruri, [...base(), ['Authorization', auth]]);
    return { first, final };
  }

  /** reply to a received request, keeping Via/From/To/Call-ID/CSeq/RR */
  reply(req, status, reason, { toTag, contact, body = '', headers = [] } = {}) {
    const h = [];
    for (const v of req.all('via')) h.push(['Via', v]);
    if (status > 100) for (const rr of req.all('record-route')) h.push(['Record-Route', rr]);
    h.push(['From', req.get('from')]);
    let to = req.get('to');
    if (toTag && !/;tag=/.test(to)) to += `;tag=${toTag}`;
    h.push(['To', to], ['Call-ID', req.get('call-id')], ['CSeq', req.cseq]);
    if (contact) h.push(['Contact', contact]);
    if (body) h.push(['Content-Type', 'application/sdp']);
    h.push(...headers);
    this.ws.send(buildSip(`SIP/2.0 ${status} ${reason}`, h, body));
  }

  waitRequest(method, ms = 3000, callId = undefined) {
    const match = (r) => r.method === method && !r._taken && (!callId || r.get('call-id') === callId);
    const have = this.requests.find(match);
    if (have) {
      have._taken = true;
      return Promise.resolve(have);
    }
    return withTimeout(
      new Promise((resolve) => {
        const on = (r) => {
          if (match(r)) {
            r._taken = true;
            this.off('request', on);
            resolve(r);
          }
        };
        this.on('request', on);
      }),
      ms,
      `${this.user} waiting for ${method}`,
    );
  }
}

const uriOf = (nameAddr) => {
  const m = /<([^>]+)>/.exec(nameAddr);
  return m ? m[1] : nameAddr.split(';')[0];
};

/**
 * A full call between two WsUa: caller INVITEs callee AoR, callee answers
 * 200, caller ACKs via the route set, then `byeFrom` ('caller'|'callee')
 * hangs up. Proves in-dialog routing both ways through Kamailio.
 */
async function wsCall(caller, callee, byeFrom) {
  const callId = rnd(20);
  const fromTag = rnd(8);
  const toUri = callee.aor;
  const callerContact = `<${caller.contactUri};ob>`;
  const inviteP = caller.send(
    'INVITE',
    toUri,
    [
      ['From', `<${caller.aor}>;tag=${fromTag}`],
      ['To', `<${toUri}>`],
      ['Call-ID', callId],
      ['CSeq', '1 INVITE'],
      ['Contact', callerContact],
      ['Content-Type', 'application/sdp'],
    ],
    SDP,
    { timeoutMs: 4000 },
  );
  const inv = await callee.waitRequest('INVITE', 3000, callId);
  const toTag = rnd(8);
  const calleeContact = `<${callee.contactUri};ob>`;
  callee.reply(inv, 180, 'Ringing', { toTag, contact: calleeContact });
  callee.reply(inv, 200, 'OK', { toTag, contact: calleeContact, body: SDP });
  const ok = await inviteP;
  assert(ok.status === 200, `INVITE got ${ok.status}`);
  // caller side dialog
  const callerRoute = ok.all('record-route').reverse();
  const callerTarget = uriOf(ok.get('contact'));
  const callerTo = ok.get('to');
  const routeHdrs = (rs) => rs.map((r) => ['Route', r]);
  await caller.send('ACK', callerTarget, [
    ...routeHdrs(callerRoute),
    ['From', `<${caller.aor}>;tag=${fromTag}`],
    ['To', callerTo],
    ['Call-ID', callId],
    ['CSeq', '1 ACK'],
  ]);
  const ack = await callee.waitRequest('ACK', 3000, callId);
  assert(ack.get('call-id') === callId, 'ACK with wrong Call-ID');
  // callee side dialog
  const calleeRoute = inv.all('record-route');
  const calleeTarget = uriOf(inv.get('contact'));
  let bye;
  if (byeFrom === 'callee') {
    const p = callee.send('BYE', calleeTarget, [
      ...routeHdrs(calleeRoute),
      ['From', `${inv.get('to')};tag=${toTag}`],
      ['To', inv.get('from')],
      ['Call-ID', callId],
      ['CSeq', '1 BYE'],
    ]);
    const byeReq = await caller.waitRequest('BYE', 3000, callId);
    caller.reply(byeReq, 200, 'OK');
    bye = await p;
  } else {
    const p = caller.send('BYE', callerTarget, [
      ...routeHdrs(callerRoute),
      ['From', `<${caller.aor}>;tag=${fromTag}`],
      ['To', callerTo],
      ['Call-ID', callId],
      ['CSeq', '2 BYE'],
    ]);
    const byeReq = await callee.waitRequest('BYE', 3000, callId);
    callee.reply(byeReq, 200, 'OK');
    bye = await p;
  }
  assert(bye.status === 200, `BYE got ${bye.status}`);
  return `RR hops ${calleeRoute.length}, BYE from ${byeFrom} → 200`;
}

// UDP peer (stands in for a sipp phone)
class UdpPeer {
  static async open() {
    const s = dgram.createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    return new UdpPeer(s);
  }
  constructor(s) {
    this.s = s;
    this.port = s.address().port;
    this.msgs = [];
    this.waiters = [];
    s.on('message', (b) => {
      const m = parseSip(b.toString('utf8'));
      this.msgs.push(m);
      for (const w of this.waiters.slice()) w(m);
    });
  }
  send(text, port) {
    this.s.send(Buffer.from(text), port, '127.0.0.1');
  }
  wait(pred, ms = 3000, what = 'udp message') {
    const have = this.msgs.find((m) => !m._taken && pred(m));
    if (have) {
      have._taken = true;
      return Promise.resolve(have);
    }
    return withTimeout(
      new Promise((resolve) => {
        const w = (m) => {
          if (!m._taken && pred(m)) {
            m._taken = true;
            this.waiters.splice(this.waiters.indexOf(w), 1);
            resolve(m);
          }
        };
        this.waiters.push(w);
      }),
      ms,
      what,
    );
  }
  close() {
    this.s.close();
  }
  options(kport) {
    const branch = `z9hG4bK${rnd(16)}`;
    this.send(
      buildSip(`OPTIONS sip:127.0.0.1:${kport} SIP/2.0`, [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`],
        ['Max-Forwards', '70'],
        ['From', `<sip:peer@127.0.0.1>;tag=${rnd(6)}`],
        ['To', `<sip:127.0.0.1:${kport}>`],
        ['Call-ID', rnd(16)],
        ['CSeq', '1 OPTIONS'],
      ]),
      kport,
    );
    return branch;
  }
}

// ---------------------------------------------------------------------------

async function run() {
  const k = await startKamailio({ wss: true, name: 'smoke', debug: process.env.SMOKE_DEBUG ? Number(process.env.SMOKE_DEBUG) : undefined });
  cleanups.push(() => k.stop());
  console.log(`# ${k.commandLine}`);
  console.log(`# ws ${k.wsUrl}  wss ${k.wssUrl}  udp 127.0.0.1:${k.udpPort}  pids ${k.pids().join(',')}`);

  const conns = [];
  const connect = async (url = k.wsUrl) => {
    const ws = await MiniWs.connect(url);
    conns.push(ws);
    return ws;
  };
  cleanups.push(() => conns.forEach((c) => c.destroy()));

  await check('listeners bound to 127.0.0.1 only', async () => {
    const ports = new Set([k.wsPort, k.wssPort, k.udpPort]);
    const lines = [];
    for (const f of ['/proc/net/tcp', '/proc/net/udp', '/proc/net/tcp6', '/proc/net/udp6']) {
      try {
        lines.push(...fs.readFileSync(f, 'latin1').split('\n').slice(1));
      } catch {}
    }
    const bound = lines
      .map((l) => l.trim().split(/\s+/)[1])
      .filter(Boolean)
      .filter((a) => ports.has(parseInt(a.split(':').pop(), 16)));
    assert(bound.length >= 3, `found only ${bound.length} sockets`);
    const bad = bound.filter((a) => !a.startsWith('0100007F:'));
    assert(bad.length === 0, `non-loopback binds: ${bad.join(' ')}`);
    return `${bound.length} sockets on 127.0.0.1`;
  });

  // (a) REGISTER with digest auth over ws
  let alice1;
  const instance = crypto.randomUUID();
  await check('ws: REGISTER alice with digest auth → 401 then 200', async () => {
    alice1 = new WsUa(await connect(), { user: 'alice', instance });
    const { first, final } = await alice1.register();
    assert(first.status === 401, `first reply ${first.status}`);
    const realm = parseAuthParams(first.get('www-authenticate')).realm;
    assert(realm === DOMAIN, `realm ${realm}`);
    assert(final.status === 200, `final reply ${final.status} ${final.reason}`);
    assert(!/outbound/i.test(final.get('require') || ''), 'unexpected Require: outbound');
    return `realm ${realm}, 200 Contact: ${final.all('contact').join(' | ')}`;
  });

  await check('ws: REGISTER bob with a wrong password → 401/403', async () => {
    const bob = new WsUa(await connect(), { user: 'bob' });
    const { final } = await bob.register({ password: 'nope' });
    assert(final.status === 401 || final.status === 403, `got ${final.status}`);
    const unknown = new WsUa(bob.ws, { user: 'mallory', password: 'x' });
    const r2 = await unknown.register();
    assert(r2.final.status === 401 || r2.final.status === 403, `unknown user got ${r2.final.status}`);
    return `bob wrong pw → ${final.status}, unknown user → ${r2.final.status}`;
  });

  await check('ws: keep-alive CRLFCRLF answered with CRLF', async () => {
    const p = alice1.ws.nextMessage(2000);
    alice1.ws.send('\r\n\r\n');
    const m = await p;
    assert(m === '\r\n', `got ${JSON.stringify(m)}`);
  });

  await check('ws: OPTIONS to the server itself → 200', async () => {
    const r = await alice1.send('OPTIONS', 'sip:127.0.0.1', [
      ['From', `<${alice1.aor}>;tag=${rnd(6)}`],
      ['To', '<sip:127.0.0.1>'],
      ['Call-ID', rnd(12)],
      ['CSeq', '1 OPTIONS'],
    ]);
    assert(r.status === 200, `got ${r.status}`);
  });

  // (b) usrloc + re-registration from a new connection
  await check("ul.dump shows alice's contact with received = her ws connection", async () => {
    const recs = await k.contactRecords('alice');
    assert(recs.length === 1, `contacts: ${JSON.stringify(recs)}`);
    assert(recs[0].Address === alice1.contactUri, `address ${recs[0].Address}`);
    assert((recs[0].Received || '').includes(`:${alice1.ws.localPort}`), `received ${recs[0].Received}`);
    return `${recs[0].Address} received ${recs[0].Received}`;
  });

  let alice2;
  await check('re-REGISTER from a NEW ws connection, same instance/reg-id, new Contact URI → exactly 1 contact', async () => {
    alice2 = new WsUa(await connect(), { user: 'alice', instance });
    const { final } = await alice2.register();
    assert(final.status === 200, `final ${final.status}`);
    const recs = await k.contactRecords('alice@sip-phone.test');
    assert(recs.length === 1, `${recs.length} contacts: ${recs.map((r) => r.Address).join(', ')}`);
    assert(recs[0].Address === alice2.contactUri, `address ${recs[0].Address}`);
    assert((recs[0].Received || '').includes(`:${alice2.ws.localPort}`), `received ${recs[0].Received}`);
    return `${recs[0].Address} received ${recs[0].Received}`;
  });

  let alice3;
  await check('re-REGISTER from a 3rd connection with the SAME Contact URI (JsSIP reconnect) → exactly 1 contact', async () => {
    alice3 = new WsUa(await connect(), { user: 'alice', instance, contactUser: 'x' });
    alice3.contactUri = alice2.contactUri;
    alice3.regCallId = alice2.regCallId;
    alice3.cseq = alice2.cseq;
    const { final } = await alice3.register();
    assert(final.status === 200, `final ${final.status}`);
    const recs = await k.contactRecords('alice');
    assert(recs.length === 1, `${recs.length} contacts`);
    assert((recs[0].Received || '').includes(`:${alice3.ws.localPort}`), `received ${recs[0].Received}`);
    return `received ${recs[0].Received}`;
  });

  await check('old connections closing does not remove the live contact', async () => {
    alice1.ws.close();
    alice2.ws.close();
    await sleep(2500); // > usrloc timer_interval (1 s), which runs handle_lost_tcp
    const recs = await k.contactRecords('alice');
    assert(recs.length === 1, `${recs.length} contacts after closing old connections`);
  });

  const peer = await UdpPeer.open();
  cleanups.push(() => peer.close());

  await check('udp → ws: INVITE alice@127.0.0.1 reaches her NEWEST connection; 486 back to udp', async () => {
    const callId = rnd(16);
    const branch = `z9hG4bK${rnd(16)}`;
    const hdrs = [
      ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:peer@127.0.0.1:${peer.port}>;tag=${rnd(6)}`],
      ['To', '<sip:alice@127.0.0.1>'],
      ['Call-ID', callId],
      ['CSeq', '1 INVITE'],
      ['Contact', `<sip:peer@127.0.0.1:${peer.port}>`],
      ['Content-Type', 'application/sdp'],
    ];
    peer.send(buildSip('INVITE sip:alice@127.0.0.1 SIP/2.0', hdrs, SDP), k.udpPort);
    const inv = await alice3.waitRequest('INVITE', 3000, callId);
    assert(inv.get('call-id') === callId, 'wrong call');
    const rr = inv.all('record-route');
    alice3.reply(inv, 486, 'Busy Here', { toTag: rnd(6) });
    const busy = await peer.wait((m) => m.status === 486, 3000, '486 on udp');
    // ACK for the non-2xx (same branch)
    peer.send(
      buildSip('ACK sip:alice@127.0.0.1 SIP/2.0', [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport`],
        ['Max-Forwards', '70'],
        ['From', hdrs[2][1]],
        ['To', busy.get('to')],
        ['Call-ID', callId],
        ['CSeq', '1 ACK'],
      ]),
      k.udpPort,
    );
    return `Record-Route x${rr.length} (double RR udp↔ws), R-URI at client ${inv.ruri}`;
  });

  await check('udp peer REGISTERs erin without auth; ws alice → udp erin call, ACK via double RR, BYE from udp side', async () => {
    const regBranch = `z9hG4bK${rnd(16)}`;
    peer.send(
      buildSip('REGISTER sip:sip-phone.test SIP/2.0', [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${regBranch};rport`],
        ['Max-Forwards', '70'],
        ['From', `<sip:erin@sip-phone.test>;tag=${rnd(6)}`],
        ['To', '<sip:erin@sip-phone.test>'],
        ['Call-ID', rnd(16)],
        ['CSeq', '1 REGISTER'],
        ['Contact', `<sip:erin@127.0.0.1:${peer.port}>`],
        ['Expires', '300'],
      ]),
      k.udpPort,
    );
    const reg = await peer.wait((m) => m.branch === regBranch && m.status >= 200, 2000, 'REGISTER reply');
    assert(reg.status === 200, `udp REGISTER ${reg.status}`);
    // alice (ws) calls erin (udp)
    const callId = rnd(16);
    const fromTag = rnd(6);
    const inviteP = alice3.send(
      'INVITE',
      'sip:erin@sip-phone.test',
      [
        ['From', `<${alice3.aor}>;tag=${fromTag}`],
        ['To', '<sip:erin@sip-phone.test>'],
        ['Call-ID', callId],
        ['CSeq', '1 INVITE'],
        ['Contact', `<${alice3.contactUri};ob>`],
        ['Content-Type', 'application/sdp'],
      ],
      SDP,
    );
    const inv = await peer.wait((m) => m.method === 'INVITE' && m.get('call-id') === callId, 2000, 'INVITE at udp peer');
    const rr = inv.all('record-route');
    const toTag = rnd(6);
    const respHdrs = [
      ...inv.all('via').map((v) => ['Via', v]),
      ...rr.map((r) => ['Record-Route', r]),
      ['From', inv.get('from')],
      ['To', `${inv.get('to')};tag=${toTag}`],
      ['Call-ID', callId],
      ['CSeq', inv.cseq],
      ['Contact', `<sip:erin@127.0.0.1:${peer.port}>`],
      ['Content-Type', 'application/sdp'],
    ];
    peer.send(buildSip('SIP/2.0 200 OK', respHdrs, SDP), k.udpPort);
    const ok = await inviteP;
    assert(ok.status === 200, `INVITE ${ok.status}`);
    const route = ok.all('record-route').reverse();
    await alice3.send('ACK', uriOf(ok.get('contact')), [
      ...route.map((r) => ['Route', r]),
      ['From', `<${alice3.aor}>;tag=${fromTag}`],
      ['To', ok.get('to')],
      ['Call-ID', callId],
      ['CSeq', '1 ACK'],
    ]);
    await peer.wait((m) => m.method === 'ACK' && m.get('call-id') === callId, 2000, 'ACK at udp peer');
    // BYE from the udp side: R-URI = alice's Contact (with alias), Route = RR as received
    const byeBranch = `z9hG4bK${rnd(16)}`;
    const firstRoute = uriOf(rr[0]);
    peer.send(
      buildSip(`BYE ${uriOf(inv.get('contact'))} SIP/2.0`, [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${byeBranch};rport`],
        ['Max-Forwards', '70'],
        ...rr.map((r) => ['Route', r]),
        ['From', `${inv.get('to')};tag=${toTag}`],
        ['To', inv.get('from')],
        ['Call-ID', callId],
        ['CSeq', '1 BYE'],
      ]),
      k.udpPort,
    );
    const bye = await alice3.waitRequest('BYE', 2000, callId);
    alice3.reply(bye, 200, 'OK');
    const byeOk = await peer.wait((m) => m.branch === byeBranch && m.status >= 200, 2000, 'BYE reply at udp peer');
    assert(byeOk.status === 200, `BYE ${byeOk.status}`);
    return `Record-Route x${rr.length}, first ${firstRoute}, alias contact ${uriOf(inv.get('contact'))}`;
  });

  await check('ws: INVITE to sip:svc@127.0.0.1:<udp peer port> (unregistered) is relayed to that peer directly', async () => {
    const callId = rnd(16);
    const ruri = `sip:svc@127.0.0.1:${peer.port}`;
    const p = alice3.send(
      'INVITE',
      ruri,
      [
        ['From', `<${alice3.aor}>;tag=${rnd(6)}`],
        ['To', `<${ruri}>`],
        ['Call-ID', callId],
        ['CSeq', '1 INVITE'],
        ['Contact', `<${alice3.contactUri};ob>`],
        ['Content-Type', 'application/sdp'],
      ],
      SDP,
    );
    const inv = await peer.wait((m) => m.method === 'INVITE' && m.get('call-id') === callId, 2000, 'INVITE at udp peer');
    peer.send(
      buildSip('SIP/2.0 486 Busy Here', [
        ...inv.all('via').map((v) => ['Via', v]),
        ['From', inv.get('from')],
        ['To', `${inv.get('to')};tag=${rnd(6)}`],
        ['Call-ID', callId],
        ['CSeq', inv.cseq],
      ]),
      k.udpPort,
    );
    const r = await p;
    assert(r.status === 486, `got ${r.status}`);
    await peer.wait((m) => m.method === 'ACK' && m.get('call-id') === callId, 2000, 'hop-by-hop ACK at udp peer');
    return `486 back on ws`;
  });

  // calls between two ws clients, BYE from each side
  let bob;
  await check('ws ↔ ws call alice → bob, callee hangs up (ACK + BYE routed)', async () => {
    bob = new WsUa(await connect(), { user: 'bob' });
    const { final } = await bob.register();
    assert(final.status === 200, `bob register ${final.status}`);
    return wsCall(alice3, bob, 'callee');
  });
  await check('ws ↔ ws call bob → alice, caller hangs up', async () => wsCall(bob, alice3, 'caller'));

  // voicemail waiting indicator (RFC 3842) through the presence server
  await check(
    'ws: SUBSCRIBE message-summary → 200 + NOTIFY down the WebSocket; a udp PUBLISH → NOTIFY with its body; in-dialog SUBSCRIBE Expires: 0 → 200 + final NOTIFY',
    async () => {
      const callId = rnd(20);
      const fromTag = rnd(10);
      const subscribe = (cseq, expires, toTag) => [
        ['From', `<${bob.aor}>;tag=${fromTag}`],
        ['To', `<${bob.aor}>${toTag ? `;tag=${toTag}` : ''}`],
        ['Call-ID', callId],
        ['CSeq', `${cseq} SUBSCRIBE`],
        ['Contact', `<${bob.contactUri}>`],
        ['Event', 'message-summary'],
        ['Accept', 'application/simple-message-summary'],
        ['Expires', String(expires)],
      ];
      const notified = async () => {
        const notify = await bob.waitRequest('NOTIFY', 3000, callId);
        bob.reply(notify, 200, 'OK');
        return notify;
      };
      const accepted = await bob.send('SUBSCRIBE', bob.aor, subscribe(1, 600));
      assert(accepted.status === 200, `SUBSCRIBE → ${accepted.status}`);
      const toTag = /;tag=([^;\s]+)/.exec(accepted.get('to'))[1];
      const first = await notified();
      assert(/^active/.test(first.get('subscription-state')), `first NOTIFY ${first.get('subscription-state')}`);
      const summary = 'Messages-Waiting: yes\r\nVoice-Message: 2/1 (0/0)\r\n';
      peer.send(
        buildSip(
          `PUBLISH ${bob.aor} SIP/2.0`,
          [
            ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK${rnd(16)};rport`],
            ['Max-Forwards', '70'],
            ['From', `<sip:voicemail@${DOMAIN}>;tag=${rnd(6)}`],
            ['To', `<${bob.aor}>`],
            ['Call-ID', rnd(16)],
            ['CSeq', '1 PUBLISH'],
            ['Event', 'message-summary'],
            ['Expires', '3600'],
            ['Content-Type', 'application/simple-message-summary'],
          ],
          summary,
        ),
        k.udpPort,
      );
      const published = await peer.wait((m) => m.status && /PUBLISH$/.test(m.cseq), 3000, 'PUBLISH answer');
      assert(published.status === 200, `PUBLISH → ${published.status}`);
      const notify = await notified();
      assert(notify.body === summary, `NOTIFY body ${JSON.stringify(notify.body)}`);
      const ended = await bob.send('SUBSCRIBE', uriOf(accepted.get('contact')), subscribe(2, 0, toTag));
      assert(ended.status === 200, `in-dialog SUBSCRIBE Expires: 0 → ${ended.status}`);
      const last = await notified();
      assert(/^terminated/.test(last.get('subscription-state')), `last NOTIFY ${last.get('subscription-state')}`);
      return `NOTIFY R-URI ${notify.ruri}; presence contact ${uriOf(accepted.get('contact'))}`;
    },
  );

  // busy lamps (RFC 4235) and registration state through the presence server
  await check(
    'udp watcher: SUBSCRIBE dialog for bob → NOTIFYs early, confirmed, terminated as alice calls him; SUBSCRIBE presence → open for bob, closed for dave (never registered)',
    async () => {
      const watch = async (event, aor) => {
        const callId = rnd(20);
        peer.send(
          buildSip(`SUBSCRIBE ${aor} SIP/2.0`, [
            ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK${rnd(16)};rport`],
            ['Max-Forwards', '70'],
            ['From', `<sip:watcher@${DOMAIN}>;tag=${rnd(6)}`],
            ['To', `<${aor}>`],
            ['Call-ID', callId],
            ['CSeq', '1 SUBSCRIBE'],
            ['Contact', `<sip:watcher@127.0.0.1:${peer.port}>`],
            ['Event', event],
            ['Expires', '120'],
          ]),
          k.udpPort,
        );
        const answer = await peer.wait((m) => m.status && m.get('call-id') === callId, 3000, `SUBSCRIBE ${event} answer`);
        assert(answer.status === 200 || answer.status === 202, `SUBSCRIBE ${event} ${aor} → ${answer.status}`);
        return callId;
      };
      const notified = async (callId, what) => {
        const notify = await peer.wait((m) => m.method === 'NOTIFY' && m.get('call-id') === callId, 3000, what);
        peer.send(
          buildSip('SIP/2.0 200 OK', [
            ...notify.all('via').map((v) => ['Via', v]),
            ['From', notify.get('from')],
            ['To', notify.get('to')],
            ['Call-ID', callId],
            ['CSeq', notify.cseq],
          ]),
          k.udpPort,
        );
        return notify.body;
      };
      const dialogs = await watch('dialog', bob.aor);
      const states = [];
      const first = await notified(dialogs, 'first dialog NOTIFY');
      // earlier calls of bob's may be listed, all terminated
      assert(!/<state>(?!terminated)/.test(first), `first dialog NOTIFY: ${first}`);
      const call = wsCall(alice3, bob, 'callee');
      for (;;) {
        const body = await notified(dialogs, `dialog NOTIFY after ${states}`);
        const state = ['confirmed', 'early', 'terminated'].find((s) => body.includes(`<state>${s}</state>`));
        states.push(state);
        if (state === 'terminated' || states.length > 5) break;
      }
      await call;
      assert(states.filter((s, i) => s !== states[i - 1]).join() === 'early,confirmed,terminated', `dialog states ${states}`);
      const online = await notified(await watch('presence', bob.aor), 'presence NOTIFY for bob');
      assert(/<basic>open<\/basic>/.test(online), `bob: ${online}`);
      const offline = await notified(await watch('presence', `sip:dave@${DOMAIN}`), 'presence NOTIFY for dave');
      assert(!/<basic>open<\/basic>/.test(offline), `dave: ${offline}`);
      return `dialog ${states}; dave's presence body ${JSON.stringify(offline.slice(0, 80))}`;
    },
  );

  // wss
  await check('wss: TLS WebSocket handshake + REGISTER carol → 200', async () => {
    const ws = await connect(k.wssUrl);
    const carol = new WsUa(ws, { user: 'carol', transport: 'wss' });
    const { final } = await carol.register();
    assert(final.status === 200, `final ${final.status}`);
    const recs = await k.contactRecords('carol');
    assert(recs.length === 1, `${recs.length} contacts`);
    return `received ${recs[0].Received}`;
  });

  await check('wss ↔ ws call carol → bob, callee hangs up', async () => {
    const carolWs = conns[conns.length - 1];
    const carol = new WsUa(carolWs, { user: 'carol', transport: 'wss' });
    carol.contactUri = (await k.contactRecords('carol'))[0].Address;
    return wsCall(carol, bob, 'callee');
  });

  await check('ws → wss call bob → carol (INVITE to a wss-registered user), caller hangs up', async () => {
    const carolWs = conns[conns.length - 1];
    const carol = new WsUa(carolWs, { user: 'carol', transport: 'wss' });
    carol.contactUri = (await k.contactRecords('carol'))[0].Address;
    return wsCall(bob, carol, 'caller');
  });

  // (c) sipp over UDP
  await check('sipp (udp): OPTIONS to server → 200, INVITE to an unregistered user → 404', async () => {
    const scen = path.join(k.dir, 'smoke-sipp.xml');
    fs.writeFileSync(scen, SIPP_SCENARIO);
    const code = await new Promise((resolve) => {
      const p = spawn(
        'sipp',
        [`127.0.0.1:${k.udpPort}`, '-sf', scen, '-m', '1', '-i', '127.0.0.1', '-p', '0', '-timeout', '10s', '-timeout_error', '-nostdin'],
        { cwd: k.dir, stdio: 'ignore' },
      );
      p.on('exit', (c) => resolve(c));
      p.on('error', (e) => resolve(`spawn error ${e.message}`));
    });
    assert(code === 0, `sipp exit code ${code}`);
    return 'sipp exit 0';
  });

  await check('ws: INVITE to an unregistered user → 404 promptly', async () => {
    const t0 = Date.now();
    const r = await alice3.send(
      'INVITE',
      `sip:dave@${DOMAIN}`,
      [
        ['From', `<${alice3.aor}>;tag=${rnd(6)}`],
        ['To', `<sip:dave@${DOMAIN}>`],
        ['Call-ID', rnd(12)],
        ['CSeq', '1 INVITE'],
        ['Contact', `<${alice3.contactUri};ob>`],
        ['Content-Type', 'application/sdp'],
      ],
      SDP,
    );
    assert(r.status === 404 || r.status === 480, `got ${r.status}`);
    return `${r.status} in ${Date.now() - t0} ms`;
  });

  await check('ws client disconnects → its contact is removed (handle_lost_tcp) → INVITE gets 404', async () => {
    bob.ws.close();
    const t0 = Date.now();
    while ((await k.contacts('bob')).length && Date.now() - t0 < 3000) await sleep(50);
    const left = await k.contacts('bob');
    assert(left.length === 0, `bob still has ${left.length} contacts: ${JSON.stringify(await k.contactRecords('bob'))}`);
    const r = await alice3.send(
      'INVITE',
      `sip:bob@${DOMAIN}`,
      [
        ['From', `<${alice3.aor}>;tag=${rnd(6)}`],
        ['To', `<sip:bob@${DOMAIN}>`],
        ['Call-ID', rnd(12)],
        ['CSeq', '1 INVITE'],
        ['Contact', `<${alice3.contactUri};ob>`],
        ['Content-Type', 'application/sdp'],
      ],
      SDP,
    );
    assert(r.status === 404 || r.status === 480, `got ${r.status}`);
    return `contact gone after ${Date.now() - t0} ms, INVITE → ${r.status}`;
  });

  // (d) freeze / thaw / stop / start / restart
  await check('freeze(): no answer on udp, ws handshake hangs', async () => {
    k.freeze();
    const b = peer.options(k.udpPort);
    let answered = false;
    await peer
      .wait((m) => m.branch === b, 400)
      .then(
        () => {
          answered = true;
        },
        () => {},
      );
    assert(!answered, 'OPTIONS answered while frozen');
    let hs = false;
    await MiniWs.connect(k.wsUrl, { timeoutMs: 400 }).then(
      (w) => {
        hs = true;
        w.destroy();
      },
      () => {},
    );
    assert(!hs, 'handshake completed while frozen');
    return `${k.pids().length} processes stopped`;
  });

  await check('thaw(): udp OPTIONS → 200 and ws handshake works again', async () => {
    k.thaw();
    const b = peer.options(k.udpPort);
    const r = await peer.wait((m) => m.branch === b && m.status >= 200, 2000, 'OPTIONS after thaw');
    assert(r.status === 200, `got ${r.status}`);
    const w = await MiniWs.connect(k.wsUrl, { timeoutMs: 2000 });
    w.destroy();
  });

  await check('stop(): all kamailio processes gone, port closed', async () => {
    const pids = k.pids();
    await k.stop();
    const alive = pids.filter((p) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    });
    assert(alive.length === 0, `still alive: ${alive.join(',')}`);
    const refused = await new Promise((r) => {
      const s = net.connect({ host: '127.0.0.1', port: k.wsPort });
      s.once('connect', () => {
        s.destroy();
        r(false);
      });
      s.once('error', () => r(true));
    });
    assert(refused, 'ws port still accepts connections');
    return `${pids.length} processes exited`;
  });

  await check('start(): same ports, fresh registrar, REGISTER works', async () => {
    const t0 = Date.now();
    await k.start();
    const ready = Date.now() - t0;
    assert((await k.contacts('alice')).length === 0, 'contacts survived a restart');
    const dave = new WsUa(await connect(k.wsUrl), { user: 'dave' });
    const { final } = await dave.register();
    assert(final.status === 200, `final ${final.status}`);
    return `ready in ${ready} ms on ${k.wsUrl}`;
  });

  await check('restart(): new main pid, wss still works', async () => {
    const before = k.pid;
    await k.restart();
    assert(k.pid && k.pid !== before, 'pid unchanged');
    const erin = new WsUa(await connect(k.wssUrl), { user: 'erin', transport: 'wss' });
    const { final } = await erin.register();
    assert(final.status === 200, `final ${final.status}`);
    return `pid ${before} → ${k.pid}`;
  });

  // INVITE auth variant, running side by side with the first instance
  await check('second instance with inviteAuth: INVITE → 407, with credentials → 404 (unregistered)', async () => {
    const k2 = await startKamailio({ name: 'smoke-auth', inviteAuth: true });
    cleanups.push(() => k2.stop());
    try {
      const a = new WsUa(await connect(k2.wsUrl), { user: 'alice' });
      assert((await a.register()).final.status === 200, 'register failed');
      const base = (cseq) => [
        ['From', `<${a.aor}>;tag=abc`],
        ['To', `<sip:erin@${DOMAIN}>`],
        ['Call-ID', 'auth-call'],
        ['CSeq', `${cseq} INVITE`],
        ['Contact', `<${a.contactUri};ob>`],
        ['Content-Type', 'application/sdp'],
      ];
      const r1 = await a.send('INVITE', `sip:erin@${DOMAIN}`, base(1), SDP);
      assert(r1.status === 407, `first INVITE ${r1.status}`);
      const auth = digest({ challenge: r1.get('proxy-authenticate'), method: 'INVITE', uri: `sip:erin@${DOMAIN}`, user: 'alice', password: 'alice-pw' });
      const r2 = await a.send('INVITE', `sip:erin@${DOMAIN}`, [...base(2), ['Proxy-Authorization', auth]], SDP);
      assert(r2.status === 404, `authenticated INVITE ${r2.status}`);
      return `ports ws ${k2.wsPort}/udp ${k2.udpPort} next to ${k.wsPort}/${k.udpPort}`;
    } finally {
      await k2.stop();
    }
  });

  await check('log() returns stderr text', async () => {
    const log = k.log();
    assert(log.length > 0 && /kamailio|INFO|NOTICE|WARNING/.test(log), 'empty log');
    if (process.env.SMOKE_LOG) console.log(log);
    return `${log.length} chars`;
  });
}

const SIPP_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="kamailio smoke">
  <send retrans="500"><![CDATA[
OPTIONS sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
  <send retrans="500"><![CDATA[
INVITE sip:nobody@sip-phone.test SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:nobody@sip-phone.test>
Call-ID: [call_id]
CSeq: 2 INVITE
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000

]]></send>
  <recv response="100" optional="true"/>
  <recv response="404"/>
  <send><![CDATA[
ACK sip:nobody@sip-phone.test SIP/2.0
[last_Via:]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: 2 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
</scenario>
`;

try {
  await run();
} catch (err) {
  failures++;
  console.log(`FAIL harness — ${err && err.stack ? err.stack : err}`);
} finally {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch {}
  }
}
console.log(failures ? `\n${failures} check(s) failed` : '\nall checks passed');
process.exit(failures ? 1 : 0);
