import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { domEventNames } from '../events.js';
import type { Phone } from '../core/phone.js';

/**
 * Bridges the DOM-free Phone to its element: re-renders on every change and re-dispatches
 * each core event as a `sip-*` DOM event from the host. Subscribes while connected only.
 */
export class PhoneController implements ReactiveController {
  private unsubscribes: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly phone: Pick<Phone, 'on'>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribes.push(this.phone.on('change', () => this.host.requestUpdate()));
    for (const [name, domName] of Object.entries(domEventNames) as [keyof typeof domEventNames, string][]) {
      this.unsubscribes.push(
        this.phone.on(name, (detail) => {
          this.host.dispatchEvent(new CustomEvent(domName, { detail, bubbles: true, composed: true }));
          // Stats ticks update only the quality indicator, not the whole phone; traced SIP shows nowhere in it.
          if (name !== 'call-stats' && name !== 'trace') this.host.requestUpdate();
        }),
      );
    }
  }

  hostDisconnected(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }
}
