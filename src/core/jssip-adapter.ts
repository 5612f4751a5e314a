/**
 * The only module that imports JsSIP. It builds a JsSIP UA from a validated PhoneConfig, with
 * our FailoverSocket as its one socket (so the network edge stays injectable and reconnection
 * follows our policy).
 */
import * as JsSIPModule from 'jssip';
import type { UA } from 'jssip/lib/UA.js';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { PhoneConfig } from './config.js';
import { FailoverSocket, JSSIP_RECOVERY_MS, type FailoverSocketHooks } from './failover-socket.js';
import type { SipSocketOptions } from './sip-socket.js';

export type { UA, RTCSession };
export type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent, RTCSessionEvent } from 'jssip/lib/UA.js';
export type { EndEvent, IceCandidateEvent, PeerConnectionEvent } from 'jssip/lib/RTCSession.js';

// JsSIP is CommonJS; some converters expose it only as the default export.
const JsSIP = ((JsSIPModule as unknown as { default?: typeof JsSIPModule }).default ?? JsSIPModule) as typeof JsSIPModule;

export interface UserAgentOptions {
  /** The stable `+sip.instance` UUID of this browser profile (RFC 5626). */
  instanceId: string;
  userAgent?: string;
  /** Read by the sockets at each connection (so later changes apply from the next one). */
  socket: SipSocketOptions;
  hooks?: FailoverSocketHooks;
}

// JsSIP logs through the `debug` package: silent unless a page enables it (and the bundle
// replaces it with a stub that never logs).
export function createUserAgent(config: PhoneConfig, options: UserAgentOptions): { ua: UA; socket: FailoverSocket } {
  const socket = new FailoverSocket(config.servers, options.socket, options.hooks);
  const ua = new JsSIP.UA({
    sockets: socket as unknown as JsSIPModule.Socket,
    uri: config.uri,
    display_name: config.displayName || undefined,
    authorization_user: config.authorizationUser,
    password: config.password,
    register: false,
    register_expires: config.registerExpires,
    instance_id: options.instanceId,
    user_agent: options.userAgent ?? 'sip-phone',
    // JsSIP's recovery timer fires after exactly 1 s; FailoverSocket adds the rest of the backoff.
    connection_recovery_min_interval: JSSIP_RECOVERY_MS / 1000,
    connection_recovery_max_interval: JSSIP_RECOVERY_MS / 1000,
  });
  return { ua, socket };
}
