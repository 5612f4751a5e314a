import { html } from 'lit';
import type { VoicemailStatus } from '../core/presence/voicemail.js';
import type { Strings } from '../i18n/strings.js';

/** The voicemail badge while messages wait, and "Call voicemail" when the page gave a voicemail-uri. */
export function voicemailBar(t: Strings, status: VoicemailStatus, onCall: (() => void) | null) {
  if (!status.waiting && !onCall) return '';
  return html`
    <div class="row voicemail">
      ${
        status.waiting
          ? html`<span part="voicemail-badge" role="img" aria-label=${t.voicemailWaiting(status.newMessages)} title=${t.voicemailWaiting(status.newMessages)}
            >${status.newMessages || '!'}</span
          >`
          : ''
      }
      ${onCall ? html`<button type="button" part="voicemail-button" @click=${onCall}>${t.callVoicemail}</button>` : ''}
    </div>
  `;
}
