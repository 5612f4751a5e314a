/**
 * Every error the phone reports carries one of these codes: rejected methods
 * reject with a {@link PhoneError}, and `sip-error` events carry `{ code, message }`.
 */
export type PhoneErrorCode =
  | 'invalid-server'
  | 'invalid-uri'
  | 'invalid-target'
  | 'invalid-ice-servers'
  | 'invalid-option'
  | 'invalid-header'
  | 'not-configured'
  | 'not-registered'
  | 'no-such-call'
  | 'not-in-call'
  | 'invalid-call-state'
  | 'not-ringing'
  | 'change-refused'
  | 'media-denied'
  | 'media-unavailable'
  | 'connection-failed'
  | 'authentication-failed'
  | 'credentials-failed'
  | 'registration-failed'
  | 'message-failed'
  | 'message-too-long'
  | 'webrtc-unsupported'
  | 'internal-error';

/** An error with a machine-readable {@link PhoneErrorCode}. */
/** Whether a SIP status means the server refused our credentials (401, 403, 407). */
export function isAuthFailure(statusCode?: number): boolean {
  return statusCode === 401 || statusCode === 403 || statusCode === 407;
}

export class PhoneError extends Error {
  readonly code: PhoneErrorCode;
  /** The SIP status of a refused request, when there was one (e.g. 404 for 'message-failed'). */
  readonly statusCode?: number;

  constructor(code: PhoneErrorCode, message: string, statusCode?: number) {
    super(message);
    this.name = 'PhoneError';
    this.code = code;
    if (statusCode) this.statusCode = statusCode;
  }
}

/** Wraps anything thrown into a PhoneError, keeping an existing code. */
export function toPhoneError(error: unknown, fallback: PhoneErrorCode = 'internal-error'): PhoneError {
  if (error instanceof PhoneError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PhoneError(fallback, message);
}
