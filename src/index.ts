/**
 * sip-phone: importing this module defines `<sip-phone>` (once; importing twice is harmless).
 */
import { SipCallQuality } from './parts/call-quality.js';
import { SipCallTimer } from './parts/call-timer.js';
import { SipMicLevel } from './parts/mic-level.js';
import { SipPhone } from './sip-phone.js';

export { SipPhone, SipCallQuality, SipCallTimer, SipMicLevel };
export { PhoneError, type PhoneErrorCode } from './core/kernel/errors.js';
export type { CallInfo } from './core/calls/call.js';
export { CREDENTIALS_TIMEOUT, type Credentials, type CredentialsFunction, type CredentialsRequest } from './core/connection/credentials.js';
export {
  HIGH_RTT_MS,
  HIGH_JITTER_MS,
  PACKET_LOSS,
  PACKET_LOSS_WINDOW_MS,
  PACKET_LOSS_MIN_PACKETS,
  QUALITY_SAMPLES_TO_CHANGE,
  NO_INBOUND_AUDIO_MS,
  MICROPHONE_SILENT_MS,
  MICROPHONE_SILENCE_LEVEL,
  type QualityWarning,
  type Threshold,
} from './core/calls/call-quality-monitor.js';
export type { CallState } from './core/calls/call-state.js';
export type { EndCause } from './core/kernel/causes.js';
export type { ConnectionState, RegistrationState } from './core/phone.js';
export type { VoicemailStatus } from './core/presence/voicemail.js';
export type { LampState } from './core/presence/busy-lamps.js';
export type { SipTraceEntry } from './core/trace/sip-trace.js';
/** `<sip-trace-view>`, defined by `<sip-phone>` the first time its `trace` is set. */
export type { SipTraceView } from './parts/trace-view.js';
export type * from './events.js';
export type { PreflightCheck, PreflightOptions, PreflightResult, PreflightStatus } from './core/setup-check/preflight.js';

if (!customElements.get('sip-call-quality')) customElements.define('sip-call-quality', SipCallQuality);
if (!customElements.get('sip-call-timer')) customElements.define('sip-call-timer', SipCallTimer);
if (!customElements.get('sip-mic-level')) customElements.define('sip-mic-level', SipMicLevel);
if (!customElements.get('sip-phone')) customElements.define('sip-phone', SipPhone);

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
    'sip-call-quality': SipCallQuality;
    'sip-call-timer': SipCallTimer;
    'sip-mic-level': SipMicLevel;
  }
}
