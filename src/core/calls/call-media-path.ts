/**
 * A call's media path: the remote stream, whether ICE and DTLS have connected, a path that never
 * connects (the call then ends), a path that goes down while the call is up (recovered: ICE
 * restarts with backoff until it connects again or `recoveryTimeoutMs` passes), an ICE restart
 * after a network change, and the stats and quality warnings read while the call is active.
 */
import { readCallStats, type StatsSample } from './call-stats.js';
import { CallQualityMonitor, type MicrophoneState, type QualityWarning } from './call-quality-monitor.js';
import type { Call, CallObserver, CallOptions } from './call.js';
import type { RTCSession } from '../kernel/jssip-adapter.js';

/** The first ICE restart of a recovery waits this long for a merely disconnected path; later ones back off up to RESTART_MAX_MS. */
const RESTART_FIRST_MS = 2000;
const RESTART_MAX_MS = 8000;
/** How much later the callee's first restart comes than the caller's. */
const CALLEE_DELAY_MS = 1500;

export class CallMediaPath {
  /** Whether the peer connection has connected at least once. */
  connected = false;
  private lossTimer: ReturnType<typeof setTimeout> | undefined;
  private setupTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private statsSample: StatsSample | null = null;
  /** The peer connection the stats sample came from. */
  private samplePc: RTCPeerConnection | null = null;
  private readonly quality = new CallQualityMonitor();
  /** Whether the path went down while the call was up and is being recovered (CallInfo.reconnecting). */
  reconnecting = false;
  private recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  /** When media last arrived (the stats' clock, sampled every `statsIntervalMs`): a recovery's time counts from then. */
  private mediaSeenAt: number | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly call: Call,
    private readonly options: CallOptions,
    private readonly observer: CallObserver,
  ) {}

  /** The quality warnings in force, most telling first. */
  get warnings(): QualityWarning[] {
    return this.quality.warnings;
  }

  /** Follows a peer connection: its remote stream and whether its path is up. Returns what stops following it. */
  watch(pc: RTCPeerConnection): () => void {
    const onTrack = (event: RTCTrackEvent) => {
      this.call.remoteStream = event.streams[0] ?? new MediaStream([event.track]);
      this.observer.mediaChanged(this.call);
    };
    // JsSIP ends a call only on iceConnectionState 'failed', which may never come when the
    // other side vanished (its BYE lost with the signalling): watch connectionState ourselves.
    const onConnectionState = () => {
      const state = pc.connectionState;
      clearTimeout(this.lossTimer);
      this.lossTimer = undefined;
      if (state === 'connected' && !this.connected) {
        this.connected = true;
        this.observer.updated(this.call, 'media');
      }
      if (state === 'connected' && this.reconnecting) this.recovered();
      if (state !== 'failed' && state !== 'disconnected') return;
      if (this.connected && this.call.state === 'active' && this.options.recoveryTimeoutMs > 0) this.recover(state);
      else if (state === 'failed') this.lost();
      else this.lossTimer = setTimeout(() => this.lost(), this.options.mediaTimeoutMs);
    };
    pc.addEventListener('track', onTrack);
    pc.addEventListener('connectionstatechange', onConnectionState);
    return () => {
      pc.removeEventListener('track', onTrack);
      pc.removeEventListener('connectionstatechange', onConnectionState);
      clearTimeout(this.lossTimer);
      this.stopRecovery();
    };
  }

  /**
   * The path went down while the call was up: say so, and restart ICE (at once when it failed,
   * after a short wait when it is only disconnected: a path that returns by itself needs none),
   * again every few seconds, until it connects or the recovery time is over.
   */
  private recover(state: 'failed' | 'disconnected'): void {
    if (!this.reconnecting) {
      this.reconnecting = true;
      // The other side hears silence since its media stopped, some seconds before the browser says so.
      const silentMs = this.mediaSeenAt === null ? 0 : Math.max(0, performance.now() - this.mediaSeenAt);
      this.recoveryTimer = setTimeout(() => this.lost(), Math.max(0, this.options.recoveryTimeoutMs - silentMs));
      this.observer.reconnecting(this.call, true);
      // Both sides notice at about the same time: the caller restarts first, so that the callee's
      // re-INVITE does not cross it (491) and is not needed once the caller's brings the path back.
      const first = this.call.direction === 'outgoing' ? RESTART_FIRST_MS : RESTART_FIRST_MS + CALLEE_DELAY_MS;
      this.scheduleRestart(state === 'failed' && this.call.direction === 'outgoing' ? 0 : first);
    } else if (state === 'failed' && this.restartTimer === undefined) this.scheduleRestart(0);
  }

  /** The call goes on with a new session (the other side took it back): a recovery under way ends when its path connects. */
  resumed(recovering: boolean): void {
    if (!recovering) return;
    this.reconnecting = true;
    this.recoveryTimer = setTimeout(() => this.lost(), this.options.recoveryTimeoutMs);
  }

  private scheduleRestart(ms: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.reconnecting) return;
      // Only with signalling up: a request JsSIP cannot send ends the call (connection-lost).
      if (this.observer.signallingConnected()) this.restartIce();
      this.scheduleRestart(Math.min(Math.max(ms * 2, RESTART_FIRST_MS), RESTART_MAX_MS));
    }, ms);
  }

  private recovered(): void {
    this.stopRecovery();
    this.observer.reconnecting(this.call, false);
  }

  private stopRecovery(): void {
    this.reconnecting = false;
    clearTimeout(this.recoveryTimer);
    clearTimeout(this.restartTimer);
    this.recoveryTimer = this.restartTimer = undefined;
  }

  /**
   * While recovering, what JsSIP would end the call for is only a failed restart, tried again until
   * the recovery time is over: a restart caught in a connection that died ('connection-lost'; the
   * next goes through the new connection), no answer at all (Timer B), or a 408 (a proxy still
   * sending to the other side's old connection, before it registered again). A 481 (the other side
   * hung up meanwhile) still ends the call. A request's 408 comes to JsSIP's onDialogError without
   * the response, so the INVITE's handlers are wrapped where it is sent.
   */
  keepSessionWhileRecovering(session: RTCSession): void {
    type Handler = (response?: { status_code: number }) => void;
    type Handlers = { onDialogError?: Handler; onErrorResponse?: Handler };
    const internals = session as unknown as Record<'onTransportError' | 'onRequestTimeout', () => void> & {
      sendRequest(method: string, options?: { eventHandlers?: Handlers }): unknown;
    };
    for (const name of ['onTransportError', 'onRequestTimeout'] as const) {
      const original = internals[name];
      internals[name] = () => this.reconnecting || original.call(session);
    }
    const sendRequest = internals.sendRequest;
    internals.sendRequest = (method, options) => {
      const handlers = options?.eventHandlers;
      const { onDialogError, onErrorResponse } = handlers ?? {};
      if (method === 'INVITE' && handlers && onDialogError && onErrorResponse) {
        handlers.onDialogError = (response) => (this.reconnecting && response?.status_code === 408 ? onErrorResponse : onDialogError)(response);
      }
      return sendRequest.call(session, method, options);
    };
  }

  /** Renegotiates with new ICE credentials (a re-INVITE); JsSIP refuses while another negotiation is under way. */
  private restartIce(): void {
    try {
      this.call.session.renegotiate({ rtcOfferConstraints: { iceRestart: true } });
    } catch {
      // the next attempt, or the recovery timeout
    }
  }

  /** The call became active: the path has `mediaTimeoutMs` to connect. Returns what cancels the wait, if one started. */
  expectConnection(): (() => void) | undefined {
    // A media path that never connects would leave an "active" call silent for good: JsSIP ends
    // calls only on ICE 'failed', which a side without any candidate (relay-only, and the TURN
    // server refused our credentials) or without the other's never reaches.
    if (this.connected || this.setupTimer) return;
    this.setupTimer = setTimeout(() => this.connected || this.lost(), this.options.mediaTimeoutMs);
    return () => clearTimeout(this.setupTimer);
  }

  /** After a network change (or a new SIP connection): an ICE restart now if the media path is down. */
  restartIceIfDown(): void {
    const pc = this.call.peerConnection;
    if (this.call.state !== 'active' || !pc || pc.connectionState === 'connected') return;
    if (this.reconnecting) this.scheduleRestart(0);
    else this.restartIce();
  }

  /** Reports the stats (and quality changes) every `statsIntervalMs` while the call is active. */
  startStats(): void {
    const call = this.call;
    if (!this.options.statsIntervalMs || this.statsTimer) return;
    this.statsTimer = setInterval(async () => {
      const pc = call.peerConnection;
      if (!pc || call.state !== 'active') return;
      try {
        // A new session (the other side took the call back after a reload): its counters start at 0.
        if (pc !== this.samplePc) [this.samplePc, this.statsSample, this.mediaSeenAt] = [pc, null, null];
        const { stats, sample } = await readCallStats(pc, call.id, this.statsSample);
        if (sample.packetsReceived > (this.statsSample?.packetsReceived ?? 0)) this.mediaSeenAt = sample.at;
        this.statsSample = sample;
        if (call.state !== 'active') return;
        this.observer.stats(call, stats);
        const hold = call.session.isOnHold();
        const changes = this.quality.update({
          ...sample,
          rttMs: stats.rttMs,
          jitterMs: stats.jitterMs,
          packetsLost: stats.packetsLost,
          microphone: microphoneState(pc),
          held: hold.local || hold.remote,
          muted: call.session.isMuted().audio === true,
          mediaConnected: this.connected,
        });
        for (const change of changes) this.observer.quality(call, change);
      } catch {
        // getStats() on a closing connection: the call is ending anyway.
      }
    }, this.options.statsIntervalMs);
  }

  stopStats(): void {
    clearInterval(this.statsTimer);
  }

  private lost(): void {
    this.stopRecovery();
    this.call.abandon(this.observer.signallingConnected() ? 'media-timeout' : 'connection-lost');
  }
}

/** The track on our audio sender: there and sounding, or why not. */
function microphoneState(pc: RTCPeerConnection): MicrophoneState {
  const track = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender.track;
  if (!track) return 'none';
  if (track.readyState === 'ended') return 'ended';
  if (track.muted) return 'muted';
  return track.enabled ? 'live' : 'disabled';
}
