import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toPhoneError, type PhoneError } from '../core/kernel/errors.js';
import { Messages, type MessageInfo } from '../core/messaging/messages.js';
import type { SipHeaders } from '../core/kernel/sip-headers.js';
import type { SipConversations } from '../parts/conversations.js';
import type { CoreController } from './core-controller.js';
import { storageOrNull } from './page-storage.js';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment; readonly updateComplete: Promise<boolean> };

/**
 * The text messages of the current `uri`: the inbox (readable from storage before the SIP stack
 * loads; incoming messages once it has), `sip-message`, the unread count, sending, and "Messages",
 * whose conversations view loads the first time it is opened.
 */
export class MessagesController implements ReactiveController {
  /** "Messages" is open (its view loads the first time). */
  open = false;
  private readonly inbox: Messages;

  constructor(
    private readonly host: Host,
    core: CoreController,
    /** The address of record whose messages these are. */
    private readonly uri: () => string,
    private readonly report: (error: PhoneError) => PhoneError,
  ) {
    host.addController(this);
    this.inbox = new Messages(core, storageOrNull());
    this.inbox.on('message', (detail) => host.dispatchEvent(new CustomEvent('sip-message', { detail, bubbles: true, composed: true })));
    this.inbox.on('change', () => host.requestUpdate());
  }

  hostConnected(): void {}

  /** Before each render: incoming messages go to the current `uri`'s inbox. */
  hostUpdate(): void {
    this.inbox.key = this.key;
  }

  private get key(): string {
    return `sip-phone.messages.${this.uri()}`;
  }

  /** The inbox of the current `uri`. */
  get store(): Messages {
    this.inbox.key = this.key;
    return this.inbox;
  }

  /** Oldest first. */
  get all(): MessageInfo[] {
    return this.store.all;
  }

  get unread(): number {
    return this.store.unread;
  }

  clear(): void {
    this.store.clear();
  }

  /** Sends a text message (loads sending with the conversations chunk); a failure is reported (sip-error). */
  async send(target: string, text: string, options: { headers?: SipHeaders } = {}): Promise<MessageInfo> {
    try {
      const { sendMessage } = await import('../parts/conversations.js');
      return await sendMessage(this.store, target, text, options);
    } catch (error) {
      throw this.report(toPhoneError(error));
    }
  }

  /** "Messages": loads the conversations view the first time, then opens or closes it. */
  readonly toggle = async () => {
    try {
      (await import('../parts/conversations.js')).defineConversations();
      this.open = !this.open;
      this.host.requestUpdate();
      await this.host.updateComplete;
      const view = this.host.renderRoot.querySelector<SipConversations>('sip-conversations');
      await view?.updateComplete;
      view?.renderRoot.querySelector<HTMLElement>('[part~="message-input"]')?.focus();
    } catch (error) {
      this.report(toPhoneError(error));
    }
  };
}
