/**
 * Hooks into a running JsSIP user agent's internals, one purpose each, for what JsSIP does not
 * expose: a call it refused by itself, and a retried INVITE that keeps its dialog identity.
 * (JsSIP itself is imported only by jssip-adapter.ts; these touch the UA it made.)
 */
import type { UA } from './jssip-adapter.js';

/**
 * REGISTER now. JsSIP says 'registered' only when it was not registered before: on a registered
 * user agent (a page that calls register() again, or a fleet refreshing) nobody would hear that
 * the new REGISTER succeeded, so it is made to say so again.
 */
export function registerNow(ua: UA): void {
  const registrator = (ua as unknown as { _registrator?: { _registered: boolean } })._registrator;
  if (registrator) registrator._registered = false;
  ua.register();
}

/** Who called, as an INVITE's From says. */
export interface Caller {
  uri: string;
  displayName: string;
  callId: string;
}

/**
 * In a browser without RTCPeerConnection JsSIP answers every new INVITE 488 Not Acceptable Here
 * itself (UA.receiveRequest) and tells nobody: `refused` hears of each such call after JsSIP's
 * answer, so that it can show as missed.
 */
export function onInviteRefusedWithoutWebRTC(ua: UA, refused: (caller: Caller) => void): void {
  type Request = {
    method: string;
    to_tag?: string;
    call_id: string;
    from?: { uri: { toString(): string }; display_name?: string };
    reply(code: number, ...rest: unknown[]): void;
  };
  const internals = ua as unknown as { receiveRequest(request: Request): void };
  const receive = internals.receiveRequest.bind(ua);
  internals.receiveRequest = (request) => {
    if (request.method !== 'INVITE' || request.to_tag || typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function')
      return receive(request);
    const reply = request.reply.bind(request);
    let status = 0;
    request.reply = (code, ...rest) => {
      if (code >= 200) status ||= code;
      reply(code, ...rest);
    };
    receive(request);
    if (status === 488) refused({ uri: request.from?.uri.toString() ?? '', displayName: request.from?.display_name ?? '', callId: request.call_id });
  };
}

/** The dialog identity of an INVITE that was refused, for a retry that keeps it (RFC 3261 §8.1.3.5). */
export interface DialogIdentity {
  callId: string;
  fromTag: string;
  /** The CSeq number the retry takes (the refused one's plus one). */
  cseq: number;
}

/**
 * Makes the INVITE of the next call placed on `ua` (ua.call() must follow at once) keep
 * `identity`: its Call-ID and From tag, and the next CSeq. JsSIP gives every INVITE a new Call-ID
 * and tag; it builds the request and files the session under them synchronously inside ua.call()
 * and announces it (newRTCSession) before sending anything: both are rewritten at that moment.
 */
export function reuseDialogIdentity(ua: UA, identity: DialogIdentity): void {
  type Request = { call_id: string; cseq: number; from: { setParam(name: string, value: string): void }; setHeader(name: string, value: string): void };
  type Announced = { originator: string; session: { _id: string; _from_tag: string }; request: Request };
  const sessions = (ua as unknown as { _sessions: Record<string, unknown> })._sessions;
  const rewrite = ({ originator, session, request }: Announced) => {
    if (originator !== 'local') return;
    ua.off('newRTCSession', rewrite as never);
    delete sessions[session._id];
    request.call_id = identity.callId;
    request.setHeader('call-id', identity.callId);
    request.cseq = identity.cseq;
    request.setHeader('cseq', `${identity.cseq} INVITE`);
    request.from.setParam('tag', identity.fromTag);
    request.setHeader('from', request.from.toString());
    session._from_tag = identity.fromTag;
    session._id = identity.callId + identity.fromTag;
    sessions[session._id] = session;
  };
  ua.on('newRTCSession', rewrite as never);
}
