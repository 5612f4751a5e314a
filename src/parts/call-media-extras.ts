import { css, html, nothing } from 'lit';
import type { Call, CallInfo } from '../core/calls/call.js';
import type { Strings } from '../i18n/strings.js';
import { callerName } from './caller-card.js';

export interface CallMediaExtrasView {
  t: Strings;
  call: CallInfo;
  /** Whether the call is being recorded (startRecording()). */
  recording: boolean;
  /** The other calls merged with this one (CallInfo.conference), with their media. */
  partners: Call[];
  /** Two connected calls that are not merged yet: "Merge calls" merges them. */
  onMerge: (() => void) | null;
}

/**
 * Beside the caller card: the recording indicator while the call is recorded, and in a local
 * conference the other parties (their names, and their pictures when they send video; their
 * video element also plays their sound). "Merge calls" while two connected calls are apart.
 */
export function callMediaExtras({ t, call, recording, partners, onMerge }: CallMediaExtrasView) {
  return html`
    ${recording ? html`<p class="recording" part="recording" role="status"><span class="dot" aria-hidden="true"></span>${t.recordingLabel}</p>` : nothing}
    ${
      partners.length
        ? html`<div class="conference" part="conference" role="group" aria-label=${t.conferenceWith([callerName(call), ...partners.map((p) => callerName(p.info))])}>
            ${partners.map(
              (partner) => html`<figure class="conference-party ${partner.video ? '' : 'audio-only'}" part="conference-party">
                <video part="conference-video" autoplay playsinline .srcObject=${partner.remoteStream} aria-label=${callerName(partner.info)}></video>
                <figcaption>${callerName(partner.info)}</figcaption>
              </figure>`,
            )}
          </div>`
        : nothing
    }
    ${onMerge ? html`<button type="button" part="merge-button" @click=${onMerge}>${t.mergeCalls}</button>` : nothing}
  `;
}

export const callMediaExtrasStyles = css`
  [part~='recording'] {
    display: flex;
    align-items: center;
    gap: calc(var(--_spacing) / 2);
    margin: 0;
    color: var(--_danger);
    font-weight: 600;
  }
  [part~='recording'] .dot {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--_danger);
  }
  [part~='conference'] {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(120px, 1fr));
    gap: var(--_spacing);
  }
  [part~='conference-party'] {
    margin: 0;
    display: grid;
    gap: calc(var(--_spacing) / 2);
  }
  [part~='conference-video'] {
    width: 100%;
    border-radius: calc(var(--_radius) / 2);
    background: #000;
  }
  .conference-party.audio-only [part~='conference-video'] {
    display: none;
  }
`;
