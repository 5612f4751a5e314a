import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SipTraceEntry } from '../core/trace/sip-trace.js';

// What `<sip-phone trace>` loads on first use (a chunk of its own): the ladder of its SIP.

/** The most messages a view keeps (the oldest go first). */
export const TRACE_VIEW_LIMIT = 2000;

/** The arrow's label: a request's method, a response's status and reason (with its CSeq method). */
export function traceLabel(text: string): { label: string; detail: string } {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(first);
  if (!response) return { label: first.split(' ')[0] || '?', detail: first.split(' ')[1] ?? '' };
  const cseq = /^CSeq[ \t]*:[ \t]*\d+[ \t]+(\S+)/im.exec(text);
  return { label: `${response[1]} ${response[2]}`.trim(), detail: cseq?.[1] ?? '' };
}

/** The whole trace as text, as "Copy" gives it: each message under a line with its time and direction. */
export function traceText(messages: readonly SipTraceEntry[], farSide: string): string {
  return messages
    .map(
      (m) =>
        `${new Date(m.at).toISOString()} ${m.direction === 'out' ? `phone -> ${farSide}` : `${farSide} -> phone`}\n${m.text.replace(/\r\n/g, '\n').trimEnd()}\n`,
    )
    .join('\n');
}

type TracedPhone = HTMLElement & { recentSipMessages?: SipTraceEntry[]; server?: string };

/**
 * The SIP of a `<sip-phone trace>` as a ladder diagram: a column for this phone and one for the
 * far side (its server), one arrow per message with its method or status; a click shows the whole
 * message (as text). "Copy" puts the whole trace on the clipboard, for a support ticket.
 * `<sip-phone>` defines it the first time `trace` is set. Point it at a phone with `for`, or set
 * `messages` (e.g. to a phone's `recentSipMessages` after a failure).
 *
 * @summary The SIP of a phone as a ladder diagram.
 *
 * @csspart header - The column heads: this phone and the far side.
 * @csspart ladder - The list of messages.
 * @csspart message - One message: a button with its arrow, label and time; `data-direction` is 'in' or 'out'.
 * @csspart message-text - The whole message, shown when its arrow is clicked.
 * @csspart copy-button - "Copy": the whole trace as text on the clipboard.
 * @csspart clear-button - "Clear": empties the view.
 * @cssprop [--sip-trace-height=24em] - The ladder's height; longer traces scroll.
 */
export class SipTraceView extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font: 13px var(--sip-phone-font, system-ui, sans-serif);
      color: var(--sip-phone-foreground, #1f1f1f);
      background: var(--sip-phone-background, #ffffff);
    }
    [part~='header'],
    li > button {
      display: grid;
      grid-template-columns: 6em 1fr;
      gap: 6px;
      align-items: end;
    }
    [part~='header'] span:last-child {
      display: flex;
      justify-content: space-between;
      font-weight: 600;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      max-height: var(--sip-trace-height, 24em);
      overflow: auto;
    }
    li > button {
      width: 100%;
      font: inherit;
      color: inherit;
      background: none;
      border: 0;
      padding: 0;
      cursor: pointer;
      text-align: center;
    }
    li > button:focus-visible {
      outline: 2px solid var(--sip-phone-accent, #1a73e8);
    }
    time {
      color: var(--sip-phone-muted, #5f6368);
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .lane {
      border-inline: 2px solid var(--sip-phone-muted, #5f6368);
      padding: 2px 10px 0;
    }
    .arrow {
      display: block;
      position: relative;
      border-bottom: 2px solid currentColor;
      margin: 0 -8px 6px;
    }
    .arrow::after {
      content: '';
      position: absolute;
      bottom: -6px;
      border: 5px solid transparent;
    }
    [data-direction='out'] .arrow::after {
      right: -2px;
      border-left: 8px solid currentColor;
    }
    [data-direction='in'] .arrow::after {
      left: -2px;
      border-right: 8px solid currentColor;
    }
    [data-direction='in'] .arrow {
      color: var(--sip-phone-success, #137333);
    }
    .error .arrow {
      color: var(--sip-phone-danger, #c5221f);
    }
    small {
      color: var(--sip-phone-muted, #5f6368);
    }
    pre {
      margin: 4px 0 8px;
      padding: 6px;
      white-space: pre-wrap;
      word-break: break-all;
      background: var(--sip-phone-surface, #f1f3f4);
      font-size: 12px;
    }
    .actions {
      display: flex;
      gap: 6px;
      margin-top: 6px;
    }
  `;

  /** The id of the `<sip-phone>` (in the same document or shadow root) whose SIP to show; its recent messages come first. */
  @property() for = '';
  /** The messages shown, oldest first (the view appends what the phone of `for` traces). */
  @property({ attribute: false }) messages: SipTraceEntry[] = [];
  /** What the far side's column is called (default: the host of the phone's server, else "Far side"). */
  @property({ attribute: 'far-side' }) farSide = '';
  @state() private opened = new Set<SipTraceEntry>();
  @state() private copied = false;
  private phone: TracedPhone | null = null;
  private following = true;

  /** The whole trace as text: what "Copy" puts on the clipboard. */
  get text(): string {
    return traceText(this.messages, this.farSideName);
  }

  /** Copies the whole trace (as `text`) to the clipboard. */
  async copy(): Promise<void> {
    await navigator.clipboard.writeText(this.text);
    this.copied = true;
  }

  /** Empties the view (the phone's own ring stays). */
  clear(): void {
    this.messages = [];
    this.opened = new Set();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.phone?.removeEventListener('sip-trace', this.onTrace);
    this.phone = null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('for') && this.isConnected) this.follow();
  }

  protected override updated(): void {
    const list = this.renderRoot.querySelector('ol');
    if (list && this.following) list.scrollTop = list.scrollHeight;
  }

  /** Listens to the phone of `for`, starting from the messages it keeps. */
  private follow(): void {
    this.phone?.removeEventListener('sip-trace', this.onTrace);
    const root = this.getRootNode() as Document | ShadowRoot;
    this.phone = (this.for && (root.getElementById?.(this.for) as TracedPhone | null)) || null;
    if (!this.phone) return;
    this.messages = [...(this.phone.recentSipMessages ?? [])];
    this.phone.addEventListener('sip-trace', this.onTrace);
  }

  private readonly onTrace = (event: Event) => {
    // A ladder scrolled to its end follows the new messages.
    const list = this.renderRoot.querySelector('ol');
    this.following = !list || list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    const messages = [...this.messages, (event as CustomEvent<SipTraceEntry>).detail];
    this.messages = messages.length > TRACE_VIEW_LIMIT ? messages.slice(-TRACE_VIEW_LIMIT) : messages;
  };

  private get farSideName(): string {
    if (this.farSide) return this.farSide;
    try {
      return new URL((this.phone?.server ?? '').split(/\s+/)[0]).host || 'Far side';
    } catch {
      return 'Far side';
    }
  }

  private toggle(message: SipTraceEntry): void {
    const opened = new Set(this.opened);
    if (!opened.delete(message)) opened.add(message);
    this.opened = opened;
  }

  override render() {
    const start = this.messages[0]?.at ?? 0;
    return html`
      <div part="header"><span></span><span><span>This phone</span><span>${this.farSideName}</span></span></div>
      <ol part="ladder" aria-label="SIP messages">
        ${this.messages.map((message) => {
          const { label, detail } = traceLabel(message.text);
          const open = this.opened.has(message);
          return html`<li>
            <button
              part="message"
              data-direction=${message.direction}
              class=${/^(?!40[17])[4-6]\d\d\b/.test(label) ? 'error' : ''}
              aria-expanded=${open ? 'true' : 'false'}
              @click=${() => this.toggle(message)}
            >
              <time>+${((message.at - start) / 1000).toFixed(3)} s</time>
              <span class="lane"><span class="arrow">${label} <small>${detail}</small></span></span>
            </button>
            ${open ? html`<pre part="message-text">${message.text}</pre>` : nothing}
          </li>`;
        })}
      </ol>
      <div class="actions">
        <button part="copy-button" @click=${() => void this.copy().catch(() => {})}>${this.copied ? 'Copied' : 'Copy'}</button>
        <button part="clear-button" @click=${() => this.clear()}>Clear</button>
      </div>
    `;
  }
}

/** Defines `<sip-trace-view>` (once). */
export function defineTraceView(): void {
  if (!customElements.get('sip-trace-view')) customElements.define('sip-trace-view', SipTraceView);
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-trace-view': SipTraceView;
  }
}
