import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallInfo } from '../core/calls/call.js';
import type { Phone } from '../core/phone.js';
import type { Strings } from '../i18n/strings.js';
import { callerText } from '../parts/call-controls.js';

/** How often the title switches between the alert and the page's own title. */
export const TITLE_FLASH_INTERVAL = 1000;

/**
 * The document title, shared by every phone on the page: while any of them flashes, the title
 * alternates between its alert text and the page's own title, which comes back when none does.
 */
const titleFlash = {
  owners: new Map<object, string>(),
  /** The page's own title, to come back to. */
  original: '',
  /** The alert text shown now, or null while the page's own title shows. */
  shown: null as string | null,
  timer: undefined as ReturnType<typeof setInterval> | undefined,

  start(owner: object, text: string): void {
    if (this.owners.has(owner)) return;
    this.owners.set(owner, text);
    if (this.timer !== undefined) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), TITLE_FLASH_INTERVAL);
  },

  stop(owner: object): void {
    if (!this.owners.delete(owner) || this.owners.size) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown !== null && document.title === this.shown) document.title = this.original;
    this.shown = null;
  },

  tick(): void {
    // Whatever shows unless it is our alert is the page's title (the page may change it meanwhile).
    if (this.shown === null || document.title !== this.shown) this.original = document.title;
    this.shown = this.shown === null ? [...this.owners.values()][0] : null;
    document.title = this.shown ?? this.original;
  },
};

export interface IncomingCallAlertOptions {
  /** Whether to show a desktop notification (the `notify` attribute). */
  notify(): boolean;
  /** The strings in use. */
  strings(): Strings;
}

/**
 * Gets the user's attention for a call ringing in while the tab is hidden: flashes the document
 * title (always) and, with `notify` and the user's permission, shows a desktop notification whose
 * click brings the window forward. Both stop when the call is answered or ends, or the tab is
 * seen again; nothing is left running once the host leaves the document.
 */
export class IncomingCallAlertController implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  /** Open notifications, by call id. */
  private readonly notifications = new Map<string, Notification>();
  /** Calls already notified: one notification per call, even once it was clicked or closed. */
  private readonly notified = new Set<string>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly phone: Pick<Phone, 'on' | 'calls'>,
    private readonly options: IncomingCallAlertOptions,
  ) {
    host.addController(this);
  }

  /** Whether a desktop notification may be asked for: `notify` set, the browser has them, no answer yet. */
  get canAskPermission(): boolean {
    return this.options.notify() && typeof Notification !== 'undefined' && Notification.permission === 'default';
  }

  /** Asks for permission to notify. Call it from a click: browsers ignore or penalise asking otherwise. */
  requestPermission(): void {
    if (!this.canAskPermission) return;
    void Promise.resolve(Notification.requestPermission())
      .catch(() => 'denied')
      .then(() => this.host.requestUpdate());
  }

  hostConnected(): void {
    this.unsubscribe = this.phone.on('change', this.update);
    document.addEventListener('visibilitychange', this.update);
    this.update();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    document.removeEventListener('visibilitychange', this.update);
    titleFlash.stop(this);
    for (const id of [...this.notifications.keys()]) this.closeNotification(id);
    this.notified.clear();
  }

  private readonly update = () => {
    const ringing = this.phone.calls.filter((call) => call.state === 'incoming' && !call.ignored);
    const unseen = ringing.length > 0 && document.hidden;
    if (unseen) titleFlash.start(this, this.options.strings().titleIncomingCall);
    else titleFlash.stop(this);
    for (const id of [...this.notifications.keys()]) {
      if (!unseen || !ringing.some((call) => call.id === id)) this.closeNotification(id);
    }
    for (const id of this.notified) if (!ringing.some((call) => call.id === id)) this.notified.delete(id);
    if (unseen && this.options.notify()) for (const call of ringing) this.notify(call);
  };

  private notify(call: CallInfo): void {
    if (this.notified.has(call.id) || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const t = this.options.strings();
    let notification: Notification;
    try {
      // Text only: the caller's name is untrusted, and text is all a notification shows of it.
      notification = new Notification(t.incomingCall(callerText(call)), { body: t.notificationBody, tag: `sip-phone-${call.id}`, requireInteraction: true });
    } catch {
      return; // some browsers allow notifications from a service worker only
    }
    notification.onclick = () => {
      window.focus();
      this.closeNotification(call.id);
    };
    this.notifications.set(call.id, notification);
    this.notified.add(call.id);
  }

  private closeNotification(id: string): void {
    const notification = this.notifications.get(id);
    this.notifications.delete(id);
    if (!notification) return;
    notification.onclick = null;
    notification.close();
  }
}
