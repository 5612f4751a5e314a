/**
 * sip-phone: importing this module defines `<sip-phone>` (once; importing twice is harmless).
 */
import { SipCallQuality } from './parts/call-quality.js';
import { SipPhone } from './sip-phone.js';

export { SipPhone, SipCallQuality };
export { PhoneError, type PhoneErrorCode } from './core/errors.js';
export type { CallInfo } from './core/call.js';
export type { CallState } from './core/call-state.js';
export type { EndCause } from './core/causes.js';
export type { ConnectionState, RegistrationState } from './core/phone.js';
export type * from './events.js';
export type { PreflightCheck, PreflightOptions, PreflightResult, PreflightStatus } from './core/preflight.js';

if (!customElements.get('sip-call-quality')) customElements.define('sip-call-quality', SipCallQuality);
if (!customElements.get('sip-phone')) customElements.define('sip-phone', SipPhone);

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
    'sip-call-quality': SipCallQuality;
  }
}
