import type { CallInfo } from '../core/calls/call.js';
import type { Strings } from '../i18n/strings.js';
import { callMediaExtras } from '../parts/call-media-extras.js';
import type { CoreController } from '../controllers/core-controller.js';
import type { RecordingController } from '../controllers/recording-controller.js';

/** What the view reads from the element. */
export interface CallExtrasHost {
  readonly activeCall: CallInfo | null;
  readonly calls: CallInfo[];
  merge(callIdA: string, callIdB: string): Promise<void>;
}

/**
 * Beside the active call's caller card: the recording indicator, the other merged parties, and
 * "Merge calls" (the two newest connected calls not merged yet).
 */
export function callExtrasView(t: Strings, el: CallExtrasHost, core: CoreController, recorder: RecordingController) {
  const call = el.activeCall;
  if (!call || call.state !== 'active') return '';
  const partners = (call.conference ?? []).flatMap((id) => core.getCall(id) ?? []);
  const apart = el.calls.filter((c) => c.state === 'active' && !c.conference);
  const onMerge = apart.length >= 2 ? () => void el.merge(apart.at(-2)!.id, apart.at(-1)!.id).catch(() => {}) : null;
  return callMediaExtras({ t, call, recording: recorder.isRecording(call.id), partners, onMerge });
}
