import { Call, type CallChange, type CallEnd, type CallInfo, type CallObserver, type DtmfTransport } from './calls/call.js';
import type { CallState } from './calls/call-state.js';
import type { CallStats } from './calls/call-stats.js';
import type { QualityChange } from './calls/call-quality-monitor.js';
import { causeFromJsSip, type EndCause } from './kernel/causes.js';
import { resolveTarget, type PhoneConfig } from './kernel/config.js';
import { PhoneError, toPhoneError, type PhoneErrorCode } from './kernel/errors.js';
import { DEFAULT_ICE_GATHERING_TIMEOUT } from './media/ice-policy.js';
import { IceServerProbe, type IceProbeOptions } from './media/ice-probe.js';
import { MediaPermissions } from './media/media-permissions.js';
import { Emitter } from './kernel/emitter.js';
import type { FailoverSocket } from './connection/failover-socket.js';
import { answerChallengesWith, connectNow, createUserAgent, type DigestChallenge, type DigestCredentials, type RTCSession, type RTCSessionEvent, type UA } from './kernel/jssip-adapter.js';
import { fetchCredentials, type CredentialsFunction } from './connection/credentials.js';
import { DEAD_CONNECTION_CODE, type SipSocketOptions } from './connection/sip-socket.js';
import type { ReconnectPolicy } from './connection/reconnect-policy.js';
import { loadBrowserShims } from './media/browser-shims.js';
import { Voicemail, type SubscriptionHolder, type VoicemailStatus } from './presence/voicemail.js';

/** Where a lost connection stands: shown as the offline banner. */
export interface ReconnectStatus {
  server: string;
  cause: string;
  /** When the next attempt starts (ms since the epoch). */
  retryAt: number;
}

export const DEFAULT_MEDIA_TIMEOUT = 10000;

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/** What the core tells its owner; the element turns each into a `sip-*` DOM event. */
export interface PhoneEvents {
  connecting: { server: string };
  connected: { server: string };
  /** `cause`: 'keepalive-timeout' | 'server-closed' | 'connection-closed'; `retryInMs`: delay of the next attempt. */
  'connection-lost': { server: string; cause: string; reconnecting: boolean; retryInMs: number };
  registered: { uri: string; expires: number };
  unregistered: { uri: string; cause: string };
  'registration-failed': { uri: string; cause: string; statusCode?: number };
  'incoming-call': { call: CallInfo };
  'call-state': { call: CallInfo; previousState: CallState; cause?: EndCause };
  'call-ended': { call: CallInfo; cause: EndCause; statusCode?: number; durationMs: number };
  /** `held`, `remoteHeld`, `muted`, `video` or `transfer` of a call changed. */
  'call-updated': { call: CallInfo; change: CallChange };
  /** A DTMF tone sent or received (incoming tones arrive by SIP INFO). */
  dtmf: { callId: string; tone: string; direction: 'incoming' | 'outgoing' };
  /** Every `statsInterval` ms during an active call (not a `change`: views update only the indicator). */
  'call-stats': CallStats;
  /** A call crossed a quality threshold (`active`) or recovered (see call-quality-monitor.ts). */
  'call-quality': { call: CallInfo } & QualityChange;
  /** The message summary (RFC 3842) changed: messages waiting, new and old voice messages. */
  voicemail: { voicemail: VoicemailStatus };
  error: { code: PhoneErrorCode; message: string };
  /** Anything that a view shows changed (state, calls, media streams). */
  change: void;
}

export interface PhoneOptions extends SipSocketOptions {
  /** Stable per-profile `+sip.instance` URN; generated if absent. */
  instanceId?: string;
  /** Longest wait for ICE candidates before an offer/answer is sent, in ms. */
  iceGatheringTimeout?: number;
  /** A call whose media path stays disconnected this long (ms) ends with 'media-timeout'. */
  mediaTimeout?: number;
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
}

/**
 * A DOM-free SIP phone: owns the JsSIP UA, connection and registration state, and the calls.
 * Methods validate first and reject with a PhoneError before anything is sent.
 */
export class Phone extends Emitter<PhoneEvents> implements CallObserver {
  connectionState: ConnectionState = 'disconnected';
  registrationState: RegistrationState = 'unregistered';
  autoAnswer = false;
  /** Calls beyond this many are answered 486 Busy Here. */
  maxCalls = 2;
  /** Whether an incoming REFER makes us call its target (blind transfer to us). */
  acceptTransfers = true;
  /** Whether a 3xx to our INVITE makes us call the Contacts it gives. */
  followRedirects = true;
  /** How sendDtmf() sends tones. */
  dtmfTransport: DtmfTransport = 'rfc4733';
  /** Asked for the password or HA1 at every digest challenge instead of the configured password (see credentials.ts). */
  credentials: CredentialsFunction | null = null;
  /** Why the last challenge went unanswered (the credentials function failed), until it is reported. */
  private credentialsError: PhoneError | null = null;
  private config: PhoneConfig | null = null;
  private ua: UA | null = null;
  private socket: FailoverSocket | null = null;
  /** Set while the phone wants a connection it does not have. */
  reconnect: ReconnectStatus | null = null;
  private readonly callsById = new Map<string, Call>();
  private registerOnConnect = false;
  /** When the last registration succeeded (ms since the epoch), and for how many seconds. */
  private registeredAt = 0;
  private registeredFor = 0;
  /** When the page last woke up (see wake()). */
  private wokeAt = 0;
  private pendingRegistration: { resolve(): void; reject(error: PhoneError): void } | null = null;
  /** Read when the user agent starts: change before register() to take effect. */
  readonly options: PhoneOptions;
  private readonly iceProbe: IceServerProbe;
  private readonly permissions: MediaPermissions | undefined;
  /** Features beside calls (messages.ts) that take each new user agent. */
  private readonly userAgentListeners: ((ua: UA, config: PhoneConfig) => void)[] = [];
  private readonly mailbox = new Voicemail((voicemail) => {
    this.emit('voicemail', { voicemail });
    this.emit('change', undefined);
  });
  /** Features holding subscriptions (voicemail here, busy lamps when the page watches someone). */
  private readonly subscriptions: SubscriptionHolder[] = [this.mailbox];

  constructor(options: PhoneOptions = {}) {
    super();
    this.options = options;
    this.iceProbe = new IceServerProbe(options.iceProbe);
    if (!options.mediaGranted && typeof navigator !== 'undefined') this.permissions = new MediaPermissions();
  }

  get configured(): boolean {
    return this.config !== null;
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

  /** What our message summary says (nothing waiting until a NOTIFY says otherwise). */
  get voicemail(): VoicemailStatus {
    return this.mailbox.status;
  }

  /** Live calls, oldest first. */
  get calls(): CallInfo[] {
    return [...this.callsById.values()].map((call) => call.info);
  }

  /** The newest call that has not ended, or null. */
  get activeCall(): CallInfo | null {
    return [...this.callsById.values()].at(-1)?.info ?? null;
  }

  /** The Call object behind an id, for views that need its streams. */
  getCall(id?: string): Call | undefined {
    return id ? this.callsById.get(id) : [...this.callsById.values()].at(-1);
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
    const pending = this.pendingRegistration;
    this.pendingRegistration = null;
    if (restart) this.stop();
    this.config = config;
    this.iceProbe.refresh(config.iceServers);
    // (A failure is handled here even with nobody waiting: events already report it.)
    if (restart && wasRegistered) this.register().then(pending?.resolve, (error: PhoneError) => pending?.reject(error));
    else this.pendingRegistration = pending;
  }

  /** Connects (if needed) and registers; resolves once registered. */
  register(): Promise<void> {
    void loadBrowserShims();
    const ua = this.start();
    this.pendingRegistration?.reject(new PhoneError('connection-failed', 'A newer register() replaced this one.'));
    const result = new Promise<void>((resolve, reject) => {
      this.pendingRegistration = { resolve, reject };
    });
    this.setRegistration('registering');
    // JsSIP sends REGISTER at once even with no connection (and fails it); wait for the socket.
    if (ua.isConnected()) ua.register();
    else this.registerOnConnect = true;
    return result;
  }

  /** Unregisters and disconnects; calls in progress end. */
  async unregister(): Promise<void> {
    const ua = this.ua;
    if (!ua) return;
    if (this.registrationState === 'registered' && ua.isConnected()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          ua.off('unregistered', done);
          ua.off('registrationFailed', done);
          resolve();
        };
        const timer = setTimeout(done, 3000);
        ua.on('unregistered', done);
        ua.on('registrationFailed', done);
        for (const holder of this.subscriptions) holder.drop();
        ua.unregister();
      });
    }
    this.stop();
  }

  /** Places a call; resolves to its id once the INVITE is under way. */
  async call(target: string, { video = false }: { video?: boolean } = {}): Promise<string> {
    const config = this.requireConfig();
    if (typeof target !== 'string' || !target.trim()) {
      throw new PhoneError('invalid-target', 'Say whom to call: a user name, a number or sip:user@domain.');
    }
    const uri = resolveTarget(target, config.domain);
    await loadBrowserShims();
    const ua = this.ua;
    if (!ua || !ua.isConnected() || this.registrationState !== 'registered') {
      throw new PhoneError('not-registered', 'Register before calling: the phone is not registered with its SIP server.');
    }
    // With media already allowed, the INVITE goes out while the camera starts (it can take
    // hundreds of ms); otherwise a prompt comes first, and a refusal sends nothing.
    const early = this.mediaGranted(video);
    const stream = early ? new MediaStream() : await this.getMedia(video);
    let session: RTCSession;
    try {
      session = this.invite(uri, stream, video);
    } catch (error) {
      stream.getTracks().forEach((t) => t.stop());
      throw toPhoneError(error, 'invalid-target');
    }
    const call = this.adopt(session, 'outgoing', video);
    call.setLocalStream(stream);
    if (early) this.supplyMedia(call, video);
    this.holdOthers(call);
    return call.id;
  }

  /** Answers an incoming call (the newest one by default). */
  async answer(callId?: string, { video }: { video?: boolean } = {}): Promise<void> {
    const call = this.requireCall(callId, 'incoming');
    await loadBrowserShims();
    const withVideo = video ?? call.video;
    // As for call(): with media allowed, answer at once and let the camera catch up.
    const early = this.mediaGranted(withVideo) && sendsAndReceivesAll(call.offer);
    let stream: MediaStream;
    try {
      stream = early ? new MediaStream() : await this.getMedia(withVideo);
    } catch (error) {
      call.end('media-denied', 480);
      throw error;
    }
    if (call.state !== 'incoming') {
      stream.getTracks().forEach((t) => t.stop());
      throw new PhoneError('invalid-call-state', 'The call ended before it could be answered.');
    }
    call.video = withVideo;
    call.setLocalStream(stream);
    this.holdOthers(call);
    if (early) {
      // The answer's transceivers come from the offer: make the ones we will send on sendrecv,
      // before JsSIP creates the answer (track events fire inside setRemoteDescription).
      call.session.once('peerconnection', ({ peerconnection }: { peerconnection: RTCPeerConnection }) => {
        peerconnection.addEventListener('track', ({ transceiver }) => {
          if (transceiver.receiver.track.kind === 'audio' || withVideo) {
            transceiver.direction = 'sendrecv';
            transceiver.sender.setStreams?.(stream);
          }
        });
      });
    }
    call.session.answer({
      // (With a stream JsSIP takes `mediaConstraints` as tracks to drop from it.)
      ...(early ? { mediaConstraints: { audio: false, video: false } } : { mediaStream: stream }),
      pcConfig: this.pcConfig(),
    });
    if (early) this.supplyMedia(call, withVideo);
  }

  /**
   * Starts the camera and microphone for a call under way; a failure ends the call. A caller's
   * start once the INVITE is out (they have the whole ringing time, and do not share the CPU with
   * creating the offer); a callee's at once, as media flows one round trip after its answer.
   */
  private supplyMedia(call: Call, video: boolean): void {
    if (call.direction === 'incoming') return this.startMedia(call, video);
    const sent = ({ originator }: { originator: string }) => {
      if (originator !== 'local') return;
      call.session.off('sdp', sent);
      this.startMedia(call, video);
    };
    call.session.on('sdp', sent);
  }

  private startMedia(call: Call, video: boolean): void {
    this.getMedia(video).then(
      (media) => call.supplyMedia(media),
      (error: PhoneError) => {
        if (call.state === 'ended') return;
        call.end('media-denied', call.direction === 'incoming' ? 480 : undefined);
        this.emit('error', { code: error.code, message: error.message });
      },
    );
  }

  private mediaGranted(video: boolean): boolean {
    return this.options.mediaGranted?.(video) ?? this.permissions?.granted(video) ?? false;
  }

  /** Puts a call on hold (re-INVITE with a=sendonly); nothing is sent while held. */
  hold(callId?: string): Promise<void> {
    return this.requireCall(callId, 'active').hold();
  }

  unhold(callId?: string): Promise<void> {
    return this.requireCall(callId, 'active').unhold();
  }

  /** Mutes our microphone (or camera) on a call: the track is disabled, nothing renegotiated. */
  async mute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    this.requireCall(callId, 'active').mute(requireKind(kind), true);
  }

  async unmute(kind: 'audio' | 'video' = 'audio', callId?: string): Promise<void> {
    this.requireCall(callId, 'active').mute(requireKind(kind), false);
  }

  /** Sends DTMF tones (0-9 * # A-D and ',' for a pause). */
  async sendDtmf(tones: string, callId?: string): Promise<void> {
    if (typeof tones !== 'string' || !/^[0-9A-D#*,]+$/i.test(tones)) {
      throw new PhoneError('invalid-option', `"${tones}" are not DTMF tones: use 0-9, *, #, A-D and "," for a pause.`);
    }
    this.requireCall(callId, 'active').sendDtmf(tones, this.dtmfTransport);
  }

  /** Blind transfer (REFER): the call ends with cause 'transferred' once the target answers. */
  async transfer(target: string, callId?: string): Promise<void> {
    const uri = resolveTarget(String(target ?? ''), this.requireConfig().domain);
    this.requireCall(callId, 'active').transferTo(uri);
  }

  /** Attended transfer: the other side of `callId` is connected to the other side of `otherCallId` (REFER with Replaces). */
  async attendedTransfer(callId: string, otherCallId: string): Promise<void> {
    const call = this.requireCall(callId, 'active');
    const other = this.requireCall(otherCallId, 'active');
    if (call === other) throw new PhoneError('invalid-option', 'Give two different calls.');
    call.transferTo(other.remoteUri, other);
  }

  /** The microphone and camera to use (device ids; undefined keeps the current choice). */
  devicePreferences: { audioInput?: string; videoInput?: string } = {};

  /** Switches microphone and/or camera, also on calls in progress (replaceTrack, no renegotiation). */
  async selectDevices({ audioInput, videoInput }: { audioInput?: string; videoInput?: string }): Promise<void> {
    this.devicePreferences = { ...this.devicePreferences, ...(audioInput !== undefined && { audioInput }), ...(videoInput !== undefined && { videoInput }) };
    for (const call of this.callsById.values()) {
      if (call.state !== 'active' || !call.localStream) continue;
      const kinds = [audioInput !== undefined && 'audio', videoInput !== undefined && call.video && 'video'].filter(Boolean) as ('audio' | 'video')[];
      for (const kind of kinds) {
        const stream = await this.getMedia(kind === 'video', kind === 'audio');
        const track = stream.getTracks().find((t) => t.kind === kind)!;
        (await call.replaceTrack(track))?.stop();
      }
    }
  }

  /** Sends the screen instead of the camera on a video call, until stopScreenShare() or the browser's "Stop sharing". */
  async shareScreen(callId?: string): Promise<void> {
    const call = this.requireCall(callId, 'active');
    if (!call.video) throw new PhoneError('invalid-call-state', 'Screen sharing needs a video call.');
    const getDisplayMedia = this.options.getDisplayMedia ?? ((c: DisplayMediaStreamOptions) => navigator.mediaDevices.getDisplayMedia(c));
    let screen: MediaStream;
    try {
      screen = await getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      throw new PhoneError('media-denied', `Screen sharing was not allowed: ${(error as Error)?.message ?? error}`);
    }
    const track = screen.getVideoTracks()[0];
    const camera = await call.replaceTrack(track);
    camera?.stop();
    call.screenTrack = track;
    track.addEventListener('ended', () => void this.stopScreenShare(call.id).catch(() => {}));
    this.updated(call, 'video');
  }

  /** Goes back to the camera after shareScreen(). */
  async stopScreenShare(callId?: string): Promise<void> {
    const call = this.requireCall(callId, 'active');
    const screen = call.screenTrack;
    if (!screen) return;
    call.screenTrack = null;
    const camera = (await this.getMedia(true, false)).getVideoTracks()[0];
    (await call.replaceTrack(camera))?.stop();
    screen.stop();
    this.updated(call, 'video');
  }

  /** Declines an incoming call with 603 Decline. */
  async reject(callId?: string): Promise<void> {
    this.requireCall(callId, 'incoming').end('rejected', 603);
  }

  /** Hangs up (or cancels) a call. */
  async hangup(callId?: string): Promise<void> {
    const call = this.requireCall(callId);
    call.end(call.state === 'active' ? 'hangup' : call.direction === 'outgoing' ? 'canceled' : 'rejected');
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
    const lapsing = this.registeredAt + (this.registeredFor * 1000) / 2 < Date.now();
    if (this.registrationState === 'registered' && lapsing) this.ua?.register();
  }

  /**
   * The device's network came back (the browser's `online` event): reconnect now, and restart
   * ICE on calls whose media path is down.
   */
  networkOnline(): void {
    this.reconnectNow();
    if (this.config) this.iceProbe.refresh(this.config.iceServers, true);
    for (const call of this.callsById.values()) call.restartIceIfDown();
  }

  /** Ends every call, stops the user agent and forgets pending work. */
  stop(): void {
    for (const call of this.callsById.values()) call.abandon('hangup');
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
    this.registerOnConnect = false;
    this.credentialsError = null;
    this.pendingRegistration?.reject(new PhoneError('connection-failed', 'The phone was stopped.'));
    this.pendingRegistration = null;
    this.setRegistration('unregistered');
    this.setConnection('disconnected');
  }

  // CallObserver
  stateChanged(call: Call, previousState: CallState, cause?: EndCause): void {
    this.emit('call-state', { call: call.info, previousState, cause });
    this.emit('change', undefined);
  }

  ended(call: Call, end: CallEnd): void {
    this.callsById.delete(call.id);
    // A probe result gone stale is renewed after a call, off any call's set-up path.
    if (this.config) this.iceProbe.refresh(this.config.iceServers);
    this.emit('call-ended', { call: call.info, ...end });
    this.emit('change', undefined);
  }

  updated(call: Call, change: CallChange): void {
    this.emit('call-updated', { call: call.info, change });
    this.emit('change', undefined);
  }

  stats(_call: Call, stats: CallStats): void {
    this.emit('call-stats', stats);
  }

  quality(call: Call, change: QualityChange): void {
    this.emit('call-quality', { call: call.info, ...change });
  }

  dtmf(call: Call, tone: string, direction: 'incoming' | 'outgoing'): void {
    this.emit('dtmf', { callId: call.id, tone, direction });
  }

  /** Sends an INVITE offering the tracks of `stream` (and sendrecv transceivers for those still to come). */
  invite(target: string, stream: MediaStream, video: boolean, options?: object): RTCSession {
    return this.ua!.call(target, {
      ...options,
      mediaConstraints: { audio: false, video: false },
      eventHandlers: { peerconnection: ({ peerconnection }: { peerconnection: RTCPeerConnection }) => addSenders(peerconnection, stream, video) },
      pcConfig: this.pcConfig(),
    });
  }

  referred(call: Call, accept: (options: object, adopt: (session: RTCSession) => void) => void): void {
    if (!this.acceptTransfers) return;
    this.getMedia(call.video).then(
      (stream) => {
        accept({ mediaStream: stream, pcConfig: this.pcConfig() }, (session) => {
          const transferred = this.adopt(session, 'outgoing', call.video);
          transferred.setLocalStream(stream);
        });
        // The transferor hangs up once we answer; we need not wait for it.
      },
      (error) => this.emit('error', { code: error.code, message: error.message }),
    );
  }

  mediaChanged(): void {
    this.emit('change', undefined);
  }

  signallingConnected(): boolean {
    return this.connectionState === 'connected';
  }

  private start(): UA {
    const config = this.requireConfig();
    if (this.ua) return this.ua;
    let ua: UA;
    let socket: FailoverSocket;
    try {
      ({ ua, socket } = createUserAgent(config, {
        instanceId: this.options.instanceId ?? crypto.randomUUID(),
        socket: this.options,
        reconnectPolicy: this.options.reconnectPolicy,
        hooks: {
          // Every real attempt (JsSIP's own 'connecting' fires before our backoff wait).
          attempt: (server) => {
            if (this.ua !== ua) return;
            this.setConnection('connecting');
            this.emit('connecting', { server });
          },
        },
      }));
    } catch (error) {
      throw toPhoneError(error, 'invalid-server');
    }
    this.ua = ua;
    this.socket = socket;
    answerChallengesWith(ua, (challenge) => this.answerChallenge(challenge));
    this.mailbox.attach(ua);
    ua.on('connected', (e) => {
      this.reconnect = null;
      this.setConnection('connected');
      this.emit('connected', { server: e.socket.url });
      // After the first registration JsSIP re-registers by itself on every reconnection.
      if (this.registerOnConnect) {
        this.registerOnConnect = false;
        ua.register();
      }
    });
    ua.on('disconnected', (e) => {
      const wasConnected = this.connectionState === 'connected';
      const reconnecting = this.ua === ua;
      const cause = lostCause(e.code, e.reason);
      const retryInMs = socket.nextRetryInMs;
      this.reconnect = reconnecting ? { server: e.socket.url, cause, retryAt: Date.now() + retryInMs } : null;
      this.setConnection('disconnected');
      for (const holder of this.subscriptions) holder.drop();
      // A call still ringing here can no longer be answered: its answer would have to go back
      // through the connection the INVITE came on (e.g. a tab frozen while it rang, whose socket
      // Chromium closes as it resumes). Stop ringing.
      for (const call of this.callsById.values()) if (call.state === 'incoming') call.abandon('connection-lost');
      // Chromium closes a frozen page's WebSockets as it resumes: connect again at once.
      if (Date.now() - this.wokeAt < 3000) queueMicrotask(() => this.reconnectNow());
      if (wasConnected) {
        this.emit('connection-lost', { server: e.socket.url, cause, reconnecting, retryInMs });
      } else if (this.pendingRegistration) {
        this.settleRegistration(new PhoneError('connection-failed', `Could not connect to ${e.socket.url}.`));
      }
    });
    ua.on('registered', (e) => {
      this.credentialsError = null;
      this.setRegistration('registered');
      const contact = e.response.parseHeader('contact') as { getParam?(name: string): string } | undefined;
      const expires = Number(contact?.getParam?.('expires') ?? e.response.getHeader('expires')) || config.registerExpires;
      this.registeredAt = Date.now();
      this.registeredFor = expires;
      this.emit('registered', { uri: config.uri, expires });
      this.settleRegistration();
      for (const holder of this.subscriptions) holder.subscribe(ua, config);
    });
    ua.on('unregistered', (e) => {
      if (!e.cause && !ua.isConnected()) return this.lostRegistration(config.uri);
      if (this.registrationState === 'unregistered') return;
      this.setRegistration('unregistered');
      this.emit('unregistered', { uri: config.uri, cause: e.cause ? causeFromJsSip(e.cause) : 'unregistered' });
    });
    ua.on('registrationFailed', (e) => {
      const statusCode = (e.response as { status_code?: number } | null)?.status_code;
      const credentialsError = this.credentialsError;
      this.credentialsError = null;
      const cause = credentialsError ? 'credentials-failed' : causeFromJsSip(e.cause);
      // A dropped socket also fails JsSIP's finished REGISTER transaction: that is a lost
      // connection (reported as such), not a refused registration.
      if (cause === 'connection-lost' && !this.pendingRegistration) {
        this.lostRegistration(config.uri);
        return;
      }
      this.setRegistration('failed');
      this.emit('registration-failed', { uri: config.uri, cause, statusCode });
      if (credentialsError) return this.settleRegistration(credentialsError);
      const code = isAuthFailure(statusCode) ? 'authentication-failed' : cause === 'connection-lost' ? 'connection-failed' : 'registration-failed';
      this.settleRegistration(new PhoneError(code, registrationFailureMessage(cause, statusCode)));
    });
    ua.on('newRTCSession', (e: RTCSessionEvent) => {
      if (e.originator !== 'remote') return;
      // An INVITE with Replaces (attended transfer to us) takes the place of a call: answer it.
      if (e.request.hasHeader('replaces')) {
        const video = /\bm=video\b/.test(String(e.request.body ?? ''));
        const call = this.adopt(e.session, 'incoming', video);
        this.emit('incoming-call', { call: call.info });
        this.answer(call.id).catch(() => {});
        return;
      }
      if (this.callsById.size >= this.maxCalls) {
        e.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
        return;
      }
      const offer = String(e.request.body ?? '');
      const call = this.adopt(e.session, 'incoming', /\bm=video\b/.test(offer));
      call.offer = offer;
      this.emit('incoming-call', { call: call.info });
      if (this.autoAnswer) this.answer(call.id).catch(() => {});
    });
    for (const listener of this.userAgentListeners) listener(ua, config);
    ua.start();
    return ua;
  }

  /**
   * With a `credentials` function, a digest challenge is answered with what it gives. Its failure
   * fails the challenged request: a registration under way rejects with it, anything else
   * (a refresh, a call) reports it as an `error` event.
   */
  private answerChallenge(challenge: DigestChallenge): Promise<DigestCredentials | null> | undefined {
    const fn = this.credentials;
    const config = this.config;
    if (!fn || !config) return undefined;
    const reason = challenge.method === 'REGISTER' ? 'register' : 'challenge';
    return fetchCredentials(fn, { ...challenge, reason, uri: config.uri, username: config.authorizationUser }).catch((error: PhoneError) => {
      if (reason === 'register') this.credentialsError = error;
      if (reason !== 'register' || !this.pendingRegistration) this.emit('error', { code: error.code, message: error.message });
      return null;
    });
  }

  /** Call waiting: a call we place or answer puts the others on hold. */
  private holdOthers(call: Call): void {
    for (const other of this.callsById.values()) {
      if (other !== call && other.state === 'active') other.hold().catch(() => {});
    }
  }

  /** The socket dropped while registered: say so after 'connection-lost', which JsSIP emits later. */
  private lostRegistration(uri: string): void {
    if (this.registrationState === 'unregistered') return;
    this.setRegistration('unregistered');
    queueMicrotask(() => this.emit('unregistered', { uri, cause: 'connection-lost' }));
  }

  /** The peer connection configuration of our calls: the ICE servers and the transport policy. */
  private pcConfig(): RTCConfiguration {
    return { iceServers: this.config?.iceServers ?? [], iceTransportPolicy: this.config?.iceTransportPolicy ?? 'all' };
  }

  private adopt(session: RTCSession, direction: 'incoming' | 'outgoing', video: boolean): Call {
    const iceServers = this.config?.iceServers ?? [];
    const iceTransportPolicy = this.config?.iceTransportPolicy ?? 'all';
    const yielded = this.iceProbe.typesFor(iceServers);
    const call = new Call(session, direction, video, {
      ice: { iceServers, iceTransportPolicy, timeoutMs: this.options.iceGatheringTimeout ?? DEFAULT_ICE_GATHERING_TIMEOUT, yielded },
      mediaTimeoutMs: this.options.mediaTimeout ?? DEFAULT_MEDIA_TIMEOUT,
      statsIntervalMs: this.options.statsInterval ?? 2000,
    }, this);
    this.callsById.set(call.id, call);
    this.emit('change', undefined);
    return call;
  }

  private async getMedia(video: boolean, audio = true): Promise<MediaStream> {
    const getUserMedia = this.options.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
    const { audioInput, videoInput } = this.devicePreferences;
    try {
      return await getUserMedia({
        audio: audio && (audioInput ? { deviceId: audioInput } : true),
        video: video && (videoInput ? { deviceId: videoInput } : true),
      });
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'NotAllowedError' || name === 'SecurityError') {
        throw new PhoneError('media-denied', `Access to the ${video ? 'camera and microphone' : 'microphone'} was denied.`);
      }
      throw new PhoneError('media-unavailable', `No usable ${video ? 'camera or microphone' : 'microphone'}: ${(error as Error)?.message ?? error}`);
    }
  }

  private requireConfig(): PhoneConfig {
    if (!this.config) throw new PhoneError('not-configured', 'Set server and uri before using the phone.');
    return this.config;
  }

  private requireCall(callId: string | undefined, state?: CallState): Call {
    const call = callId
      ? this.callsById.get(callId)
      : [...this.callsById.values()].reverse().find((c) => !state || c.state === state);
    if (!call) throw new PhoneError('no-such-call', callId ? `There is no call ${callId}.` : 'There is no call to act on.');
    if (state && call.state !== state) {
      throw new PhoneError('invalid-call-state', `The call is ${call.state}, not ${state}.`);
    }
    return call;
  }

  private settleRegistration(error?: PhoneError): void {
    const pending = this.pendingRegistration;
    this.pendingRegistration = null;
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private setConnection(state: ConnectionState): void {
    if (this.connectionState === state) return;
    this.connectionState = state;
    this.emit('change', undefined);
  }

  private setRegistration(state: RegistrationState): void {
    if (this.registrationState === state) return;
    this.registrationState = state;
    this.emit('change', undefined);
  }
}

/** Why a connection went away, in kebab-case. */
function lostCause(code: number | undefined, reason: string | undefined): string {
  if (code === DEAD_CONNECTION_CODE) return reason === 'connect timeout' ? 'connect-timeout' : 'keepalive-timeout';
  if (code === 1000 || code === 1001) return 'server-closed';
  return 'connection-closed';
}

function requireKind(kind: string): 'audio' | 'video' {
  if (kind !== 'audio' && kind !== 'video') throw new PhoneError('invalid-option', `Mute "audio" or "video", not "${kind}".`);
  return kind;
}

function isAuthFailure(statusCode?: number): boolean {
  return statusCode === 401 || statusCode === 403 || statusCode === 407;
}

/** A readable sentence for a failed registration. */
function registrationFailureMessage(cause: string, statusCode?: number): string {
  if (isAuthFailure(statusCode)) {
    return 'Wrong user name or password: the server refused them.';
  }
  if (cause === 'connection-lost') return 'Could not reach the SIP server.';
  if (cause === 'request-timeout') return 'The SIP server did not answer the registration.';
  return `Registration failed${statusCode ? ` (${statusCode})` : ''}: ${cause}.`;
}

/** Sending transceivers carrying the tracks of `stream`, or waiting for them while the media starts (see Call.supplyMedia). */
function addSenders(pc: RTCPeerConnection, stream: MediaStream, video: boolean): void {
  for (const kind of video ? ['audio', 'video'] : ['audio']) {
    pc.addTransceiver(stream.getTracks().find((track) => track.kind === kind) ?? kind, { direction: 'sendrecv', streams: [stream] });
  }
}

/** Whether an SDP offer sends and receives all its media (no hold, no one-way streams). */
function sendsAndReceivesAll(sdp: string): boolean {
  return !!sdp && !/^a=(sendonly|recvonly|inactive)\r?$/m.test(sdp);
}
