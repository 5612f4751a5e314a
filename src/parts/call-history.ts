import { html } from 'lit';
import type { HistoryEntry } from '../core/call-history.js';
import type { Strings } from '../i18n/strings.js';

function when(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Recent calls, newest first, each with a button to call back (names are shown as text). */
export function callHistory(t: Strings, entries: HistoryEntry[], onRedial: (uri: string) => void, onClear: () => void) {
  if (!entries.length) return '';
  return html`
    <details part="history">
      <summary>${t.recentCalls(entries.length)}</summary>
      <ul class="history">
        ${entries.slice(0, 20).map(
          (e) => html`<li>
            <span class="direction"><span aria-hidden="true">${e.direction === 'incoming' ? '↙' : '↗'}</span><span class="visually-hidden">${e.direction === 'incoming' ? t.incomingDirection : t.outgoingDirection}</span></span>
            <span class="who">${e.remoteDisplayName || e.remoteUri}</span>
            <span class="meta">${when(e.startedAt)} · ${e.durationMs ? duration(e.durationMs) : e.cause}</span>
            <button type="button" part="redial-button" aria-label=${t.callBack(e.remoteDisplayName || e.remoteUri)} @click=${() => onRedial(e.remoteUri)}>${t.call}</button>
          </li>`,
        )}
      </ul>
      <button type="button" part="clear-history-button" @click=${onClear}>${t.clearHistory}</button>
    </details>
  `;
}
