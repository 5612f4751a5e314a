import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * `confirm-close`: while a call is in progress the page asks before it closes or reloads
 * (`beforeunload`). The listener is there only then, so a page without a call never asks and
 * keeps the back/forward cache.
 */
export class ConfirmCloseController implements ReactiveController {
  private listening = false;

  constructor(
    host: ReactiveControllerHost,
    /** Whether closing the page now should ask first. */
    private readonly shouldAsk: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.listen(this.shouldAsk());
  }

  hostDisconnected(): void {
    this.listen(false);
  }

  private listen(on: boolean): void {
    if (on === this.listening) return;
    this.listening = on;
    if (on) window.addEventListener('beforeunload', this.ask);
    else window.removeEventListener('beforeunload', this.ask);
  }

  private readonly ask = (event: BeforeUnloadEvent) => {
    if (!this.shouldAsk()) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  };
}
