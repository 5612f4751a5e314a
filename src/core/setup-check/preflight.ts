/**
 * The setup check behind `preflight()` and "Check my setup": is this page a secure context, do the
 * microphone, camera and speaker work, does each SIP WebSocket server answer (and how fast), does
 * each STUN/TURN server give the candidates it should. Every line gets a status and a plain
 * verdict; a failed check is a result, never a rejection.
 *
 * It never makes the browser ask for a permission on its own: without `media: true` (a user
 * gesture, e.g. the button) a microphone or camera is opened only when the Permissions API says
 * it is already 'granted', and the speaker's test tone is not played at all.
 *
 * DOM-free: the browser APIs come in as `PreflightDeps` (defaults: the browser's own), so unit
 * tests hand it fakes. The wording comes from the strings table through `describe`.
 */
import { PhoneError } from '../kernel/errors.js';
import type { WebSocketFactory } from '../connection/sip-socket.js';
import { checkMedia, checkSpeaker } from './device-checks.js';
import { checkServer } from './server-check.js';
import { checkIceServer, iceTargets } from './ice-server-check.js';

export type PreflightStatus = 'ok' | 'warning' | 'failed' | 'skipped';
export type PreflightCheckName = 'secure-context' | 'microphone' | 'camera' | 'speaker' | 'server' | 'ice-server';
/** What the Permissions API says ('unknown' where the browser cannot tell). */
export type MediaPermission = 'granted' | 'denied' | 'prompt' | 'unknown';
export type IceCandidateKind = 'host' | 'srflx' | 'prflx' | 'relay';

interface CheckBase<Name extends PreflightCheckName, Reason extends string> {
  name: Name;
  status: PreflightStatus;
  /** Why the status is what it is, machine-readable (the `detail` says it in words). */
  reason: Reason;
  /** The verdict in plain language, in the element's language. */
  detail: string;
  /** The server checked (server and ice-server lines). */
  target?: string;
}

export type SecureContextReason = 'secure' | 'insecure';
export type SecureContextCheck = CheckBase<'secure-context', SecureContextReason>;

export type MediaReason = 'works' | 'silent' | 'level-unknown' | 'not-granted' | 'denied' | 'no-device' | 'in-use' | 'unsupported' | 'error';
export interface MediaCheck extends CheckBase<'microphone' | 'camera', MediaReason> {
  /** The permission before the check. */
  permission: MediaPermission;
  /** The name (label) of the device that was opened. */
  device?: string;
  /** Microphone: the loudest level heard while measuring, RMS from 0 to 1 (null: could not be measured). */
  level?: number | null;
  /** Camera: the picture size it delivered. */
  width?: number;
  height?: number;
  /** The DOMException name getUserMedia failed with. */
  errorName?: string;
}

export type SpeakerReason = 'played' | 'played-default' | 'not-requested' | 'blocked' | 'unsupported' | 'error';
export interface SpeakerCheck extends CheckBase<'speaker', SpeakerReason> {
  /** The name of the output device the tone was sent to (the chosen one, else the default). */
  device?: string;
  errorName?: string;
}

export type ServerReason = 'answered' | 'unencrypted' | 'no-sip-answer' | 'timeout' | 'refused' | 'blocked' | 'invalid-url' | 'not-set';
export interface ServerCheck extends CheckBase<'server', ServerReason> {
  /** `wss://` (TLS) or not. */
  tls: boolean;
  /** WebSocket handshake time. */
  connectMs?: number;
  /** Round trip of a SIP OPTIONS over the open WebSocket. */
  rttMs?: number;
  /** The status code the server answered the OPTIONS with (any answer shows a SIP server). */
  statusCode?: number;
  timeoutMs: number;
  errorText?: string;
}

export type IceServerReason =
  'stun-answered' | 'relay' | 'no-srflx' | 'no-relay' | 'credentials-refused' | 'no-credentials' | 'timeout' | 'unreachable' | 'error' | 'invalid' | 'none';
export interface IceServerCheck extends CheckBase<'ice-server', IceServerReason> {
  /** 'stun' or 'turn' (from the URL scheme; stuns/turns count as their plain kind). */
  kind?: 'stun' | 'turn';
  /** The candidate types this server gave a throw-away peer connection. */
  candidateTypes: IceCandidateKind[];
  /** Time until the candidate that proves the server works (srflx for STUN, relay for TURN). */
  gatherMs?: number;
  /** The last `icecandidateerror` the browser reported for it (e.g. 401, 701). */
  errorCode?: number;
  errorText?: string;
  timeoutMs: number;
}

export type PreflightCheck = SecureContextCheck | MediaCheck | SpeakerCheck | ServerCheck | IceServerCheck;
/** A check before its verdict is worded. */
export type PreflightFacts = PreflightCheck extends infer C ? (C extends PreflightCheck ? Omit<C, 'detail'> : never) : never;

export interface PreflightResult {
  /** No check failed (warnings and skipped lines do not count against it). */
  ok: boolean;
  /** In a fixed order: secure context, microphone, camera, speaker, each server, each STUN/TURN server URL. */
  checks: PreflightCheck[];
}

/** The options of `preflight()`. */
export interface PreflightOptions {
  /**
   * Open the microphone and camera even if the browser will ask for permission, and play the
   * speaker's test tone: only from a user gesture. Default false: media whose permission is not
   * 'granted' is skipped, and no tone plays.
   */
  media?: boolean;
  /** How long each server may take to answer, in ms (1000–60000, default 5000). */
  timeoutMs?: number;
}

/** A line whose check still runs. */
export interface PreflightPending {
  name: PreflightCheckName;
  target?: string;
  status: 'running';
}

/** What a check run shows while it goes on. */
export interface PreflightProgress {
  /** Every line in the result's order: done, or still running. */
  lines: (PreflightCheck | PreflightPending)[];
  /** The microphone's level right now (RMS, 0–1) while it is measured, else null. */
  level: number | null;
  running: boolean;
}

export interface PreflightInput {
  /** The `server` attribute: WebSocket URLs separated by spaces. */
  server: string;
  /** The `ice-servers` attribute or property. */
  iceServers: RTCIceServer[] | string;
  /** The chosen devices (ids), if any. */
  devices?: { audioInput?: string; videoInput?: string; audioOutput?: string };
  media: boolean;
  timeoutMs: number;
}

/** A device as enumerateDevices lists it. */
export interface DeviceInfoLike {
  deviceId: string;
  kind: string;
  label: string;
}

export interface PreflightDeps {
  isSecureContext?: boolean;
  queryPermission?: (name: 'microphone' | 'camera') => Promise<MediaPermission>;
  /** Null where the browser offers no getUserMedia (an insecure context). */
  getUserMedia?: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | null;
  enumerateDevices?: () => Promise<DeviceInfoLike[]>;
  /** The loudest RMS level during `durationMs`, reporting each reading; null if it cannot be measured. */
  measureLevel?: (stream: MediaStream, durationMs: number, onLevel: (level: number) => void) => Promise<number | null>;
  /** Plays a short tone on the output device `sinkId` (default device without); says whether the device could be chosen. */
  playTone?: (sinkId: string | undefined, durationMs: number) => Promise<{ sinkApplied: boolean }>;
  createWebSocket?: WebSocketFactory;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  now?: () => number;
  /** Words a verdict (default: the reason code). */
  describe?: (facts: PreflightFacts) => string;
  onProgress?: (progress: PreflightProgress) => void;
}

export const DEFAULT_PREFLIGHT_TIMEOUT_MS = 5000;

/** Checks `preflight()`'s options; misuse throws PhoneError 'invalid-option'. */
export function preflightOptions(options: unknown): { media: boolean; timeoutMs: number } {
  if (options == null) return { media: false, timeoutMs: DEFAULT_PREFLIGHT_TIMEOUT_MS };
  if (typeof options !== 'object' || Array.isArray(options))
    throw new PhoneError('invalid-option', 'preflight() takes an options object such as { media: true }.');
  const { media = false, timeoutMs = DEFAULT_PREFLIGHT_TIMEOUT_MS, ...rest } = options as PreflightOptions;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new PhoneError('invalid-option', `preflight() has no option ${unknown.join(', ')} (only media and timeoutMs).`);
  if (typeof media !== 'boolean') throw new PhoneError('invalid-option', 'preflight({ media }) must be true or false.');
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > 60000) {
    throw new PhoneError('invalid-option', 'preflight({ timeoutMs }) must be a number of ms from 1000 to 60000.');
  }
  return { media, timeoutMs };
}

/** Runs every check; resolves with all of them (never rejects for a failed check). */
export async function runPreflight(input: PreflightInput, deps: PreflightDeps = {}): Promise<PreflightResult> {
  const describe = deps.describe ?? ((facts: PreflightFacts) => facts.reason);
  const slots: { name: PreflightCheckName; target?: string; check?: PreflightCheck }[] = [];
  let level: number | null = null;
  let running = true;
  const report = () =>
    deps.onProgress?.({
      lines: slots.map(({ name, target, check }) => check ?? { name, target, status: 'running' as const }),
      level,
      running,
    });
  const slot = (name: PreflightCheckName, target?: string) => {
    const entry: (typeof slots)[number] = { name, target };
    slots.push(entry);
    return (facts: PreflightFacts) => {
      entry.check = { ...facts, detail: describe(facts) } as PreflightCheck;
      report();
    };
  };

  const secure = slot('secure-context');
  const microphone = slot('microphone');
  const camera = slot('camera');
  const speaker = slot('speaker');
  const servers = input.server.split(/\s+/).filter(Boolean);
  const serverSlots = servers.length ? servers.map((url) => ({ url, done: slot('server', url) })) : [];
  const noServer = servers.length ? null : slot('server');
  const ice = iceTargets(input.iceServers);
  const iceSlots = ice.map((target) => ({ target, done: slot('ice-server', target.url) }));
  report();

  const isSecure = deps.isSecureContext ?? globalThis.isSecureContext ?? false;
  secure({ name: 'secure-context', status: isSecure ? 'ok' : 'failed', reason: isSecure ? 'secure' : 'insecure' });
  noServer?.({ name: 'server', status: 'failed', reason: 'not-set', tls: false, timeoutMs: input.timeoutMs });

  const media = (async () => {
    microphone(
      await checkMedia('microphone', input, deps, (value) => {
        level = value;
        report();
      }),
    );
    level = null;
    camera(await checkMedia('camera', input, deps, () => {}));
    speaker(await checkSpeaker(input, deps));
  })();
  const network = [
    ...serverSlots.map(async ({ url, done }) => done(await checkServer(url, input.timeoutMs, deps))),
    ...iceSlots.map(async ({ target, done }) => done(await checkIceServer(target, input.timeoutMs, deps))),
  ];
  await Promise.all([media, ...network]);
  running = false;
  const checks = slots.map((s) => s.check!);
  report();
  return { ok: checks.every((c) => c.status !== 'failed'), checks };
}
