/**
 * What JsSIP 3.13 would end a call for while its media path is being recovered (ICE restarts by
 * re-INVITE, see calls/call-media-path.ts), and what instead happens then. Each failure below is
 * one a network outage produces; outside a recovery JsSIP's own handling stays.
 *
 * - ICE 'failed' (JsSIP terminates 'RTP Timeout'): Chromium says 'failed' some 20 s into an
 *   outage; a restart through the signalling, once it is back, recovers the path.
 * - A restart that failed: written into a connection that died (transport error), unanswered
 *   (Timer B), answered 408 (a proxy still sending to the other side's old connection, before it
 *   registered again; JsSIP calls onDialogError, without the response) or any other error (JsSIP's
 *   renegotiate() terminates 'WebRTC Error'): its offer is rolled back and the next restart tries
 *   again. A 481 (the other side hung up meanwhile) still ends the call.
 * - A restart unanswered for RESTART_ANSWER_MS is given up: a proxy wrote it into the other side's
 *   old connection, dead but not yet known so. Until Timer B (32 s) JsSIP would refuse the other
 *   side's own restart (491) and start none of its own. Its late outcome is ignored (a late 2xx
 *   only acknowledged).
 * - Restarts that crossed (each refused 491 by the other side): the first to arrive while the
 *   other side's waits to be sent again is taken.
 */
import type { RTCSession } from './jssip-adapter.js';
import { isPendingOffer } from './jssip-session-races.js';

/** How long a restart waits for its final response before it is given up. */
export const RESTART_ANSWER_MS = 4000;

export interface Recovery {
  /** Whether the call's media path is being recovered now. */
  recovering(): boolean;
  /** Whether a media path going down now would be recovered (rather than end the call). */
  recoverable(): boolean;
  /** Rolls back a local offer still waiting for its answer (only `offer`, an SDP, if given). */
  rollBack(offer?: string): void;
  /** How long a restart waits for its final response (default RESTART_ANSWER_MS). */
  answerMs?: number;
}

type Handler = (response?: { status_code: number; cseq?: number }) => void;
const HANDLERS = ['onSuccessResponse', 'onErrorResponse', 'onTransportError', 'onRequestTimeout', 'onDialogError'] as const;
type Handlers = Partial<Record<(typeof HANDLERS)[number], Handler>>;

interface Internals {
  _dialog?: { uac_pending_reply: boolean; sendRequest(method: string): void };
  _connection?: RTCPeerConnection;
  /** False while JsSIP makes an offer or answer (until it is sent). */
  _rtcReady: boolean;
  _receiveReinvite(request: unknown): void;
  onTransportError(): void;
  onRequestTimeout(): void;
  sendRequest(method: string, options?: { body?: string; eventHandlers?: Handlers }): unknown;
  terminate(options?: { cause?: string }): void;
  isEnded(): boolean;
}

export function keepSessionWhileRecovering(session: RTCSession, recovery: Recovery): void {
  const internals = session as unknown as Internals;
  for (const name of ['onTransportError', 'onRequestTimeout'] as const) {
    const original = internals[name];
    internals[name] = () => (recovery.recovering() ? recovery.rollBack() : original.call(session));
  }
  const terminate = internals.terminate;
  internals.terminate = (options) => {
    const cause = options?.cause;
    if (cause === 'RTP Timeout' && recovery.recoverable()) return;
    if (cause === 'WebRTC Error' && recovery.recovering()) return recovery.rollBack();
    terminate.call(session, options);
  };
  // Restarts from both sides that crossed were both refused 491, and each side's offer stays
  // pending while JsSIP waits to send it again: every later restart crossed too (seen: both sides
  // restarting in step every 4 s until the recovery timeout). While ours waits, take theirs, as
  // RFC 3261 §14.1 intends (we are not pending then): roll ours back first (JsSIP then does not
  // send it again: jssip-session-races.ts).
  const receiveReinvite = internals._receiveReinvite;
  internals._receiveReinvite = (request) => {
    const pc = internals._connection;
    const oursWaits = isPendingOffer(pc) && internals._rtcReady && !internals._dialog?.uac_pending_reply;
    if (!recovery.recovering() || !oursWaits) return receiveReinvite.call(session, request);
    const take = () => receiveReinvite.call(session, request);
    pc.setLocalDescription({ type: 'rollback' }).then(take, take);
  };
  const sendRequest = internals.sendRequest;
  internals.sendRequest = (method, options) => {
    const handlers = options?.eventHandlers;
    if (method === 'INVITE' && handlers && recovery.recovering()) guardRestart(internals, handlers, recovery, options.body);
    return sendRequest.call(session, method, options);
  };
}

/** A restart's handlers: a 408 as any other error; no answer in RESTART_ANSWER_MS, given up. */
function guardRestart(session: Internals, handlers: Handlers, recovery: Recovery, offer?: string): void {
  const { onDialogError, onErrorResponse } = handlers;
  if (onDialogError && onErrorResponse) handlers.onDialogError = (response) => (response?.status_code === 408 ? onErrorResponse : onDialogError)(response);
  let givenUp = false;
  const timer = setTimeout(() => {
    if (session.isEnded() || !session._dialog) return;
    givenUp = true;
    session._dialog.uac_pending_reply = false;
    // (A newer offer made meanwhile, after a 491 to this one, is not this restart's to undo.)
    recovery.rollBack(offer);
  }, recovery.answerMs ?? RESTART_ANSWER_MS);
  for (const name of HANDLERS) {
    const handler = handlers[name];
    handlers[name] = (response) => {
      clearTimeout(timer);
      if (!givenUp) return handler?.(response);
      // A late 2xx: acknowledged (with its own CSeq: jssip-session-races.ts sets it before us).
      if (name === 'onSuccessResponse') session._dialog?.sendRequest('ACK');
    };
  }
}
