/**
 * When to try again after a lost connection or a failed attempt. The first attempt after a lost
 * connection comes at a uniformly random moment in [minMs, lossSpreadMs], so a fleet of phones
 * that lost its server together (a restart) does not come back in one burst. Failed attempts
 * back off exponentially with jitter: attempt n waits min(maxMs, baseMs·2^(n−1)) ± jitter, never
 * under minMs: about 1, 2, 4, 8, 16, 30, 30… seconds with the defaults (the loss counts as
 * attempt 1, so the retries after a spread first attempt wait about 2, 4, 8… s).
 */
export interface ReconnectPolicy {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added or taken away at random (0.2 = ±20 %). */
  jitter: number;
  /** No attempt comes sooner (JsSIP's own recovery timer waits this long anyway). */
  minMs: number;
  /** The first attempt after a lost connection comes uniformly between minMs and this. */
  lossSpreadMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { baseMs: 1000, maxMs: 30000, jitter: 0.2, minMs: 1000, lossSpreadMs: 5000 };

/** The delay before attempt `attempt` (1-based) of a series of failed attempts. */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY, random = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, jittered)));
}

/** The delay before the first attempt after a lost connection: spread over [minMs, lossSpreadMs]. */
export function lostConnectionDelay(policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY, random = Math.random): number {
  const spread = Math.max(0, policy.lossSpreadMs - policy.minMs);
  return Math.round(policy.minMs + spread * random());
}
