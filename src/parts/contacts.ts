import { LitElement, css, html } from 'lit';
import { property } from 'lit/decorators.js';
import type { LampState } from '../core/presence/busy-lamps.js';
import { en, type Strings } from '../i18n/strings.js';
import { shownName } from './caller-card.js';

// This module is what the element loads on demand for busy lamps: the contacts panel and the
// subscriptions behind it (re-exported), so neither is part of the first load.
export { BusyLamps } from '../core/presence/busy-lamps.js';

/** A watched entry as shown: its user part ("sip:bob@example.com" → "bob"). */
const who = (name: string) => shownName('', name);

/**
 * The busy lamps: one button per watched colleague with a lamp (its colour and, for everyone,
 * its state in words) that calls them. Loaded on demand when the page sets `watch`; `<sip-phone>`
 * hands it the lamps, its strings and what a click does.
 *
 * @csspart contact - One colleague: a button with their lamp and name that calls them; `data-state` is the lamp.
 * @csspart lamp - The lamp: the success colour idle, `--sip-phone-lamp-ringing` blinking while ringing, the danger colour busy, `--sip-phone-lamp-ringing` steady and half-filled away, the danger colour with a bar dnd, the muted colour offline, hollow unknown.
 */
export class SipContacts extends LitElement {
  static override styles = css`
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    button {
      font: inherit;
      color: inherit;
      background: var(--_surface, #f1f3f4);
      border: 1px solid var(--_muted, #5f6368);
      border-radius: var(--_radius, 12px);
      padding: 4px 10px;
      cursor: pointer;
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    [part~='lamp'] {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      border: 1px solid currentColor;
      flex: none;
    }
    [data-state='idle'] [part~='lamp'] {
      background: var(--_success, #137333);
    }
    [data-state='ringing'] [part~='lamp'] {
      background: var(--_lamp-ringing, #f9ab00);
      animation: blink 1s steps(2, start) infinite;
    }
    [data-state='busy'] [part~='lamp'] {
      background: var(--_danger, #c5221f);
    }
    [data-state='away'] [part~='lamp'] {
      background: linear-gradient(to top, var(--_lamp-ringing, #f9ab00) 50%, transparent 50%);
    }
    [data-state='dnd'] [part~='lamp'] {
      background: linear-gradient(var(--_danger, #c5221f) 38%, var(--_background, #ffffff) 38% 62%, var(--_danger, #c5221f) 62%);
    }
    [data-state='offline'] [part~='lamp'] {
      background: var(--_muted, #5f6368);
    }
    @keyframes blink {
      to {
        visibility: hidden;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      [part~='lamp'] {
        animation: none !important;
      }
    }
  `;

  /** The strings in use (the phone's). */
  @property({ attribute: false }) t: Strings = en;
  /** Each watched entry, as the page wrote it, and its lamp. */
  @property({ attribute: false }) lamps: Record<string, LampState> = {};
  /** Calls a colleague (the entry as the page wrote it). */
  @property({ attribute: false }) call: (name: string) => void = () => {};

  override render() {
    const { t } = this;
    return html`<ul aria-label=${t.colleagues}>
      ${Object.entries(this.lamps).map(
        ([name, state]) => html`<li>
          <button type="button" part="contact" data-state=${state} aria-label=${t.callColleague(who(name), t.lamps[state])} title=${t.lamps[state]} @click=${() => this.call(name)}>
            <span part="lamp"></span>${who(name)}
          </button>
        </li>`,
      )}
    </ul>`;
  }
}

/** Defines `<sip-contacts>` (once). */
export function defineContacts(): void {
  if (!customElements.get('sip-contacts')) customElements.define('sip-contacts', SipContacts);
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-contacts': SipContacts;
  }
}
