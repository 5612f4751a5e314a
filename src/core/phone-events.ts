/** What the core tells its owner (Phone's events); the element turns each into a `sip-*` DOM event (events.ts). */
import type { CallChange, CallInfo } from './calls/call.js';
import type { CallState } from './calls/call-state.js';
import type { CallStats } from './calls/call-stats.js';
import type { QualityChange } from './calls/call-quality-monitor.js';
import type { EndCause } from './kernel/causes.js';
import type { PhoneErrorCode } from './kernel/errors.js';
import type { VoicemailStatus } from './presence/voicemail.js';
import type { SipTraceEntry } from './trace/sip-trace.js';

/** What the core tells its owner; the element turns each into a `sip-*` DOM event. */
export interface PhoneEvents {
  connecting: { server: string };
  connected: { server: string };
  /** `cause`: 'keepalive-timeout' | 'server-closed' | 'connection-closed'; `retryInMs`: delay of the next attempt. */
  'connection-lost': { server: string; cause: string; reconnecting: boolean; retryInMs: number };
  registered: { uri: string; expires: number };
  unregistered: { uri: string; cause: string };
  'registration-failed': { uri: string; cause: string; statusCode?: number };
  /** `autoAnswerRequested`: the INVITE asks to be answered without the user (intercom; see sip-headers.ts). */
  'incoming-call': { call: CallInfo; autoAnswerRequested: boolean };
  'call-state': { call: CallInfo; previousState: CallState; cause?: EndCause };
  'call-ended': { call: CallInfo; cause: EndCause; statusCode?: number; durationMs: number };
  /** `held`, `remoteHeld`, `muted`, `video` or `transfer` of a call changed. */
  'call-updated': { call: CallInfo; change: CallChange };
  /** A DTMF tone sent or received (incoming tones arrive by SIP INFO). */
  dtmf: { callId: string; tone: string; direction: 'incoming' | 'outgoing' };
  /** Every `statsInterval` ms during an active call (not a `change`: views update only the indicator). */
  'call-stats': CallStats;
  /** A call crossed a quality threshold (`active`) or recovered (see call-quality-monitor.ts). */
  'call-quality': { call: CallInfo } & QualityChange;
  /** A call's media path went down while it was up: the phone recovers it (ICE restart). */
  'call-reconnecting': { call: CallInfo };
  /** Media flows again after `call-reconnecting`. */
  'call-reconnected': { call: CallInfo };
  /** The message summary (RFC 3842) changed: messages waiting, new and old voice messages. */
  voicemail: { voicemail: VoicemailStatus };
  error: { code: PhoneErrorCode; message: string };
  /** A SIP message sent ('out') or received ('in'), its credentials blanked; only while `trace` is on. */
  trace: SipTraceEntry;
  /** Anything that a view shows changed (state, calls, media streams). */
  change: void;
}
