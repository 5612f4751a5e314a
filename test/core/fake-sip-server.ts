/**
 * A fake SIP-over-WebSocket server for unit tests of the core: hands out fake WebSockets that
 * answer REGISTER like a registrar with digest auth (401, then 200 or 401 again), answer CRLF
 * keep-alives, and can drop or freeze every connection. No network, no timers of the page's.
 */
import * as JsSIPModule from 'jssip';

// The tests serve JsSIP as one bundled module whose default export is JsSIP.
const { calculateMD5 } = ((JsSIPModule as { default?: typeof JsSIPModule }).default ?? JsSIPModule).Utils;
import type { WebSocketLike } from '../../src/core/connection/sip-socket.js';

export interface FakeServerOptions {
  passwords?: Record<string, string>;
  /** Refuse new connections (close code 1006 right after the attempt). */
  refuse?: boolean;
}

/**
 * How the server answers the phone's INVITEs: 404 at once, 180 and nothing more, or what a
 * function of the INVITE says (status, reason, extra header lines).
 */
export type InviteReply = 'not-found' | 'ring' | ((invite: string) => [number, string, string[]?] | null);

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: string[] = [];

  constructor(
    readonly url: string,
    private readonly server: FakeSipServer,
  ) {
    setTimeout(() => {
      if (this.readyState !== 0) return;
      if (server.refuse) return this.drop();
      this.readyState = 1;
      this.onopen?.({});
    }, 1);
  }

  send(data: string): void {
    this.sent.push(data);
    if (!this.server.frozen) setTimeout(() => this.server.handle(this, data), 1);
  }

  close(): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code: 1000, reason: '', wasClean: true }), 1);
  }

  /** The server side goes away: an unclean close. */
  drop(): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '', wasClean: false });
  }

  deliver(data: string): void {
    if (this.readyState === 1) this.onmessage?.({ data });
  }
}

export class FakeSipServer {
  readonly sockets: FakeSocket[] = [];
  readonly requests: string[] = [];
  /** The phone's responses (e.g. its 200 OK to an INVITE from ringIn()). */
  readonly responses: string[] = [];
  inviteReply: InviteReply = 'not-found';
  /** How the server answers the phone's MESSAGEs: 200 (delivered), 202 (stored), 404… */
  messageReply: [number, string] = [200, 'OK'];
  /**
   * The message summary (RFC 3842) a SUBSCRIBE to it gets in a first NOTIFY; without one no NOTIFY
   * follows the 200 (so that tests of other things see only the phone's answers to what they send).
   */
  messageSummary = '';
  /** How the server answers the phone's PUBLISHes: by default 200 with a new SIP-ETag and the Expires asked for. */
  publishReply: (publish: string) => [number, string, string[]?] = (publish) => [
    200,
    'OK',
    [`SIP-ETag: etag-${this.requests.length}`, `Expires: ${header(publish, 'Expires')}`],
  ];
  /** Answer SUBSCRIBE 489 Bad Event (a server without message summaries). */
  refuseSubscribe = false;
  /** The live message-summary subscriptions, for notify(). */
  readonly subscriptions: { socket: FakeSocket; subscribe: string; cseq: number }[] = [];
  frozen = false;
  refuse: boolean;
  private readonly passwords: Record<string, string>;

  constructor(options: FakeServerOptions = {}) {
    this.passwords = options.passwords ?? { alice: 'alice-pw' };
    this.refuse = options.refuse ?? false;
  }

  readonly createWebSocket = (url: string): WebSocketLike => {
    const socket = new FakeSocket(url, this);
    this.sockets.push(socket);
    return socket;
  };

  get openSockets(): FakeSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  methods(): string[] {
    return this.requests.map((r) => r.split(' ')[0]);
  }

  dropAll(): void {
    for (const socket of this.sockets) socket.drop();
  }

  handle(socket: FakeSocket, data: string): void {
    if (data === '\r\n\r\n') return socket.deliver('\r\n');
    if (data.startsWith('SIP/2.0 ')) return void this.responses.push(data);
    if (!/^[A-Z]+ /.test(data)) return;
    this.requests.push(data);
    const method = data.split(' ')[0];
    if (method === 'REGISTER') return socket.deliver(this.register(data));
    if (method === 'INVITE') {
      const reply = this.inviteReply;
      const answer = typeof reply === 'function' ? reply(data) : reply === 'ring' ? ([180, 'Ringing'] as const) : ([404, 'Not Found'] as const);
      // null: no answer from the server (the test answers itself, or never).
      return void (answer && socket.deliver(response(data, ...answer)));
    }
    if (method === 'MESSAGE') return socket.deliver(response(data, ...this.messageReply));
    if (method === 'SUBSCRIBE') return this.subscribe(socket, data);
    if (method === 'PUBLISH') return socket.deliver(response(data, ...this.publishReply(data)));
    if (method !== 'ACK') socket.deliver(response(data, 200, 'OK'));
  }

  /** A NOTIFY with `body` (and a Subscription-State) on every live message-summary subscription. */
  notify(body: string, state = 'active;expires=600'): void {
    for (const subscription of this.subscriptions) this.sendNotify(subscription, body, state);
  }

  /** A NOTIFY of `type` with `body` on the subscription that `subscribe` (the phone's SUBSCRIBE) set up. */
  notifySubscription(subscribe: string, type: string, body: string): void {
    const subscription = this.subscriptions.find((s) => header(s.subscribe, 'Call-ID') === header(subscribe, 'Call-ID'));
    if (!subscription) throw new Error('notifySubscription: no such subscription');
    this.sendNotify(subscription, body, 'active;expires=600', type);
  }

  /** A NOTIFY of the message summary outside any subscription (as some servers send), to the newest socket. */
  notifyUnsolicited(body: string, to = 'sip:alice@sip-phone.test'): void {
    const id = Math.random().toString(36).slice(2);
    this.openSockets
      .at(-1)
      ?.deliver(
        [
          `NOTIFY ${to} SIP/2.0`,
          `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK${id}`,
          'Max-Forwards: 70',
          `From: <sip:voicemail@sip-phone.test>;tag=${id}`,
          `To: <${to}>`,
          `Call-ID: ${id}@fake.invalid`,
          'CSeq: 1 NOTIFY',
          'Event: message-summary',
          'Content-Type: application/simple-message-summary',
          `Content-Length: ${new TextEncoder().encode(body).length}`,
          '',
          body,
        ].join('\r\n'),
      );
  }

  /** 200 OK (with a Contact, so a dialog forms) and a first NOTIFY; Expires: 0 ends it. */
  private subscribe(socket: FakeSocket, request: string): void {
    if (this.refuseSubscribe) return socket.deliver(response(request, 489, 'Bad Event'));
    const callId = header(request, 'Call-ID');
    const index = this.subscriptions.findIndex((s) => header(s.subscribe, 'Call-ID') === callId);
    const expires = header(request, 'Expires') === '0' ? 0 : 600;
    socket.deliver(response(request, 200, 'OK', ['Contact: <sip:presence@fake.invalid;transport=ws>', `Expires: ${expires}`]));
    const subscription = index >= 0 ? this.subscriptions[index] : { socket, subscribe: request, cseq: 0 };
    subscription.socket = socket;
    if (index < 0) this.subscriptions.push(subscription);
    if (expires === 0) this.subscriptions.splice(this.subscriptions.indexOf(subscription), 1);
    if (this.messageSummary) this.sendNotify(subscription, this.messageSummary, expires === 0 ? 'terminated;reason=timeout' : 'active;expires=600');
  }

  private sendNotify(
    subscription: { socket: FakeSocket; subscribe: string; cseq: number },
    body: string,
    state = 'active;expires=600',
    type = 'application/simple-message-summary',
  ): void {
    const request = subscription.subscribe;
    const contact = /<([^>]+)>/.exec(header(request, 'Contact'))?.[1] ?? '';
    subscription.cseq += 1;
    subscription.socket.deliver(
      [
        `NOTIFY ${contact} SIP/2.0`,
        `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK${Math.random().toString(36).slice(2)}`,
        'Max-Forwards: 70',
        `From: ${header(request, 'To')};tag=fake`,
        `To: ${header(request, 'From')}`,
        `Call-ID: ${header(request, 'Call-ID')}`,
        `CSeq: ${subscription.cseq} NOTIFY`,
        'Contact: <sip:presence@fake.invalid;transport=ws>',
        `Event: ${header(request, 'Event')}`,
        `Subscription-State: ${state}`,
        `Content-Type: ${type}`,
        `Content-Length: ${new TextEncoder().encode(body).length}`,
        '',
        body,
      ].join('\r\n'),
    );
  }

  /**
   * Delivers a MESSAGE to the phone on the newest open socket, as a proxy relays one; the phone's
   * answer lands in `responses`.
   */
  messageIn(
    text: string,
    { from = 'sip:bob@sip-phone.test', to = 'sip:alice@sip-phone.test', contentType = 'text/plain;charset=utf-8', displayName = '' } = {},
  ): void {
    const socket = this.openSockets.at(-1);
    if (!socket) throw new Error('messageIn: no open socket (register first)');
    const id = Math.random().toString(36).slice(2);
    socket.deliver(
      [
        `MESSAGE ${to} SIP/2.0`,
        `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK${id}`,
        'Max-Forwards: 70',
        `From: ${displayName ? `"${displayName}" ` : ''}<${from}>;tag=${id}`,
        `To: <${to}>`,
        `Call-ID: ${id}@fake.invalid`,
        'CSeq: 1 MESSAGE',
        `Content-Type: ${contentType}`,
        `Content-Length: ${new TextEncoder().encode(text).length}`,
        '',
        text,
      ].join('\r\n'),
    );
  }

  /**
   * Rings the phone on the newest open socket, as a proxy delivers a call: an INVITE to `to` from
   * `from` with an audio offer (`offer`, or a bare one) and `headers` (whole lines) besides; the
   * phone then fires sip-incoming-call.
   */
  ringIn(from = 'sip:bob@sip-phone.test', to = 'sip:alice@sip-phone.test', offer?: string, headers: string[] = []): void {
    const socket = this.openSockets.at(-1);
    if (!socket) throw new Error('ringIn: no open socket (register first)');
    const id = Math.random().toString(36).slice(2);
    const sdp =
      offer ??
      [
        'v=0',
        'o=- 1 1 IN IP4 127.0.0.1',
        's=-',
        't=0 0',
        'c=IN IP4 127.0.0.1',
        'm=audio 9 UDP/TLS/RTP/SAVPF 111',
        'a=rtpmap:111 opus/48000/2',
        'a=sendrecv',
        '',
      ].join('\r\n');
    const invite = [
      `INVITE ${to} SIP/2.0`,
      `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK${id}`,
      'Max-Forwards: 70',
      `From: <${from}>;tag=${id}`,
      `To: <${to}>`,
      `Call-ID: ${id}@fake.invalid`,
      'CSeq: 1 INVITE',
      `Contact: <${from.replace(/@.*/, '@fake.invalid')};transport=ws>`,
      ...headers,
      'Content-Type: application/sdp',
      `Content-Length: ${new TextEncoder().encode(sdp).length}`,
      '',
      sdp,
    ].join('\r\n');
    socket.deliver(invite);
  }

  private register(request: string): string {
    const auth = header(request, 'Authorization');
    const challenge = 'WWW-Authenticate: Digest realm="sip-phone.test", nonce="n0nce", algorithm=MD5';
    if (!auth) return response(request, 401, 'Unauthorized', [challenge]);
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(auth)?.[1] ?? '';
    const user = field('username');
    const password = this.passwords[user];
    const ha1 = calculateMD5(`${user}:${field('realm')}:${password}`);
    const ha2 = calculateMD5(`REGISTER:${field('uri')}`);
    const expected = calculateMD5(`${ha1}:${field('nonce')}:${ha2}`);
    if (password === undefined || field('response') !== expected) return response(request, 401, 'Unauthorized', [challenge]);
    const contact = header(request, 'Contact');
    const expires = /expires=0\b/.test(contact) || header(request, 'Expires') === '0' ? 0 : 600;
    return response(request, 200, 'OK', [`Contact: ${contact.replace(/;expires=\d+/, '')};expires=${expires}`]);
  }
}

function header(message: string, name: string): string {
  const line = message.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

export function response(request: string, status: number, reason: string, extra: string[] = []): string {
  const copied = ['Via', 'From', 'Call-ID', 'CSeq'].map((name) => `${name}: ${header(request, name)}`);
  const to = header(request, 'To');
  const lines = [`SIP/2.0 ${status} ${reason}`, ...copied, `To: ${to}${/;tag=/.test(to) ? '' : ';tag=fake'}`, ...extra, 'Content-Length: 0', '', ''];
  return lines.join('\r\n');
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 10 ms until it holds; rejects after `ms`. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await wait(10);
  }
}
