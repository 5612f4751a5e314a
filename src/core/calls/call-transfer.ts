/**
 * A transfer we start (REFER, RFC 3515): blind to a target, or attended, replacing another of our
 * calls (REFER with Replaces). Where it stands comes from the NOTIFYs of the other side.
 */
import { PhoneError } from '../kernel/errors.js';
import type { Call, TransferState } from './call.js';

/** REFERs the other side of `call` to `target`; `changed` hears where it stands, and the call ends 'transferred' once accepted. */
export function referCall(call: Call, target: string, replacing: Call | undefined, extraHeaders: string[], changed: (state: TransferState) => void): void {
  // JsSIP's typings say refer() returns void; it returns its ReferSubscriber (or false).
  const subscriber = call.session.refer(target, { extraHeaders, ...(replacing && { replaces: replacing.session }) }) as unknown as
    { on(event: string, listener: () => void): void } | false;
  if (!subscriber) throw new PhoneError('invalid-call-state', 'The call cannot be transferred now.');
  // Attended: the other call is replaced by the transferee's, so it ends as transferred too.
  if (replacing) replacing.localCause = 'transferred';
  changed('trying');
  const failed = () => {
    changed('failed');
    if (replacing) replacing.localCause = undefined;
  };
  subscriber.on('progress', () => changed('ringing'));
  subscriber.on('requestFailed', failed);
  subscriber.on('failed', failed);
  subscriber.on('accepted', () => {
    changed('accepted');
    call.end('transferred');
  });
}
