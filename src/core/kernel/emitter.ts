/** A small typed event emitter for the core (which must not depend on the DOM). */
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(detail: never) => void>>();

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(name: K, listener: (detail: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (detail: never) => void);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: (detail: Events[K]) => void): void {
    const set = this.listeners.get(name);
    set?.delete(listener as (detail: never) => void);
    if (set?.size === 0) this.listeners.delete(name);
  }

  /** How many listeners are subscribed in all (leak checks in tests). */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  protected emit<K extends keyof Events>(name: K, detail: Events[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      (listener as (detail: Events[K]) => void)(detail);
    }
  }
}
