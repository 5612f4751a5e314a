import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Defines `<sip-trace-view>` the first time the host's `trace` is set: the view is a chunk of its
 * own (parts/trace-view.ts), so pages that never trace never load it. A failed load is tried
 * again at the next update.
 */
export class TraceViewController implements ReactiveController {
  private loading = false;

  constructor(
    private readonly host: ReactiveControllerHost & { trace: boolean },
    private readonly importView: () => Promise<typeof import('../parts/trace-view.js')> = () => import('../parts/trace-view.js'),
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    if (!this.host.trace || this.loading) return;
    this.loading = true;
    this.importView().then(
      (view) => view.defineTraceView(),
      () => (this.loading = false),
    );
  }
}
