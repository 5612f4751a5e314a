import type { EndEvent } from './jssip-adapter.js';

/**
 * Why a call ended or a registration failed, in kebab-case.
 * `bye`: the other side hung up; `hangup`: we did; the rest follow the SIP outcome.
 */
export type EndCause =
  | 'bye'
  | 'hangup'
  | 'transferred'
  | 'canceled'
  | 'answered-elsewhere'
  | 'rejected'
  | 'busy'
  | 'not-found'
  | 'no-answer'
  | 'unavailable'
  | 'redirected'
  | 'dnd'
  | 'address-incomplete'
  | 'incompatible-sdp'
  | 'authentication-error'
  | 'connection-lost'
  | 'media-timeout'
  | 'media-denied'
  | 'request-timeout'
  | 'dialog-error'
  | 'webrtc-error'
  | 'webrtc-unsupported'
  | 'sip-failure'
  | 'internal-error';

const byJsSipCause: Record<string, EndCause> = {
  'Connection Error': 'connection-lost',
  'Request Timeout': 'request-timeout',
  'SIP Failure Code': 'sip-failure',
  'Internal Error': 'internal-error',
  Busy: 'busy',
  Rejected: 'rejected',
  Redirected: 'redirected',
  Unavailable: 'unavailable',
  'Not Found': 'not-found',
  'Address Incomplete': 'address-incomplete',
  'Incompatible SDP': 'incompatible-sdp',
  'Missing SDP': 'incompatible-sdp',
  'Authentication Error': 'authentication-error',
  Terminated: 'bye',
  'WebRTC Error': 'webrtc-error',
  Canceled: 'canceled',
  'No Answer': 'no-answer',
  Expires: 'no-answer',
  'No ACK': 'dialog-error',
  'Dialog Error': 'dialog-error',
  'User Denied Media Access': 'media-denied',
  'Bad Media Description': 'incompatible-sdp',
  'RTP Timeout': 'media-timeout',
};

/** Maps a JsSIP cause string (JsSIP.C.causes) to our cause; unknown ones become 'sip-failure'. */
export function causeFromJsSip(cause: string | undefined): EndCause {
  return (cause && byJsSipCause[cause]) || 'sip-failure';
}

/** Why JsSIP ended a call's session ('ended' or 'failed'), when we did not end it ourselves. */
export function sessionEndCause(event: EndEvent): EndCause {
  if (event.originator === 'local' && event.cause === 'Terminated') return 'hangup';
  // The browser refused an offer (plain RTP without ICE/DTLS, say) and JsSIP answered 488: it
  // calls that a 'WebRTC Error', but it is the other side's media description that does not fit.
  if (event.originator === 'system' && event.cause === 'WebRTC Error') return 'incompatible-sdp';
  // Another of the user's phones (another tab) answered: the CANCEL says so (RFC 3326).
  const reason = (event.message as { getHeader?(name: string): string | undefined } | undefined)?.getHeader?.('Reason');
  if (event.cause === 'Canceled' && /cause=200\b/.test(reason ?? '')) return 'answered-elsewhere';
  return causeFromJsSip(event.cause);
}

/** The SIP status of the response that ended a call's session, if one did. */
export function sessionEndStatus(event: EndEvent): number | undefined {
  const message = event.message as { status_code?: number } | null | undefined;
  return message?.status_code || undefined;
}
