/**
 * Busy lamps: the call state of colleagues, from the dialog event package (RFC 4235), and whether
 * they are registered at all, from their presence (RFC 3863 PIDF; a server like the repo's
 * Kamailio publishes each registration as `open` and its end as `closed`). Two subscriptions per
 * watched colleague, held while the phone is registered.
 */
import { resolveTarget, type PhoneConfig } from '../kernel/config.js';
import { subscribe, type Subscription, type UA } from '../kernel/jssip-adapter.js';
import { RESUBSCRIBE_MS, type SubscriptionHolder } from './voicemail.js';
import { availabilityOf, type Availability } from './availability.js';

/**
 * A colleague's lamp: 'idle' (no call), 'ringing' (a call to them rings), 'busy' (in a call, or
 * calling someone, or they say they are busy), 'away' and 'dnd' (do not disturb: what they
 * publish as their availability, when not in a call), 'offline' (not registered), 'unknown' (not
 * subscribed, or nothing heard yet).
 */
export type LampState = 'idle' | 'ringing' | 'busy' | 'away' | 'dnd' | 'offline' | 'unknown';

/** A colleague's lamp when no call of theirs rings or goes on: what they publish. */
const LAMP_OF_AVAILABILITY: Record<Availability, LampState> = { available: 'idle', away: 'away', busy: 'busy', dnd: 'dnd' };

/** How long a subscription lasts (s); JsSIP refreshes it before then. */
const SUBSCRIBE_EXPIRES = 600;

/** One <dialog> of a dialog-info document: its state and whether the watched user started it. */
interface Dialog {
  state: string;
  initiator: boolean;
}

/**
 * An application/dialog-info+xml body: whether it is a full state or a partial one, and its
 * dialogs by id. An empty body (no dialogs were ever published) is a full state with none; null
 * when the body is not dialog-info.
 */
export function parseDialogInfo(body: string): { full: boolean; dialogs: Map<string, Dialog> } | null {
  if (!body.trim()) return { full: true, dialogs: new Map() };
  const root = /<(?:[\w-]+:)?dialog-info(?=[\s/>])([^>]*)>/.exec(body);
  if (!root) return null;
  const dialogs = new Map<string, Dialog>();
  for (const [, attributes, inner] of body.matchAll(/<(?:[\w-]+:)?dialog(?=[\s/>])([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w-]+:)?dialog>)/g)) {
    const id = /\bid\s*=\s*["']([^"']*)/.exec(attributes)?.[1] ?? String(dialogs.size);
    const state = /<(?:[\w-]+:)?state(?=[\s>])[^>]*>\s*([a-z]+)/i.exec(inner ?? '')?.[1].toLowerCase() ?? 'terminated';
    dialogs.set(id, { state, initiator: /\bdirection\s*=\s*["']initiator/.test(attributes) });
  }
  return { full: !/\bstate\s*=\s*["']partial/.test(root[1]), dialogs };
}

/** The lamp of a set of dialogs: busy in a call or calling out, ringing when called, else idle. */
export function lampOf(dialogs: Iterable<Dialog>): 'idle' | 'ringing' | 'busy' {
  let ringing = false;
  for (const { state, initiator } of dialogs) {
    if (state === 'terminated') continue;
    if (state === 'confirmed' || initiator) return 'busy';
    ringing = true;
  }
  return ringing ? 'ringing' : 'idle';
}

/**
 * A PIDF body: open when any tuple's basic status is open. An empty body (nothing published: the
 * user never registered, or their registration ended long ago) is offline; null when not PIDF.
 */
export function isOnline(body: string): boolean | null {
  if (!body.trim()) return false;
  if (!/<(?:[\w-]+:)?presence\b/.test(body)) return null;
  return /<(?:[\w-]+:)?basic>\s*open\s*</i.test(body);
}

/** A lamp changed: `uri` is the watched entry as the page wrote it. */
export interface BusyLampsEvents {
  presence: { uri: string; state: LampState };
}

/** What we know of one watched colleague. */
interface Watched {
  /** As the page wrote it (the key of `states`). */
  readonly name: string;
  dialogs: Map<string, Dialog> | null;
  /** undefined: not heard yet; null: the server has no presence (then a lamp is never 'offline'). */
  online: boolean | null | undefined;
  /** What their presence says of their availability (RPID activities). */
  availability: Availability;
  subscriptions: Subscription[];
  state: LampState;
}

/** Holds the subscriptions of the watched colleagues and their lamps. */
export class BusyLamps implements SubscriptionHolder {
  private readonly watched = new Map<string, Watched>();
  private registered: { ua: UA; config: PhoneConfig } | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;

  /** `changed` is called with each lamp that changes; `invalid` with each watched entry that is no SIP URI or user. */
  constructor(
    private readonly changed: (name: string, state: LampState) => void,
    private readonly invalid: (name: string) => void = () => {},
  ) {}

  /** Each watched entry (as the page wrote it) and its lamp. */
  get states(): Record<string, LampState> {
    return Object.fromEntries([...this.watched.values()].map(({ name, state }) => [name, state]));
  }

  /** The colleagues to watch (URIs, or users in our domain): new ones subscribed when registered, the others ended. */
  watch(names: readonly string[]): void {
    const wanted = new Set(names);
    for (const [name, entry] of this.watched) {
      if (wanted.has(name)) continue;
      // Gone from the list first, so that ending its subscriptions reports nothing for it.
      this.watched.delete(name);
      this.end(entry);
    }
    for (const name of wanted) {
      if (this.watched.has(name)) continue;
      const entry: Watched = { name, dialogs: null, online: undefined, availability: 'available', subscriptions: [], state: 'unknown' };
      this.watched.set(name, entry);
      if (this.registered) this.subscribeTo(entry);
    }
  }

  /** Registered (again): subscribe to every watched colleague that has no live subscription. */
  subscribe(ua: UA, config: PhoneConfig): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.registered = { ua, config };
    for (const entry of this.watched.values()) if (!entry.subscriptions.length) this.subscribeTo(entry);
  }

  /** Ends every subscription (Expires: 0 while connected); the lamps are unknown until the next registration. */
  drop(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.registered = null;
    for (const entry of this.watched.values()) this.end(entry);
  }

  reset(): void {
    this.drop();
  }

  private subscribeTo(entry: Watched): void {
    if (!this.registered) return;
    const { ua, config } = this.registered;
    let target: string;
    try {
      target = resolveTarget(entry.name, config.domain);
    } catch {
      this.invalid(entry.name);
      return;
    }
    const ended = (subscription: Subscription, refused: boolean) => {
      if (!entry.subscriptions.includes(subscription)) return;
      this.end(entry);
      // Refused (e.g. 489 Bad Event: the server has no busy lamps): tried again at the next registration.
      if (!refused) this.retry ??= setTimeout(() => this.registered?.ua === ua && this.subscribe(ua, config), RESUBSCRIBE_MS);
    };
    const dialogs: Subscription = subscribe(
      ua,
      target,
      'dialog',
      'application/dialog-info+xml',
      SUBSCRIBE_EXPIRES,
      (body) => {
        const info = parseDialogInfo(body);
        if (!info) return;
        if (info.full || !entry.dialogs) entry.dialogs = info.dialogs;
        else for (const [id, dialog] of info.dialogs) entry.dialogs.set(id, dialog);
        this.update(entry);
      },
      (refused) => ended(dialogs, refused),
    );
    entry.subscriptions = [dialogs];
    const presence: Subscription = subscribe(
      ua,
      target,
      'presence',
      'application/pidf+xml',
      SUBSCRIBE_EXPIRES,
      (body) => {
        const online = isOnline(body);
        if (online === null) return;
        entry.online = online;
        entry.availability = availabilityOf(body);
        this.update(entry);
      },
      (refused) => {
        // Without presence a lamp still shows calls; it just never says 'offline'.
        entry.subscriptions = entry.subscriptions.filter((s) => s !== presence);
        entry.online = null;
        if (!refused) ended(dialogs, false);
        else this.update(entry);
      },
    );
    entry.subscriptions.push(presence);
  }

  private end(entry: Watched): void {
    const subscriptions = entry.subscriptions;
    entry.subscriptions = [];
    for (const subscription of subscriptions) {
      try {
        subscription.end();
      } catch {
        // never sent: nothing to end
      }
    }
    entry.dialogs = null;
    entry.online = undefined;
    entry.availability = 'available';
    this.update(entry);
  }

  private update(entry: Watched): void {
    // Unknown until both have answered: an offline colleague does not flash 'idle' first.
    // A call rings or goes on: that shows first; otherwise what they publish.
    const calls = entry.dialogs && lampOf(entry.dialogs.values());
    const state: LampState =
      entry.online === false
        ? 'offline'
        : calls && entry.online !== undefined
          ? calls === 'idle'
            ? LAMP_OF_AVAILABILITY[entry.availability]
            : calls
          : 'unknown';
    if (state === entry.state) return;
    entry.state = state;
    if (this.watched.get(entry.name) === entry) this.changed(entry.name, state);
  }
}
