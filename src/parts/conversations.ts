import { LitElement, css, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { MessageInfo, Messages } from '../core/messaging/messages.js';
import { en, type Strings } from '../i18n/strings.js';
import { shownName } from './caller-card.js';

// This module is what the element loads on demand for text messages: the conversations view and
// sending (re-exported), so neither is part of the first load.
export { sendMessage } from '../core/messaging/send-message.js';

/** One contact's messages, oldest first. */
export interface Thread {
  remoteUri: string;
  /** The contact's display name from their newest message that had one, else ''. */
  name: string;
  messages: MessageInfo[];
  unread: number;
  /** When its newest message was sent or received. */
  lastAt: number;
}

/** The history as threads, one per contact, the most recent first. */
export function threadsOf(messages: readonly MessageInfo[]): Thread[] {
  const byUri = new Map<string, Thread>();
  for (const m of messages) {
    let thread = byUri.get(m.remoteUri);
    if (!thread) byUri.set(m.remoteUri, (thread = { remoteUri: m.remoteUri, name: '', messages: [], unread: 0, lastAt: 0 }));
    thread.messages.push(m);
    if (m.remoteDisplayName) thread.name = m.remoteDisplayName;
    if (m.status === 'received') thread.unread++;
    thread.lastAt = Math.max(thread.lastAt, m.at);
  }
  return [...byUri.values()].sort((a, b) => b.lastAt - a.lastAt);
}

/** A contact as shown: the display name, else the user part of the address. */
const who = (thread: Thread) => shownName(thread.name, thread.remoteUri);

let timeFormat: Intl.DateTimeFormat | undefined;

/**
 * Text messages: one thread per contact (with its unread count), the open thread's messages
 * (always shown as text: they come from the network), a composer (To, the text, Send), and a
 * button that calls the open thread's contact. Loaded on demand when "Messages" is first opened;
 * `<sip-phone>` hands it the history, its strings and what Send and Call do.
 *
 * @csspart threads - The list of conversations, one button per contact.
 * @csspart thread - One conversation in the list: the contact and its unread count.
 * @csspart thread-messages - The messages of the open conversation.
 * @csspart message - One message (class `incoming` or `outgoing`), its text and time or state.
 * @csspart thread-call-button - Calls the contact of the open conversation.
 * @csspart composer - The form that sends a message: To, the text, Send.
 * @csspart message-to - The address the message goes to.
 * @csspart message-input - The text of the message.
 * @csspart send-button - Send.
 */
export class SipConversations extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      gap: 8px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 4px;
    }
    [part~='threads'] {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    button,
    input,
    textarea {
      font: inherit;
      color: inherit;
    }
    [part~='thread'][aria-current='true'] {
      font-weight: 600;
    }
    .count {
      margin-inline-start: 4px;
      padding: 0 6px;
      border-radius: 9px;
      background: var(--_danger, #c5221f);
      color: var(--_danger-contrast, #fff);
      font-size: 12px;
    }
    [part~='message'] {
      max-width: 85%;
      padding: 4px 8px;
      border-radius: 8px;
      background: var(--_surface, #f1f3f4);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .outgoing {
      justify-self: end;
    }
    .meta {
      display: block;
      font-size: 12px;
      opacity: 0.75;
    }
    .failed .meta {
      color: var(--_danger, #c5221f);
      opacity: 1;
    }
    form {
      display: grid;
      gap: 4px;
    }
    textarea {
      resize: vertical;
      min-height: 3em;
    }
    .row {
      display: flex;
      gap: 4px;
      align-items: center;
    }
    .row input {
      flex: 1;
      min-width: 0;
    }
    .error {
      color: var(--_danger, #c5221f);
      margin: 0;
    }
  `;

  /** The strings of the phone's language. */
  @property({ attribute: false }) t: Strings = en;
  /** The history, oldest first (a new array whenever it changes). */
  @property({ attribute: false }) messages: readonly MessageInfo[] = [];
  /** The store, to mark the open thread's messages read. */
  @property({ attribute: false }) store: Messages | null = null;
  /** Sends a message (the phone's sendMessage); a rejection keeps the draft and shows why. */
  @property({ attribute: false }) send: (target: string, text: string) => Promise<unknown> = async () => {};
  /** Calls a contact. */
  @property({ attribute: false }) call: (uri: string) => void = () => {};
  /** The address in the To field: the open thread's, or one typed in. */
  @state() private to = '';
  @state() private draft = '';
  @state() private error = '';
  @state() private sending = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Opened for the first time: the newest conversation.
    if (!this.to && changed.has('messages')) this.to = this.messages.at(-1)?.remoteUri ?? '';
  }

  protected override updated(): void {
    // What is on screen has been read.
    for (const m of this.messages) if (m.remoteUri === this.to && m.status === 'received') this.store?.update(m.id, { status: 'read' });
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.sending) return;
    this.sending = true;
    this.error = '';
    try {
      const sent = (await this.send(this.to, this.draft)) as MessageInfo | undefined;
      this.draft = '';
      if (sent?.remoteUri) this.to = sent.remoteUri;
    } catch (error) {
      const code = (error as { code?: keyof Strings['errors'] }).code;
      this.error = (code && this.t.errors[code]) || String((error as Error).message);
      // A refused message shows in its thread: go there.
      const failed = (this.store?.all ?? this.messages).at(-1);
      if (failed?.status === 'failed') this.to = failed.remoteUri;
    } finally {
      this.sending = false;
    }
  }

  private line(m: MessageInfo) {
    const t = this.t.conversations;
    timeFormat ??= new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
    const state =
      m.direction === 'incoming'
        ? ''
        : m.status === 'failed'
          ? t.status.failed(m.statusCode)
          : m.status === 'sending' || m.status === 'sent' || m.status === 'stored'
            ? t.status[m.status]
            : '';
    return html`<li part="message" class="${m.direction} ${m.status}" data-status=${m.status}>
      ${m.text}<span class="meta">${timeFormat.format(m.at)}${state ? ` · ${state}` : ''}</span>
    </li>`;
  }

  override render() {
    const t = this.t.conversations;
    const threads = threadsOf(this.messages);
    const open = threads.find((thread) => thread.remoteUri === this.to);
    return html`
      ${
        threads.length
          ? html`<ul part="threads" aria-label=${t.threads}>
            ${threads.map(
              (thread) => html`<li>
                <button type="button" part="thread" aria-current=${thread === open} title=${thread.remoteUri} @click=${() => ((this.to = thread.remoteUri), (this.error = ''))}>
                  ${who(thread)}${thread.unread && thread !== open ? html`<span class="count">${thread.unread}</span>` : ''}
                </button>
              </li>`,
            )}
          </ul>`
          : html`<p>${t.empty}</p>`
      }
      ${
        open
          ? html`<div class="row">
              <strong>${who(open)}</strong>
              <button type="button" part="thread-call-button" @click=${() => this.call(open.remoteUri)}>${t.call(who(open))}</button>
            </div>
            <ul part="thread-messages" aria-live="polite">
              ${open.messages.map((m) => this.line(m))}
            </ul>`
          : ''
      }
      <form part="composer" @submit=${this.submit}>
        <div class="row">
          <label for="to">${t.to}</label>
          <input id="to" part="message-to" autocomplete="off" placeholder=${t.toPlaceholder} .value=${this.to} @input=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)} />
        </div>
        <textarea
          part="message-input"
          aria-label=${t.message}
          .value=${this.draft}
          @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) void this.submit(e);
          }}
        ></textarea>
        <div class="row">
          <button part="send-button" ?disabled=${this.sending || !this.draft.trim() || !this.to.trim()}>${t.send}</button>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
        </div>
      </form>
    `;
  }
}

/** Defines `<sip-conversations>` (once). */
export function defineConversations(): void {
  if (!customElements.get('sip-conversations')) customElements.define('sip-conversations', SipConversations);
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-conversations': SipConversations;
  }
}
