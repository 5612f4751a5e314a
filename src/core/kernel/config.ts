import { PhoneError } from './errors.js';

/** Everything the phone needs to connect and register, validated. */
export interface PhoneConfig {
  /** WebSocket server URLs in failover order. */
  servers: string[];
  /** Address of record, `sip:user@domain`. */
  uri: string;
  /** The user part of `uri`. */
  user: string;
  /** The host (and port) part of `uri`: the domain plain targets are resolved against. */
  domain: string;
  displayName: string;
  /** User name for digest authentication; defaults to `user`. */
  authorizationUser: string;
  password: string;
  iceServers: RTCIceServer[];
  /** 'relay': media only through TURN relays (RTCPeerConnection `iceTransportPolicy`). */
  iceTransportPolicy: RTCIceTransportPolicy;
  /** Seconds a registration lasts before it is refreshed. */
  registerExpires: number;
}

/** What a page author gives: attribute values as strings, plus the password and the ICE servers. */
export interface PhoneConfigInput {
  server?: string | null;
  uri?: string | null;
  displayName?: string | null;
  authorizationUser?: string | null;
  password?: string | null;
  iceServers?: RTCIceServer[] | string | null;
  iceTransportPolicy?: string | null;
  registerExpires?: number | null;
}

export const DEFAULT_REGISTER_EXPIRES = 600;

const USER = "[A-Za-z0-9\\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2}";
const HOST = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?|\\[[0-9A-Fa-f:.]+\\]';
const SIP_URI = new RegExp(`^sips?:((?:${USER})+)@((?:${HOST})(?::\\d{1,5})?)(;[^\\s<>"]*)?$`);
const PLAIN_TARGET = new RegExp(`^(?:${USER})+$`);

/** Splits a space-separated list of WebSocket URLs and checks each one. */
export function parseServers(value: string | null | undefined): string[] {
  const servers = (value ?? '').split(/\s+/).filter(Boolean);
  if (servers.length === 0) {
    throw new PhoneError('invalid-server', 'No SIP server is set: give a wss:// or ws:// URL.');
  }
  for (const server of servers) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new PhoneError('invalid-server', `"${server}" is not a URL: give a wss:// or ws:// URL.`);
    }
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
      throw new PhoneError('invalid-server', `"${server}" is not a WebSocket URL: it must start with wss:// or ws://.`);
    }
  }
  return servers;
}

/** Parses `sip:user@domain` into its user and domain; throws 'invalid-uri' otherwise. */
export function parseUri(value: string | null | undefined): { uri: string; user: string; domain: string } {
  const text = (value ?? '').trim();
  const match = SIP_URI.exec(text);
  if (!match) {
    throw new PhoneError('invalid-uri', `"${text}" is not a SIP address: write it as sip:user@domain.`);
  }
  return { uri: text, user: decodeURIComponent(match[1]), domain: match[2] };
}

/**
 * Turns what a user typed into a SIP URI: a full `sip:`/`sips:` URI stays as it is,
 * `user@host` gets `sip:` in front, and a plain user name or number is put in `domain`.
 */
export function resolveTarget(target: string, domain: string): string {
  let text = target.trim();
  // A dialled number may be written "+1 (555) 010-0199": keep only the digits and the plus.
  if (/^\+?[\d\s().-]+$/.test(text)) text = text.replace(/[\s().-]/g, '');
  if (/^sips?:/i.test(text)) {
    if (!SIP_URI.test(text)) throw invalidTarget(target);
    return text;
  }
  if (text.includes('@')) {
    const uri = `sip:${text}`;
    if (!SIP_URI.test(uri)) throw invalidTarget(target);
    return uri;
  }
  if (!PLAIN_TARGET.test(text)) throw invalidTarget(target);
  return `sip:${text}@${domain}`;
}

function invalidTarget(target: string): PhoneError {
  return new PhoneError('invalid-target', `"${target}" is not something we can call: give a user name, a number or sip:user@domain.`);
}

/** Accepts an array of RTCIceServer or its JSON text. */
export function parseIceServers(value: RTCIceServer[] | string | null | undefined): RTCIceServer[] {
  if (value == null || value === '') return [];
  let servers: unknown = value;
  if (typeof value === 'string') {
    try {
      servers = JSON.parse(value);
    } catch {
      throw new PhoneError('invalid-ice-servers', 'ice-servers must be a JSON array such as [{"urls":"stun:stun.example.com"}].');
    }
  }
  if (!Array.isArray(servers)) {
    throw new PhoneError('invalid-ice-servers', 'ice-servers must be an array of {urls, username?, credential?}.');
  }
  for (const server of servers) {
    const urls = (server as RTCIceServer | null)?.urls;
    const list = Array.isArray(urls) ? urls : [urls];
    if (!list.length || !list.every((u) => typeof u === 'string' && /^(stuns?|turns?):/.test(u))) {
      throw new PhoneError('invalid-ice-servers', `Each ICE server needs urls starting with stun:, stuns:, turn: or turns: (got ${JSON.stringify(urls)}).`);
    }
  }
  return servers as RTCIceServer[];
}

/** 'all' (default) or 'relay'; anything else throws 'invalid-option'. */
export function parseIceTransportPolicy(value: string | null | undefined): RTCIceTransportPolicy {
  const text = (value ?? '').trim() || 'all';
  if (text !== 'all' && text !== 'relay') {
    throw new PhoneError('invalid-option', `ice-transport-policy must be 'all' or 'relay' (got "${text}").`);
  }
  return text;
}

/** The configuration in force, or PhoneError 'not-configured' before there is one. */
export function requireConfig(config: PhoneConfig | null): PhoneConfig {
  if (!config) throw new PhoneError('not-configured', 'Set server and uri before using the phone.');
  return config;
}

/** Validates everything at once; the first problem found is thrown as a PhoneError. */
export function buildConfig(input: PhoneConfigInput): PhoneConfig {
  const servers = parseServers(input.server);
  const { uri, user, domain } = parseUri(input.uri);
  const expires = input.registerExpires ?? DEFAULT_REGISTER_EXPIRES;
  if (!Number.isFinite(expires) || expires < 60 || expires > 86400) {
    throw new PhoneError('invalid-option', `register-expires must be between 60 and 86400 seconds (got ${expires}).`);
  }
  return {
    servers,
    uri,
    user,
    domain,
    displayName: input.displayName?.trim() ?? '',
    authorizationUser: input.authorizationUser?.trim() || user,
    password: input.password ?? '',
    iceServers: parseIceServers(input.iceServers),
    iceTransportPolicy: parseIceTransportPolicy(input.iceTransportPolicy),
    registerExpires: expires,
  };
}
