import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CallHistory, type HistoryEntry } from '../core/storage/call-history.js';
import type { CoreController } from './core-controller.js';
import { storageOrNull } from './page-storage.js';

/** The call history of the current `uri`: each ended call is added, kept in localStorage per `uri`. */
export class HistoryController implements ReactiveController {
  private store: CallHistory | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    core: CoreController,
    /** The address of record whose history this is. */
    private readonly uri: () => string,
  ) {
    host.addController(this);
    core.on('call-ended', ({ call, cause, durationMs }) => {
      this.history.add({
        remoteUri: call.remoteUri,
        remoteDisplayName: call.remoteDisplayName,
        direction: call.direction,
        startedAt: call.startedAt ?? Date.now(),
        durationMs,
        cause,
      });
    });
  }

  hostConnected(): void {}

  /** Finished calls, newest first. */
  get entries(): HistoryEntry[] {
    return this.history.entries;
  }

  clear(): void {
    this.history.clear();
    this.host.requestUpdate();
  }

  /** The history of the current `uri`, read from storage once. */
  private get history(): CallHistory {
    const key = `sip-phone.history.${this.uri()}`;
    // (Storage blocked, in a sandboxed frame or privacy mode: no history.)
    if (this.store?.key !== key) this.store = new CallHistory(storageOrNull(), key);
    return this.store;
  }
}
