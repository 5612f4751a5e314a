import { html } from 'lit';
import type { ConnectionState, RegistrationState } from '../core/phone.js';

export interface StatusView {
  connectionState: ConnectionState;
  registrationState: RegistrationState;
  uri: string;
  /** The last error's message, shown until the next successful action. */
  error: string;
  /** Text about the current call, if any. */
  callText: string;
}

const registrationText: Record<RegistrationState, string> = {
  unregistered: 'Not registered',
  registering: 'Registering…',
  registered: 'Registered',
  failed: 'Registration failed',
};

/** One line of status: registration, connection, the current call and the last error. */
export function statusBanner(view: StatusView) {
  const offline = view.registrationState === 'registered' || view.connectionState === 'connected' ? '' : ` (${view.connectionState})`;
  return html`
    <div part="status" role="status" aria-live="polite">
      <span class="dot ${view.registrationState}"></span>
      <div>
        <div>
          <strong class="registration">${registrationText[view.registrationState]}</strong>${offline}
          ${view.registrationState === 'registered' ? html`as <span class="uri">${view.uri}</span>` : ''}
        </div>
        ${view.callText ? html`<div class="call-status">${view.callText}</div>` : ''}
        ${view.error ? html`<div class="error" role="alert">${view.error}</div>` : ''}
      </div>
    </div>
  `;
}
