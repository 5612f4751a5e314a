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
  | 'address-incomplete'
  | 'incompatible-sdp'
  | 'authentication-error'
  | 'connection-lost'
  | 'media-timeout'
  | 'media-denied'
  | 'request-timeout'
  | 'dialog-error'
  | 'webrtc-error'
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
