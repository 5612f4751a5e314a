import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PhoneError, toPhoneError } from '../core/kernel/errors.js';
import type { Call, CallInfo } from '../core/calls/call.js';
import type { CallRecording, RecordingDetail } from '../core/recording/call-recording.js';
import type { CoreController } from './core-controller.js';

/**
 * Recording calls for the element: loads the recorder (a chunk) the first time a page records,
 * keeps one recording per call with the call's current tracks in its mix (and, in a conference,
 * the other merged parties), fires `sip-recording`, and hands over a call's recording when the
 * call ends while recorded.
 */
export class RecordingController implements ReactiveController {
  private readonly recordings = new Map<string, CallRecording>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly core: CoreController,
    private readonly report: (error: PhoneError) => PhoneError,
    private readonly importRecorder: () => Promise<typeof import('../core/recording/call-recording.js')> = () => import('../core/recording/call-recording.js'),
  ) {
    host.addController(this);
    // For the element's lifetime (not only while connected): a call that ends as the element
    // leaves the page still delivers its recording.
    core.on('call-ended', ({ call }) => void (this.recordings.has(call.id) && this.finish(call).catch(() => {})));
    core.on('change', () => {
      for (const [id, recording] of this.recordings) {
        const call = core.getCall(id);
        if (call) recording.mix(this.tracksOf(call));
      }
    });
  }

  hostConnected(): void {}

  /** Whether this call is being recorded. */
  isRecording(callId: string): boolean {
    return this.recordings.has(callId);
  }

  /** Starts recording a call (the newest active one by default); already recorded: nothing changes. */
  async start(callId?: string): Promise<void> {
    try {
      const call = this.activeCall(callId);
      if (this.recordings.has(call.id)) return;
      const { CallRecording } = await this.importRecorder();
      if (call.state !== 'active') throw new PhoneError('not-in-call', 'The call ended before recording started.');
      const recording = await CallRecording.start(this.tracksOf(call));
      if (call.state !== 'active' || this.recordings.has(call.id)) {
        await recording.stop();
        if (call.state !== 'active') throw new PhoneError('not-in-call', 'The call ended before recording started.');
        return;
      }
      this.recordings.set(call.id, recording);
      this.dispatch({ call: call.info, state: 'started' });
    } catch (error) {
      throw this.report(toPhoneError(error));
    }
  }

  /** Stops recording a call (by default the newest recorded one); resolves to what was recorded. */
  async stop(callId?: string): Promise<Blob> {
    try {
      const id = callId ?? [...this.recordings.keys()].at(-1);
      if (callId !== undefined && !this.recordings.has(callId) && !this.core.getCall(callId))
        throw new PhoneError('no-such-call', `There is no call ${callId}.`);
      if (!id || !this.recordings.has(id)) {
        if (!this.core.calls.some((call) => call.state === 'active')) throw new PhoneError('not-in-call', 'There is no call in progress.');
        throw new PhoneError('invalid-call-state', 'The call is not being recorded.');
      }
      return await this.finish(this.core.getCall(id)!.info);
    } catch (error) {
      throw this.report(toPhoneError(error));
    }
  }

  /** The recording of `call` ends: the event with the blob, which it resolves to. */
  private async finish(call: CallInfo): Promise<Blob> {
    const recording = this.recordings.get(call.id);
    if (!recording) throw new PhoneError('invalid-call-state', 'The call is not being recorded.');
    this.recordings.delete(call.id);
    const blob = await recording.stop();
    this.dispatch({ call, state: 'stopped', blob });
    return blob;
  }

  /** The call behind `callId` if active, or the newest active call. */
  private activeCall(callId: string | undefined): Call {
    if (callId !== undefined) {
      const call = this.core.getCall(callId);
      if (!call) throw new PhoneError('no-such-call', `There is no call ${callId}.`);
      if (call.state !== 'active') throw new PhoneError('invalid-call-state', `The call is ${call.state}: record it once it is connected.`);
      return call;
    }
    const newest = this.core.calls.filter((call) => call.state === 'active').at(-1);
    if (!newest) throw new PhoneError('not-in-call', 'There is no call in progress to record.');
    return this.core.getCall(newest.id)!;
  }

  /** What a call's recording holds: our microphone, the other side and, when merged, the other parties. */
  private tracksOf(call: Call): MediaStreamTrack[] {
    const parties = [call, ...(call.conference ?? []).map((id) => this.core.getCall(id))];
    return [...(call.localStream?.getAudioTracks() ?? []), ...parties.flatMap((party) => party?.remoteStream?.getAudioTracks() ?? [])];
  }

  private dispatch(detail: RecordingDetail): void {
    this.host.dispatchEvent(new CustomEvent('sip-recording', { detail, bubbles: true, composed: true }));
    this.host.requestUpdate();
  }
}
