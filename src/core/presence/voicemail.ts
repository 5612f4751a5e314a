/**
 * The voicemail waiting indicator (RFC 3842): the phone subscribes to its own message summary
 * once registered and reads every NOTIFY of it, also unsolicited ones some servers send.
 */
import type { PhoneConfig } from '../kernel/config.js';
import { onUnsolicitedNotify, subscribe, type Subscription, type UA } from '../kernel/jssip-adapter.js';
import { NO_VOICEMAIL, type VoicemailStatus } from './voicemail-status.js';

/**
 * A feature that holds subscriptions (RFC 6665) while the phone is registered: the phone calls
 * subscribe() on each registration, drop() when they must end (before unregistering, while still
 * connected, they end with Expires: 0; after a lost connection only here) and reset() when it stops.
 */
export interface SubscriptionHolder {
  subscribe(ua: UA, config: PhoneConfig): void;
  drop(): void;
  reset(): void;
}

export { NO_VOICEMAIL, type VoicemailStatus } from './voicemail-status.js';

export const MESSAGE_SUMMARY = 'message-summary';
/** How long a subscription lasts (s); JsSIP refreshes it before then. */
const SUBSCRIBE_EXPIRES = 3600;
/** A subscription that timed out or that the server ended is tried again this much later (ms) while registered. */
export const RESUBSCRIBE_MS = 60000;

/**
 * An application/simple-message-summary body: `Messages-Waiting: yes|no` and
 * `Voice-Message: new/old (urgent_new/urgent_old)`; null without Messages-Waiting.
 */
export function parseMessageSummary(body: string): VoicemailStatus | null {
  const waiting = /^messages-waiting[ \t]*:[ \t]*(yes|no)\b/im.exec(body);
  if (!waiting) return null;
  const voice = /^voice-message[ \t]*:[ \t]*(\d+)[ \t]*\/[ \t]*(\d+)/im.exec(body);
  return { waiting: waiting[1].toLowerCase() === 'yes', newMessages: voice ? +voice[1] : 0, oldMessages: voice ? +voice[2] : 0 };
}

/** Holds the subscription to our own message summary and the last status it gave. */
export class Voicemail implements SubscriptionHolder {
  status: VoicemailStatus = NO_VOICEMAIL;
  private subscription: Subscription | null = null;
  private ua: UA | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;

  /** `changed` is called with each new status. */
  constructor(private readonly changed: (status: VoicemailStatus) => void) {}

  /** A new user agent: take its unsolicited message-summary NOTIFYs. */
  attach(ua: UA): void {
    onUnsolicitedNotify(ua, MESSAGE_SUMMARY, (body) => this.update(body));
  }

  /** Registered (again): subscribe to our own message summary unless a subscription is live. */
  subscribe(ua: UA, config: PhoneConfig): void {
    clearTimeout(this.retry);
    if (this.subscription && this.ua === ua) return;
    this.ua = ua;
    const subscription = subscribe(
      ua,
      config.uri,
      MESSAGE_SUMMARY,
      'application/simple-message-summary',
      SUBSCRIBE_EXPIRES,
      (body) => this.update(body),
      (refused) => {
        if (this.subscription !== subscription) return;
        this.subscription = null;
        // A server without message summaries refuses: asked again only at the next registration.
        if (!refused) this.retry = setTimeout(() => ua.isRegistered() && this.subscribe(ua, config), RESUBSCRIBE_MS);
      },
    );
    this.subscription = subscription;
  }

  /**
   * Ends the subscription: with SUBSCRIBE Expires: 0 while connected (unregistering), only here
   * when the connection dropped (the server's subscription points at a connection that is gone;
   * the next registration subscribes anew).
   */
  drop(): void {
    clearTimeout(this.retry);
    const subscription = this.subscription;
    this.subscription = null;
    try {
      subscription?.end();
    } catch {
      // never sent: nothing to end
    }
  }

  /** Unregistered or stopped: no subscription, nothing known. */
  reset(): void {
    this.drop();
    this.ua = null;
    this.set(NO_VOICEMAIL);
  }

  update(body: string): void {
    const status = parseMessageSummary(body);
    if (status) this.set(status);
  }

  private set(status: VoicemailStatus): void {
    const { waiting, newMessages, oldMessages } = this.status;
    if (status.waiting === waiting && status.newMessages === newMessages && status.oldMessages === oldMessages) return;
    this.status = status;
    this.changed(status);
  }
}
