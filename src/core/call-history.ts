import type { EndCause } from './causes.js';

/** One finished call, as the history keeps it. */
export interface HistoryEntry {
  remoteUri: string;
  remoteDisplayName: string;
  direction: 'incoming' | 'outgoing';
  /** When the call was answered, or when it ended if it never was (ms since the epoch). */
  startedAt: number;
  durationMs: number;
  cause: EndCause;
}

/** The part of the Web Storage API the history needs (a Map-backed fake serves in tests). */
export type HistoryStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const HISTORY_LIMIT = 100;

/** Call history, newest first, kept in storage under one key per address of record. */
export class CallHistory {
  constructor(
    private readonly storage: HistoryStorage | null,
    private readonly key: string,
  ) {}

  get entries(): HistoryEntry[] {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? (parsed as HistoryEntry[]) : [];
    } catch {
      return [];
    }
  }

  add(entry: HistoryEntry): void {
    this.write([entry, ...this.entries].slice(0, HISTORY_LIMIT));
  }

  clear(): void {
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // storage blocked: nothing was kept
    }
  }

  private write(entries: HistoryEntry[]): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(entries));
    } catch {
      // storage full or blocked: the history is a convenience, the call is what matters
    }
  }
}
