import { html } from 'lit';
import type { HistoryEntry } from '../core/storage/call-history.js';
import type { Strings } from '../i18n/strings.js';

// One formatter for all renders: toLocaleString() with options builds a new one per call, which
// cost several ms per render with a full history.
let dateTime: Intl.DateTimeFormat | undefined;

const formatted = new Map<number, string>();

function when(at: number): string {
  let text = formatted.get(at);
  if (text === undefined) {
    dateTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
    text = dateTime.format(at);
    if (formatted.size > 500) formatted.clear();
    formatted.set(at, text);
  }
  return text;
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
