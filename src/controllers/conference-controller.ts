import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PhoneError, toPhoneError } from '../core/kernel/errors.js';
import type { Call } from '../core/calls/call.js';
import type { AudioConference } from '../core/conference/audio-conference.js';
import type { CoreController } from './core-controller.js';

/**
 * The local conference for the element: merge() loads the mixer (a chunk) the first time, resumes
 * held calls and merges them; a merged call's mute, hold and new media go to the mixer; a merged
 * call that ends leaves it (with one call left, that call is an ordinary call again).
 */
export class ConferenceController implements ReactiveController {
  private conference: AudioConference | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly core: CoreController,
    private readonly report: (error: PhoneError) => PhoneError,
    private readonly importMixer: () => Promise<typeof import('../core/conference/audio-conference.js')> = () =>
      import('../core/conference/audio-conference.js'),
  ) {
    host.addController(this);
    core.on('call-updated', ({ call, change }) => {
      if (change !== 'conference' && this.conference?.has(call.id)) this.conference.sync(core.getCall(call.id));
    });
    core.on('change', () => this.conference?.sync());
    core.on('call-ended', ({ call }) => void this.leave(call.id));
  }

  hostConnected(): void {}

  /** Merges two calls (held ones resume first): each party hears us and the other. */
  async merge(callIdA: string, callIdB: string): Promise<void> {
    try {
      const calls = [this.require(callIdA), this.require(callIdB)];
      if (calls[0] === calls[1]) throw new PhoneError('invalid-option', 'Give two different calls to merge.');
      // The mixer first: where Web Audio does not start, nothing changes (held calls stay held).
      const { AudioConference } = await this.importMixer();
      this.conference ??= await AudioConference.create();
      // (Call waiting's hold of the older call may still be under way: JsSIP refuses a resume then.)
      await Promise.all(calls.map((call) => call.changeSettled()));
      await Promise.all(calls.filter((call) => call.info.held).map((call) => this.core.run((phone) => phone.unhold(call.id))));
      for (const call of calls) if (call.state !== 'active') throw new PhoneError('invalid-call-state', `The call ${call.id} ended before the merge.`);
      for (const call of calls) await this.conference.add(call);
      this.host.requestUpdate();
    } catch (error) {
      throw this.report(toPhoneError(error));
    }
  }

  private require(callId: string): Call {
    const call = typeof callId === 'string' ? this.core.getCall(callId) : undefined;
    if (!call) throw new PhoneError('no-such-call', `There is no call ${String(callId)}.`);
    if (call.state !== 'active') throw new PhoneError('invalid-call-state', `The call is ${call.state}: only connected calls can be merged.`);
    return call;
  }

  private async leave(callId: string): Promise<void> {
    const conference = this.conference;
    if (!conference?.has(callId)) return;
    await conference.remove(callId);
    if (conference.over && this.conference === conference) this.conference = null;
    this.host.requestUpdate();
  }
}
