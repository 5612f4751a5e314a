import { PhoneError } from '../kernel/errors.js';

/**
 * The life of one call:
 * - outgoing: `calling` → `ringing` (180/183) → `active` → `ended`
 * - incoming: `incoming` → `active` → `ended`
 * Any state may go to `ended`; nothing leaves `ended`.
 */
export type CallState = 'calling' | 'ringing' | 'incoming' | 'active' | 'ended';

const allowed: Record<CallState, readonly CallState[]> = {
  calling: ['ringing', 'active', 'ended'],
  ringing: ['active', 'ended'],
  incoming: ['active', 'ended'],
  active: ['ended'],
  ended: [],
};

/** True when a call may move from `from` to `to`. */
export function canTransition(from: CallState, to: CallState): boolean {
  return allowed[from].includes(to);
}

/** Throws on an illegal move, so a call stuck in a state is a bug a test can catch. */
export function assertTransition(from: CallState, to: CallState): void {
  if (!canTransition(from, to)) {
    throw new PhoneError('invalid-call-state', `A call cannot go from ${from} to ${to}.`);
  }
}
