import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders the host once a second while the offline banner counts down to the next retry. */
export class OfflineCountdownController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Whether the phone waits to reconnect (the banner is shown). */
    private readonly waiting: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.waiting() && !this.timer) {
      this.timer = setInterval(() => this.host.requestUpdate(), 1000);
    } else if (!this.waiting() && this.timer) this.stop();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
