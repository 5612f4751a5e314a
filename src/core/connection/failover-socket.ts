/**
 * The one socket JsSIP sees. Behind it, one SipSocket per server URL, tried in turn from the
 * preferred one (`start`: the first listed, or one chosen per tab so that a fleet spreads over
 * the servers): a failed attempt moves on to the next server; a lost connection starts again from
 * the preferred one (so a phone that failed over goes back to it on its next reconnection, not
 * when the server comes back: no stampede). A response 430 Flow Failed (RFC 5626: the edge no
 * longer knows our flow) drops the connection and connects again at once.
 *
 * JsSIP owns the reconnection timer: it calls connect() again at least `JSSIP_RECOVERY_MS` after
 * each loss (we configure it to exactly that). We hold the attempt back for the rest of our own
 * backoff (reconnect-policy.ts), and `reconnectNow()` skips what is left of it.
 */
import { DEFAULT_RECONNECT_POLICY, lostConnectionDelay, reconnectDelay, type ReconnectPolicy } from './reconnect-policy.js';
import { SipSocket, type MessageTap, type SipSocketOptions } from './sip-socket.js';

/** JsSIP's connection_recovery_min_interval and max_interval, both, in ms. */
export const JSSIP_RECOVERY_MS = 1000;

/** The longest wait between attempts while `urgent()`. */
export const URGENT_RETRY_MS = 2000;

export interface FailoverSocketHooks {
  /** A WebSocket to `url` is being opened. */
  attempt?(url: string): void;
  /** Whether something waits for the connection (a call recovering): no backoff over URGENT_RETRY_MS then. */
  urgent?(): boolean;
  /** Every SIP message sent or received on any of the connections (the SIP trace). */
  message?: MessageTap;
}

export class FailoverSocket {
  onconnect: () => void = () => {};
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => {};
  ondata: (data: unknown) => void = () => {};

  /** The delay (ms, from the last loss or failed attempt) until the next attempt. */
  nextRetryInMs = 0;
  private readonly sockets: SipSocket[];
  private index: number;
  private failures = 0;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private skipWait = false;

  constructor(
    urls: string[],
    options: SipSocketOptions,
    readonly hooks: FailoverSocketHooks = {},
    private readonly policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY,
    /** The preferred server's index (out of range: the first). */
    private readonly start = 0,
  ) {
    this.sockets = urls.map((url) => new SipSocket(url, options, hooks.message));
    if (!(start >= 0 && start < urls.length)) this.start = 0;
    this.index = this.start;
  }

  private get current(): SipSocket {
    return this.sockets[this.index];
  }

  get url(): string {
    return this.current.url;
  }

  get sip_uri(): string {
    return this.current.sip_uri;
  }

  get via_transport(): string {
    return this.current.via_transport;
  }

  set via_transport(value: string) {
    this.current.via_transport = value;
  }

  /** Whether a backoff wait is under way (no WebSocket open or opening). */
  get waiting(): boolean {
    return this.waitTimer !== undefined;
  }

  connect(): void {
    if (this.waiting || this.isConnected() || this.isConnecting()) return;
    const wait = this.skipWait ? 0 : this.nextRetryInMs - JSSIP_RECOVERY_MS;
    this.skipWait = false;
    if (wait <= 0) return this.open();
    this.waitTimer = setTimeout(() => {
      this.waitTimer = undefined;
      this.open();
    }, wait);
  }

  /** Whether the current connection's keep-alive waits for its answer. */
  awaitingPong(): boolean {
    return this.current.awaitingPong();
  }

  /** A keep-alive round trip now on the current connection. */
  checkNow(): void {
    this.current.checkNow();
  }

  /** Tries at once: ends a backoff wait, or makes JsSIP's next connect() skip it. */
  reconnectNow(): void {
    this.nextRetryInMs = 0;
    if (this.waiting) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
      this.open();
    } else {
      this.skipWait = true;
    }
  }

  disconnect(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    this.current.disconnect();
  }

  send(message: string): boolean {
    return this.current.send(message);
  }

  isConnected(): boolean {
    return this.current.isConnected();
  }

  isConnecting(): boolean {
    return this.current.isConnecting();
  }

  /** Our flow is gone at the edge: a new connection at once (JsSIP's 1 s recovery timer, no backoff). */
  private flowFailed(socket: SipSocket): void {
    if (socket !== this.current || !socket.isConnected()) return;
    const lost = socket.ondisconnect;
    socket.disconnect();
    lost(true, 1006, 'flow failed');
    this.nextRetryInMs = 0;
  }

  private open(): void {
    const socket = this.current;
    let connected = false;
    socket.onconnect = () => {
      connected = true;
      this.failures = 0;
      this.nextRetryInMs = 0;
      this.onconnect();
    };
    socket.ondisconnect = (error, code, reason) => {
      socket.onconnect = socket.ondisconnect = socket.ondata = () => {};
      this.failures += 1;
      // A lost connection: spread the first attempt (a restarted server sees no burst from a fleet).
      this.nextRetryInMs = connected ? lostConnectionDelay(this.policy) : reconnectDelay(this.failures, this.policy);
      if (this.hooks.urgent?.()) this.nextRetryInMs = Math.min(this.nextRetryInMs, URGENT_RETRY_MS);
      this.ondisconnect(error, code, reason);
      // A lost connection starts over at the preferred server; a failed attempt tries the next.
      this.index = connected ? this.start : (this.index + 1) % this.sockets.length;
    };
    socket.ondata = (data) => {
      this.ondata(data);
      if (typeof data === 'string' && data.startsWith('SIP/2.0 430 ')) this.flowFailed(socket);
    };
    this.hooks.attempt?.(socket.url);
    socket.connect();
  }
}
