/**
 * The only module that imports JsSIP. It builds a JsSIP UA from a validated PhoneConfig,
 * with our SipSocket for each server (so the network edge stays injectable).
 */
import * as JsSIPModule from 'jssip';
import type { UA } from 'jssip/lib/UA';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { PhoneConfig } from './config.js';
import { SipSocket, type SipSocketOptions } from './sip-socket.js';

export type { UA, RTCSession };

// JsSIP is CommonJS; some converters expose it only as the default export.
const JsSIP = ((JsSIPModule as unknown as { default?: typeof JsSIPModule }).default ?? JsSIPModule) as typeof JsSIPModule;
export type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent, RTCSessionEvent } from 'jssip/lib/UA';
export type { EndEvent, IceCandidateEvent, PeerConnectionEvent } from 'jssip/lib/RTCSession';

export interface UserAgentOptions extends SipSocketOptions {
  /** The stable `+sip.instance` URN of this browser profile (RFC 5626). */
  instanceId: string;
  userAgent?: string;
}

// JsSIP logs through the `debug` package; it stays silent unless a page enables it
// (localStorage.debug = 'JsSIP:*'), and it never sees the password in what it logs here.
export function createUserAgent(config: PhoneConfig, options: UserAgentOptions): UA {
  const sockets = config.servers.map((url, index) => ({
    socket: new SipSocket(url, options) as unknown as JsSIPModule.Socket,
    // The first server in the list is preferred; JsSIP fails over to the next by weight.
    weight: config.servers.length - index,
  }));
  return new JsSIP.UA({
    sockets,
    uri: config.uri,
    display_name: config.displayName || undefined,
    authorization_user: config.authorizationUser,
    password: config.password,
    register: false,
    register_expires: config.registerExpires,
    instance_id: options.instanceId,
    user_agent: options.userAgent ?? 'sip-phone',
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 30,
  });
}
