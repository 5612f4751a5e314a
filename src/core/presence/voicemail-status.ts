/** What the message summary says (RFC 3842), in a module of its own: the element shows it before the SIP stack loads. */
export interface VoicemailStatus {
  waiting: boolean;
  newMessages: number;
  oldMessages: number;
}

/** Nothing waiting: until the server says otherwise. */
export const NO_VOICEMAIL: VoicemailStatus = { waiting: false, newMessages: 0, oldMessages: 0 };
