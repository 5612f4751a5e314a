// Mutations of valid SIP messages, for a server that sends the phone what no server should.
// Everything random comes from one seeded PRNG, so a seed names a run exactly.

/** mulberry32: a small, fast, seeded PRNG; returns () => [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers bound to one PRNG. */
export function dice(random) {
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const pick = (list) => list[Math.floor(random() * list.length)];
  const weighted = (table) => {
    const total = Object.values(table).reduce((a, b) => a + b, 0);
    let r = random() * total;
    for (const [key, weight] of Object.entries(table)) if ((r -= weight) < 0) return key;
    return Object.keys(table)[0];
  };
  const text = (n, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  return { random, int, pick, weighted, text };
}

const CRLF = '\r\n';
const withLength = (head, body) => `${head.join(CRLF)}${CRLF}Content-Length: ${Buffer.byteLength(body)}${CRLF}${CRLF}${body}`;

/** An SDP offer shaped like a browser's (audio, optionally video). */
export const offerSdp = (id, video = false) =>
  [
    'v=0',
    `o=- ${id} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:fUzZ',
    'a=ice-pwd:hostileserverhostileserverhostile',
    'a=fingerprint:sha-256 0F:74:31:25:CB:A2:13:EC:28:6F:6D:2C:61:FF:5D:C2:BC:B9:DB:3D:98:14:8D:1A:BB:EA:33:0C:A4:60:A8:8E',
    'a=setup:actpass',
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:0 PCMU/8000',
    ...(video ? ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=mid:1', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:96 VP8/90000'] : []),
    '',
  ].join(CRLF);

/**
 * One valid message addressed to the phone (`user`, `domain`; `viaHost`: the phone's own Via
 * host, so that responses pass JsSIP's sanity check and reach its transaction layer).
 * `kind`: INVITE | MESSAGE | NOTIFY | OPTIONS | BYE | response. `id` makes its Call-ID unique.
 */
export function baseMessage(kind, { id, user, domain, viaHost, d }) {
  const callId = `${id}@hostile.test`;
  const common = (method, cseq = 1) => [
    `${method} sip:${user}@${domain} SIP/2.0`,
    `Via: SIP/2.0/WS fuzz.invalid;branch=z9hG4bK${id}`,
    'Max-Forwards: 70',
    `To: <sip:${user}@${domain}>`,
    `From: "Fuzz ${id}" <sip:fuzz@hostile.test>;tag=f${id}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
  ];
  switch (kind) {
    case 'INVITE':
      return withLength(
        [...common('INVITE'), 'Contact: <sip:fuzz@fuzz.invalid;transport=ws>', 'Subject: fuzz', 'Expires: 30', 'Content-Type: application/sdp'],
        offerSdp(d.int(1, 1e9), d.random() < 0.3),
      );
    case 'MESSAGE':
      return withLength([...common('MESSAGE'), 'Content-Type: text/plain'], `hello ${id}`);
    case 'NOTIFY':
      return withLength(
        [
          ...common('NOTIFY'),
          'Event: message-summary',
          'Subscription-State: active;expires=3600',
          'Contact: <sip:fuzz@fuzz.invalid;transport=ws>',
          'Content-Type: application/simple-message-summary',
        ],
        'Messages-Waiting: yes\r\nVoice-Message: 2/8 (0/2)\r\n',
      );
    case 'OPTIONS':
      return withLength([...common('OPTIONS'), 'Accept: application/sdp'], '');
    case 'BYE':
      return withLength([...common('BYE', 2).map((h) => (h.startsWith('To:') ? `${h};tag=gone${id}` : h))], '');
    default: {
      const method = d.pick(['INVITE', 'BYE', 'REGISTER', 'OPTIONS', 'MESSAGE', 'CANCEL', 'INFO', 'REFER']);
      const status = d.pick([100, 180, 183, 200, 202, 301, 302, 401, 403, 404, 407, 408, 480, 486, 487, 488, 500, 503, 603]);
      return withLength(
        [
          `SIP/2.0 ${status} Fuzz`,
          `Via: SIP/2.0/WSS ${viaHost};branch=z9hG4bK${id}`,
          `To: <sip:fuzz@hostile.test>;tag=t${id}`,
          `From: <sip:${user}@${domain}>;tag=f${id}`,
          `Call-ID: ${callId}`,
          `CSeq: ${d.int(1, 99)} ${method}`,
          ...(status === 401 ? ['WWW-Authenticate: Digest realm="hostile.test", nonce="x", algorithm=MD5, qop="auth"'] : []),
          ...(status >= 300 && status < 400 ? [`Contact: <sip:moved${id}@hostile.test>`] : []),
          'Contact: <sip:fuzz@fuzz.invalid;transport=ws>',
        ],
        status === 200 && method === 'INVITE' ? offerSdp(1) : '',
      );
    }
  }
}

// The header section, the body and the header lines of a message string.
const split = (message) => {
  const end = message.indexOf(CRLF + CRLF);
  return end === -1 ? { head: message, body: '' } : { head: message.slice(0, end), body: message.slice(end + 4) };
};
const join = (lines, body) => `${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
const setLength = (lines, value) => lines.map((l) => (/^content-length:/i.test(l) ? `Content-Length: ${value}` : l));

const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Contact', 'Content-Length', 'Content-Type'];
const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\x7f'];
const JUNK = '<>;,"@:=\\/ sip:%[]?&tag=branch=z9hG4bK\t';
const INVALID_UTF8 = [
  [0xc3, 0x28],
  [0xff],
  [0xfe, 0xfe],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/**
 * The mutation categories and how often each is chosen. Each takes (message, d) and returns
 * { data: string | Buffer, binary?: boolean }. The base message's kind is chosen by the caller.
 */
export const mutations = {
  valid: { weight: 6, apply: (m) => ({ data: m }) },
  'valid-as-binary-frame': { weight: 3, apply: (m) => ({ data: Buffer.from(m), binary: true }) },
  truncated: { weight: 10, apply: (m, d) => ({ data: m.slice(0, d.int(1, m.length - 1)) }) },
  'content-length-bigger': {
    weight: 6,
    apply: (m, d) => {
      const { head, body } = split(m);
      return { data: join(setLength(head.split(CRLF), Buffer.byteLength(body) + d.int(1, 5000)), body) };
    },
  },
  'content-length-smaller': {
    weight: 6,
    apply: (m, d) => {
      const { head, body } = split(m);
      const padded = body || 'x'.repeat(d.int(1, 200));
      return { data: join(setLength(head.split(CRLF), d.int(0, Buffer.byteLength(padded) - 1)), padded) };
    },
  },
  'content-length-garbage': {
    weight: 5,
    apply: (m, d) => {
      const { head, body } = split(m);
      const value = d.pick(['-1', '-999', 'five', '', ' ', '99999999999999999999999', '1e3', '0x10', '12 34', '+5', '3.5', '4294967296', 'NaN', '-0']);
      return { data: join(setLength(head.split(CRLF), value), body) };
    },
  },
  'huge-header-64k': {
    weight: 4,
    apply: (m, d) => {
      const { head, body } = split(m);
      const lines = head.split(CRLF);
      const big = d
        .pick(['A', 'sip', '%41', ';x', ' '])
        .repeat(Math.ceil(65536 / 3))
        .slice(0, 65536);
      const where = d.pick([
        'Subject',
        'X-Fuzz',
        'From',
        'To',
        'Via',
        'Contact',
        'Call-ID',
        'User-Agent',
        'Route',
        'Record-Route',
        'Max-Forwards',
        'CSeq',
        'Expires',
      ]);
      const index = lines.findIndex((l) => l.toLowerCase().startsWith(`${where.toLowerCase()}:`));
      const value = where === 'From' ? `"${big}" <sip:fuzz@hostile.test>;tag=big` : where === 'Via' ? `SIP/2.0/WS fuzz.invalid;branch=z9hG4bK${big}` : big;
      if (index > 0) lines[index] = `${where}: ${value}`;
      else lines.splice(d.int(1, lines.length), 0, `${where}: ${value}`);
      return { data: join(lines, body) };
    },
  },
  'control-bytes-in-headers': {
    weight: 8,
    apply: (m, d) => {
      const { head, body } = split(m);
      let h = head;
      for (let n = d.int(1, 6); n > 0; n--) {
        const at = d.int(0, h.length);
        h = h.slice(0, at) + d.pick(CONTROL) + h.slice(at);
      }
      return { data: `${h}${CRLF}${CRLF}${body}` };
    },
  },
  'unknown-method': {
    weight: 5,
    apply: (m, d) => {
      const method = d.pick([
        'FUZZ',
        'PUBLISH',
        'INVITE2',
        'GET',
        'PRACK',
        'UPDATE',
        'INFO',
        'REFER',
        'SUBSCRIBE',
        d.text(d.int(1, 30), "ABCDEFGHIJKLMNOPQRSTUVWXYZ!%*_+`'~.-"),
        'x'.repeat(d.int(100, 5000)),
      ]);
      if (m.startsWith('SIP/2.0')) return { data: m.replace(/^(CSeq: \d+) \S+/m, `$1 ${method}`) };
      const both = d.random() < 0.5;
      const out = m.replace(/^\S+/, method);
      return { data: both ? out.replace(/^(CSeq: \d+) \S+/m, `$1 ${method}`) : out };
    },
  },
  'invalid-utf8-binary-frame': {
    weight: 5,
    apply: (m, d) => {
      const bytes = [...Buffer.from(m)];
      const headEnd = m.indexOf(CRLF + CRLF);
      for (let n = d.int(1, 4); n > 0; n--) bytes.splice(d.int(1, headEnd > 0 ? headEnd : bytes.length), 0, ...d.pick(INVALID_UTF8));
      return { data: Buffer.from(bytes), binary: true };
    },
  },
  'duplicate-mandatory-header': {
    weight: 7,
    apply: (m, d) => {
      const { head, body } = split(m);
      const lines = head.split(CRLF);
      const name = d.pick(MANDATORY);
      const index = lines.findIndex((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
      if (index < 0) return { data: m };
      const other = {
        Via: `Via: SIP/2.0/UDP other.invalid;branch=z9hG4bK${d.text(8)}`,
        From: `From: <sip:other@hostile.test>;tag=${d.text(6)}`,
        To: `To: <sip:other@hostile.test>;tag=${d.text(6)}`,
        'Call-ID': `Call-ID: other-${d.text(10)}`,
        CSeq: `CSeq: ${d.int(1, 1e6)} ${d.pick(['INVITE', 'BYE', 'ACK', 'OPTIONS'])}`,
        'Max-Forwards': `Max-Forwards: ${d.int(0, 300)}`,
        Contact: `Contact: <sip:other@other.invalid>`,
        'Content-Length': `Content-Length: ${d.int(0, 500)}`,
        'Content-Type': `Content-Type: ${d.pick(['text/plain', 'application/sdp', 'multipart/mixed'])}`,
      }[name];
      lines.splice(d.int(1, lines.length), 0, d.random() < 0.5 ? lines[index] : other);
      return { data: join(lines, body) };
    },
  },
  'missing-mandatory-header': {
    weight: 7,
    apply: (m, d) => {
      const { head, body } = split(m);
      const name = d.pick(MANDATORY).toLowerCase();
      return {
        data: join(
          head.split(CRLF).filter((l, i) => i === 0 || !l.toLowerCase().startsWith(`${name}:`)),
          body,
        ),
      };
    },
  },
  'header-value-junk': {
    weight: 8,
    apply: (m, d) => {
      const { head, body } = split(m);
      const lines = head.split(CRLF);
      const index = d.int(1, lines.length - 1);
      const colon = lines[index].indexOf(':');
      lines[index] = `${lines[index].slice(0, colon + 1)} ${d.text(d.int(0, 80), JUNK)}`;
      return { data: join(lines, body) };
    },
  },
  'start-line-junk': {
    weight: 4,
    apply: (m, d) => {
      const lines = m.split(CRLF);
      lines[0] = d.pick([
        () => lines[0].replace('SIP/2.0', d.pick(['SIP/7.0', 'SIP/2.00', 'sip/2.0', 'SIP/', 'HTTP/1.1', ''])),
        () => lines[0].replace(/ /g, d.pick(['  ', '\t', ''])),
        () => d.text(d.int(0, 200), JUNK),
        () =>
          lines[0].replace(
            /sip:[^ ]*/,
            d.pick([
              '<sip:x@y>',
              'sips:alice@sip-phone.test',
              'tel:+15550100',
              'soap.beep://192.0.2.103:3002',
              'nobodyKnowsThisScheme:opaque',
              'sip:',
              'sip:@',
              'sip:alice@[::1',
              'sip:alice@sip-phone.test;lr ;x',
            ]),
          ),
        () => lines[0].replace(/^SIP\/2\.0 \d+/, `SIP/2.0 ${d.pick(['0', '99', '700', '4294967301', '-200', '20', '2000', 'abc'])}`),
      ])();
      return { data: lines.join(CRLF) };
    },
  },
  'line-endings': {
    weight: 4,
    apply: (m, d) => ({
      data: d.pick([
        () => m.replace(/\r\n/g, '\n'),
        () => m.replace(/\r\n/g, '\r'),
        () => m.replace(/\r\n/g, () => d.pick(['\r\n', '\n', '\r', '\n\r'])),
        () => m.replace(/\r\n\r\n/, '\r\n'),
      ])(),
    }),
  },
  'garbage-sdp-invite': {
    weight: 8,
    kind: 'INVITE',
    apply: (m, d) => {
      const { head } = split(m);
      const body = d.pick([
        () => d.text(d.int(1, 2000), 'v=omcatsb0123456789 \r\n:/;.-'),
        () => offerSdp(1).replace(/^m=audio.*$/m, `m=audio ${d.pick(['99999999', '-1', 'x'])} RTP/AVP ${d.text(5)}`),
        () => offerSdp(1).replace(/^v=0\r\n/, ''),
        () => offerSdp(1).replace(/a=fingerprint:.*\r\n/, 'a=fingerprint:sha-256 zz\r\n'),
        () => Array.from({ length: 2000 }, (_, i) => `m=audio ${i} RTP/AVP 0`).join(CRLF),
        () => 'v=0\r\nm=\r\nc=\r\na=\r\n',
        () => offerSdp(1).replace(/\r\n/g, '\n'),
        () => `${offerSdp(1)}a=${'x'.repeat(20000)}\r\n`,
        () => '\u0000\u0001\u0002 not sdp at all \u00ff\u2603',
      ])();
      return { data: join(setLength(head.split(CRLF), Buffer.byteLength(body)), body) };
    },
  },
  'response-to-unsent-request': { weight: 10, kind: 'response', apply: (m) => ({ data: m }) },
};

/**
 * The few frames that are expensive or end the connection, sent at fixed points of the run:
 * 1 MB frames, and text frames that are not UTF-8 (RFC 6455 §8.1: the browser must fail the
 * connection; the phone then reconnects and registers again).
 */
export function specialFrames({ user, domain, d }) {
  const MB = 1 << 20;
  const invite = baseMessage('INVITE', { id: 'mb-subject', user, domain, d });
  const message = (id, body, type = 'text/plain') =>
    withLength(
      [
        `MESSAGE sip:${user}@${domain} SIP/2.0`,
        `Via: SIP/2.0/WS fuzz.invalid;branch=z9hG4bK${id}`,
        'Max-Forwards: 70',
        `To: <sip:${user}@${domain}>`,
        `From: <sip:fuzz@hostile.test>;tag=${id}`,
        `Call-ID: ${id}@hostile.test`,
        'CSeq: 1 MESSAGE',
        `Content-Type: ${type}`,
      ],
      body,
    );
  return [
    { category: '1-MB-frame', label: '1 MB of text without a line end', data: d.text(MB) },
    { category: '1-MB-frame', label: 'an INVITE with a 1 MB Subject', data: invite.replace('Subject: fuzz', `Subject: ${'s'.repeat(MB)}`) },
    { category: '1-MB-frame', label: 'a MESSAGE with a 1 MB body', data: message('mb-body', 'b'.repeat(MB)) },
    {
      category: '1-MB-frame',
      label: 'a MESSAGE with a 1 MB From display name',
      data: message('mb-from', 'x').replace(/^From: /m, `From: "${'n'.repeat(MB)}" `),
    },
    {
      category: '1-MB-frame',
      label: '1 MB of random octets in a binary frame',
      data: Buffer.from(Array.from({ length: MB }, () => d.int(0, 255))),
      binary: true,
    },
    {
      category: 'invalid-utf8-text-frame',
      label: 'an OPTIONS with 0xFF in a text frame',
      data: Buffer.concat([Buffer.from(`OPTIONS sip:${user}@${domain} SIP/2.0\r\nX-Bad: `), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n\r\n')]),
      binary: false,
      closes: true,
    },
    {
      category: 'invalid-utf8-text-frame',
      label: 'a lone surrogate (ED A0 80) in a text frame',
      data: Buffer.from([0x53, 0x49, 0x50, 0xed, 0xa0, 0x80, 0x0d, 0x0a]),
      binary: false,
      closes: true,
    },
  ];
}
