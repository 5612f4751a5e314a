import { html } from 'lit';
import type { ReconnectStatus } from '../core/phone.js';
import type { Strings } from '../i18n/strings.js';

/** Shown while the phone is offline: what happened, the next retry, and "Reconnect now". */
export function offlineBanner(t: Strings, status: ReconnectStatus, now: number, onReconnect: () => void) {
  const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
  return html`
    <div part="offline-banner" role="alert">
      <div>
        <strong>${t.offline}</strong> ${t.offlineCauses[status.cause] ?? status.cause} (<span class="server">${status.server}</span>).
        <span class="retry">${seconds > 0 ? t.retryingIn(seconds) : t.reconnecting}</span>
      </div>
      <button type="button" part="reconnect-button" @click=${onReconnect}>${t.reconnectNow}</button>
    </div>
  `;
}
