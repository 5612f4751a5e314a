/** CallInfo: the snapshot of one call that the page sees (events, `calls`, `activeCall`). */
import type { SipHeaders } from '../kernel/sip-headers.js';
import type { CallState } from './call-state.js';
import type { QualityWarning } from './call-quality-monitor.js';

/** A snapshot of one call, as the page sees it. */
export interface CallInfo {
  id: string;
  direction: 'incoming' | 'outgoing';
  state: CallState;
  /** The other party's SIP URI. */
  remoteUri: string;
  /** The other party's display name as they sent it (untrusted text). */
  remoteDisplayName: string;
  /** Whether this call carries video. */
  video: boolean;
  /** Whether we put the call on hold. */
  held: boolean;
  /** Whether the other side put the call on hold. */
  remoteHeld: boolean;
  muted: { audio: boolean; video: boolean };
  /** When the call became active (ms since the epoch), or null before. */
  startedAt: number | null;
  /** Where a transfer of this call stands, if we started one. */
  transfer: TransferState | null;
  /** Whether we send our screen instead of the camera. */
  screenSharing: boolean;
  /**
   * Whether the media path has connected (ICE and DTLS; early media counts): until then there is
   * nothing to hear or see from the other side.
   */
  mediaConnected: boolean;
  /** The quality warnings in force (see `call-quality`), most telling first. */
  qualityWarnings: QualityWarning[];
  /** Whether the media path went down while the call was up and is being recovered (`call-reconnecting` … `call-reconnected`). */
  reconnecting: boolean;
  /**
   * SIP headers as they arrived (names as written, repeated ones joined with ", "; credentials
   * never): for an incoming call those of its INVITE, for an outgoing one those of the answer
   * that set it up (a provisional one until then). Untrusted text.
   */
  headers: SipHeaders;
  /** Whether ignore() stopped this ringing call from ringing here (it rings on at the caller). */
  ignored: boolean;
  /**
   * The ids of the calls merged with this one in a local conference (see merge()), or null when
   * it is not merged: each party then hears us and the others.
   */
  conference: string[] | null;
}

/** Where a blind transfer we started stands (from the NOTIFY sipfrag). */
export type TransferState = 'trying' | 'ringing' | 'accepted' | 'failed';
