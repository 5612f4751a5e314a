/** The setup check's SIP WebSocket servers: does each answer a SIP OPTIONS, and how fast. */
import type { WebSocketLike } from '../connection/sip-socket.js';
import type { PreflightDeps, ServerCheck } from './preflight.js';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * A short-lived WebSocket (subprotocol "sip") to `url`: the handshake time, then the round trip
 * of a SIP OPTIONS (any answer shows a SIP server behind it). Closed at the end.
 */
export async function checkServer(url: string, timeoutMs: number, deps: PreflightDeps): Promise<ServerCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  const tls = parsed.protocol === 'wss:';
  const base = { name: 'server', target: url, tls, timeoutMs, detail: '' } as const;
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:') return { ...base, status: 'failed', reason: 'invalid-url' };
  const now = deps.now ?? (() => performance.now());
  const create = deps.createWebSocket ?? ((u: string, p: string) => new WebSocket(u, p) as unknown as WebSocketLike);
  const started = now();
  let ws: WebSocketLike;
  try {
    ws = create(url, 'sip');
  } catch (error) {
    // e.g. ws:// from an https:// page (mixed content), or a port the browser blocks
    return { ...base, status: 'failed', reason: 'blocked', errorText: error instanceof Error ? error.message : String(error) };
  }
  const callId = `sip-phone-preflight-${Math.random().toString(36).slice(2)}`;
  try {
    const opened = await new Promise<boolean | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      ws.onopen = () => (clearTimeout(timer), resolve(true));
      ws.onclose = () => (clearTimeout(timer), resolve(false));
      ws.onerror = () => {};
    });
    if (opened === 'timeout') return { ...base, status: 'failed', reason: 'timeout' };
    if (!opened) return { ...base, status: 'failed', reason: 'refused' };
    const connectMs = Math.round(now() - started);
    const sent = now();
    const statusCode = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      ws.onclose = () => (clearTimeout(timer), resolve(null));
      ws.onmessage = ({ data }) => {
        const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
        const status = /^SIP\/2\.0 (\d{3})/.exec(text);
        if (status && text.includes(callId)) {
          clearTimeout(timer);
          resolve(Number(status[1]));
        }
      };
      ws.send(optionsRequest(parsed.host, tls ? 'WSS' : 'WS', callId));
    });
    if (statusCode === null) return { ...base, status: 'warning', reason: 'no-sip-answer', connectMs };
    const rttMs = Math.round(now() - sent);
    // ws:// to another machine: it works, but signalling (and the SDP's keys) travel in clear text.
    const clear = !tls && !LOOPBACK.test(parsed.hostname);
    return { ...base, status: clear ? 'warning' : 'ok', reason: clear ? 'unencrypted' : 'answered', connectMs, rttMs, statusCode };
  } finally {
    ws.onopen = ws.onclose = ws.onmessage = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
  }
}

function optionsRequest(host: string, transport: string, callId: string): string {
  const tag = callId.slice(-10);
  return [
    `OPTIONS sip:${host} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${tag}.invalid;branch=z9hG4bK${tag};rport`,
    'Max-Forwards: 70',
    `To: <sip:${host}>`,
    `From: <sip:preflight@${host}>;tag=${tag}`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
