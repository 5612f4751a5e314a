import { assertTransition, type CallState } from './call-state.js';
import { causeFromJsSip, type EndCause } from '../kernel/causes.js';
import { IceGatheringRound, type IcePolicyOptions } from '../media/ice-policy.js';
import { readCallStats, type CallStats, type StatsSample } from './call-stats.js';
import { CallQualityMonitor, type MicrophoneState, type QualityChange, type QualityWarning } from './call-quality-monitor.js';
import { PhoneError } from '../kernel/errors.js';
import type { EndEvent, IceCandidateEvent, RTCSession } from '../kernel/jssip-adapter.js';

/** A snapshot of one call, as the page sees it. */
export interface CallInfo {
  id: string;
  direction: 'incoming' | 'outgoing';
  state: CallState;
  /** The other party's SIP URI. */
  remoteUri: string;
  /** The other party's display name as they sent it (untrusted text). */
  remoteDisplayName: string;
  /** Whether this call carries video. */
  video: boolean;
  /** Whether we put the call on hold. */
  held: boolean;
  /** Whether the other side put the call on hold. */
  remoteHeld: boolean;
  muted: { audio: boolean; video: boolean };
  /** When the call became active (ms since the epoch), or null before. */
  startedAt: number | null;
  /** Where a transfer of this call stands, if we started one. */
  transfer: TransferState | null;
  /** Whether we send our screen instead of the camera. */
  screenSharing: boolean;
  /**
   * Whether the media path has connected (ICE and DTLS; early media counts): until then there is
   * nothing to hear or see from the other side.
   */
  mediaConnected: boolean;
  /** The quality warnings in force (see `call-quality`), most telling first. */
  qualityWarnings: QualityWarning[];
}

export interface CallEnd {
  cause: EndCause;
  statusCode?: number;
  durationMs: number;
}

/** What changed in a `call-updated` event. */
export type CallChange = 'held' | 'remoteHeld' | 'muted' | 'video' | 'transfer' | 'media';

/** Where a blind transfer we started stands (from the NOTIFY sipfrag). */
export type TransferState = 'trying' | 'ringing' | 'accepted' | 'failed';

export type DtmfTransport = 'rfc4733' | 'info';

/**
 * RFC 4733 tone length and gap (ms). Chromium times a telephone-event/8000 tone in the audio's
 * 48 kHz steps when the answer has no telephone-event/48000 (opus): JsSIP's 100 ms then goes out
 * as end packets only, which baresip ignores; 250 ms gives two start packets (measured).
 */
export const RTP_TONE = { duration: 250, interToneGap: 100 } as const;

export interface CallObserver {
  updated(call: Call, change: CallChange): void;
  dtmf(call: Call, tone: string, direction: 'incoming' | 'outgoing'): void;
  stats(call: Call, stats: CallStats): void;
  /** A quality warning was raised or cleared. */
  quality(call: Call, change: QualityChange): void;
  /** Whether a 3xx to our INVITE makes us call its Contacts. */
  readonly followRedirects: boolean;
  /** Sends an INVITE to `target` offering the tracks of `stream` (throws on a target JsSIP refuses). */
  invite(target: string, stream: MediaStream, video: boolean, options?: object): RTCSession;
  /** The other side asked us to call `target` (REFER): returns the new call, or null if refused. */
  referred(call: Call, accept: (options: object, adopt: (session: RTCSession) => void) => void, target: string): void;
  stateChanged(call: Call, previous: CallState, cause?: EndCause): void;
  ended(call: Call, end: CallEnd): void;
  mediaChanged(call: Call): void;
  /** Whether the SIP connection is up (a dead media path then reads as 'media-timeout'). */
  signallingConnected(): boolean;
}

export interface CallOptions {
  ice: IcePolicyOptions;
  /**
   * How long (ms) the media path may stay disconnected before the call ends, and how long after
   * the call became active it may take to connect at all.
   */
  mediaTimeoutMs: number;
  /** Milliseconds between `stats` reports while active (0: none). */
  statsIntervalMs: number;
}

/** INVITEs one outgoing call may send in all (redirects and 422 retries). */
const MAX_INVITES = 5;

let counter = 0;

/** One call: wraps a JsSIP RTCSession, owns its local media and its state machine. */
export class Call {
  readonly id = `call-${Date.now().toString(36)}-${++counter}`;
  readonly direction: 'incoming' | 'outgoing';
  readonly remoteUri: string;
  readonly remoteDisplayName: string;
  video: boolean;
  state: CallState;
  startedAt: number | null = null;
  localStream: MediaStream | null = null;
  /** RFC 4733 tones waiting for the microphone to reach its sender. */
  private pendingTones = '';
  remoteStream: MediaStream | null = null;
  transfer: TransferState | null = null;
  /** Whether the network sent early media (a provisional response with SDP) while ringing. */
  earlyMedia = false;
  /** The SDP offer of an incoming call ('' for others). */
  offer = '';
  /** Whether the peer connection has connected at least once. */
  mediaConnected = false;
  /** The screen track while sharing the screen instead of the camera. */
  screenTrack: MediaStreamTrack | null = null;
  /** Tracks taken off the senders while we hold the call (so nothing at all is sent). */
  private heldTracks: [RTCRtpSender, MediaStreamTrack | null][] = [];
  /** Set before terminating to name why we ended the call ourselves. */
  localCause: EndCause | undefined;
  private iceRound: IceGatheringRound | undefined;
  private mediaTimer: ReturnType<typeof setTimeout> | undefined;
  private setupTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private statsSample: StatsSample | null = null;
  private readonly quality = new CallQualityMonitor();
  private readonly cleanups: (() => void)[] = [];
  /** Targets this outgoing call has sent an INVITE to (422: its retry after a 422), and those a redirect gave it still to try. */
  private readonly tried = new Set<string | number>();
  private targets: string[] = [];
  session: RTCSession;

  constructor(
    session: RTCSession,
    direction: 'incoming' | 'outgoing',
    video: boolean,
    private readonly options: CallOptions,
    private readonly observer: CallObserver,
  ) {
    this.session = session;
    this.direction = direction;
    this.state = direction === 'incoming' ? 'incoming' : 'calling';
    this.video = video;
    const identity = session.remote_identity;
    this.remoteUri = identity?.uri?.toString() ?? '';
    this.remoteDisplayName = identity?.display_name ?? '';
    this.listen();
  }

  get info(): CallInfo {
    return {
      id: this.id,
      direction: this.direction,
      state: this.state,
      remoteUri: this.remoteUri,
      remoteDisplayName: this.remoteDisplayName,
      video: this.video,
      held: this.session.isOnHold().local,
      remoteHeld: this.session.isOnHold().remote,
      muted: { ...this.session.isMuted() } as { audio: boolean; video: boolean },
      startedAt: this.startedAt,
      transfer: this.transfer,
      screenSharing: this.screenTrack !== null,
      mediaConnected: this.mediaConnected,
      qualityWarnings: this.quality.warnings,
    };
  }

  get peerConnection(): RTCPeerConnection | null {
    return (this.session.connection as RTCPeerConnection | undefined) ?? null;
  }

  /** Hangs up, cancels or rejects, whichever fits the state. */
  end(cause: EndCause, statusCode?: number): void {
    if (this.state === 'ended') return;
    this.localCause = cause;
    try {
      this.session.terminate(statusCode ? { status_code: statusCode } : undefined);
    } catch {
      // JsSIP throws if the session already ended; finish ourselves.
      this.finish(cause);
    }
  }

  /** Ends the call on our side without reaching the other party (signalling is gone). */
  abandon(cause: EndCause): void {
    this.localCause = cause;
    this.end(cause);
    this.finish(cause);
  }

  /** Puts the call on hold (re-INVITE a=sendonly) and stops sending anything; no-op if held. */
  hold(): Promise<void> {
    if (this.state === 'active' && this.session.isOnHold().local) return Promise.resolve();
    return this.reinvite((done) => this.session.hold({}, done));
  }

  unhold(): Promise<void> {
    if (this.state === 'active' && !this.session.isOnHold().local) return Promise.resolve();
    return this.reinvite((done) => this.session.unhold({}, done));
  }

  /** Disables the local track of this kind (no renegotiation). */
  mute(kind: 'audio' | 'video', muted: boolean): void {
    this.requireState('active');
    const options = { audio: kind === 'audio', video: kind === 'video' };
    if (muted) this.session.mute(options);
    else this.session.unmute(options);
  }

  /** Sends tones (0-9 * # A-D, ',' = pause) over RTP (RFC 4733) or SIP INFO. */
  sendDtmf(tones: string, transport: DtmfTransport): void {
    this.requireState('active');
    if (this.session.isOnHold().local) throw new PhoneError('invalid-call-state', 'The call is on hold: resume it to send tones.');
    if (transport === 'info') this.session.sendDTMF(tones, { transportType: 'INFO' } as never);
    // JsSIP silently drops RTP tones while no microphone track is on a sender (it is still starting).
    else if (!this.peerConnection?.getSenders().some((sender) => sender.track?.kind === 'audio')) this.pendingTones += tones;
    else this.session.sendDTMF(tones, { transportType: 'RFC2833', ...RTP_TONE } as never);
    // JsSIP reports INFO tones itself ('newDTMF'); RTP tones are reported here.
    if (transport === 'rfc4733') for (const tone of tones.replace(/,/g, '')) this.observer.dtmf(this, tone.toUpperCase(), 'outgoing');
  }

  /** Blind transfer: REFER the other side to `target`; on success this call ends as 'transferred'. */
  transferTo(target: string, replacing?: Call): void {
    this.requireState('active');
    const setTransfer = (state: TransferState) => {
      this.transfer = state;
      this.observer.updated(this, 'transfer');
    };
    // JsSIP's typings say refer() returns void; it returns its ReferSubscriber (or false).
    const subscriber = this.session.refer(target, replacing ? { replaces: replacing.session } : undefined) as unknown as
      | { on(event: string, listener: () => void): void }
      | false;
    if (!subscriber) throw new PhoneError('invalid-call-state', 'The call cannot be transferred now.');
    // Attended: the other call is replaced by the transferee's, so it ends as transferred too.
    if (replacing) replacing.localCause = 'transferred';
    setTransfer('trying');
    const failed = () => {
      setTransfer('failed');
      if (replacing) replacing.localCause = undefined;
    };
    subscriber.on('progress', () => setTransfer('ringing'));
    subscriber.on('requestFailed', failed);
    subscriber.on('failed', failed);
    subscriber.on('accepted', () => {
      setTransfer('accepted');
      this.end('transferred');
    });
  }

  /** Replaces the track of this kind on its sender (device switch, screen share), keeping the stream current. */
  async replaceTrack(track: MediaStreamTrack): Promise<MediaStreamTrack | null> {
    const sender = this.peerConnection?.getSenders().find((s) => (s.track ?? this.heldTrack(s))?.kind === track.kind);
    if (!sender) throw new PhoneError('invalid-call-state', `This call sends no ${track.kind}.`);
    const old = sender.track ?? this.heldTrack(sender);
    const held = this.heldTracks.find(([s]) => s === sender);
    if (held) held[1] = track; // restored on unhold
    else await sender.replaceTrack(track);
    if (this.localStream && old) {
      this.localStream.removeTrack(old);
      this.localStream.addTrack(track);
    }
    this.observer.mediaChanged(this);
    return old;
  }

  private heldTrack(sender: RTCRtpSender): MediaStreamTrack | null {
    return this.heldTracks.find(([s]) => s === sender)?.[1] ?? null;
  }

  private requireState(state: CallState): void {
    if (this.state !== state) throw new PhoneError('invalid-call-state', `The call is ${this.state}, not ${state}.`);
  }

  private reinvite(start: (done: () => void) => boolean): Promise<void> {
    this.requireState('active');
    const session = this.session as unknown as { once(n: string, h: Refused): void; off(n: string, h: Refused): void };
    type Refused = (response: { status_code: number; reason_phrase: string }) => void;
    return new Promise((resolve, reject) => {
      // JsSIP never calls `done` when the re-INVITE fails: settle on the end, or on the refusal
      // after which the call goes on as it was (see jssip-adapter.ts).
      const settle = () => reject(new PhoneError('invalid-call-state', 'The call ended before the change was made.'));
      const refused: Refused = (response) => {
        finished();
        reject(new PhoneError('change-refused', `The other side refused the change (${response.status_code} ${response.reason_phrase}); the call goes on as it was.`));
      };
      session.once('reofferfailed', refused);
      this.cleanups.push(settle);
      const finished = () => {
        session.off('reofferfailed', refused);
        const index = this.cleanups.indexOf(settle);
        if (index >= 0) this.cleanups.splice(index, 1);
      };
      if (!start(() => (finished(), resolve()))) {
        finished();
        reject(new PhoneError('invalid-call-state', 'The call is busy with another change; try again.'));
      }
    });
  }

  /** While we hold, take the tracks off the senders: a disabled track still sends black frames. */
  private detachSenders(detach: boolean): void {
    const pc = this.peerConnection;
    if (!pc) return;
    if (detach) {
      this.heldTracks = pc.getSenders().map((sender) => [sender, sender.track]);
      for (const [sender] of this.heldTracks) void sender.replaceTrack(null).catch(() => {});
    } else {
      // JsSIP re-enables only the tracks it finds on the senders at resume, and ours were off them
      // then: without this they go back disabled (silence and black frames), as muted as on hold.
      const { audio, video } = this.session.isMuted();
      const remoteHeld = this.session.isOnHold().remote;
      for (const [sender, track] of this.heldTracks.splice(0)) {
        if (track) track.enabled = !remoteHeld && !(track.kind === 'audio' ? audio : video);
        void sender.replaceTrack(track).catch(() => {});
      }
    }
  }

  /** RTP tones asked for before the microphone was on its sender go out once it is. */
  private sendPendingTones(): void {
    const tones = this.pendingTones;
    this.pendingTones = '';
    if (tones && this.state === 'active' && !this.session.isOnHold().local) this.session.sendDTMF(tones, { transportType: 'RFC2833', ...RTP_TONE } as never);
  }

  setLocalStream(stream: MediaStream): void {
    this.localStream = stream;
    this.observer.mediaChanged(this);
  }

  /**
   * Camera and microphone that started after the offer or answer went out: their tracks go onto
   * the senders waiting for them, and into a new local stream (so views pick them up).
   */
  supplyMedia(media: MediaStream): void {
    const pc = this.peerConnection;
    if (this.state === 'ended' || !pc) {
      media.getTracks().forEach((track) => track.stop());
      return;
    }
    if (this.direction === 'incoming' && !pc.remoteDescription) {
      // A callee's microphone can be ready before JsSIP has applied the offer, and the senders
      // waiting for it exist only then: it goes onto them once the answer is made.
      const answerMade = ({ originator }: { originator: string }) => {
        if (originator !== 'local') return;
        this.session.off('sdp', answerMade);
        this.supplyMedia(media);
      };
      this.session.on('sdp', answerMade);
      this.cleanups.push(() => {
        this.session.off('sdp', answerMade);
        media.getTracks().forEach((track) => track.stop());
      });
      return;
    }
    const muted = this.session.isMuted();
    for (const track of media.getTracks()) {
      // A mute or hold from before the media came applies to it too.
      track.enabled = !(track.kind === 'audio' ? muted.audio : muted.video);
      const waiting = pc.getTransceivers().find((t) => !t.sender.track && t.receiver.track.kind === track.kind && /send/.test(t.direction));
      const held = this.heldTracks.find(([sender]) => sender === waiting?.sender);
      if (held) held[1] = track;
      else void waiting?.sender.replaceTrack(track).then(() => this.sendPendingTones()).catch(() => {});
    }
    this.setLocalStream(new MediaStream([...(this.localStream?.getTracks() ?? []), ...media.getTracks()]));
  }

  private listen(): void {
    const session = this.session;
    const on = <A extends unknown[]>(name: string, handler: (...args: A) => void) => {
      (session as unknown as { on(n: string, h: (...a: A) => void): void }).on(name, handler);
      this.cleanups.push(() => (session as unknown as { off(n: string, h: (...a: A) => void): void }).off(name, handler));
    };
    // JsSIP also fires 'progress' when we send 180 for an incoming call: only the caller rings.
    on('progress', (event: { originator: string; response?: { body?: string } }) => {
      if (this.direction !== 'outgoing') return;
      const early = event.originator === 'remote' && !!event.response?.body;
      this.move('ringing');
      // Early media (a 18x with SDP): the network's audio replaces our ringback.
      if (early && !this.earlyMedia) {
        this.earlyMedia = true;
        this.observer.mediaChanged(this);
      }
    });
    on('accepted', () => this.activated());
    on('confirmed', () => this.activated());
    on('ended', (event: EndEvent) => this.finish(this.causeOf(event), statusOf(event)));
    on('failed', (event: EndEvent) => this.retry(event as never) || this.finish(this.causeOf(event), statusOf(event)));
    on('icecandidate', (event: IceCandidateEvent) => {
      this.iceRound ??= new IceGatheringRound(this.options.ice);
      this.iceRound.onCandidate(event.candidate, event.ready);
    });
    // A new gathering round for each offer/answer JsSIP makes.
    on('sdp', () => {
      this.iceRound?.dispose();
      this.iceRound = undefined;
    });
    on('peerconnection', () => this.watchPeerConnection());
    on('hold', ({ originator }: { originator: string }) => {
      if (originator === 'local') this.detachSenders(true);
      this.observer.updated(this, originator === 'local' ? 'held' : 'remoteHeld');
    });
    on('unhold', ({ originator }: { originator: string }) => {
      if (originator === 'local') this.detachSenders(false);
      this.observer.updated(this, originator === 'local' ? 'held' : 'remoteHeld');
    });
    on('muted', () => this.observer.updated(this, 'muted'));
    on('unmuted', () => this.observer.updated(this, 'muted'));
    on('newDTMF', ({ originator, dtmf }: { originator: string; dtmf: { tone: string } }) => {
      this.observer.dtmf(this, dtmf.tone, originator === 'remote' ? 'incoming' : 'outgoing');
    });
    // Attended transfer to us: an INVITE with Replaces for this call; the new call replaces it.
    on('replaces', (event: { accept(cb?: (s: RTCSession) => void): void }) => {
      this.localCause = 'transferred';
      event.accept();
    });
    on('refer', (event: { request: { refer_to: { uri: { toString(): string } } }; accept(cb: (s: RTCSession) => void, o: object): void; reject(): void }) => {
      this.observer.referred(this, (options, adopt) => event.accept(adopt, options), event.request.refer_to.uri.toString());
    });
    // A request that got no response at all (Timer B, 32 s): JsSIP ends the call through
    // terminate(), which reports 'Canceled' (the caller gave up); name it for what it was.
    const timeouts = session as unknown as { onRequestTimeout(): void };
    const onRequestTimeout = timeouts.onRequestTimeout;
    timeouts.onRequestTimeout = () => {
      this.localCause ??= 'request-timeout';
      onRequestTimeout.call(session);
    };
    if (session.connection) this.watchPeerConnection();
  }

  /**
   * An outgoing INVITE that failed goes out again on a new session, the call staying as it was:
   * to the Contacts of a 3xx (highest q first, each target once), to the next of them after any
   * other failure, or once more with the `Min-SE` of a 422 as our Session-Expires.
   */
  private retry({ originator, message: response }: { originator: string; message: IncomingResponse }): boolean {
    // Only final responses that refused the call count: not a CANCEL to an incoming call (a
    // request), nor a 2xx whose SDP the browser refused (it too fails the call, 'remote').
    const code = (originator === 'remote' && response?.status_code) || 0;
    const current = `${this.session.remote_identity.uri}`;
    this.tried.add(current);
    // 6xx: a global failure, no other location will do (RFC 3261 §16.7).
    if (code < 300 || code > 599 || this.tried.size >= MAX_INVITES) return false;
    let target: string | undefined;
    let options = {};
    if (code === 422 && !this.tried.has(code)) {
      this.tried.add(code);
      target = current;
      options = { sessionTimersExpires: parseInt(response.getHeader('min-se')) };
    } else {
      if (code < 400 && this.observer.followRedirects) {
        const contacts = response.getHeaders('contact').map((_, i) => response.parseHeader('contact', i) as Contact);
        contacts.sort((a, b) => (b.getParam('q') ?? 1) - (a.getParam('q') ?? 1));
        this.targets.unshift(...contacts.map((contact) => `${contact.uri}`));
      }
      while ((target = this.targets.shift()) && this.tried.has(target));
    }
    let session;
    try {
      session = target && this.observer.invite(target, this.localStream!, this.video, options);
    } catch {
      // A Contact JsSIP cannot call: the call ends with the response we have.
    }
    if (!session) return false;
    // (Its ICE round ended with the offer: 'sdp' disposed of it.)
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.session = session;
    this.listen();
    return true;
  }

  private watchPeerConnection(): void {
    const pc = this.peerConnection;
    if (!pc) return;
    const onTrack = (event: RTCTrackEvent) => {
      this.remoteStream = event.streams[0] ?? new MediaStream([event.track]);
      this.observer.mediaChanged(this);
    };
    // JsSIP ends a call only on iceConnectionState 'failed', which may never come when the
    // other side vanished (its BYE lost with the signalling): watch connectionState ourselves.
    const onConnectionState = () => {
      const state = pc.connectionState;
      clearTimeout(this.mediaTimer);
      this.mediaTimer = undefined;
      if (state === 'connected' && !this.mediaConnected) {
        this.mediaConnected = true;
        this.observer.updated(this, 'media');
      }
      if (state === 'failed') this.mediaLost();
      else if (state === 'disconnected') this.mediaTimer = setTimeout(() => this.mediaLost(), this.options.mediaTimeoutMs);
    };
    pc.addEventListener('track', onTrack);
    pc.addEventListener('connectionstatechange', onConnectionState);
    this.cleanups.push(() => {
      pc.removeEventListener('track', onTrack);
      pc.removeEventListener('connectionstatechange', onConnectionState);
      clearTimeout(this.mediaTimer);
    });
  }

  /** After a network change: renegotiate with an ICE restart if the media path is down. */
  restartIceIfDown(): void {
    const pc = this.peerConnection;
    if (this.state !== 'active' || !pc || pc.connectionState === 'connected') return;
    try {
      this.session.renegotiate({ rtcOfferConstraints: { iceRestart: true } });
    } catch {
      // JsSIP refuses while another negotiation is under way; the media timeout still applies.
    }
  }

  private startStats(): void {
    if (!this.options.statsIntervalMs || this.statsTimer) return;
    this.statsTimer = setInterval(async () => {
      const pc = this.peerConnection;
      if (!pc || this.state !== 'active') return;
      try {
        const { stats, sample } = await readCallStats(pc, this.id, this.statsSample);
        this.statsSample = sample;
        if (this.state !== 'active') return;
        this.observer.stats(this, stats);
        const hold = this.session.isOnHold();
        const changes = this.quality.update({
          ...sample,
          rttMs: stats.rttMs,
          jitterMs: stats.jitterMs,
          packetsLost: stats.packetsLost,
          microphone: this.microphoneState(pc),
          held: hold.local || hold.remote,
          muted: this.session.isMuted().audio === true,
          mediaConnected: this.mediaConnected,
        });
        for (const change of changes) this.observer.quality(this, change);
      } catch {
        // getStats() on a closing connection: the call is ending anyway.
      }
    }, this.options.statsIntervalMs);
  }

  /** The track on our audio sender: there and sounding, or why not. */
  private microphoneState(pc: RTCPeerConnection): MicrophoneState {
    const track = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender.track;
    if (!track) return 'none';
    if (track.readyState === 'ended') return 'ended';
    if (track.muted) return 'muted';
    return track.enabled ? 'live' : 'disabled';
  }

  private activated(): void {
    this.move('active');
    // A media path that never connects would leave an "active" call silent for good: JsSIP ends
    // calls only on ICE 'failed', which a side without any candidate (relay-only, and the TURN
    // server refused our credentials) or without the other's never reaches.
    if (this.mediaConnected || this.setupTimer) return;
    this.setupTimer = setTimeout(() => this.mediaConnected || this.mediaLost(), this.options.mediaTimeoutMs);
    this.cleanups.push(() => clearTimeout(this.setupTimer));
  }

  private mediaLost(): void {
    this.abandon(this.observer.signallingConnected() ? 'media-timeout' : 'connection-lost');
  }

  private causeOf(event: EndEvent): EndCause {
    if (this.localCause) return this.localCause;
    if (event.originator === 'local' && event.cause === 'Terminated') return 'hangup';
    // The browser refused an offer (plain RTP without ICE/DTLS, say) and JsSIP answered 488: it
    // calls that a 'WebRTC Error', but it is the other side's media description that does not fit.
    if (event.originator === 'system' && event.cause === 'WebRTC Error') return 'incompatible-sdp';
    // Another of the user's phones (another tab) answered: the CANCEL says so (RFC 3326).
    const reason = (event.message as { getHeader?(name: string): string | undefined } | undefined)?.getHeader?.('Reason');
    if (event.cause === 'Canceled' && /cause=200\b/.test(reason ?? '')) return 'answered-elsewhere';
    return causeFromJsSip(event.cause);
  }

  private move(to: CallState, cause?: EndCause): void {
    if (this.state === to) return;
    assertTransition(this.state, to);
    const previous = this.state;
    this.state = to;
    if (to === 'active') {
      this.startedAt = Date.now();
      this.startStats();
    }
    this.observer.stateChanged(this, previous, cause);
  }

  private finish(cause: EndCause, statusCode?: number): void {
    if (this.state === 'ended') return;
    const durationMs = this.startedAt ? Date.now() - this.startedAt : 0;
    this.iceRound?.dispose();
    clearInterval(this.statsTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    // JsSIP leaves the peer connection open when it ends a call through _acceptAndTerminate (a 2xx
    // whose SDP the browser refused): every ended call closes its own (Chromium caps open ones).
    const pc = this.peerConnection;
    if (pc && pc.signalingState !== 'closed') pc.close();
    this.localStream?.getTracks().forEach((track) => track.stop());
    this.screenTrack?.stop();
    this.localStream = null;
    this.remoteStream = null;
    this.move('ended', cause);
    this.observer.ended(this, { cause, statusCode, durationMs });
  }
}

interface IncomingResponse {
  status_code: number;
  getHeader(name: string): string;
  getHeaders(name: string): string[];
  parseHeader(name: string, index: number): unknown;
}

interface Contact {
  uri: { toString(): string };
  /** The text of the parameter (typed as a number: '-' converts it). */
  getParam(name: string): number | undefined;
}

function statusOf(event: EndEvent): number | undefined {
  const message = event.message as { status_code?: number } | null | undefined;
  return message?.status_code || undefined;
}
