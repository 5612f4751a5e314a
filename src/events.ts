/**
 * The element's events: each a CustomEvent with `bubbles: true, composed: true`.
 * Details come from the core's PhoneEvents, so the two can never drift apart.
 */
import type { PhoneEvents } from './core/phone.js';
import type { MessagesEvents } from './core/messaging/messages.js';
import type { BusyLampsEvents } from './core/presence/busy-lamps.js';
import type { RecordingDetail } from './core/recording/call-recording.js';

export type SipConnectingDetail = PhoneEvents['connecting'];
export type SipConnectedDetail = PhoneEvents['connected'];
export type SipConnectionLostDetail = PhoneEvents['connection-lost'];
export type SipRegisteredDetail = PhoneEvents['registered'];
export type SipUnregisteredDetail = PhoneEvents['unregistered'];
export type SipRegistrationFailedDetail = PhoneEvents['registration-failed'];
export type SipIncomingCallDetail = PhoneEvents['incoming-call'];
export type SipCallStateDetail = PhoneEvents['call-state'];
export type SipCallEndedDetail = PhoneEvents['call-ended'];
export type SipErrorDetail = PhoneEvents['error'];
export type SipCallUpdatedDetail = PhoneEvents['call-updated'];
export type SipDtmfDetail = PhoneEvents['dtmf'];
export type SipCallStatsDetail = PhoneEvents['call-stats'];
export type SipCallQualityDetail = PhoneEvents['call-quality'];
export type SipCallReconnectingDetail = PhoneEvents['call-reconnecting'];
export type SipCallReconnectedDetail = PhoneEvents['call-reconnected'];
/** A SIP message the phone sent ('out') or received ('in') at `at`, as `text` with its credentials blanked; only with the `trace` attribute. */
export type SipTraceDetail = PhoneEvents['trace'];
/** A text message arrived (from core/messaging/messages.ts, dispatched by the element itself). */
export type SipMessageDetail = MessagesEvents['message'];
export type SipVoicemailDetail = PhoneEvents['voicemail'];
/** A watched colleague's busy lamp changed (from core/presence/busy-lamps.ts, dispatched by the element's BusyLampsController). */
export type SipPresenceDetail = BusyLampsEvents['presence'];
/** A call's recording started or stopped (dispatched by the element's RecordingController). */
export type SipRecordingDetail = RecordingDetail;

/** Every event name with its detail type. */
export interface SipPhoneEventMap {
  'sip-connecting': CustomEvent<SipConnectingDetail>;
  'sip-connected': CustomEvent<SipConnectedDetail>;
  'sip-connection-lost': CustomEvent<SipConnectionLostDetail>;
  'sip-registered': CustomEvent<SipRegisteredDetail>;
  'sip-unregistered': CustomEvent<SipUnregisteredDetail>;
  'sip-registration-failed': CustomEvent<SipRegistrationFailedDetail>;
  'sip-incoming-call': CustomEvent<SipIncomingCallDetail>;
  'sip-call-state': CustomEvent<SipCallStateDetail>;
  'sip-call-ended': CustomEvent<SipCallEndedDetail>;
  'sip-call-updated': CustomEvent<SipCallUpdatedDetail>;
  'sip-dtmf': CustomEvent<SipDtmfDetail>;
  'sip-call-stats': CustomEvent<SipCallStatsDetail>;
  'sip-call-quality': CustomEvent<SipCallQualityDetail>;
  'sip-call-reconnecting': CustomEvent<SipCallReconnectingDetail>;
  'sip-call-reconnected': CustomEvent<SipCallReconnectedDetail>;
  'sip-voicemail': CustomEvent<SipVoicemailDetail>;
  'sip-error': CustomEvent<SipErrorDetail>;
  'sip-trace': CustomEvent<SipTraceDetail>;
  'sip-message': CustomEvent<SipMessageDetail>;
  'sip-presence': CustomEvent<SipPresenceDetail>;
  'sip-recording': CustomEvent<SipRecordingDetail>;
}

/** Core event name → DOM event name (all core events but `change`). */
export const domEventNames = {
  connecting: 'sip-connecting',
  connected: 'sip-connected',
  'connection-lost': 'sip-connection-lost',
  registered: 'sip-registered',
  unregistered: 'sip-unregistered',
  'registration-failed': 'sip-registration-failed',
  'incoming-call': 'sip-incoming-call',
  'call-state': 'sip-call-state',
  'call-ended': 'sip-call-ended',
  'call-updated': 'sip-call-updated',
  dtmf: 'sip-dtmf',
  'call-stats': 'sip-call-stats',
  'call-quality': 'sip-call-quality',
  'call-reconnecting': 'sip-call-reconnecting',
  'call-reconnected': 'sip-call-reconnected',
  voicemail: 'sip-voicemail',
  error: 'sip-error',
  trace: 'sip-trace',
} as const satisfies { [K in Exclude<keyof PhoneEvents, 'change'>]: keyof SipPhoneEventMap };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the global map extended with ours
  interface HTMLElementEventMap extends SipPhoneEventMap {}
}
