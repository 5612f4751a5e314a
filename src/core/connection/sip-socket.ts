/**
 * One SIP-over-WebSocket connection (RFC 7118, subprotocol "sip"), with what JsSIP lacks:
 * - a connect timeout (JsSIP waits forever on a server that never completes the handshake);
 * - RFC 5626 keep-alive: "\r\n\r\n" `keepaliveInterval` ms after the server last sent anything
 *   (the timer is set from the message event, never from a timer: Chromium throttles chains of
 *   timers in a hidden tab to once a minute, not timers set by events), answered by "\r\n" (or by
 *   "\r\n\r\n", which Asterisk sends, while a ping is waiting for its answer). Any traffic from the
 *   server counts as an answer. No answer within `pongTimeout` ms means the
 *   connection is dead: it is closed and reported as lost.
 * - a fallback for servers that ignore CRLF pings: the first ping of a connection probes; if it
 *   gets no CRLF answer, an OPTIONS to the server is tried, and if that is answered, this
 *   connection pings with OPTIONS from then on.
 * The WebSocket constructor is injectable so unit tests can hand it a fake. `onMessage` hears every
 * frame sent and received but the keep-alive answers (the SIP trace, core/trace/sip-trace.ts).
 */

/** The parts of the WebSocket API this socket uses (a fake implements just these). */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string, protocol: string) => WebSocketLike;

/** Hears a frame the socket sent ('out') or received ('in'). */
export type MessageTap = (direction: 'in' | 'out', data: unknown) => void;

export interface SipSocketOptions {
  /** Milliseconds between keep-alive pings; 0 turns keep-alive off. */
  keepaliveInterval?: number;
  /** Milliseconds to wait for an answer to a ping before the connection counts as dead. */
  pongTimeout?: number;
  /** Milliseconds a WebSocket handshake may take. */
  connectTimeout?: number;
  createWebSocket?: WebSocketFactory;
}

/** Close code we report when keep-alive or the connect timeout gives up on a connection. */
export const DEAD_CONNECTION_CODE = 4000;

/** Why a connection went away, in kebab-case: 'connect-timeout', 'keepalive-timeout', 'server-closed' or 'connection-closed'. */
export function lostConnectionCause(code: number | undefined, reason: string | undefined): string {
  if (code === DEAD_CONNECTION_CODE) return reason === 'connect timeout' ? 'connect-timeout' : 'keepalive-timeout';
  if (code === 1000 || code === 1001) return 'server-closed';
  return 'connection-closed';
}
export const DEFAULT_PONG_TIMEOUT = 3000;
export const DEFAULT_CONNECT_TIMEOUT = 5000;

const OPEN = 1;
const CONNECTING = 0;
const OPTIONS_CALL_ID = 'sip-phone-keepalive-';

type PingMethod = 'unknown' | 'crlf' | 'options';

export class SipSocket {
  readonly url: string;
  readonly sip_uri: string;
  via_transport: string;

  // Set by JsSIP's Transport (or by the FailoverSocket that wraps this one).
  onconnect: () => void = () => {};
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => {};
  ondata: (data: unknown) => void = () => {};

  private ws: WebSocketLike | null = null;
  /** Read at each connection (the keep-alive interval at each ping), so changes apply from then on. */
  private readonly settings: SipSocketOptions;
  private readonly host: string;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private pingDueAt = 0;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private pingMethod: PingMethod = 'unknown';
  private optionsSent = 0;

  constructor(
    url: string,
    options: SipSocketOptions = {},
    private readonly onMessage?: MessageTap,
  ) {
    const parsed = new URL(url);
    this.url = url;
    this.host = parsed.host;
    this.sip_uri = `sip:${parsed.host};transport=ws`;
    this.via_transport = parsed.protocol === 'wss:' ? 'WSS' : 'WS';
    this.settings = options;
  }

  /** How this connection pings: learned from the first ping. */
  get keepaliveMethod(): PingMethod {
    return this.pingMethod;
  }

  connect(): void {
    if (this.isConnected() || this.isConnecting()) return;
    this.disconnect();
    const { connectTimeout = DEFAULT_CONNECT_TIMEOUT, createWebSocket = (u, p) => new WebSocket(u, p) as unknown as WebSocketLike } = this.settings;
    let ws: WebSocketLike;
    try {
      ws = createWebSocket(this.url, 'sip');
    } catch (error) {
      queueMicrotask(() => this.ondisconnect(true, 1006, String(error)));
      return;
    }
    this.ws = ws;
    this.pingMethod = 'unknown';
    ws.binaryType = 'arraybuffer';
    this.armDeadline(connectTimeout, 'connect timeout');
    ws.onopen = () => {
      this.clearDeadline();
      this.schedulePing();
      this.onconnect();
    };
    ws.onclose = ({ code, reason, wasClean }) => this.lost(!wasClean, code, reason);
    ws.onmessage = ({ data }) => this.receive(data);
    ws.onerror = () => {};
  }

  disconnect(): void {
    this.stopTimers();
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onclose = ws.onmessage = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
  }

  send(message: string): boolean {
    if (!this.isConnected()) return false;
    this.ws!.send(message);
    this.onMessage?.('out', message);
    return true;
  }

  isConnected(): boolean {
    return this.ws?.readyState === OPEN;
  }

  isConnecting(): boolean {
    return this.ws?.readyState === CONNECTING;
  }

  /** Whether a keep-alive waits for its answer: a request sent now may go into a dead connection (and arrive, stale, when TCP gets through again). */
  awaitingPong(): boolean {
    return this.isConnected() && this.deadlineTimer !== undefined;
  }

  /** Checks the connection now (a keep-alive round trip), e.g. when a frozen tab wakes up. */
  checkNow(): void {
    this.pingDueAt = Date.now();
    this.ping();
  }

  /** The next ping, `keepaliveInterval` ms from now (from any traffic, or the connection's open). */
  private schedulePing(): void {
    const interval = this.settings.keepaliveInterval ?? 0;
    clearTimeout(this.pingTimer);
    this.pingDueAt = Date.now() + interval;
    if (interval > 0) this.pingTimer = setTimeout(() => this.ping(), interval);
  }

  private receive(data: unknown): void {
    // Anything from the server proves the connection is alive.
    const awaitingPong = !!this.deadlineTimer;
    this.clearDeadline();
    this.schedulePing();
    // Some servers answer with "\r\n\r\n" (Asterisk sends its own keep-alives so, whatever the
    // client does): while a ping of ours waits, that is the pong. JsSIP would answer it as a ping.
    if (data === '\r\n' || (awaitingPong && data === '\r\n\r\n')) {
      if (this.pingMethod === 'unknown') this.pingMethod = 'crlf';
      return; // the answer to our ping: not for JsSIP
    }
    this.onMessage?.('in', data);
    if (typeof data === 'string' && data.startsWith('SIP/2.0') && data.includes(OPTIONS_CALL_ID)) {
      this.pingMethod = 'options';
      return; // the answer to our OPTIONS ping
    }
    // JsSIP throws on some malformed messages instead of dropping them (a response whose CSeq
    // does not parse; a request whose Request-URI is not a SIP URI): drop those too, so that a
    // hostile server cannot raise uncaught exceptions in the page.
    try {
      this.ondata(data);
    } catch {
      // the message is dropped
    }
  }

  /** Sends one ping; the answer (or any traffic) must come within `pongTimeout`. */
  private ping(): void {
    if (!this.isConnected() || this.deadlineTimer) return;
    // A ping that woke late (a hidden tab's timers wake once a second) waits that much less for
    // its answer, so that a dead connection is still noticed in time (but never under a third).
    const full = this.settings.pongTimeout ?? DEFAULT_PONG_TIMEOUT;
    const pongTimeout = Math.max(full / 3, full - Math.max(0, Date.now() - this.pingDueAt));
    if (this.pingMethod === 'options') this.sendOptions();
    else this.ws!.send('\r\n\r\n');
    if (this.pingMethod !== 'unknown') {
      this.armDeadline(pongTimeout, 'keep-alive timeout');
      return;
    }
    // First ping: half the time for a CRLF answer, the other half for an OPTIONS answer.
    const half = pongTimeout / 2;
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = undefined;
      if (!this.isConnected()) return;
      this.sendOptions();
      this.armDeadline(half, 'keep-alive timeout');
    }, half);
  }

  private sendOptions(): void {
    const id = `${Math.random().toString(36).slice(2)}${++this.optionsSent}`;
    const options = [
      `OPTIONS sip:${this.host} SIP/2.0`,
      `Via: SIP/2.0/${this.via_transport} ${id}.invalid;branch=z9hG4bK${id};rport`,
      'Max-Forwards: 70',
      `To: <sip:${this.host}>`,
      `From: <sip:keepalive@${this.host}>;tag=${id}`,
      `Call-ID: ${OPTIONS_CALL_ID}${id}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    this.ws!.send(options);
    this.onMessage?.('out', options);
  }

  private armDeadline(ms: number, reason: string): void {
    this.clearDeadline();
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = undefined;
      this.disconnect();
      this.ondisconnect(true, DEAD_CONNECTION_CODE, reason);
    }, ms);
  }

  private clearDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private stopTimers(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    this.clearDeadline();
  }

  private lost(error: boolean, code: number, reason: string): void {
    this.stopTimers();
    this.ws = null;
    this.ondisconnect(error, code, reason);
  }
}
