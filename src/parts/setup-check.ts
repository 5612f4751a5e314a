import { LitElement, css, html } from 'lit';
import { property } from 'lit/decorators.js';
import type { PreflightCheck, PreflightPending, PreflightProgress } from '../core/setup-check/preflight.js';
import { en, type Strings } from '../i18n/strings.js';

// This module is what the element loads on demand for the setup check: the view, and with it the
// check's logic and wording (re-exported), so the whole check is one chunk the first load lacks.
export { preflightOptions, runPreflight } from '../core/setup-check/preflight.js';
export { verdictsFor } from '../i18n/setup-check-strings.js';

/**
 * The results of "Check my setup": one line per check with its status and verdict, and a level
 * meter while the microphone is measured. Loaded on demand (the first render does without it);
 * `<sip-phone>` hands it each `PreflightProgress` of the run and re-exports its parts.
 *
 * @csspart setup-check-summary - The overall verdict (a live status region).
 * @csspart setup-check-item - One line of the results: the check, its status and its verdict.
 * @csspart setup-check-level - The microphone's level meter.
 */
export class SipSetupCheck extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    li {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 2px 8px;
      align-items: baseline;
    }
    .badge {
      font-size: 12px;
      font-weight: 600;
      padding: 0 6px;
      border-radius: 4px;
      border: 1px solid currentColor;
    }
    .failed .badge {
      color: var(--_danger, #c5221f);
    }
    .ok .badge {
      color: var(--_success, #137333);
    }
    .what {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .verdict,
    meter {
      grid-column: 2;
      overflow-wrap: anywhere;
    }
    meter {
      width: 100%;
    }
    p {
      margin: 0 0 6px;
    }
  `;

  /** The strings of the phone's language. */
  @property({ attribute: false }) t: Strings = en;
  /** Where the run stands; null before the first report. */
  @property({ attribute: false }) progress: PreflightProgress | null = null;

  override render() {
    const t = this.t;
    const p = this.progress;
    const summary = !p || p.running ? t.setupCheck.running : p.lines.some((c) => c.status === 'failed') ? t.setupCheck.problems : t.setupCheck.allGood;
    // The meter shows the square root of the RMS level, so speech moves it visibly.
    const meter = (level: number | null | undefined) =>
      level == null
        ? ''
        : html`<meter part="setup-check-level" aria-label=${t.setupCheck.microphoneLevel} min="0" max="1" .value=${Math.min(1, Math.sqrt(level))}></meter>`;
    const line = (c: PreflightCheck | PreflightPending) => {
      const done = c.status !== 'running';
      const level = done ? (c.name === 'microphone' ? c.level : undefined) : c.name === 'microphone' ? p?.level : undefined;
      return html`<li part="setup-check-item" class=${c.status} data-check=${c.name} data-status=${c.status}>
        <span class="badge">${done ? t.setupCheck.status[c.status] : '…'}</span>
        <span class="what">${t.setupCheck.names[c.name]}${c.target ? ` ${c.target}` : ''}</span>
        <span class="verdict">${done ? c.detail : t.setupCheck.checking}</span>
        ${meter(level)}
      </li>`;
    };
    return html`
      <p part="setup-check-summary" role="status">${summary}</p>
      <ul aria-label=${t.setupCheck.results}>
        ${p?.lines.map(line)}
      </ul>
    `;
  }
}

/** Defines `<sip-setup-check>` (once). */
export function defineSetupCheck(): void {
  if (!customElements.get('sip-setup-check')) customElements.define('sip-setup-check', SipSetupCheck);
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-setup-check': SipSetupCheck;
  }
}
