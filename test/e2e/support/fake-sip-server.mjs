// A SIP-over-WebSocket server (RFC 7118) in a few lines of Node, for tests that need a server
// which says what a real one never would. It accepts the phone's WebSocket with subprotocol
// "sip", answers REGISTER (and OPTIONS pings) with 200 OK, answers CRLF keep-alive pings, and
// otherwise lets the test send the phone whatever frames it likes and read what comes back.
import WebSocket from 'ws'; // ws 7: CommonJS, the server is WebSocket.Server

const compact = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  l: 'content-length',
  m: 'contact',
  c: 'content-type',
  s: 'subject',
  k: 'supported',
  e: 'content-encoding',
  o: 'event',
  r: 'refer-to',
  u: 'allow-events',
};

/**
 * A lenient parse of one SIP message (the phone's messages are well formed): the start line,
 * the headers in order (folded lines joined, compact names expanded, names lower-cased).
 */
export function parseSip(text) {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [startLine, ...lines] = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    return [compact[name] ?? name, line.slice(colon + 1).trim()];
  });
  const status = /^SIP\/2\.0 (\d+)/.exec(startLine);
  const get = (name) => headers.find(([n]) => n === name)?.[1];
  return {
    startLine,
    status: status ? Number(status[1]) : null,
    method: status ? null : startLine.split(' ')[0],
    headers,
    get,
    all: (name) => headers.filter(([n]) => n === name).map(([, v]) => v),
    callId: get('call-id'),
    cseq: get('cseq'),
    body: end === -1 ? '' : text.slice(end + 4),
  };
}

/** A response to `request` (from parseSip): its Via, From, Call-ID, CSeq; To with a tag. */
export function responseTo(request, status, reason, extra = [], toTag = 'fake') {
  const to = request.get('to');
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...request.all('via').map((via) => `Via: ${via}`),
    `From: ${request.get('from')}`,
    `To: ${/;\s*tag=/i.test(to) ? to : `${to};tag=${toTag}`}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.cseq}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/**
 * Starts the server on 127.0.0.1 (a free port). Resolves to:
 * - url: ws://127.0.0.1:port
 * - send(data, { binary }): a frame to the phone's current connection (text unless `binary`;
 *   a Buffer sent with binary: false goes out as a text frame with those exact octets)
 * - registered(n): resolves once n REGISTERs in all have been answered 200 OK
 * - connected(): whether a connection is open; closes: [{ code, reason, at }]
 * - onMessage: set to (text, message) => void to see everything else the phone sends;
 *   onClose: set to ({ code, reason }) => void to hear of each closed connection
 * - viaHost: the host the phone puts in its Via (from its REGISTER)
 * - close()
 */
export async function startFakeSipServer({ expires = 600 } = {}) {
  const server = new WebSocket.Server({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.includes('sip') ? 'sip' : false),
  });
  await new Promise((resolve) => server.once('listening', resolve));
  let current = null;
  let registrations = 0;
  const waiters = [];
  const fake = {
    url: `ws://127.0.0.1:${server.address().port}`,
    viaHost: null,
    closes: [],
    connections: 0,
    received: 0,
    onMessage: () => {},
    onClose: () => {},
    connected: () => current?.readyState === 1,
    send(data, { binary = false } = {}) {
      if (!fake.connected()) return false;
      current.send(data, { binary });
      return true;
    },
    registered: (n) =>
      new Promise((resolve) => {
        if (registrations >= n) resolve();
        else waiters.push({ n, resolve });
      }),
    get registrations() {
      return registrations;
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(resolve);
      }),
  };
  server.on('connection', (ws) => {
    current = ws;
    fake.connections += 1;
    ws.on('close', (code, reason) => {
      const closed = { code, reason: String(reason), at: Date.now() };
      fake.closes.push(closed);
      fake.onClose(closed);
    });
    ws.on('message', (data) => {
      const text = String(data);
      fake.received += 1;
      if (text === '\r\n\r\n') return ws.send('\r\n');
      const message = parseSip(text);
      if (message.method === 'REGISTER') {
        const via = /^SIP\/2\.0\/WSS? ([^;\s]+)/i.exec(message.get('via') ?? '');
        if (via) fake.viaHost = via[1];
        const contact = message.get('contact') ?? '';
        ws.send(responseTo(message, 200, 'OK', [`Contact: ${/;\s*expires=/i.test(contact) ? contact : `${contact};expires=${expires}`}`]));
        registrations += 1;
        for (const w of waiters.filter((x) => registrations >= x.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        return;
      }
      if (message.method === 'OPTIONS') return ws.send(responseTo(message, 200, 'OK'));
      fake.onMessage(text, message);
    });
  });
  return fake;
}
