/**
 * A re-INVITE of ours (hold, resume): a promise that settles with its outcome, which JsSIP does not
 * give on its own (it never calls `done` when the re-INVITE fails).
 */
import { PhoneError } from '../kernel/errors.js';
import type { RTCSession } from '../kernel/jssip-adapter.js';

type Refused = (response: { status_code: number; reason_phrase: string }) => void;

/**
 * Starts a re-INVITE with `start` (JsSIP's hold/unhold, false if it refuses to start). Resolves
 * when it is done; rejects 'change-refused' when the other side refuses it (the call goes on as
 * it was, see jssip-adapter.ts), 'invalid-call-state' when the call ends first (its `cleanups`
 * run then) or JsSIP is busy with another change.
 */
export function startReinvite(rtcSession: RTCSession, cleanups: (() => void)[], start: (done: () => void) => boolean): Promise<void> {
  const session = rtcSession as unknown as { once(n: string, h: Refused): void; off(n: string, h: Refused): void };
  return new Promise((resolve, reject) => {
    const settle = () => reject(new PhoneError('invalid-call-state', 'The call ended before the change was made.'));
    const refused: Refused = (response) => {
      finished();
      const status = `${response.status_code} ${response.reason_phrase}`;
      reject(new PhoneError('change-refused', `The other side refused the change (${status}); the call goes on as it was.`));
    };
    session.once('reofferfailed', refused);
    cleanups.push(settle);
    const finished = () => {
      session.off('reofferfailed', refused);
      const index = cleanups.indexOf(settle);
      if (index >= 0) cleanups.splice(index, 1);
    };
    if (!start(() => (finished(), resolve()))) {
      finished();
      reject(new PhoneError('invalid-call-state', 'The call is busy with another change; try again.'));
    }
  });
}
