import { html } from 'lit';
import type { ConnectionState, RegistrationState } from '../core/phone.js';
import type { Strings } from '../i18n/strings.js';

export interface StatusView {
  t: Strings;
  connectionState: ConnectionState;
  registrationState: RegistrationState;
  uri: string;
  /** The last error's message, shown until the next successful action. */
  error: string;
  /** Text about the current call, if any. */
  callText: string;
  /** Whether do-not-disturb is on. */
  dnd: boolean;
}

/**
 * One line of status: registration, connection, the current call and the last error. Registration
 * and call changes are read out politely (role=status); an error interrupts (role=alert) and sits
 * outside the polite region, so it is announced once.
 */
export function statusBanner(view: StatusView) {
  const offline = view.registrationState === 'registered' || view.connectionState === 'connected' ? '' : ` (${view.t.connection[view.connectionState]})`;
  return html`
    <div part="status">
      <span class="dot ${view.registrationState}"></span>
      <div>
        <div role="status" aria-live="polite">
          <div>
            <strong class="registration">${view.t.registration[view.registrationState]}</strong>${offline}
            ${view.registrationState === 'registered' ? html`${view.t.registeredAs} <span class="uri">${view.uri}</span>` : ''}
            ${view.dnd ? html`· <span part="dnd">${view.t.doNotDisturb}</span>` : ''}
          </div>
          ${view.callText ? html`<div class="call-status">${view.callText}</div>` : ''}
        </div>
        ${view.error ? html`<div class="error" role="alert">${view.error}</div>` : ''}
      </div>
    </div>
  `;
}
