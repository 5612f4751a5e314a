import { html } from 'lit';
import type { CallInfo } from '../core/calls/call.js';
import type { LampState } from '../core/presence/busy-lamps.js';
import type { Strings } from '../i18n/strings.js';
import { callerText } from '../parts/call-controls.js';
import { offlineBanner } from '../parts/offline-banner.js';
import { statusBanner } from '../parts/status-banner.js';
import { voicemailBar } from '../parts/voicemail.js';
import type { CoreController } from '../controllers/core-controller.js';
import type { StatusController } from '../controllers/status-controller.js';

/** What the status view reads from the element (its public properties and methods). */
export interface StatusViewHost {
  readonly uri: string;
  readonly voicemailUri: string;
  readonly watch: string;
  readonly presence: Record<string, LampState>;
  readonly activeCall: CallInfo | null;
  readonly dnd: boolean;
  call(target: string): Promise<string>;
  reconnect(): void;
}

const ignore = () => {};

/** What the status line says of the call. */
export function callText(t: Strings, call: CallInfo | null, lastCallText: string): string {
  if (!call) return lastCallText;
  const who = callerText(call);
  switch (call.state) {
    case 'calling':
      return t.calling(who);
    case 'ringing':
      return t.ringing(who);
    case 'incoming':
      return t.incomingCall(who);
    case 'active': {
      const transfer = call.transfer ? t.transfer(call.transfer) : '';
      const hold = call.held ? t.onHold : call.remoteHeld ? t.heldByOther : '';
      return `${t.inCall(who)}${hold}${call.muted.audio ? t.muted : ''}${transfer}${call.reconnecting ? t.reconnectingCall : ''}`;
    }
    default:
      return '';
  }
}

/** The top of the phone: the page's header, the status line, voicemail, the busy lamps and the offline banner. */
export function statusView(t: Strings, el: StatusViewHost, core: CoreController, status: StatusController) {
  const callUri = (uri: string) => void el.call(uri).catch(ignore);
  return html`<div part="header" ?hidden=${!status.hasHeader}><slot name="header" @slotchange=${status.onHeaderSlotChange}></slot></div>
    ${statusBanner({
      connectionState: core.connectionState,
      registrationState: core.registrationState,
      uri: el.uri,
      t,
      error: status.errorCode ? t.errors[status.errorCode] : '',
      callText: callText(t, el.activeCall, status.lastCallText),
      dnd: el.dnd,
    })}
    ${voicemailBar(t, core.voicemail, el.voicemailUri ? () => callUri(el.voicemailUri) : null)}
    ${el.watch?.trim() ? html`<sip-contacts part="contacts" exportparts="contact, lamp" .t=${t} .lamps=${el.presence} .call=${callUri}></sip-contacts>` : ''}
    ${core.reconnect ? offlineBanner(t, core.reconnect, Date.now(), () => el.reconnect()) : ''}`;
}
