/**
 * The JsSIP socket we hand to JsSIP instead of its WebSocketInterface: SIP over WebSocket
 * (RFC 7118, subprotocol "sip"), plus what JsSIP lacks:
 * - a connect timeout (JsSIP waits forever on a server that never completes the handshake);
 * - RFC 5626 CRLF keep-alive: "\r\n\r\n" every `keepaliveInterval` ms, and a connection that
 *   answers nothing within `pongTimeout` ms is closed and reported as lost.
 * The WebSocket constructor is injectable so unit tests can hand it a fake.
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

export interface SipSocketOptions {
  /** Milliseconds between keep-alive pings; 0 turns keep-alive off. */
  keepaliveInterval?: number;
  /** Milliseconds to wait for any answer to a ping before the connection counts as dead. */
  pongTimeout?: number;
  /** Milliseconds a WebSocket handshake may take. */
  connectTimeout?: number;
  createWebSocket?: WebSocketFactory;
}

/** Close code we report when keep-alive or the connect timeout gives up on a connection. */
export const DEAD_CONNECTION_CODE = 4000;

const OPEN = 1;
const CONNECTING = 0;

export class SipSocket {
  readonly url: string;
  readonly sip_uri: string;
  via_transport: string;

  // Set by JsSIP's Transport.
  onconnect: () => void = () => {};
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => {};
  ondata: (data: unknown) => void = () => {};

  private ws: WebSocketLike | null = null;
  private readonly options: Required<SipSocketOptions>;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string, options: SipSocketOptions = {}) {
    const parsed = new URL(url);
    this.url = url;
    this.sip_uri = `sip:${parsed.host};transport=ws`;
    this.via_transport = parsed.protocol === 'wss:' ? 'WSS' : 'WS';
    this.options = {
      keepaliveInterval: options.keepaliveInterval ?? 0,
      pongTimeout: options.pongTimeout ?? 5000,
      connectTimeout: options.connectTimeout ?? 10000,
      createWebSocket: options.createWebSocket ?? ((u, p) => new WebSocket(u, p) as unknown as WebSocketLike),
    };
  }

  connect(): void {
    if (this.isConnected() || this.isConnecting()) return;
    this.disconnect();
    let ws: WebSocketLike;
    try {
      ws = this.options.createWebSocket(this.url, 'sip');
    } catch (error) {
      queueMicrotask(() => this.ondisconnect(true, 1006, String(error)));
      return;
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    this.armDeadline(this.options.connectTimeout, 'connect timeout');
    ws.onopen = () => {
      this.clearDeadline();
      this.startKeepalive();
      this.onconnect();
    };
    ws.onclose = ({ code, reason, wasClean }) => this.lost(!wasClean, code, reason);
    ws.onmessage = ({ data }) => {
      // Anything from the server proves the connection is alive.
      this.clearDeadline();
      if (data === '\r\n') return; // the pong to our ping
      this.ondata(data);
    };
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
    return true;
  }

  isConnected(): boolean {
    return this.ws?.readyState === OPEN;
  }

  isConnecting(): boolean {
    return this.ws?.readyState === CONNECTING;
  }

  /** Sends one RFC 5626 ping; no answer within `pongTimeout` closes the connection as dead. */
  private ping(): void {
    if (!this.isConnected() || this.deadlineTimer) return;
    this.ws!.send('\r\n\r\n');
    this.armDeadline(this.options.pongTimeout, 'keep-alive timeout');
  }

  private startKeepalive(): void {
    if (this.options.keepaliveInterval > 0) {
      this.pingTimer = setInterval(() => this.ping(), this.options.keepaliveInterval);
    }
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
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.clearDeadline();
  }

  private lost(error: boolean, code: number, reason: string): void {
    this.stopTimers();
    this.ws = null;
    this.ondisconnect(error, code, reason);
  }
}
