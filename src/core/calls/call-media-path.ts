/**
 * A call's media path: the remote stream, whether ICE and DTLS have connected, a path that never
 * connects (the call then ends), a path that goes down while the call is up (recovered: ICE
 * restarts with backoff until media arrives again or `recoveryTimeoutMs` passes), media checked
 * for after every ICE restart, an ICE restart after a network change, and the stats and quality
 * warnings read while the call is active.
 */
import { readCallStats, type StatsSample } from './call-stats.js';
import { CallQualityMonitor, type MicrophoneState, type QualityWarning } from './call-quality-monitor.js';
import type { Call, CallObserver, CallOptions } from './call.js';
import type { RTCSession } from '../kernel/jssip-adapter.js';
import { keepSessionWhileRecovering } from '../kernel/jssip-recovering-session.js';
import { iceUfrag } from '../kernel/jssip-ice-generation.js';
import { isPendingOffer } from '../kernel/jssip-session-races.js';

/** The first ICE restart of a recovery waits this long for a merely disconnected path; later ones back off up to RESTART_MAX_MS. */
const RESTART_FIRST_MS = 2000;
const RESTART_MAX_MS = 4000;
/** How much later the callee's first restart comes than the caller's. */
const CALLEE_DELAY_MS = 1500;
/** After a restart, how long ICE may say connected with no media arriving before we restart ourselves. */
const MEDIA_CONFIRM_MS = 2000;
/** What arrives this soon after a restart does not count (it may have come the old way). */
const MEDIA_SETTLE_MS = 500;
/** Restarts after which a path that connects but carries nothing in is taken as it is (a peer that sends nothing). */
const MEDIA_CONFIRM_TRIES = 3;

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
  /**
   * The SIP connection was lost during the recovery: it ends with a restart through the new
   * connection, not when ICE comes back by itself (measured: Chromium and Firefox after a 20 s
   * outage, ICE connected again and no media either way).
   */
  private restartWanted = false;
  /** Watching for media after a restart (see confirmMedia), and how many came to nothing. */
  private confirmTimer: ReturnType<typeof setTimeout> | undefined;
  private silentRestarts = 0;

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
      if (state === 'connected' && this.reconnecting && !this.restartWanted) this.confirmMedia();
      if (state !== 'failed' && state !== 'disconnected') return;
      if (this.recoverable()) this.recover(state);
      else if (state === 'failed') this.lost();
      else this.lossTimer = setTimeout(() => this.lost(), this.options.mediaTimeoutMs);
    };
    // An offer of the other side's answered: its ICE restart (or any offer, when a recovery wants a restart).
    // (`answering`: the other side's ICE credentials before its offer; '' before its first.)
    let answering: string | null = null;
    const onSignalingState = () => {
      const ufrag = iceUfrag(pc.currentRemoteDescription?.sdp) ?? '';
      if (answering !== null && pc.signalingState === 'stable' && (this.restartWanted || (answering !== '' && ufrag !== answering))) this.restarted();
      answering = pc.signalingState === 'have-remote-offer' ? ufrag : null;
    };
    pc.addEventListener('track', onTrack);
    pc.addEventListener('connectionstatechange', onConnectionState);
    pc.addEventListener('signalingstatechange', onSignalingState);
    return () => {
      pc.removeEventListener('track', onTrack);
      pc.removeEventListener('connectionstatechange', onConnectionState);
      pc.removeEventListener('signalingstatechange', onSignalingState);
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

  /** Whether a path going down now is recovered (rather than ending the call). */
  private recoverable(): boolean {
    return this.reconnecting || (this.connected && this.call.state === 'active' && this.options.recoveryTimeoutMs > 0);
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
      // Without signalling, the restarts resume once registered again (restartIceIfDown()).
      if (!this.reconnecting || !this.observer.signallingConnected()) return;
      // Nor while the connection is being checked (the media going down made the phone check it):
      // a re-INVITE written into a dead TCP connection stays pending in JsSIP, so no restart goes
      // through the new connection, and TCP delivers it, stale, once the network is back.
      if (!this.observer.signallingInDoubt()) this.restartIce();
      this.scheduleRestart(Math.min(Math.max(ms * 2, RESTART_FIRST_MS), RESTART_MAX_MS));
    }, ms);
  }

  /** The SIP connection was lost: a recovery under way ends with a restart through the next one. */
  signallingLost(): void {
    if (this.reconnecting) this.restartWanted = true;
  }

  /** A restart (ours, or the other side's re-INVITE we answered) completed. */
  private restarted(): void {
    this.restartWanted = false;
    if (this.call.peerConnection?.connectionState === 'connected') this.confirmMedia();
  }

  /**
   * ICE says connected after a restart or during a recovery: the recovery ends once media
   * arrives. None within MEDIA_CONFIRM_MS, and we restart ICE ourselves (a call not yet being
   * recovered starts its recovery). Measured: Chromium restarting ICE on a connected path to
   * Firefox pairs its new candidates with Firefox's old one, which Firefox, once it answered, no
   * longer reads; Firefox hears nothing until it restarts ICE itself, which works. A peer that
   * sends nothing is taken as it is after MEDIA_CONFIRM_TRIES.
   */
  private confirmMedia(): void {
    const pc = this.call.peerConnection;
    if (!pc || this.confirmTimer !== undefined) return;
    const receiving = pc.getTransceivers().some((t) => t.currentDirection === 'sendrecv' || t.currentDirection === 'recvonly');
    if (!receiving || this.silentRestarts >= MEDIA_CONFIRM_TRIES) return this.mediaFlows();
    const started = performance.now();
    let before = new Map<string, number>();
    const poll = async () => {
      const now = await packetsReceived(pc).catch(() => undefined);
      if (this.confirmTimer === undefined || now === undefined) return;
      if ([...now].some(([id, packets]) => packets > (before.get(id) ?? Infinity))) return this.mediaFlows();
      before = now;
      if (performance.now() - started < MEDIA_CONFIRM_MS) {
        this.confirmTimer = setTimeout(poll, 250);
        return;
      }
      this.confirmTimer = undefined;
      this.silentRestarts++;
      // Nothing arrives: the path is down, whatever ICE says (Firefox may still say connected).
      if (!this.reconnecting && this.recoverable()) this.recover('failed');
      if (this.reconnecting) this.scheduleRestart(0);
      else if (this.observer.signallingConnected() && !this.observer.signallingInDoubt()) this.restartIce();
    };
    // (What arrives in the first moments may still come the old way: measured, up to ~100 ms.)
    this.confirmTimer = setTimeout(poll, MEDIA_SETTLE_MS);
  }

  private mediaFlows(): void {
    clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
    this.silentRestarts = 0;
    if (this.reconnecting && !this.restartWanted && this.call.peerConnection?.connectionState === 'connected') this.recovered();
  }

  private recovered(): void {
    this.stopRecovery();
    this.observer.reconnecting(this.call, false);
  }

  private stopRecovery(): void {
    this.reconnecting = this.restartWanted = false;
    clearTimeout(this.recoveryTimer);
    clearTimeout(this.restartTimer);
    clearTimeout(this.confirmTimer);
    this.recoveryTimer = this.restartTimer = this.confirmTimer = undefined;
  }

  /** While recovering, what JsSIP would end the call for is mostly a failed restart: see jssip-recovering-session.ts. */
  keepSessionWhileRecovering(session: RTCSession): void {
    keepSessionWhileRecovering(session, {
      recovering: () => this.reconnecting,
      recoverable: () => this.recoverable(),
      rollBack: (offer) => this.rollBack(offer),
    });
  }

  /** A restart's offer still waiting for its answer is rolled back (it failed, or was given up). */
  private rollBack(offer?: string): void {
    const pc = this.call.peerConnection;
    if (isPendingOffer(pc, offer)) pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
  }

  /** Renegotiates with new ICE credentials (a re-INVITE); JsSIP refuses while another negotiation is under way. */
  private restartIce(): void {
    try {
      this.call.session.renegotiate({ rtcOfferConstraints: { iceRestart: true } }, () => this.restarted());
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

  /**
   * After a network change (or a new SIP connection): an ICE restart now if the media path is down
   * (or the recovery wants one). After a lost connection the caller restarts first; the callee
   * waits for its re-INVITE, and restarts itself only if none came.
   */
  restartIceIfDown(): void {
    const pc = this.call.peerConnection;
    if (this.call.state !== 'active' || !pc || (pc.connectionState === 'connected' && !this.restartWanted)) return;
    if (!this.reconnecting) return this.restartIce();
    this.scheduleRestart(this.restartWanted && this.call.direction !== 'outgoing' ? RESTART_FIRST_MS + CALLEE_DELAY_MS : 0);
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

/** How many RTP packets have arrived, by inbound stream (Firefox makes new ones after an ICE restart: their counts start again). */
async function packetsReceived(pc: RTCPeerConnection): Promise<Map<string, number>> {
  const packets = new Map<string, number>();
  (await pc.getStats()).forEach((s: { type: string; id: string; packetsReceived?: number }) => {
    if (s.type === 'inbound-rtp') packets.set(s.id, s.packetsReceived ?? 0);
  });
  return packets;
}

/** The track on our audio sender: there and sounding, or why not. */
function microphoneState(pc: RTCPeerConnection): MicrophoneState {
  const track = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender.track;
  if (!track) return 'none';
  if (track.readyState === 'ended') return 'ended';
  if (track.muted) return 'muted';
  return track.enabled ? 'live' : 'disabled';
}
