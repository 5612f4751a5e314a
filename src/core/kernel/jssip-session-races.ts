/**
 * Corrections to JsSIP 3.13's RTCSession (and its UA) for messages that cross or arrive in an
 * order JsSIP does not expect. Each is correct whatever the order the network and a loaded page
 * (which delays timers and promise callbacks) produce; test/core/kernel/session-races.test.ts
 * drives every order. Applied once, by jssip-adapter.ts, the only module that imports JsSIP.
 */

interface Dialog {
  id: { call_id: string; local_tag: string; remote_tag: string };
  /** The CSeq JsSIP gives an ACK (or CANCEL) in this dialog: its last INVITE's, as it numbered it. */
  _outgoing_ack_seqnum: number;
  sendRequest(method: string): void;
  receiveRequest(request: IncomingRequest): void;
  terminate(): void;
}

interface InviteResponse {
  status_code: number;
  call_id: string;
  from_tag: string;
  to_tag: string;
}

interface IncomingRequest {
  method: string;
  call_id: string;
  from_tag: string;
  to_tag?: string;
  hasHeader(name: string): boolean;
  reply(code: number, reason?: string): void;
}

/** The JsSIP internals these corrections touch. */
interface SessionInternals {
  _status: number;
  _direction: string;
  _is_canceled: boolean;
  _is_confirmed: boolean;
  _dialog?: Dialog;
  /** Ours: the 2xx that made the dialog of our outgoing call. */
  _answer?: InviteResponse;
  /** Ours: the dialog each 2xx made (by its To tag): the kept one and those we ended at once. */
  _answered?: Record<string, Dialog>;
  /** Ours: that 2xx, once we ACKed it ahead of JsSIP (which ACKs only after applying its SDP). */
  _ackedAnswer?: InviteResponse;
  /** Ours: requests held until the session can take them (see holdUntilReady). */
  _held?: IncomingRequest[];
  _connection?: RTCPeerConnection;
  /** False while JsSIP makes an offer or answer (until it is sent, after ICE gathering). */
  _rtcReady: boolean;
  receiveRequest(request: IncomingRequest): void;
  _receiveReinvite(request: IncomingRequest): void;
  sendRequest(method: string, options?: { body?: string; eventHandlers?: ReinviteHandlers }): unknown;
  terminate(options?: unknown): void;
  _receiveInviteResponse(response: InviteResponse): void;
  _acceptAndTerminate(response: InviteResponse, status?: number, reason?: string): void;
  _accepted(originator: string, message?: unknown): void;
  _confirmed(originator: string, ack?: unknown): void;
  _failed(originator: string, message: unknown, cause: string): void;
  _handleSessionTimersInIncomingResponse(response: unknown): void;
  _close(): void;
}

/** A re-INVITE's handlers (onReattempt: jssip+3.13.8.patch, whether to send it again after a 491). */
interface ReinviteHandlers {
  onSuccessResponse?(response: { cseq: number }): void;
  onReattempt?(): boolean;
}

interface UAInternals {
  receiveRequest(request: IncomingRequest): void;
  _findDialog(callId: string, fromTag: string, toTag?: string): Dialog | null;
  _findSession(request: IncomingRequest): SessionInternals | null;
}

type Status = 'STATUS_INVITE_SENT' | 'STATUS_1XX_RECEIVED' | 'STATUS_WAITING_FOR_ACK' | 'STATUS_CANCELED' | 'STATUS_TERMINATED' | 'STATUS_CONFIRMED';

/** What of JsSIP's run-time exports these corrections need (its typings list neither class). */
export interface JsSIPClasses {
  RTCSession: { prototype: SessionInternals; C: Record<Status, number> };
  UA: { prototype: unknown };
}

/** Applies every correction below to JsSIP's classes (once). */
export function correctSessionRaces(jssip: JsSIPClasses): void {
  const Session = jssip.RTCSession;
  const ua = jssip.UA.prototype as UAInternals;
  ackAndByeExtraAnswers(Session);
  takeByeWhicheverComesFirst(Session, ua);
  holdRequestsUntilAck(Session);
  ignoreLateAnswerHandling(Session);
  refuseReinvitesCrossingOurOffer(Session);
  ackWithTheAnswersCSeq(Session);
  retryOnlyAnOfferStillPending(Session);
}

const isAnswer = (response: InviteResponse) => response.status_code >= 200 && response.status_code < 300;

/**
 * Two fixes to how JsSIP takes the answers to its INVITE (upstreamable, each in a few lines):
 * - A 2xx that crosses our CANCEL (sent after a 1xx) is dropped by JsSIP, since the session
 *   already ended: the callee then stays in a call nobody ACKed. ACK it and send BYE, as RFC 3261
 *   §15 asks. (JsSIP already does this when the CANCEL waited for the first 1xx.)
 * - A 2xx from a second fork, after the first fork answered: JsSIP makes its dialog but sends
 *   the ACK and BYE on the dialog it keeps, so the kept call dies and the other fork is never
 *   ACKed. Send them on the new fork's own dialog (RFC 3261 §13.2.2.4).
 * Either arrives whenever it arrives: before or after the kept answer's SDP is applied (the kept
 * dialog exists from the moment its 2xx arrives) and before or after the session ended; and a
 * retransmission of any of these 2xx gets its ACK again, on its own dialog.
 */
function ackAndByeExtraAnswers(Session: JsSIPClasses['RTCSession']): void {
  const { STATUS_CANCELED, STATUS_TERMINATED, STATUS_CONFIRMED } = Session.C;
  const receive = Session.prototype._receiveInviteResponse;
  Session.prototype._receiveInviteResponse = function (this: SessionInternals, response) {
    const kept = this._dialog;
    const answer = isAnswer(response);
    const over = answer ? this._answered?.[response.to_tag] : undefined;
    if (over && over !== kept) {
      // A retransmission of a 2xx whose dialog is over (its ACK was slow or lost: a loaded page
      // ACKs the answer only after applying its SDP): ACK it again, and no second BYE.
      over.sendRequest('ACK');
    } else if (answer && kept && kept.id.remote_tag !== response.to_tag) {
      // Dialog's class, from the one we have: JsSIP does not export it.
      const Fork = kept.constructor as new (owner: unknown, response: InviteResponse, type: string) => Dialog & { error?: unknown };
      const fork = new Fork(this, response, 'UAC');
      if (fork.error === undefined) {
        fork.sendRequest('ACK');
        fork.sendRequest('BYE');
        fork.terminate();
        answered(this, response, fork);
      }
    } else if (answer && (this._status === STATUS_CANCELED || this._status === STATUS_TERMINATED) && !this._is_canceled && !kept) {
      this._acceptAndTerminate(response);
      // The dialog it made exists only to send the ACK and the BYE.
      if (this._dialog) answered(this, response, this._dialog);
      this._dialog?.terminate();
      delete this._dialog;
    } else {
      receive.call(this, response);
      if (answer && !kept && this._status === STATUS_CONFIRMED && this._dialog) {
        this._answer = response;
        answered(this, response, this._dialog);
      }
    }
    if (response.status_code >= 200) releaseByes(this, response);
  };
}

/** Remembers the dialog a 2xx made, to ACK that 2xx's retransmissions once the dialog is over. */
function answered(session: SessionInternals, response: InviteResponse, dialog: Dialog): void {
  (session._answered ??= {})[response.to_tag] = dialog;
}

/** Whether our outgoing session still waits for a final answer to its INVITE. */
function awaitsAnswer(session: SessionInternals, C: JsSIPClasses['RTCSession']['C']): boolean {
  return session._direction === 'outgoing' && (session._status === C.STATUS_INVITE_SENT || session._status === C.STATUS_1XX_RECEIVED);
}

/**
 * The callee's BYE right after its 2xx reaches us in any order with that 2xx and our ACK:
 * - BYE before the 2xx (Kamailio takes the two in different UDP worker processes, so a busy
 *   machine can forward the BYE first; any path that reorders them does the same): JsSIP finds
 *   no dialog and answers 481 (or 403 Wrong Status on an early dialog), then takes the 2xx: the
 *   call is shown active with nobody on the other end, until the media timeout. Hold the BYE until the final answer: a 2xx from its sender makes
 *   the dialog and the BYE then ends it (below); anything else answers it 481.
 * - BYE after the 2xx but before our ACK (JsSIP ACKs only once the answer SDP is applied, which
 *   a loaded page delays): JsSIP ends the session and its dialog first, so the ACK is never sent
 *   and the callee retransmits its 200 for 32 s. ACK the 200 before taking the BYE (§13.2.2.4).
 * Our own hang-up in that window (terminate()) sends BYE without ACK too: ACK first as well.
 * Either way the 2xx is ACKed once, the BYE answered 200 once, and the call ends 'bye'.
 */
function takeByeWhicheverComesFirst(Session: JsSIPClasses['RTCSession'], ua: UAInternals): void {
  const C = Session.C;
  const receiveRequest = Session.prototype.receiveRequest;
  Session.prototype.receiveRequest = function (this: SessionInternals, request) {
    if (request.method === 'BYE' && awaitsAnswer(this, C)) return void (this._held ??= []).push(request);
    if (request.method === 'BYE') ackAnswerAhead(this, C);
    receiveRequest.call(this, request);
  };
  const terminate = Session.prototype.terminate;
  Session.prototype.terminate = function (this: SessionInternals, options) {
    ackAnswerAhead(this, C);
    terminate.call(this, options);
  };
  // A BYE whose dialog JsSIP does not know yet: hand it to our session instead of JsSIP's 481.
  const receiveOnUA = ua.receiveRequest;
  ua.receiveRequest = function (this: UAInternals, request) {
    const early = request.method === 'BYE' && !!request.to_tag && !this._findDialog(request.call_id, request.from_tag, request.to_tag);
    const session = early ? this._findSession(request) : null;
    if (!session || !awaitsAnswer(session, C)) return receiveOnUA.call(this, request);
    // JsSIP makes the server transaction (so retransmissions are absorbed), then answers 481.
    const own = request as { reply?: IncomingRequest['reply'] };
    own.reply = (code, reason) => {
      delete own.reply;
      if (code === 481) session.receiveRequest(request);
      else request.reply(code, reason);
    };
    try {
      receiveOnUA.call(this, request);
    } finally {
      delete own.reply;
    }
  };
}

/** ACKs the 2xx of our outgoing call now if JsSIP has not yet (it waits for the SDP to apply). */
function ackAnswerAhead(session: SessionInternals, C: JsSIPClasses['RTCSession']['C']): void {
  const unacked = session._direction === 'outgoing' && session._status === C.STATUS_CONFIRMED && !session._is_confirmed;
  if (!unacked || !session._dialog || !session._answer || session._ackedAnswer) return;
  session._dialog.sendRequest('ACK');
  session._ackedAnswer = session._answer;
}

/** The BYEs held until `response` (a final answer): the 2xx's own BYE ends its dialog, the rest get 481. */
function releaseByes(session: SessionInternals, response: InviteResponse): void {
  const byes = session._held?.filter((r) => r.method === 'BYE') ?? [];
  if (byes.length === 0) return;
  const answer = isAnswer(response);
  // After a 2xx from one fork, BYEs of other forks wait on (those forks may answer yet).
  const released = byes.filter((bye) => !answer || bye.from_tag === response.to_tag);
  session._held = session._held!.filter((r) => !released.includes(r));
  for (const bye of released) {
    const dialog = session._dialog;
    if (answer && dialog?.id.remote_tag === bye.from_tag) dialog.receiveRequest(bye);
    // A 2xx whose dialog we ended at once (it crossed our CANCEL, or another fork won): over.
    else bye.reply(answer ? 200 : 481);
  }
}

/**
 * Requests JsSIP refuses 403 Wrong Status while it waits for the ACK of a 2xx it sent (an answer,
 * or the 200 to a re-INVITE such as the hold before an attended transfer): a REFER, a NOTIFY, or
 * an INVITE with Replaces that overtook that ACK (they travel different paths: the ACK from the
 * other side, a Replaces INVITE from a third party). Hold them until the ACK has been taken;
 * if the session ends first (no ACK: JsSIP ends it after 32 s), answer them 481.
 */
function holdRequestsUntilAck(Session: JsSIPClasses['RTCSession']): void {
  const C = Session.C;
  const receiveRequest = Session.prototype.receiveRequest;
  Session.prototype.receiveRequest = function (this: SessionInternals, request) {
    const waiting = this._status === C.STATUS_WAITING_FOR_ACK;
    const overtaking = request.method === 'REFER' || request.method === 'NOTIFY' || (request.method === 'INVITE' && request.hasHeader('replaces'));
    if (waiting && overtaking) return void (this._held ??= []).push(request);
    receiveRequest.call(this, request);
    if (request.method !== 'ACK' || this._status !== C.STATUS_CONFIRMED) return;
    const later = this._held?.filter((r) => r.method !== 'BYE') ?? [];
    this._held = this._held?.filter((r) => r.method === 'BYE');
    for (const held of later) this.receiveRequest(held);
  };
  const close = Session.prototype._close;
  Session.prototype._close = function (this: SessionInternals) {
    const held = this._held ?? [];
    delete this._held;
    close.call(this);
    for (const request of held) request.reply(481);
  };
}

/**
 * JsSIP applies a 2xx's SDP asynchronously and then announces 'accepted', ACKs and announces
 * 'confirmed' (or, when the SDP fails, ACKs and BYEs on a new dialog and announces 'failed')
 * without looking whether the session ended meanwhile (a BYE, our hang-up): a second ACK and BYE,
 * and 'accepted'/'failed' after 'ended'. Skip what comes after the end.
 */
function ignoreLateAnswerHandling(Session: JsSIPClasses['RTCSession']): void {
  const { STATUS_TERMINATED } = Session.C;
  const proto = Session.prototype;
  for (const name of ['_accepted', '_confirmed', '_handleSessionTimersInIncomingResponse'] as const) {
    const original = proto[name] as (this: SessionInternals, ...args: unknown[]) => void;
    proto[name] = function (this: SessionInternals, ...args: unknown[]) {
      if (this._status !== STATUS_TERMINATED) original.apply(this, args);
    };
  }
  const acceptAndTerminate = proto._acceptAndTerminate;
  proto._acceptAndTerminate = function (this: SessionInternals, response, status, reason) {
    if (response !== this._ackedAnswer) acceptAndTerminate.call(this, response, status, reason);
  };
  const failed = proto._failed;
  proto._failed = function (this: SessionInternals, originator, message, cause) {
    if (this._ackedAnswer === undefined || message !== this._ackedAnswer) failed.call(this, originator, message, cause);
  };
}

/**
 * A re-INVITE that arrives while JsSIP prepares one of ours (its offer made, the INVITE not yet
 * sent while ICE gathers): JsSIP takes it, the browser rolls our offer back to answer it, and our
 * INVITE then goes out with an offer the browser no longer has; its answer fails ('WebRTC Error')
 * and the call ends (seen: two ICE restarts that crossed during an outage, Chromium and Firefox).
 * Answer it 491, as RFC 3261 §14.2 does for an INVITE of ours already sent (JsSIP's dialog does
 * that part): the other side tries again later.
 */
function refuseReinvitesCrossingOurOffer(Session: JsSIPClasses['RTCSession']): void {
  const receiveReinvite = Session.prototype._receiveReinvite;
  Session.prototype._receiveReinvite = function (this: SessionInternals, request) {
    if (this._connection?.signalingState === 'have-local-offer') request.reply(491);
    else receiveReinvite.call(this, request);
  };
}

/**
 * JsSIP sends a re-INVITE refused 491 again by itself, with the next CSeq, but acknowledges its 2xx
 * with the first attempt's CSeq: the other side never matches that ACK, resends its 2xx for 32 s
 * and then ends the call (seen: two ICE restarts crossing after an outage, Chromium and Firefox).
 * An ACK carries the CSeq of the 2xx it acknowledges (RFC 3261 §13.2.2.4).
 */
function ackWithTheAnswersCSeq(Session: JsSIPClasses['RTCSession']): void {
  const sendRequest = Session.prototype.sendRequest;
  Session.prototype.sendRequest = function (this: SessionInternals, method, options) {
    const handlers = options?.eventHandlers;
    const answered = handlers?.onSuccessResponse;
    if (method === 'INVITE' && handlers && answered) {
      handlers.onSuccessResponse = (response) => {
        if (this._dialog) this._dialog._outgoing_ack_seqnum = response.cseq;
        answered(response);
      };
    }
    return sendRequest.call(this, method, options);
  };
}

/**
 * JsSIP sends a re-INVITE refused 491 again after a random wait of up to 4 s (jssip+3.13.8.patch),
 * with the offer it carried. By then the browser may no longer have that offer: rolled back (a
 * recovery's restart given up, or a path that came back by itself) or replaced by a newer one.
 * Its answer then fails ('WebRTC Error') and the call ends (seen: ICE restarts from both sides
 * crossing in a media outage, Chromium and Firefox). Send it again only while its offer (by the
 * SDP's o= line: session id and version) is the one the browser has pending, and JsSIP is not
 * making another.
 */
function retryOnlyAnOfferStillPending(Session: JsSIPClasses['RTCSession']): void {
  const sendRequest = Session.prototype.sendRequest;
  Session.prototype.sendRequest = function (this: SessionInternals, method, options) {
    const handlers = options?.eventHandlers;
    const offer = options?.body;
    if (method === 'INVITE' && handlers && sdpOrigin(offer)) handlers.onReattempt = () => this._rtcReady && isPendingOffer(this._connection, offer);
    return sendRequest.call(this, method, options);
  };
}

/** An SDP's o= line: its session id and version tell one description from another. */
const sdpOrigin = (sdp?: string) => /^o=.*$/m.exec(sdp ?? '')?.[0];

/** Whether the browser has a local offer waiting for its answer: `offer` (an SDP), if given, or any. */
export function isPendingOffer(pc: RTCPeerConnection | null | undefined, offer?: string): pc is RTCPeerConnection {
  return pc?.signalingState === 'have-local-offer' && (!offer || sdpOrigin(offer) === sdpOrigin(pc.localDescription?.sdp));
}
