/**
 * When to try again after a lost connection or a failed attempt: exponential backoff with
 * jitter, bounded. Attempt n waits min(maxMs, baseMs·2^(n−1)) ± jitter, never under minMs:
 * about 1, 2, 4, 8, 16, 30, 30… seconds with the defaults.
 */
export interface ReconnectPolicy {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added or taken away at random (0.2 = ±20 %). */
  jitter: number;
  /** No attempt comes sooner (JsSIP's own recovery timer waits this long anyway). */
  minMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { baseMs: 1000, maxMs: 30000, jitter: 0.2, minMs: 1000 };

/** The delay before attempt `attempt` (1-based). */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY, random = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, jittered)));
}
