import { Calls, DEFAULT_RECOVERY_TIMEOUT, type CallRequest, type CallSettings } from './calls/calls.js';
import { CallKeeper } from './calls/call-resume.js';
import { parseCodecs } from './media/codec-preferences.js';
import type { Call, CallInfo, DtmfTransport } from './calls/call.js';
import { requireConfig, type PhoneConfig } from './kernel/config.js';
import { toPhoneError, type PhoneError } from './kernel/errors.js';
import { IceServerProbe, type IceProbeOptions } from './media/ice-probe.js';
import { MediaAcquisition } from './media/media-acquisition.js';
import { Emitter } from './kernel/emitter.js';
import type { FailoverSocket } from './connection/failover-socket.js';
import { connectNow, createUserAgent, credentialsInUse, type UA } from './kernel/jssip-adapter.js';
import { SipTrace, type SipTraceEntry } from './trace/sip-trace.js';
import type { CredentialsFunction } from './connection/credentials.js';
import { Registration, type RegistrationState } from './connection/registration.js';
import { lostConnectionCause, type SipSocketOptions } from './connection/sip-socket.js';
import type { ReconnectPolicy } from './connection/reconnect-policy.js';
import { loadBrowserShims } from './media/browser-shims.js';
import { Voicemail, type SubscriptionHolder, type VoicemailStatus } from './presence/voicemail.js';
import { OwnAvailability, type Availability } from './presence/availability.js';

export { DEFAULT_MEDIA_TIMEOUT } from './calls/calls.js';
export type { RegistrationState } from './connection/registration.js';

/** Where a lost connection stands: shown as the offline banner. */
export interface ReconnectStatus {
  server: string;
  cause: string;
  /** When the next attempt starts (ms since the epoch). */
  retryAt: number;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

import type { PhoneEvents } from './phone-events.js';
export type { PhoneEvents };

export interface PhoneOptions extends SipSocketOptions {
  /** Stable per-profile `+sip.instance` URN; generated if absent. */
  instanceId?: string;
  /** Longest wait for ICE candidates before an offer/answer is sent, in ms. */
  iceGatheringTimeout?: number;
  /** A call whose media path does not connect this long (ms) after it became active ends with 'media-timeout'. */
  mediaTimeout?: number;
  /** How long (ms, default 30000) a call whose media path went down is recovered before it ends 'media-timeout'; 0: at once. */
  callRecoveryTimeout?: number;
  /** Milliseconds between `call-stats` reports (default 2000; 0: none). */
  statsInterval?: number;
  /** Screen capture; defaults to navigator.mediaDevices.getDisplayMedia. */
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  /** Media access; defaults to navigator.mediaDevices.getUserMedia. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** How the STUN/TURN servers are probed ahead of calls (tests inject a peer connection). */
  iceProbe?: IceProbeOptions;
  /**
   * Whether media may be used without a prompt (default: the Permissions API). Then a call's
   * offer or answer goes out while the camera and microphone start, not after.
   */
  mediaGranted?: (video: boolean) => boolean;
  /** Changes to how reconnection backs off (defaults in reconnect-policy.ts; the fleet benchmark tries other spreads). */
  reconnectPolicy?: Partial<ReconnectPolicy>;
  /** Which of several servers to prefer, a fraction in [0, 1) of the list (0: the first; see tabServerChoice()). */
  serverChoice?: number;
}

/** How the phone's parts emit its events. */
export type PhoneEmit = <K extends keyof PhoneEvents>(name: K, detail: PhoneEvents[K]) => void;

/**
 * A DOM-free SIP phone: owns the JsSIP user agent's lifecycle and the connection state, and
 * composes the capabilities that take each user agent it starts: the registration, the calls,
 * their media, and features beside them (voicemail here; messages and busy lamps plug in with
 * onUserAgent() and addSubscriptions()). Methods validate first and reject with a PhoneError
 * before anything is sent.
 */
export class Phone extends Emitter<PhoneEvents> implements CallSettings {
  connectionState: ConnectionState = 'disconnected';
  // How calls are taken: the page sets these; CallSettings (calls/calls.ts) says what each means.
  autoAnswer = false;
  maxCalls = 2;
  acceptTransfers = true;
  /** Whether a reload of the page takes the call in progress back (see keepCallsIn()). */
  resumeCalls = true;
  followRedirects = true;
  dtmfTransport: DtmfTransport = 'rfc4733';
  intercom = false;
  dnd = false;
  private codecNames = '';
  /** Asked for the password or HA1 at every digest challenge instead of the configured password (see credentials.ts). */
  credentials: CredentialsFunction | null = null;
  /** Set while the phone wants a connection it does not have. */
  reconnect: ReconnectStatus | null = null;
  /** Read when the user agent starts: change before register() to take effect. */
  readonly options: PhoneOptions;
  private config: PhoneConfig | null = null;
  private ua: UA | null = null;
  private socket: FailoverSocket | null = null;
  /** When the page last woke up (see wake()). */
  private wokeAt = 0;
  private readonly iceProbe: IceServerProbe;
  private readonly emitEvent: PhoneEmit = (name, detail) => this.emit(name, detail);
  private readonly registration = new Registration(this, this.emitEvent, (ua, config) => {
    for (const holder of this.subscriptions) holder.subscribe(ua, config);
  });
  /** Camera, microphone and screen: selectDevices(), shareScreen(), stopScreenShare() (media-acquisition.ts). */
  readonly media: MediaAcquisition;
  private readonly calling: Calls;
  /** Features beside calls (messages.ts) that take each new user agent. */
  private readonly userAgentListeners: ((ua: UA, config: PhoneConfig) => void)[] = [];
  private readonly mailbox = new Voicemail((voicemail) => {
    this.emit('voicemail', { voicemail });
    this.emit('change', undefined);
  });
  /** The SIP sent and received: the last messages always, each one as `trace` events while `trace` is on. */
  private readonly sipTrace = new SipTrace(() => [this.config?.password, ...(this.ua ? credentialsInUse(this.ua) : [])]);
  /** Our availability, published while registered (availability.ts). */
  private readonly ownAvailability = new OwnAvailability();
  /** Features holding subscriptions or publications (voicemail, availability; busy lamps when the page watches someone). */
  private readonly subscriptions: SubscriptionHolder[] = [this.mailbox, this.ownAvailability];

  constructor(options: PhoneOptions = {}) {
    super();
    this.options = options;
    this.iceProbe = new IceServerProbe(options.iceProbe);
    this.media = new MediaAcquisition(options, {
      calls: () => this.calling.live(),
      activeCall: (callId) => this.calling.require(callId, 'active'),
      videoChanged: (call) => this.calling.updated(call, 'video'),
      error: (error) => this.emit('error', { code: error.code, message: error.message }),
    });
    this.calling = new Calls({
      settings: this,
      emit: this.emitEvent,
      options,
      iceProbe: this.iceProbe,
      media: this.media,
      config: () => this.config,
      userAgent: () => this.ua,
      registered: () => this.registration.state === 'registered',
      connected: () => this.connectionState === 'connected',
      connectionInDoubt: () => this.socket?.awaitingPong() ?? false,
      mediaLost: () => (this.connectionState === 'connected' ? this.socket?.checkNow() : this.reconnectNow()),
    });
  }

  /** Audio codecs in order of preference, e.g. "opus PCMU" (see codec-preferences.ts); set, an unknown name throws 'invalid-option' (kept all the same). */
  get codecs(): string {
    return this.codecNames;
  }
  set codecs(names: string) {
    this.codecNames = names;
    parseCodecs(names);
  }

  get configured(): boolean {
    return this.config !== null;
  }

  get registrationState(): RegistrationState {
    return this.registration.state;
  }

  /** Hands each user agent the phone starts (and the current one) to `listener`, before it connects. */
  onUserAgent(listener: (ua: UA, config: PhoneConfig) => void): void {
    this.userAgentListeners.push(listener);
    if (this.ua && this.config) listener(this.ua, this.config);
  }

  /** Adds a feature that holds subscriptions; it subscribes at once when the phone is registered. */
  addSubscriptions(holder: SubscriptionHolder): void {
    this.subscriptions.push(holder);
    if (this.ua && this.config && this.registrationState === 'registered') holder.subscribe(this.ua, this.config);
  }

  /** Whether every SIP message is reported as a `trace` event (no event objects are made while off). */
  get trace(): boolean {
    return this.sipTrace.listener !== null;
  }
  set trace(on: boolean) {
    if (on !== this.trace) this.sipTrace.listener = on ? (entry) => this.emit('trace', entry) : null;
  }

  /** The last SIP messages sent and received (credentials blanked), oldest first, kept whether `trace` is on or not. */
  get recentSipMessages(): SipTraceEntry[] {
    return this.sipTrace.entries();
  }

  /** What our message summary says (nothing waiting until a NOTIFY says otherwise). */
  get voicemail(): VoicemailStatus {
    return this.mailbox.status;
  }

  /** What we publish to colleagues: 'available' until set otherwise. */
  get availability(): Availability {
    return this.ownAvailability.availability;
  }

  /** Publishes our availability while registered; a value other than the four throws 'invalid-option'. */
  setAvailability(value: Availability): void {
    this.ownAvailability.set(value);
  }

  /** Live calls, oldest first. */
  get calls(): CallInfo[] {
    return [...this.calling.live()].map((call) => call.info);
  }

  /** The newest call that has not ended, or null. */
  get activeCall(): CallInfo | null {
    return this.calling.get()?.info ?? null;
  }

  /** The Call object behind an id, for views that need its streams. */
  getCall(id?: string): Call | undefined {
    return this.calling.get(id);
  }

  /**
   * Sets a new configuration. ICE servers and the ICE transport policy apply to the next call;
   * any other change restarts a running user agent, registering again if it was registered.
   */
  configure(config: PhoneConfig): void {
    const signalling = (c: PhoneConfig | null) => JSON.stringify(c && { ...c, iceServers: undefined, iceTransportPolicy: undefined });
    const restart = this.ua !== null && signalling(config) !== signalling(this.config);
    const wasRegistered = this.registrationState === 'registered' || this.registrationState === 'registering';
    // A register() under way is carried over to the new configuration, not failed.
    const pending = this.registration.takePending();
    if (restart) this.stop();
    this.config = config;
    this.iceProbe.refresh(config.iceServers);
    // (A failure is handled here even with nobody waiting: events already report it.)
    if (restart && wasRegistered) this.register().then(pending?.resolve, (error) => pending?.reject(error));
    else this.registration.restorePending(pending);
  }

  /** Connects (if needed) and registers; resolves once registered. */
  register(): Promise<void> {
    void loadBrowserShims();
    return this.registration.register(this.start());
  }

  /** Unregisters and disconnects; calls in progress end. */
  async unregister(): Promise<void> {
    const ua = this.ua;
    if (!ua) return;
    if (this.registrationState === 'registered' && ua.isConnected()) {
      await this.registration.unregister(ua, () => {
        for (const holder of this.subscriptions) holder.drop();
      });
    }
    this.stop();
  }

  /** Places a call; resolves to its id once the INVITE is under way. */
  call(target: string, options: CallRequest = {}): Promise<string> {
    return this.calling.call(target, options);
  }

  /** Answers an incoming call (the newest one by default). */
  answer(callId?: string, options: CallRequest = {}): Promise<void> {
    return this.calling.answer(callId, options);
  }

  /** Puts a call on hold (re-INVITE with a=sendonly); nothing is sent while held. */
  hold(callId?: string): Promise<void> {
    return this.calling.hold(callId);
  }

  unhold(callId?: string): Promise<void> {
    return this.calling.unhold(callId);
  }

  /** Mutes our microphone (or camera) on a call: the track is disabled, nothing renegotiated. */
  mute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    return this.calling.mute(kind, true, callId);
  }

  unmute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    return this.calling.mute(kind, false, callId);
  }

  /** Sends DTMF tones (0-9 * # A-D and ',' for a pause). */
  sendDtmf(tones: string, callId?: string): Promise<void> {
    return this.calling.sendDtmf(tones, callId);
  }

  /** Blind transfer (REFER): the call ends with cause 'transferred' once the target answers. */
  transfer(target: string, callId?: string, options: CallRequest = {}): Promise<void> {
    return this.calling.transfer(target, callId, options);
  }

  /** Attended transfer: the other side of `callId` is connected to the other side of `otherCallId` (REFER with Replaces). */
  attendedTransfer(callId: string, otherCallId: string): Promise<void> {
    return this.calling.attendedTransfer(callId, otherCallId);
  }

  /** Declines an incoming call with 603 Decline. */
  reject(callId?: string, options: CallRequest = {}): Promise<void> {
    return this.calling.reject(callId, options);
  }

  /** Hangs up (or cancels) a call. */
  hangup(callId?: string, options: CallRequest = {}): Promise<void> {
    return this.calling.hangup(callId, options);
  }

  /** Sends a ringing call to `target` (302 Moved Temporarily); it ends 'redirected'. */
  redirect(callId: string | undefined, target: string): Promise<void> {
    return this.calling.redirect(callId, target);
  }

  /** Stops a call ringing here without answering it (the caller rings on). */
  ignore(callId?: string): Promise<void> {
    return this.calling.ignore(callId);
  }

  /**
   * Keeps the call in progress in `store` (the tab's sessionStorage) for a reload of this tab to
   * take back (call-resume.ts), while `resumeCalls` is true; `page` says when the page goes away.
   */
  keepCallsIn(store: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null, page: Pick<EventTarget, 'addEventListener'>): void {
    const media = { get: (video: boolean) => this.media.getMedia(video), failed: (e: PhoneError) => this.emit('error', { code: e.code, message: e.message }) };
    const keeper = new CallKeeper(store, page, () => this.resumeCalls);
    keeper.follow(this, this.calling, media, () => this.options.callRecoveryTimeout ?? DEFAULT_RECOVERY_TIMEOUT);
  }

  /** Reconnects at once if the phone is waiting to reconnect ("Reconnect now", browser back online). */
  reconnectNow(): void {
    if (!this.socket || this.connectionState !== 'disconnected') return;
    if (this.reconnect) this.reconnect = { ...this.reconnect, retryAt: Date.now() };
    this.socket.reconnectNow();
    if (this.ua) connectNow(this.ua);
    this.emit('change', undefined);
  }

  /**
   * The page is awake again (visible, resumed from a freeze, back from the back/forward cache):
   * its timers may have slept. Check the connection now (a keep-alive round trip: a dead one is
   * then reported and reconnected as usual), reconnect at once if it is down, and REGISTER again
   * if the registration may have lapsed meanwhile.
   */
  wake(): void {
    this.wokeAt = Date.now();
    if (this.connectionState === 'disconnected') return this.reconnectNow();
    this.socket?.checkNow();
    this.registration.refreshIfLapsing(this.ua);
  }

  /**
   * The device's network came back (the browser's `online` event): reconnect now, and restart
   * ICE on calls whose media path is down.
   */
  networkOnline(): void {
    this.reconnectNow();
    if (this.config) this.iceProbe.refresh(this.config.iceServers, true);
    this.calling.restartIceIfDown();
  }

  /** Ends every call, stops the user agent and forgets pending work. */
  stop(): void {
    this.calling.abandonAll();
    this.iceProbe.stop();
    // While still connected, subscriptions end with Expires: 0.
    for (const holder of this.subscriptions) holder.reset();
    const ua = this.ua;
    this.ua = null;
    this.socket = null;
    this.reconnect = null;
    if (ua) {
      ua.removeAllListeners();
      ua.stop();
    }
    this.registration.stop();
    this.setConnection('disconnected');
  }

  /** The running user agent, or a new one: each capability takes it before it connects. */
  private start(): UA {
    const config = requireConfig(this.config);
    if (this.ua) return this.ua;
    let ua: UA;
    let socket: FailoverSocket;
    try {
      ({ ua, socket } = createUserAgent(config, {
        instanceId: this.options.instanceId ?? crypto.randomUUID(),
        socket: this.options,
        reconnectPolicy: this.options.reconnectPolicy,
        serverChoice: this.options.serverChoice,
        hooks: {
          // Every real attempt (JsSIP's own 'connecting' fires before our backoff wait).
          attempt: (server) => {
            if (this.ua !== ua) return;
            this.setConnection('connecting');
            this.emit('connecting', { server });
          },
          urgent: () => this.recovering(),
          message: (direction, data) => this.sipTrace.record(direction, data),
        },
      }));
    } catch (error) {
      throw toPhoneError(error, 'invalid-server');
    }
    this.ua = ua;
    this.socket = socket;
    this.mailbox.attach(ua);
    ua.on('connected', (e) => {
      this.reconnect = null;
      this.setConnection('connected');
      this.emit('connected', { server: e.socket.url });
      this.registration.connected(ua);
    });
    ua.on('disconnected', (e) => {
      const wasConnected = this.connectionState === 'connected';
      const reconnecting = this.ua === ua;
      const cause = lostConnectionCause(e.code, e.reason);
      const retryInMs = socket.nextRetryInMs;
      this.reconnect = reconnecting ? { server: e.socket.url, cause, retryAt: Date.now() + retryInMs } : null;
      this.setConnection('disconnected');
      for (const holder of this.subscriptions) holder.drop();
      this.calling.connectionLost();
      // Chromium closes a frozen page's WebSockets as it resumes: connect again at once.
      if (Date.now() - this.wokeAt < 3000) queueMicrotask(() => this.reconnectNow());
      if (wasConnected) this.emit('connection-lost', { server: e.socket.url, cause, reconnecting, retryInMs });
      else this.registration.connectFailed(e.socket.url);
    });
    this.registration.attach(ua, config);
    // Registered again on a new connection: calls recovering their media restart ICE through it now.
    ua.on('registered', () => this.recovering() && this.calling.restartIceIfDown());
    this.calling.attach(ua);
    for (const listener of this.userAgentListeners) listener(ua, config);
    ua.start();
    return ua;
  }

  /** Whether a call is recovering its media path (the phone then reconnects without long waits). */
  private recovering(): boolean {
    return [...this.calling.live()].some((call) => call.info.reconnecting);
  }

  private setConnection(state: ConnectionState): void {
    if (this.connectionState === state) return;
    this.connectionState = state;
    this.emit('change', undefined);
  }
}
