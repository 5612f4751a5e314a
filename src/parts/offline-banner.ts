import { html } from 'lit';
import type { ReconnectStatus } from '../core/phone.js';

const causeText: Record<string, string> = {
  'keepalive-timeout': 'the server stopped answering',
  'connect-timeout': 'the server did not answer',
  'server-closed': 'the server closed the connection',
  'connection-closed': 'the connection closed',
};

/** Shown while the phone is offline: what happened, the next retry, and "Reconnect now". */
export function offlineBanner(status: ReconnectStatus, now: number, onReconnect: () => void) {
  const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
  return html`
    <div part="offline-banner" role="alert">
      <div>
        <strong>Offline:</strong> ${causeText[status.cause] ?? status.cause} (<span class="server">${status.server}</span>).
        <span class="retry">${seconds > 0 ? `Retrying in ${seconds} s.` : 'Reconnecting…'}</span>
      </div>
      <button type="button" part="reconnect-button" @click=${onReconnect}>Reconnect now</button>
    </div>
  `;
}
