import { neededCandidateTypes, type CandidateType } from './ice-policy.js';

export interface IceProbeOptions {
  /** How long a probe waits for the servers' candidates, in ms (default 3000). */
  timeoutMs?: number;
  /** After this long a result is refreshed in the background (still used meanwhile), in ms. */
  maxAgeMs?: number;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_MAX_AGE_MS = 5 * 60_000;

/**
 * Learns, ahead of calls, which candidate types the configured STUN/TURN servers really yield: a
 * throw-away RTCPeerConnection gathers once, in the background, when the servers are configured,
 * after a network change, and after a call once their result is old. A call then waits only for the types the
 * servers gave: an unreachable STUN server (a firewall, a typo, a server down) costs a call
 * nothing, while a server that answers still gets its candidate in. Until a first probe has
 * finished, calls wait as the configuration alone suggests (see IceGatheringRound).
 *
 * It gathers under the default policy whatever `ice-transport-policy` says: a relay-only call
 * needs to know only whether relay candidates come (a TURN server refusing our credentials yields
 * none: measured, gathering then completes in ~130 ms on loopback), and the probe's candidates
 * never leave the page.
 */
export class IceServerProbe {
  private known: { key: string; types: Set<CandidateType>; at: number } | null = null;
  private running: { key: string; stop(): void } | null = null;

  constructor(private readonly options: IceProbeOptions = {}) {}

  /** The candidate types these servers yielded when last probed; null while unknown. */
  typesFor(iceServers: RTCIceServer[]): Set<CandidateType> | null {
    return this.known?.key === keyOf(iceServers) ? this.known.types : null;
  }

  /**
   * Probes these servers unless a probe for them runs or a fresh result exists (`force`: probe
   * again anyway, after a network change). Servers that can only yield host candidates are not
   * probed.
   */
  refresh(iceServers: RTCIceServer[], force = false): void {
    const key = keyOf(iceServers);
    if (neededCandidateTypes(iceServers).size === 1) return;
    if (this.running?.key === key && !force) return;
    const fresh = this.known?.key === key && this.now() - this.known.at < (this.options.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
    if (fresh && !force) return;
    this.stop();
    const stop = this.probe(iceServers, key);
    if (stop) this.running = { key, stop };
  }

  /** Stops a probe under way (its peer connection closes). */
  stop(): void {
    this.running?.stop();
    this.running = null;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private probe(iceServers: RTCIceServer[], key: string): (() => void) | null {
    const create = this.options.createPeerConnection ?? ((config: RTCConfiguration) => new RTCPeerConnection(config));
    const wanted = neededCandidateTypes(iceServers);
    const seen = new Set<CandidateType>();
    let pc: RTCPeerConnection | null = null;
    const close = () => {
      clearTimeout(timer);
      if (pc) pc.onicecandidate = null;
      pc?.close();
      pc = null;
    };
    const finish = () => {
      if (!pc) return;
      close();
      this.running = null;
      this.known = { key, types: seen, at: this.now() };
    };
    const timer = setTimeout(finish, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
      pc = create({ iceServers });
      pc.onicecandidate = ({ candidate }) => {
        if (!candidate) return finish();
        if (candidate.type) seen.add(candidate.type as CandidateType);
        if ([...wanted].every((type) => seen.has(type))) finish();
      };
      // A data channel is enough to gather: no camera or microphone is touched.
      pc.createDataChannel('probe');
      pc.createOffer()
        .then((offer) => pc?.setLocalDescription(offer))
        .catch(() => {
          // (A stopped probe's connection is closed already: then a newer probe may be running.)
          if (!pc) return;
          close();
          this.running = null;
        });
    } catch {
      // Servers the browser refuses (a bad URL) make calls fail on their own, with a clear error.
      close();
      return null;
    }
    return close;
  }
}

function keyOf(iceServers: RTCIceServer[]): string {
  return JSON.stringify(iceServers);
}
