import type { EndCause } from '../kernel/causes.js';

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

/** A JSON array kept under `key`; empty when there is none, storage is blocked or it does not parse. */
export function readStoredList<T>(storage: HistoryStorage | null, key: string): T[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

/** Call history, newest first, kept in storage under one key per address of record (read once). */
export class CallHistory {
  private cache: HistoryEntry[] | null = null;

  constructor(
    private readonly storage: HistoryStorage | null,
    readonly key: string,
  ) {}

  get entries(): HistoryEntry[] {
    return (this.cache ??= readStoredList<HistoryEntry>(this.storage, this.key));
  }

  add(entry: HistoryEntry): void {
    this.cache = [entry, ...this.entries].slice(0, HISTORY_LIMIT);
    this.write(this.cache);
  }

  clear(): void {
    this.cache = [];
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
