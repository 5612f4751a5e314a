/**
 * When to stop waiting for ICE candidates. JsSIP waits for ICE gathering to complete before it
 * sends an offer or answer, with no timeout: one unreachable STUN server costs ~40 s a call.
 * JsSIP's `icecandidate` event hands us `ready()`, which sends at once; this policy decides when.
 *
 * We send once every candidate type the configuration can yield has arrived (host; srflx with a
 * STUN or TURN server; relay with a TURN server; only relay under a relay-only policy), after a
 * short grace for siblings of the same type, or `timeoutMs` after the first candidate, whichever
 * comes first; types the servers did not yield when probed in the background (see ice-probe.ts)
 * are not waited for. Gathering that completes on its own releases JsSIP without us.
 */
export interface IcePolicyOptions {
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Longest wait after the first candidate, in ms. */
  timeoutMs: number;
  /** Wait after the last needed type arrived, for more candidates of it, in ms. */
  graceMs?: number;
  /**
   * The candidate types these servers yielded when probed (IceServerProbe), if known: a type
   * they did not yield then (an unreachable STUN or TURN server) is not waited for.
   */
  yielded?: Set<CandidateType> | null;
}

export const DEFAULT_ICE_GATHERING_TIMEOUT = 250;
// Candidates of one type come in a burst (all interfaces at once): a few ms collects them.
const DEFAULT_GRACE_MS = 3;

export type CandidateType = 'host' | 'srflx' | 'relay';

/** The candidate types worth waiting for with these ICE servers. */
export function neededCandidateTypes(iceServers: RTCIceServer[], policy: RTCIceTransportPolicy = 'all'): Set<CandidateType> {
  const urls = iceServers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
  const hasTurn = urls.some((u) => /^turns?:/.test(u));
  if (policy === 'relay') return new Set(['relay']);
  const needed = new Set<CandidateType>(['host']);
  if (urls.some((u) => /^(stuns?|turns?):/.test(u))) needed.add('srflx');
  if (hasTurn) needed.add('relay');
  return needed;
}

/**
 * One gathering round: call `onCandidate` for each JsSIP `icecandidate` event; `ready` is called
 * at most once by the policy. `dispose()` clears its timers.
 */
export class IceGatheringRound {
  private readonly missing: Set<CandidateType>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private grace: ReturnType<typeof setTimeout> | undefined;
  private ready: (() => void) | undefined;
  private done = false;

  constructor(private readonly options: IcePolicyOptions) {
    this.missing = neededCandidateTypes(options.iceServers, options.iceTransportPolicy);
    const yielded = options.yielded;
    if (yielded) for (const type of ['srflx', 'relay'] as const) if (!yielded.has(type)) this.missing.delete(type);
  }

  onCandidate(candidate: RTCIceCandidate | null, ready: () => void): void {
    if (this.done) return;
    this.ready = ready;
    if (this.timer === undefined) this.timer = setTimeout(() => this.release(), this.options.timeoutMs);
    const type = candidate?.type as CandidateType | undefined;
    if (type) this.missing.delete(type);
    if (this.missing.size === 0 && this.grace === undefined) {
      this.grace = setTimeout(() => this.release(), this.options.graceMs ?? DEFAULT_GRACE_MS);
    }
  }

  dispose(): void {
    this.done = true;
    clearTimeout(this.timer);
    clearTimeout(this.grace);
  }

  private release(): void {
    const ready = this.ready;
    this.dispose();
    ready?.();
  }
}
