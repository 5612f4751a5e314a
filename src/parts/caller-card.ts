import { html } from 'lit';
import type { CallInfo } from '../core/calls/call.js';
import type { Strings } from '../i18n/strings.js';
import { icon } from './icons.js';

/** Someone as shown: their display name, else the user part of their address. */
export function shownName(displayName: string, uri: string): string {
  return displayName || uri.replace(/^sips?:/, '').split('@')[0];
}

/** The name to show: the display name the other side sent, else the user part of its URI. */
export function callerName(call: CallInfo): string {
  return shownName(call.remoteDisplayName, call.remoteUri);
}

/** Up to two initials of a name ("Bob Smith" → "BS"); none for a number. */
export function initials(name: string): string {
  return name
    .split(/[\s._-]+/)
    .map((word) => word.match(/\p{L}/u)?.[0] ?? '')
    .filter(Boolean)
    .slice(0, 2)
    .join('')
    .toUpperCase();
}

export interface CallerCardView {
  t: Strings;
  call: CallInfo;
  /** Our side's stream, for the microphone meter (an active call only). */
  localStream: MediaStream | null;
}

/**
 * Who the call is with (avatar, name, address), where it stands in words, and once it is active
 * the running time, the quality icon and our microphone's level. Network text is rendered as text.
 */
export function callerCard({ t, call, localStream }: CallerCardView) {
  const name = callerName(call);
  const letters = initials(name);
  const active = call.state === 'active';
  const incoming = call.state === 'incoming';
  // While it rings in, "Incoming call from" comes before the name (Answer is described by it all).
  const stateLine = html`<span class="call-state" part="call-state"
    >${incoming ? t.incomingLabel(call.video) : (t.callStates[call.state] ?? '')}${
      active ? html`${' · '}<sip-call-timer part="call-timer" .since=${call.startedAt}></sip-call-timer>` : ''
    }</span
  >`;
  return html`
    <div class="caller-card" part="caller-card">
      <span class="avatar" part="avatar" aria-hidden="true">${letters || icon('call')}</span>
      <div class="who" id="caller">
        ${incoming ? stateLine : ''}
        <strong class="caller" part="caller">${name}</strong>
        ${name !== call.remoteUri ? html`<span class="uri">${call.remoteUri}</span>` : ''}
        ${incoming ? '' : stateLine}
      </div>
      ${
        active
          ? html`<div class="meters">
            <sip-call-quality part="quality"></sip-call-quality>
            <sip-mic-level part="mic-level" .stream=${localStream} label=${t.microphoneLevel}></sip-mic-level>
          </div>`
          : ''
      }
    </div>
  `;
}
