/**
 * The only module that imports JsSIP. It builds a JsSIP UA from a validated PhoneConfig, with
 * our FailoverSocket as its one socket (so the network edge stays injectable and reconnection
 * follows our policy).
 */
import * as JsSIPModule from 'jssip';
import type { UA } from 'jssip/lib/UA.js';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { PhoneConfig } from './config.js';
import { FailoverSocket, JSSIP_RECOVERY_MS, type FailoverSocketHooks } from '../connection/failover-socket.js';
import type { SipSocketOptions } from '../connection/sip-socket.js';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from '../connection/reconnect-policy.js';
import { correctSessionRaces, type JsSIPClasses } from './jssip-session-races.js';
import { sendNewIceGenerationsWithCandidates } from './jssip-ice-generation.js';

export type { UA, RTCSession };
export type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent, RTCSessionEvent, IncomingMessageEvent, OutgoingMessageEvent } from 'jssip/lib/UA.js';
export type { EndEvent, IceCandidateEvent, PeerConnectionEvent } from 'jssip/lib/RTCSession.js';

// JsSIP is CommonJS; some converters expose it only as the default export.
const JsSIP = ((JsSIPModule as unknown as { default?: typeof JsSIPModule }).default ?? JsSIPModule) as typeof JsSIPModule;

export interface UserAgentOptions {
  /** The stable `+sip.instance` UUID of this browser profile (RFC 5626). */
  instanceId: string;
  userAgent?: string;
  /** Read by the sockets at each connection (so later changes apply from the next one). */
  socket: SipSocketOptions;
  hooks?: FailoverSocketHooks;
  /** Changes to the reconnection backoff (reconnect-policy.ts). */
  reconnectPolicy?: Partial<ReconnectPolicy>;
  /** Which of the servers to prefer, as a fraction in [0, 1) of the list (0: the first). */
  serverChoice?: number;
}

// JsSIP logs through the `debug` package: silent unless a page enables it (and the bundle
// replaces it with a stub that never logs).
export function createUserAgent(config: PhoneConfig, options: UserAgentOptions): { ua: UA; socket: FailoverSocket } {
  const start = Math.floor((options.serverChoice ?? 0) * config.servers.length);
  const socket = new FailoverSocket(config.servers, options.socket, options.hooks, { ...DEFAULT_RECONNECT_POLICY, ...options.reconnectPolicy }, start);
  const ua = new JsSIP.UA({
    sockets: socket as unknown as JsSIPModule.Socket,
    uri: config.uri,
    display_name: config.displayName || undefined,
    authorization_user: config.authorizationUser,
    password: config.password,
    register: false,
    // JsSIP refreshes at a uniformly random point in [expires/2, expires − 32 s] when expires > 64
    // (Registrator.js), so a fleet registered together refreshes spread over that window already.
    register_expires: config.registerExpires,
    instance_id: options.instanceId,
    user_agent: options.userAgent ?? 'sip-phone',
    // JsSIP's recovery timer fires after exactly 1 s; FailoverSocket adds the rest of the backoff.
    connection_recovery_min_interval: JSSIP_RECOVERY_MS / 1000,
    connection_recovery_max_interval: JSSIP_RECOVERY_MS / 1000,
  });
  return { ua, socket };
}

/**
 * The password and HA1 the UA holds now: the configured ones, or, while JsSIP answers a challenge,
 * what a credentials function gave (see awaitCredentialsOnChallenge): blanked in the SIP trace.
 */
export function credentialsInUse(ua: UA): (string | null)[] {
  const { password, ha1 } = (ua as unknown as { _configuration: { password: string | null; ha1: string | null } })._configuration;
  return [password, ha1];
}

/** Connects now if JsSIP's transport is down, instead of at its 1 s recovery timer. */
export function connectNow(ua: UA): void {
  (ua as unknown as { _transport?: { connect(): void } })._transport?.connect();
}

/** The JsSIP internals our behaviour fixes below touch (JsSIP 3.13's RTCSession). */
interface RTCSessionInternals {
  _status: number;
}

/** What a hold, resume or renegotiation hands JsSIP's re-INVITE (JsSIP 3.13). */
interface ReofferOptions {
  eventHandlers?: { succeeded?(response: unknown): void; failed?(response?: { status_code: number }): void };
}

// JsSIP exports the RTCSession class at run time; its typings do not list it.
const Session = (
  JsSIP as unknown as {
    RTCSession: { prototype: RTCSessionInternals };
  }
).RTCSession;

// Messages that cross (a BYE and the 2xx it follows, a 2xx and our CANCEL, two forks' 2xx, a
// REFER and the ACK of a re-INVITE): jssip-session-races.ts.
correctSessionRaces(JsSIP as unknown as JsSIPClasses);
// An ICE restart's answer, sent before its candidates (Firefox, Chromium): jssip-ice-generation.ts.
sendNewIceGenerationsWithCandidates(Session);

/**
 * After its first successful digest, JsSIP keeps only the HA1 of that realm and deletes the
 * password (UA.set('ha1')), so a 401/407 from another realm (a PBX behind the proxy) can no longer
 * be answered and the call fails `authentication-error`. Keep the password in memory (where the
 * page's configuration has it anyway) so that every realm can be answered (RFC 3261 §22.3).
 */
function answerEveryRealm(): void {
  type Internals = { _configuration: { password: string | null }; set(parameter: string, value: unknown): boolean };
  const proto = JsSIP.UA.prototype as unknown as Internals;
  const set = proto.set;
  proto.set = function (this: Internals, parameter, value) {
    const { password } = this._configuration;
    const done = set.call(this, parameter, value);
    if (parameter === 'ha1') this._configuration.password = password;
    return done;
  };
}
answerEveryRealm();

/**
 * A re-INVITE the other side refuses (491 after every retry, 488, 500…) makes JsSIP end the call
 * ('Hold Failed'), where RFC 3261 §14.1 says the session goes on as it was. Roll our offer back,
 * undo the hold or resume JsSIP already announced, and tell the call: 'reofferfailed' with the
 * response. An offer we could not make, a gone dialog (481) or no answer (408) still end it.
 */
function keepSessionWhenReofferRefused(): void {
  type ReofferSession = RTCSessionInternals & {
    _localHold: boolean;
    _undoReoffer?: () => void;
    _connection: RTCPeerConnection;
    _connectionPromiseQueue: Promise<unknown>;
    _sendReinvite(options?: ReofferOptions): void;
    _sendUpdate(options?: ReofferOptions): void;
    _sessionTimers: { refreshMethod: string };
    emit(event: string, data: unknown): void;
  } & Record<string, (...args: unknown[]) => unknown>;
  const proto = Session.prototype as ReofferSession;
  const sendReinvite = proto._sendReinvite;
  proto._sendReinvite = function (this: ReofferSession, options = {}) {
    const handlers = options.eventHandlers ?? {};
    const undo = this._undoReoffer;
    const failed = handlers.failed;
    // Without a failure handler it is a session refresh (RFC 4028: 408/481 end the call in JsSIP).
    if (!failed) return sendReinvite.call(this, options);
    sendReinvite.call(this, {
      ...options,
      eventHandlers: {
        ...handlers,
        failed: (response) => {
          if (!response || response.status_code === 481) return failed(response);
          this._connectionPromiseQueue = this._connectionPromiseQueue.then(() => this._connection.setLocalDescription({ type: 'rollback' })).catch(() => {});
          undo?.();
          this.emit('reofferfailed', response);
        },
      },
    });
  };
  // A peer that allows UPDATE may still refuse it as a refresh (SIP.js 0.21: 405), after which
  // JsSIP never refreshes again: refresh with a re-INVITE then, and from then on (RFC 4028 §7.4).
  const sendUpdate = proto._sendUpdate;
  proto._sendUpdate = function (this: ReofferSession, options = {}) {
    if (options.eventHandlers?.failed) return sendUpdate.call(this, options);
    sendUpdate.call(this, {
      ...options,
      eventHandlers: {
        failed: (response) => {
          if (response?.status_code !== 405 && response?.status_code !== 501) return;
          this._sessionTimers.refreshMethod = 'INVITE';
          this._sendReinvite();
        },
      },
    });
  };
  // hold() and unhold() flip the hold state and announce it before they send: keep the way back.
  for (const [name, back] of [
    ['hold', '_onunhold'],
    ['unhold', '_onhold'],
  ]) {
    const original = proto[name];
    proto[name] = function (this: ReofferSession, ...args: unknown[]) {
      this._undoReoffer = () => {
        this._localHold = name === 'unhold';
        this[back]('local');
      };
      const started = original.apply(this, args);
      delete this._undoReoffer;
      return started;
    };
  }
}
keepSessionWhenReofferRefused();

/** A digest challenge (401/407) to one of our requests, as a ChallengeHandler sees it. */
export interface DigestChallenge {
  realm: string;
  /** The challenged request's method ('REGISTER', 'INVITE'…). */
  method: string;
  /** Whether the server said our credentials were right but its nonce expired. */
  stale: boolean;
}

/**
 * Credentials for one digest: the password, or HA1 = MD5(user:realm:password) for the challenge's
 * realm; with `username`, the digest is made with that user name instead of the configured one
 * (ephemeral credentials: `<expiry>:<user>` and a password the backend derived from it).
 */
export type DigestCredentials = ({ password: string } | { ha1: string }) & { username?: string };

/**
 * Supplies the credentials of a challenge: undefined leaves it to the UA's configured password;
 * a promise of null gives up (JsSIP then fails the request with the 401/407). Must not reject.
 */
export type ChallengeHandler = (challenge: DigestChallenge) => Promise<DigestCredentials | null> | undefined;

const challengeHandlers = new WeakMap<object, ChallengeHandler>();

/** Makes `handler` supply the credentials of every digest challenge this UA's requests get. */
export function answerChallengesWith(ua: UA, handler: ChallengeHandler): void {
  challengeHandlers.set(ua, handler);
}

/**
 * JsSIP answers a 401/407 at once (RequestSender._receiveResponse) with the password or HA1 of its
 * configuration, so credentials must be there before the challenge. For credentials fetched when
 * needed: hold each challenge on its way from the transaction to the RequestSender, await the
 * handler's credentials, put them in the configuration just while JsSIP computes its digest, and
 * let its own handling continue (JsSIP exports neither class: every client transaction passes
 * through UA.newTransaction). A challenge to a request that already carried credentials is left
 * to JsSIP (a refusal), unless stale.
 */
function awaitCredentialsOnChallenge(): void {
  type Config = { password: string | null; ha1: string | null; realm: string | null; authorization_user: string };
  type Response = { status_code: number; parseHeader(name: string): { realm?: string; stale?: boolean } | undefined };
  type Transaction = { request?: { method: string; hasHeader(name: string): boolean }; eventHandlers?: { onReceiveResponse?(response: Response): void } };
  type Internals = { _configuration: Config; newTransaction(transaction: Transaction): void };
  const proto = JsSIP.UA.prototype as unknown as Internals;
  const newTransaction = proto.newTransaction;
  proto.newTransaction = function (this: Internals, transaction) {
    const handler = challengeHandlers.get(this);
    const handlers = transaction.eventHandlers;
    const receive = handlers?.onReceiveResponse;
    const request = transaction.request;
    if (handler && handlers && receive && request) {
      handlers.onReceiveResponse = (response) => {
        const proxy = response.status_code === 407;
        if (response.status_code !== 401 && !proxy) return receive(response);
        const challenge = response.parseHeader(proxy ? 'proxy-authenticate' : 'www-authenticate');
        const answered = request.hasHeader(proxy ? 'proxy-authorization' : 'authorization');
        if (!challenge?.realm || (answered && challenge.stale !== true)) return receive(response);
        const pending = handler({ realm: challenge.realm, method: request.method, stale: challenge.stale === true });
        if (!pending) return receive(response);
        const config = this._configuration;
        void pending
          .catch(() => null)
          .then((credentials) => {
            config.password = credentials && 'password' in credentials ? credentials.password : null;
            config.ha1 = credentials && 'ha1' in credentials ? credentials.ha1 : null;
            config.realm = challenge.realm ?? null;
            const user = config.authorization_user;
            if (credentials?.username) config.authorization_user = credentials.username;
            try {
              receive(response);
            } finally {
              // JsSIP has made its Authorization header (or given up): keep nothing.
              config.password = null;
              config.ha1 = null;
              config.authorization_user = user;
            }
          });
      };
    }
    newTransaction.call(this, transaction);
  };
}
awaitCredentialsOnChallenge();

/** A subscription (RFC 6665) held by JsSIP's Subscriber, which refreshes it before it expires. */
export interface Subscription {
  /** Ends it with SUBSCRIBE Expires: 0 (or just locally, when the connection is gone). */
  end(): void;
}

/**
 * Subscribes to `event` of `target`: `onNotify` gets each NOTIFY's body ('' without one), `onEnd` says the
 * subscription ended without end(): `refused` when the server answered the SUBSCRIBE with an
 * error (e.g. 489 Bad Event), otherwise it timed out or the server ended it (a final NOTIFY).
 */
export function subscribe(
  ua: UA,
  target: string,
  event: string,
  accept: string,
  expires: number,
  onNotify: (body: string) => void,
  onEnd: (refused: boolean) => void,
): Subscription {
  const subscriber = ua.subscribe(target, event, accept, { expires });
  const { SUBSCRIBE_NON_OK_RESPONSE, SUBSCRIBE_AUTHENTICATION_FAILED } = subscriber.C;
  let ending = false;
  let over = false;
  subscriber.on('notify', (_final, _request, body) => onNotify(body ?? ''));
  // JsSIP emits 'notify' only for a NOTIFY with a body; one without says "nothing to report"
  // (e.g. a presence server with nothing published for the user): that is news too.
  const internals = subscriber as unknown as { receiveRequest(request: { method: string; body?: string }): void };
  const receive = internals.receiveRequest.bind(subscriber);
  internals.receiveRequest = (request) => {
    receive(request);
    if (request.method === 'NOTIFY' && !request.body && !over) onNotify('');
  };
  subscriber.on('terminated', (code) => {
    over = true;
    if (!ending) onEnd(code === SUBSCRIBE_NON_OK_RESPONSE || code === SUBSCRIBE_AUTHENTICATION_FAILED);
  });
  subscriber.subscribe();
  return {
    end: () => {
      ending = true;
      // JsSIP keeps its refresh timer after terminate() and re-arms it when the 200 to Expires: 0
      // comes (it takes Expires: 0 as missing: 900 s): an ended subscription refreshes nothing.
      const internals = subscriber as unknown as { _expires_timer?: ReturnType<typeof setTimeout>; _scheduleSubscribe(): void };
      clearTimeout(internals._expires_timer);
      internals._scheduleSubscribe = () => {};
      subscriber.terminate();
    },
  };
}

/** NOTIFYs of `event` outside any subscription (JsSIP answers them 200 and emits 'sipEvent'). */
export function onUnsolicitedNotify(ua: UA, event: string, onNotify: (body: string) => void): void {
  ua.on('sipEvent', ({ event: header, request }) => {
    if ((header as { event?: string } | undefined)?.event === event && request.body) onNotify(request.body);
  });
}

/**
 * Sends a request of `method` that JsSIP has no sender for (PUBLISH) through its MESSAGE sender, a
 * plain non-INVITE request with digest authentication: the method is swapped in JsSIP's constants
 * while the request and its sender are made (synchronously, inside sendMessage()) and swapped back.
 */
export function sendOtherRequest(ua: UA, method: string, target: string, body: string, options: Parameters<UA['sendMessage']>[2]): void {
  const constants = JsSIP.C as { MESSAGE: string };
  const saved = constants.MESSAGE;
  constants.MESSAGE = method;
  try {
    ua.sendMessage(target, body, options);
  } finally {
    constants.MESSAGE = saved;
  }
}
