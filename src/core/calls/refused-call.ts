import type { Caller } from '../kernel/jssip-ua-hooks.js';
import type { CallInfo } from './call.js';

/** A call refused before it became one (JsSIP answered 488 for want of WebRTC), as the page sees it: incoming, ended, never answered. */
export function refusedCallInfo({ uri, displayName, callId }: Caller): CallInfo {
  return {
    id: callId,
    direction: 'incoming',
    state: 'ended',
    remoteUri: uri,
    remoteDisplayName: displayName,
    video: false,
    held: false,
    remoteHeld: false,
    muted: { audio: false, video: false },
    startedAt: null,
    transfer: null,
    screenSharing: false,
    mediaConnected: false,
    qualityWarnings: [],
    reconnecting: false,
    headers: {},
    ignored: false,
    conference: null,
  };
}
