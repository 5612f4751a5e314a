/**
 * Our own availability, published to the presence server (RFC 3903 PUBLISH, Event: presence) as
 * PIDF (RFC 3863) with RPID activities (RFC 4480), and read back from a colleague's presence
 * for their lamp. How each value is written:
 * - available: `<basic>open</basic>` and no activity;
 * - away: `<rpid:activities><rpid:away/></rpid:activities>`;
 * - busy: `<rpid:activities><rpid:busy/></rpid:activities>`;
 * - dnd: RPID has no "do not disturb": `<rpid:busy/>` (what a watcher that knows only RFC 4480
 *   understands) plus `<rpid:other>dnd</rpid:other>` (RFC 4480 §3.2's free-text activity), and
 *   a `<dm:note>` in words. Kamailio's presence_xml passes the `<dm:person>` through to watchers,
 *   merged with the tuple pua_usrloc publishes for the registration.
 */
import type { PhoneConfig } from '../kernel/config.js';
import type { UA } from '../kernel/jssip-adapter.js';
import { publish, type PublishOutcome } from '../kernel/jssip-publish.js';
import { RESUBSCRIBE_MS, type SubscriptionHolder } from './voicemail.js';

import { toAvailability, type Availability } from './availability-value.js';

export { AVAILABILITIES, toAvailability, type Availability } from './availability-value.js';

/** How long a publication lasts (s) unless the server says less; refreshed before then. */
export const PUBLISH_EXPIRES = 600;

const NOTES: Record<Availability, string> = { available: 'Available', away: 'Away', busy: 'Busy', dnd: 'Do not disturb' };
const ACTIVITIES: Record<Availability, string> = {
  available: '',
  away: '<rpid:away/>',
  busy: '<rpid:busy/>',
  dnd: '<rpid:busy/><rpid:other>dnd</rpid:other>',
};

/** The PIDF document that says `availability` for `entity` (our address of record). */
export function availabilityPidf(entity: string, availability: Availability): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const activities = ACTIVITIES[availability];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${escape(entity)}">`,
    '<tuple id="sip-phone"><status><basic>open</basic></status></tuple>',
    `<dm:person id="sip-phone-person">${activities ? `<rpid:activities>${activities}</rpid:activities>` : ''}<dm:note>${NOTES[availability]}</dm:note></dm:person>`,
    '</presence>',
    '',
  ].join('\r\n');
}

/**
 * What a PIDF body's RPID activities say: 'dnd' (an `other` activity "dnd" or "do not
 * disturb"), 'busy', 'away' (also: vacation, sleeping), else 'available'. Any namespace prefix.
 */
export function availabilityOf(body: string): Availability {
  const tag = (name: string) => new RegExp(`<(?:[\\w-]+:)?${name}(?=[\\s/>])`, 'i');
  let seen: Availability = 'available';
  for (const [, activities] of body.matchAll(/<(?:[\w-]+:)?activities(?=[\s>])[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?activities>/gi)) {
    if (/<(?:[\w-]+:)?other(?=[\s>])[^>]*>\s*(?:dnd|do not disturb)\s*</i.test(activities)) return 'dnd';
    if (tag('busy').test(activities)) seen = 'busy';
    else if (seen === 'available' && (tag('away').test(activities) || tag('vacation').test(activities) || tag('sleeping').test(activities))) seen = 'away';
  }
  return seen;
}

/**
 * Publishes our availability while the phone is registered: nothing until the page says
 * something other than 'available' (then every change, 'available' included, is published);
 * refreshed with SIP-If-Match before it expires; removed (Expires: 0) when the phone unregisters.
 * A server that lost our entity tag (412) gets a new publication at once.
 */
export class OwnAvailability implements SubscriptionHolder {
  private value: Availability = 'available';
  private etag: string | null = null;
  private registered: { ua: UA; config: PhoneConfig } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A PUBLISH is on its way; `again`: something changed meanwhile, publish once it is answered. */
  private sending = false;
  private again = false;
  private expires: number;

  /** `expires`: the lifetime asked for (s); the server may shorten it. */
  constructor(expires: number = PUBLISH_EXPIRES) {
    this.expires = expires;
  }

  get availability(): Availability {
    return this.value;
  }

  /** Sets what we publish; rejects a value other than the four with 'invalid-option'. */
  set(value: unknown): void {
    const availability = toAvailability(value);
    if (availability === this.value) return;
    this.value = availability;
    this.publishNow();
  }

  subscribe(ua: UA, config: PhoneConfig): void {
    // Each REGISTER refresh lands here: only a new user agent (or a lapse) needs a publication.
    if (this.registered?.ua === ua && (this.timer !== undefined || this.sending)) return;
    this.registered = { ua, config };
    this.publishNow();
  }

  /** Unregistering (connected): the publication is removed. Connection lost: only the refresh stops. */
  drop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const registered = this.registered;
    this.registered = null;
    if (!registered || !this.etag || !registered.ua.isConnected()) return;
    const etag = this.etag;
    this.etag = null;
    void publish(registered.ua, registered.config.uri, { event: 'presence', contentType: 'application/pidf+xml', body: '', expires: 0, etag });
  }

  reset(): void {
    this.drop();
    this.etag = null;
  }

  private publishNow(): void {
    const registered = this.registered;
    if (!registered || (this.value === 'available' && !this.etag)) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = true;
    this.again = false;
    const { ua, config } = registered;
    void publish(ua, config.uri, {
      event: 'presence',
      contentType: 'application/pidf+xml',
      body: availabilityPidf(config.uri, this.value),
      expires: this.expires,
      etag: this.etag ?? undefined,
    }).then((outcome) => {
      this.sending = false;
      if (this.registered?.ua === ua) this.answered(outcome);
    });
  }

  private answered({ statusCode, etag, expires, minExpires }: PublishOutcome): void {
    if (statusCode >= 200 && statusCode < 300) {
      this.etag = etag ?? null;
      const lasts = expires ?? this.expires;
      // Refreshed well before it lapses: at the latest a minute before, earlier for short ones.
      this.timer = setTimeout(() => ((this.timer = undefined), this.publishNow()), Math.max(1, lasts - Math.min(60, lasts / 4)) * 1000);
      if (this.again) this.publishNow();
      return;
    }
    const hadTag = this.etag !== null;
    this.etag = null;
    if (statusCode === 423 && minExpires) this.expires = minExpires;
    // 412 (the server forgot our tag) or 423: publish anew at once. No answer (408) or a server
    // error: again a minute later. Refused (a server without presence: 403, 405, 489…): again
    // at the next registration or change.
    if ((statusCode === 412 && hadTag) || (statusCode === 423 && minExpires)) return this.publishNow();
    if (statusCode === 408 || statusCode >= 500) this.timer = setTimeout(() => ((this.timer = undefined), this.publishNow()), RESUBSCRIBE_MS);
  }
}
