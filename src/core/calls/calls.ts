/**
 * The phone's calls: the table of live calls, placing, answering and ending them, hold, mute,
 * tones and transfers, call waiting (a call we take holds the others), and incoming INVITEs
 * (busy beyond `maxCalls`, auto-answer, attended transfers to us). Each Call reports back here
 * as its CallObserver; the Phone hands it each user agent.
 */
import { requireConfig, resolveTarget, type PhoneConfig } from '../kernel/config.js';
import type { EndCause } from '../kernel/causes.js';
import { PhoneError, toPhoneError } from '../kernel/errors.js';
import type { RTCSession, RTCSessionEvent, UA } from '../kernel/jssip-adapter.js';
import { onInviteRefusedWithoutWebRTC } from '../kernel/jssip-ua-hooks.js';
import { requireWebRTC } from '../media/webrtc-support.js';
import { loadBrowserShims } from '../media/browser-shims.js';
import { codecsFor, parseCodecs, preferCodecs, reorderOffer } from '../media/codec-preferences.js';
import { DEFAULT_ICE_GATHERING_TIMEOUT } from '../media/ice-policy.js';
import type { IceServerProbe } from '../media/ice-probe.js';
import type { MediaAcquisition } from '../media/media-acquisition.js';
import type { PhoneEmit, PhoneOptions } from '../phone.js';
import { Call, type CallChange, type CallEnd, type CallObserver, type DtmfTransport } from './call.js';
import type { CallState } from './call-state.js';
import type { CallStats } from './call-stats.js';
import type { QualityChange } from './call-quality-monitor.js';
import { sendInvite, sendsAndReceivesAll, type InviteOptions } from './call-senders.js';
import { refusedCallInfo } from './refused-call.js';
import { resumingSessions } from './call-resume.js';
import { autoAnswerDelay, headerLines, receivedHeaders, type SipHeaders } from '../kernel/sip-headers.js';

/** What the page may say with a call or an answer: video or not, and SIP headers to add. */
export interface CallRequest {
  video?: boolean;
  headers?: SipHeaders;
}

export const DEFAULT_MEDIA_TIMEOUT = 10000;
export const DEFAULT_RECOVERY_TIMEOUT = 30000;

/** How the phone takes calls: set by the page on the Phone, read here when needed. */
export interface CallSettings {
  readonly autoAnswer: boolean;
  /** Calls beyond this many are answered 486 Busy Here. */
  readonly maxCalls: number;
  /** Whether an incoming REFER makes us call its target (blind transfer to us). */
  readonly acceptTransfers: boolean;
  /** Whether a 3xx to our INVITE makes us call the Contacts it gives. */
  readonly followRedirects: boolean;
  /** How sendDtmf() sends tones. */
  readonly dtmfTransport: DtmfTransport;
  /** Answer (audio only) a call whose INVITE asks for it (intercom, paging), after the delay it asks. */
  readonly intercom: boolean;
  /** Do not disturb: refuse incoming calls 486 Busy Here, without ringing. */
  readonly dnd: boolean;
  /** Audio codecs in order of preference, e.g. "opus PCMU" (empty: the browser's own order; see codec-preferences.ts). */
  readonly codecs: string;
}

/** What the calls need from the phone. */
export interface CallsHost {
  settings: CallSettings;
  emit: PhoneEmit;
  options: Pick<PhoneOptions, 'iceGatheringTimeout' | 'mediaTimeout' | 'callRecoveryTimeout' | 'statsInterval'>;
  iceProbe: IceServerProbe;
  media: MediaAcquisition;
  /** The current configuration (null before the first). */
  config(): PhoneConfig | null;
  /** The running user agent, if any. */
  userAgent(): UA | null;
  registered(): boolean;
  /** Whether the SIP connection is up. */
  connected(): boolean;
  /** Whether a keep-alive round trip on it is under way (e.g. the check `mediaLost()` asked for). */
  connectionInDoubt(): boolean;
  /** A call's media path went down: check the SIP connection now (it is often lost with the media: a new network). */
  mediaLost(): void;
}

export class Calls implements CallObserver {
  private readonly byId = new Map<string, Call>();

  constructor(private readonly host: CallsHost) {}

  /** Live calls, oldest first (a live iterator: calls that end meanwhile drop out of it). */
  live(): IterableIterator<Call> {
    return this.byId.values();
  }

  /** The Call behind an id, or the newest one. */
  get(id?: string): Call | undefined {
    return id ? this.byId.get(id) : [...this.byId.values()].reverse().find((call) => !call.ignored);
  }

  /** A new user agent: take its incoming calls. */
  attach(ua: UA): void {
    // Without WebRTC JsSIP refuses each call 488 at once: it ends, missed, as 'webrtc-unsupported'.
    onInviteRefusedWithoutWebRTC(ua, ({ uri, displayName, callId }) => {
      const call = refusedCallInfo({ uri, displayName, callId });
      this.host.emit('call-ended', { call, cause: 'webrtc-unsupported', statusCode: 488, durationMs: 0 });
      this.host.emit('change', undefined);
    });
    ua.on('newRTCSession', (e: RTCSessionEvent) => {
      if (e.originator !== 'remote') return;
      const offer = String(e.request.body ?? '');
      const video = /\bm=video\b/.test(offer);
      const headers = receivedHeaders(e.request);
      if (resumingSessions.has(e.session)) return; // (the call it takes back goes on with it)
      // An INVITE with Replaces (attended transfer to us) takes the place of a call: answer it.
      if (e.request.hasHeader('replaces')) {
        const call = this.adopt(e.session, 'incoming', video, headers);
        this.host.emit('incoming-call', { call: call.info, autoAnswerRequested: false });
        this.answer(call.id).catch(() => {});
        return;
      }
      // Do not disturb: the call ends at once, unseen but for its end (the history keeps it).
      if (this.host.settings.dnd) return this.create(e.session, 'incoming', video, headers).end('dnd', 486);
      if (this.byId.size >= this.host.settings.maxCalls) {
        e.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
        return;
      }
      const call = this.adopt(e.session, 'incoming', video, headers);
      call.offer = offer;
      const delay = autoAnswerDelay(headers);
      this.host.emit('incoming-call', { call: call.info, autoAnswerRequested: delay !== null });
      if (this.host.settings.autoAnswer) this.answer(call.id).catch(() => {});
      else if (this.host.settings.intercom && delay !== null) {
        const answer = () => void (call.state === 'incoming' && !call.ignored && this.answer(call.id, { video: false }).catch(() => {}));
        setTimeout(answer, delay * 1000);
      }
    });
  }

  /** Places a call; resolves to its id once the INVITE is under way. */
  async call(target: string, { video = false, headers }: CallRequest = {}): Promise<string> {
    const config = requireConfig(this.host.config());
    if (typeof target !== 'string' || !target.trim()) {
      throw new PhoneError('invalid-target', 'Say whom to call: a user name, a number or sip:user@domain.');
    }
    const uri = resolveTarget(target, config.domain);
    const extraHeaders = headerLines(headers);
    await loadBrowserShims();
    requireWebRTC();
    this.codecs();
    const ua = this.host.userAgent();
    if (!ua || !ua.isConnected() || !this.host.registered()) {
      throw new PhoneError('not-registered', 'Register before calling: the phone is not registered with its SIP server.');
    }
    // With media already allowed, the INVITE goes out while the camera starts (it can take
    // hundreds of ms); otherwise a prompt comes first, and a refusal sends nothing.
    const early = this.host.media.granted(video);
    const stream = early ? new MediaStream() : await this.host.media.getMedia(video);
    let session: RTCSession;
    try {
      session = this.invite(uri, stream, video, { extraHeaders });
    } catch (error) {
      stream.getTracks().forEach((t) => t.stop());
      throw toPhoneError(error, 'invalid-target');
    }
    const call = this.adopt(session, 'outgoing', video);
    call.extraHeaders = extraHeaders;
    call.setLocalStream(stream);
    if (early) this.host.media.supplyMedia(call, video);
    this.holdOthers(call);
    return call.id;
  }

  /** Answers an incoming call (the newest one by default). */
  async answer(callId?: string, { video, headers }: CallRequest = {}): Promise<void> {
    requireWebRTC();
    const call = this.require(callId, 'incoming');
    const extraHeaders = headerLines(headers);
    await loadBrowserShims();
    const names = parseCodecs(this.host.settings.codecs);
    const codecs = codecsFor(names);
    const withVideo = video ?? call.video;
    // As for call(): with media allowed, answer at once and let the camera catch up.
    const early = this.host.media.granted(withVideo) && sendsAndReceivesAll(call.offer);
    let stream: MediaStream;
    try {
      stream = early ? new MediaStream() : await this.host.media.getMedia(withVideo);
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
    // The answer's transceivers come from the offer: set them up before JsSIP creates the answer
    // (track events fire inside setRemoteDescription): our codec order, and when the media comes
    // later, sendrecv on the ones we will send.
    if (names.length) {
      // Also for the offers of later re-INVITEs (hold, resume).
      call.session.on('sdp', (event: { originator: string; type: string; sdp: string }) => {
        if (event.originator === 'remote' && event.type === 'offer') event.sdp = reorderOffer(event.sdp, names);
      });
    }
    call.session.once('peerconnection', ({ peerconnection }: { peerconnection: RTCPeerConnection }) => {
      peerconnection.addEventListener('track', ({ transceiver }) => {
        preferCodecs(transceiver, codecs);
        if (early && (transceiver.receiver.track.kind === 'audio' || withVideo)) {
          transceiver.direction = 'sendrecv';
          transceiver.sender.setStreams?.(stream);
        }
      });
    });
    call.session.answer({
      extraHeaders,
      // (With a stream JsSIP takes `mediaConstraints` as tracks to drop from it.)
      ...(early ? { mediaConstraints: { audio: false, video: false } } : { mediaStream: stream }),
      pcConfig: this.pcConfig(),
    });
    if (early) this.host.media.supplyMedia(call, withVideo);
  }

  /** Puts a call on hold (re-INVITE with a=sendonly); nothing is sent while held. */
  hold(callId?: string): Promise<void> {
    return this.require(callId, 'active').hold();
  }

  unhold(callId?: string): Promise<void> {
    return this.require(callId, 'active').unhold();
  }

  /** Mutes our microphone (or camera) on a call: the track is disabled, nothing renegotiated. */
  async mute(kind: 'audio' | 'video', muted: boolean, callId?: string): Promise<void> {
    this.require(callId, 'active').mute(requireKind(kind), muted);
  }

  /** Sends DTMF tones (0-9 * # A-D and ',' for a pause). */
  async sendDtmf(tones: string, callId?: string): Promise<void> {
    if (typeof tones !== 'string' || !/^[0-9A-D#*,]+$/i.test(tones)) {
      throw new PhoneError('invalid-option', `"${tones}" are not DTMF tones: use 0-9, *, #, A-D and "," for a pause.`);
    }
    this.require(callId, 'active').sendDtmf(tones, this.host.settings.dtmfTransport);
  }

  /** Blind transfer (REFER): the call ends with cause 'transferred' once the target answers. */
  async transfer(target: string, callId?: string, { headers }: CallRequest = {}): Promise<void> {
    const uri = resolveTarget(String(target ?? ''), requireConfig(this.host.config()).domain);
    const extraHeaders = headerLines(headers);
    await this.require(callId, 'active').transferTo(uri, undefined, extraHeaders);
  }

  /** Attended transfer: the other side of `callId` is connected to the other side of `otherCallId` (REFER with Replaces). */
  async attendedTransfer(callId: string, otherCallId: string): Promise<void> {
    const call = this.require(callId, 'active');
    const other = this.require(otherCallId, 'active');
    if (call === other) throw new PhoneError('invalid-option', 'Give two different calls.');
    await call.transferTo(other.remoteUri, other);
  }

  /** Declines an incoming call with 603 Decline. */
  async reject(callId?: string, { headers }: CallRequest = {}): Promise<void> {
    const extraHeaders = headerLines(headers);
    this.require(callId, 'incoming').end('rejected', 603, extraHeaders);
  }

  /** Hangs up (or cancels) a call. */
  async hangup(callId?: string, { headers }: CallRequest = {}): Promise<void> {
    const extraHeaders = headerLines(headers);
    const call = this.require(callId);
    call.end(call.state === 'active' ? 'hangup' : call.direction === 'outgoing' ? 'canceled' : 'rejected', undefined, extraHeaders);
  }

  /** Sends a ringing call elsewhere: 302 Moved Temporarily to `target`; the call ends 'redirected'. */
  async redirect(callId: string | undefined, target: string): Promise<void> {
    const uri = resolveTarget(String(target ?? ''), requireConfig(this.host.config()).domain);
    this.ringingCall(callId).end('redirected', 302, [`Contact: <${uri}>`]);
  }

  /** Stops ringing here without answering: the caller rings on until it gives up or another device answers. */
  async ignore(callId?: string): Promise<void> {
    const call = this.ringingCall(callId);
    call.ignored = true;
    this.updated(call, 'ignored');
  }

  /**
   * The connection dropped. A call still ringing here can no longer be answered: its answer would
   * have to go back through the connection the INVITE came on (e.g. a tab frozen while it rang,
   * whose socket Chromium closes as it resumes). Stop ringing.
   */
  connectionLost(): void {
    for (const call of this.byId.values()) {
      if (call.state === 'incoming') call.abandon('connection-lost');
      else call.signallingLost();
    }
  }

  /** After a network change: an ICE restart for calls whose media path is down. */
  restartIceIfDown(): void {
    for (const call of this.byId.values()) call.restartIceIfDown();
  }

  /** The user agent stops: every call ends. */
  abandonAll(): void {
    for (const call of this.byId.values()) call.abandon('hangup');
  }

  /** The call behind `callId` (without: the newest not ignored, in `state` if given), or PhoneError. */
  require(callId: string | undefined, state?: CallState): Call {
    const call = callId ? this.byId.get(callId) : [...this.byId.values()].reverse().find((c) => !c.ignored && (!state || c.state === state));
    if (!call) throw new PhoneError('no-such-call', callId ? `There is no call ${callId}.` : 'There is no call to act on.');
    if (state && call.state !== state) {
      throw new PhoneError('invalid-call-state', `The call is ${call.state}, not ${state}.`);
    }
    return call;
  }

  // CallObserver
  stateChanged(call: Call, previousState: CallState, cause?: EndCause): void {
    this.host.emit('call-state', { call: call.info, previousState, cause });
    this.host.emit('change', undefined);
  }

  ended(call: Call, end: CallEnd): void {
    this.byId.delete(call.id);
    // A probe result gone stale is renewed after a call, off any call's set-up path.
    const config = this.host.config();
    if (config) this.host.iceProbe.refresh(config.iceServers);
    this.host.emit('call-ended', { call: call.info, ...end });
    this.host.emit('change', undefined);
  }

  updated(call: Call, change: CallChange): void {
    this.host.emit('call-updated', { call: call.info, change });
    this.host.emit('change', undefined);
  }

  stats(_call: Call, stats: CallStats): void {
    this.host.emit('call-stats', stats);
  }

  reconnecting(call: Call, on: boolean): void {
    if (on) this.host.mediaLost();
    this.host.emit(on ? 'call-reconnecting' : 'call-reconnected', { call: call.info });
    this.host.emit('change', undefined);
  }

  quality(call: Call, change: QualityChange): void {
    this.host.emit('call-quality', { call: call.info, ...change });
  }

  dtmf(call: Call, tone: string, direction: 'incoming' | 'outgoing'): void {
    this.host.emit('dtmf', { callId: call.id, tone, direction });
  }

  /** Sends an INVITE offering the tracks of `stream` (and sendrecv transceivers for those still to come). */
  invite(target: string, stream: MediaStream, video: boolean, options: InviteOptions = {}): RTCSession {
    return sendInvite(this.host.userAgent()!, target, { stream, video, codecs: this.codecs(), pcConfig: this.pcConfig() }, options);
  }

  referred(call: Call, accept: (options: object, adopt: (session: RTCSession) => void) => void): void {
    if (!this.host.settings.acceptTransfers) return;
    this.host.media.getMedia(call.video).then(
      (stream) => {
        accept({ mediaStream: stream, pcConfig: this.pcConfig() }, (session) => {
          const transferred = this.adopt(session, 'outgoing', call.video);
          transferred.setLocalStream(stream);
        });
        // The transferor hangs up once we answer; we need not wait for it.
      },
      (error) => this.host.emit('error', { code: error.code, message: error.message }),
    );
  }

  get followRedirects(): boolean {
    return this.host.settings.followRedirects;
  }

  mediaChanged(): void {
    this.host.emit('change', undefined);
  }

  signallingConnected(): boolean {
    return this.host.connected();
  }

  signallingInDoubt(): boolean {
    return this.host.connectionInDoubt();
  }

  /** Call waiting: a call we place or answer puts the others on hold. */
  private holdOthers(call: Call): void {
    for (const other of this.byId.values()) {
      if (other !== call && other.state === 'active') other.hold().catch(() => {});
    }
  }

  /** The peer connection configuration of our calls: the ICE servers and the transport policy. */
  private pcConfig(): RTCConfiguration {
    const config = this.host.config();
    return { iceServers: config?.iceServers ?? [], iceTransportPolicy: config?.iceTransportPolicy ?? 'all' };
  }

  /** The browser's codecs in the page's order (checked at every call and answer: 'invalid-option'). */
  private codecs(): RTCRtpCodec[] {
    return codecsFor(parseCodecs(this.host.settings.codecs));
  }

  /** A ringing call not yet answered (redirect, ignore), or PhoneError 'no-such-call' / 'not-ringing'. */
  private ringingCall(callId: string | undefined): Call {
    const call = this.require(callId, callId ? undefined : 'incoming');
    if (call.state !== 'incoming')
      throw new PhoneError('not-ringing', `The call is ${call.state}: only a call still ringing can be sent elsewhere or ignored.`);
    return call;
  }

  adopt(session: RTCSession, direction: 'incoming' | 'outgoing', video: boolean, headers: SipHeaders = {}): Call {
    const call = this.create(session, direction, video, headers);
    this.byId.set(call.id, call);
    this.host.emit('change', undefined);
    return call;
  }

  /** A Call for `session`, not yet among the live calls. */
  private create(session: RTCSession, direction: 'incoming' | 'outgoing', video: boolean, headers: SipHeaders): Call {
    const { options, iceProbe } = this.host;
    const { iceServers = [], iceTransportPolicy = 'all' } = this.pcConfig();
    const yielded = iceProbe.typesFor(iceServers);
    const call = new Call(
      session,
      direction,
      video,
      {
        ice: { iceServers, iceTransportPolicy, timeoutMs: options.iceGatheringTimeout ?? DEFAULT_ICE_GATHERING_TIMEOUT, yielded },
        mediaTimeoutMs: options.mediaTimeout ?? DEFAULT_MEDIA_TIMEOUT,
        recoveryTimeoutMs: options.callRecoveryTimeout ?? DEFAULT_RECOVERY_TIMEOUT,
        statsIntervalMs: options.statsInterval ?? 2000,
      },
      this,
    );
    call.headers = headers;
    return call;
  }
}

function requireKind(kind: string): 'audio' | 'video' {
  if (kind !== 'audio' && kind !== 'video') throw new PhoneError('invalid-option', `Mute "audio" or "video", not "${kind}".`);
  return kind;
}
