import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BusyLamps, LampState } from '../core/presence/busy-lamps.js';
import { PhoneError, toPhoneError } from '../core/kernel/errors.js';
import type { Phone } from '../core/phone.js';

/**
 * Busy lamps for the element: loads them with the contacts panel (a chunk) when the page first
 * watches someone, hands them to the phone (which subscribes while registered), fires
 * `sip-presence` and re-renders on each change.
 */
export class BusyLampsController implements ReactiveController {
  private lamps: BusyLamps | null = null;
  private names: string[] = [];
  private loading = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly phone: Pick<Phone, 'addSubscriptions'>,
    private readonly report: (error: PhoneError) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Each watched entry and its lamp ('unknown' until known). */
  get states(): Record<string, LampState> {
    return this.lamps?.states ?? Object.fromEntries(this.names.map((name) => [name, 'unknown' as const]));
  }

  /** The entries of the `watch` attribute. */
  watch(names: string[]): void {
    this.names = names;
    if (this.lamps) this.lamps.watch(names);
    else if (names.length && !this.loading) void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    try {
      const { BusyLamps, defineContacts } = await import('../parts/contacts.js');
      defineContacts();
      this.lamps = new BusyLamps(
        (uri, state) => {
          this.host.dispatchEvent(new CustomEvent('sip-presence', { detail: { uri, state }, bubbles: true, composed: true }));
          this.host.requestUpdate();
        },
        (name) =>
          this.report(new PhoneError('invalid-target', `"${name}" in watch is not someone we can watch: give a user name, a number or sip:user@domain.`)),
      );
      this.lamps.watch(this.names);
      this.phone.addSubscriptions(this.lamps);
      this.host.requestUpdate();
    } catch (error) {
      this.report(toPhoneError(error));
    } finally {
      this.loading = false;
    }
  }
}
