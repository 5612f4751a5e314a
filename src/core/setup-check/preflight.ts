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
import { parseIceServers } from '../kernel/config.js';
import type { WebSocketFactory, WebSocketLike } from '../connection/sip-socket.js';

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
  | 'stun-answered'
  | 'relay'
  | 'no-srflx'
  | 'no-relay'
  | 'credentials-refused'
  | 'no-credentials'
  | 'timeout'
  | 'unreachable'
  | 'error'
  | 'invalid'
  | 'none';
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
/** The fake microphone of a test browser beeps about once a second: listen a little longer. */
const LEVEL_WINDOW_MS = 1500;
const TONE_MS = 600;
/** RMS at or below this is silence (a muted or switched-off microphone gives exact zeros). */
const SILENCE = 0.0005;

/** Checks `preflight()`'s options; misuse throws PhoneError 'invalid-option'. */
export function preflightOptions(options: unknown): { media: boolean; timeoutMs: number } {
  if (options == null) return { media: false, timeoutMs: DEFAULT_PREFLIGHT_TIMEOUT_MS };
  if (typeof options !== 'object' || Array.isArray(options)) throw new PhoneError('invalid-option', 'preflight() takes an options object such as { media: true }.');
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

// ---- microphone and camera ----

const defaultQueryPermission = (name: 'microphone' | 'camera'): Promise<MediaPermission> =>
  globalThis.navigator?.permissions
    ? navigator.permissions.query({ name } as unknown as PermissionDescriptor).then(
        (status) => status.state as MediaPermission,
        () => 'unknown' as const,
      )
    : Promise.resolve('unknown');

function defaultGetUserMedia(): PreflightDeps['getUserMedia'] {
  const devices = globalThis.navigator?.mediaDevices;
  return devices?.getUserMedia ? (constraints) => devices.getUserMedia(constraints) : null;
}

async function checkMedia(name: 'microphone' | 'camera', input: PreflightInput, deps: PreflightDeps, onLevel: (level: number) => void): Promise<MediaCheck> {
  const permission = await (deps.queryPermission ?? defaultQueryPermission)(name).catch(() => 'unknown' as const);
  const base = { name, permission } as const;
  const getUserMedia = deps.getUserMedia === undefined ? defaultGetUserMedia() : deps.getUserMedia;
  if (!getUserMedia) return { ...base, status: 'failed', reason: 'unsupported', detail: '' };
  if (permission === 'denied') return { ...base, status: 'failed', reason: 'denied', detail: '' };
  // Never a prompt without a user gesture.
  if (!input.media && permission !== 'granted') return { ...base, status: 'skipped', reason: 'not-granted', detail: '' };
  const chosen = name === 'microphone' ? input.devices?.audioInput : input.devices?.videoInput;
  const constraint = chosen ? { deviceId: chosen } : true;
  let stream: MediaStream;
  try {
    stream = await getUserMedia(name === 'microphone' ? { audio: constraint } : { video: constraint });
  } catch (error) {
    const errorName = (error as { name?: string })?.name ?? 'Error';
    const reason: MediaReason =
      errorName === 'NotAllowedError' || errorName === 'SecurityError'
        ? 'denied'
        : errorName === 'NotFoundError' || errorName === 'OverconstrainedError'
          ? 'no-device'
          : errorName === 'NotReadableError' || errorName === 'AbortError'
            ? 'in-use'
            : 'error';
    // Without a camera, calls still work (audio only): a warning, not a failure.
    const status = reason === 'no-device' && name === 'camera' ? 'warning' : 'failed';
    return { ...base, status, reason, errorName, detail: '' };
  }
  const granted = { ...base, permission: 'granted' as const };
  try {
    const track = (name === 'microphone' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    const device = track?.label || undefined;
    if (name === 'camera') {
      const { width, height } = track?.getSettings?.() ?? {};
      return { ...granted, status: 'ok', reason: 'works', device, width, height, detail: '' };
    }
    const level = await (deps.measureLevel ?? measureLevel)(stream, LEVEL_WINDOW_MS, onLevel).catch(() => null);
    if (level === null) return { ...granted, status: 'ok', reason: 'level-unknown', device, level, detail: '' };
    if (level <= SILENCE) return { ...granted, status: 'warning', reason: 'silent', device, level, detail: '' };
    return { ...granted, status: 'ok', reason: 'works', device, level, detail: '' };
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

/** The loudest RMS level of `stream` over `durationMs` (Web Audio); null if audio cannot run (no user gesture yet). */
async function measureLevel(stream: MediaStream, durationMs: number, onLevel: (level: number) => void): Promise<number | null> {
  const context = new AudioContext() as AudioContext & { setSinkId?(id: string): Promise<void> };
  try {
    if (!(await running(context))) return null;
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let loudest = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
        loudest = Math.max(loudest, rms);
        onLevel(rms);
      }, 50);
      setTimeout(() => (clearInterval(timer), resolve()), durationMs);
    });
    return loudest;
  } finally {
    void context.close().catch(() => {});
  }
}

/** Whether the context runs: a page without a user gesture yet may not start audio. */
async function running(context: AudioContext): Promise<boolean> {
  if (context.state !== 'running') await Promise.race([context.resume().catch(() => {}), new Promise((r) => setTimeout(r, 500))]);
  return context.state === 'running';
}

// ---- speaker ----

async function checkSpeaker(input: PreflightInput, deps: PreflightDeps): Promise<SpeakerCheck> {
  // A tone is sound the user did not ask for unless they pressed the button.
  if (!input.media) return { name: 'speaker', status: 'skipped', reason: 'not-requested', detail: '' };
  const devices = globalThis.navigator?.mediaDevices as MediaDevices | undefined;
  const enumerate = deps.enumerateDevices ?? (devices && 'enumerateDevices' in devices ? () => devices.enumerateDevices() : null);
  const outputs = ((await enumerate?.().catch(() => [])) ?? []).filter((d) => d.kind === 'audiooutput');
  const chosen = input.devices?.audioOutput || undefined;
  const device = (outputs.find((d) => d.deviceId === chosen) ?? outputs.find((d) => d.deviceId === 'default') ?? outputs[0])?.label || undefined;
  const play = deps.playTone ?? (typeof AudioContext === 'function' ? playTone : null);
  if (!play) return { name: 'speaker', status: 'failed', reason: 'unsupported', detail: '' };
  try {
    const { sinkApplied } = await play(chosen, TONE_MS);
    if (chosen && chosen !== 'default' && !sinkApplied) return { name: 'speaker', status: 'warning', reason: 'played-default', device, detail: '' };
    return { name: 'speaker', status: 'ok', reason: 'played', device, detail: '' };
  } catch (error) {
    const errorName = (error as { name?: string })?.name ?? 'Error';
    if (errorName === 'NotAllowedError') return { name: 'speaker', status: 'warning', reason: 'blocked', device, errorName, detail: '' };
    return { name: 'speaker', status: 'failed', reason: 'error', device, errorName, detail: '' };
  }
}

/** A 440 Hz tone on the chosen output (AudioContext.setSinkId where the browser has it). */
async function playTone(sinkId: string | undefined, durationMs: number): Promise<{ sinkApplied: boolean }> {
  const context = new AudioContext() as AudioContext & { setSinkId?(id: string): Promise<void> };
  try {
    let sinkApplied = false;
    // (AudioContext.setSinkId: Chromium 110+; Firefox plays on the default output.)
    if (sinkId && typeof context.setSinkId === 'function') {
      await context.setSinkId(sinkId);
      sinkApplied = true;
    }
    if (!(await running(context))) throw new DOMException('The browser did not let the page play sound.', 'NotAllowedError');
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 440;
    gain.gain.value = 0.15;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    await new Promise((r) => setTimeout(r, durationMs));
    oscillator.stop();
    return { sinkApplied };
  } finally {
    void context.close().catch(() => {});
  }
}

// ---- SIP WebSocket servers ----

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * A short-lived WebSocket (subprotocol "sip") to `url`: the handshake time, then the round trip
 * of a SIP OPTIONS (any answer shows a SIP server behind it). Closed at the end.
 */
async function checkServer(url: string, timeoutMs: number, deps: PreflightDeps): Promise<ServerCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  const tls = parsed.protocol === 'wss:';
  const base = { name: 'server', target: url, tls, timeoutMs, detail: '' } as const;
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:') return { ...base, status: 'failed', reason: 'invalid-url' };
  const now = deps.now ?? (() => performance.now());
  const create = deps.createWebSocket ?? ((u: string, p: string) => new WebSocket(u, p) as unknown as WebSocketLike);
  const started = now();
  let ws: WebSocketLike;
  try {
    ws = create(url, 'sip');
  } catch (error) {
    // e.g. ws:// from an https:// page (mixed content), or a port the browser blocks
    return { ...base, status: 'failed', reason: 'blocked', errorText: error instanceof Error ? error.message : String(error) };
  }
  const callId = `sip-phone-preflight-${Math.random().toString(36).slice(2)}`;
  try {
    const opened = await new Promise<boolean | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      ws.onopen = () => (clearTimeout(timer), resolve(true));
      ws.onclose = () => (clearTimeout(timer), resolve(false));
      ws.onerror = () => {};
    });
    if (opened === 'timeout') return { ...base, status: 'failed', reason: 'timeout' };
    if (!opened) return { ...base, status: 'failed', reason: 'refused' };
    const connectMs = Math.round(now() - started);
    const sent = now();
    const statusCode = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      ws.onclose = () => (clearTimeout(timer), resolve(null));
      ws.onmessage = ({ data }) => {
        const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
        const status = /^SIP\/2\.0 (\d{3})/.exec(text);
        if (status && text.includes(callId)) {
          clearTimeout(timer);
          resolve(Number(status[1]));
        }
      };
      ws.send(optionsRequest(parsed.host, tls ? 'WSS' : 'WS', callId));
    });
    if (statusCode === null) return { ...base, status: 'warning', reason: 'no-sip-answer', connectMs };
    const rttMs = Math.round(now() - sent);
    // ws:// to another machine: it works, but signalling (and the SDP's keys) travel in clear text.
    const clear = !tls && !LOOPBACK.test(parsed.hostname);
    return { ...base, status: clear ? 'warning' : 'ok', reason: clear ? 'unencrypted' : 'answered', connectMs, rttMs, statusCode };
  } finally {
    ws.onopen = ws.onclose = ws.onmessage = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
  }
}

function optionsRequest(host: string, transport: string, callId: string): string {
  const tag = callId.slice(-10);
  return [
    `OPTIONS sip:${host} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${tag}.invalid;branch=z9hG4bK${tag};rport`,
    'Max-Forwards: 70',
    `To: <sip:${host}>`,
    `From: <sip:preflight@${host}>;tag=${tag}`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

// ---- STUN/TURN servers ----

type IceTarget = { url: string; server: RTCIceServer } | { url?: undefined; invalid: boolean };

/** One target per URL of each server; a bad setting or none is one line of its own. */
function iceTargets(value: RTCIceServer[] | string): IceTarget[] {
  let servers: RTCIceServer[];
  try {
    servers = parseIceServers(value);
  } catch {
    return [{ invalid: true }];
  }
  if (!servers.length) return [{ invalid: false }];
  return servers.flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]).map((url) => ({ url, server })));
}

/**
 * A throw-away peer connection with this one server gathers candidates (a data channel, no media):
 * a STUN server that answers gives a server-reflexive candidate, a TURN server that accepts the
 * credentials a relay candidate; `icecandidateerror` says why not (401: credentials refused).
 */
async function checkIceServer(target: IceTarget, timeoutMs: number, deps: PreflightDeps): Promise<IceServerCheck> {
  if (target.url === undefined) {
    return target.invalid
      ? { name: 'ice-server', status: 'failed', reason: 'invalid', candidateTypes: [], timeoutMs, detail: '' }
      : { name: 'ice-server', status: 'skipped', reason: 'none', candidateTypes: [], timeoutMs, detail: '' };
  }
  const { url, server } = target;
  const kind = /^turns?:/i.test(url) ? 'turn' : 'stun';
  const base = { name: 'ice-server', target: url, kind, timeoutMs, detail: '' } as const;
  if (kind === 'turn' && (!server.username || !server.credential)) return { ...base, status: 'failed', reason: 'no-credentials', candidateTypes: [] };
  const wanted: IceCandidateKind = kind === 'turn' ? 'relay' : 'srflx';
  const now = deps.now ?? (() => performance.now());
  const create = deps.createPeerConnection ?? ((config: RTCConfiguration) => new RTCPeerConnection(config));
  const types = new Set<IceCandidateKind>();
  let error: { errorCode?: number; errorText?: string } | undefined;
  let gatherMs: number | undefined;
  let timedOut = false;
  const started = now();
  let pc: RTCPeerConnection | undefined;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((timedOut = true), resolve()), timeoutMs);
      const finish = () => (clearTimeout(timer), resolve());
      try {
        pc = create({ iceServers: [{ urls: url, username: server.username, credential: server.credential }] });
      } catch (e) {
        error = { errorText: e instanceof Error ? e.message : String(e) };
        return finish();
      }
      pc.onicecandidate = ({ candidate }) => {
        if (!candidate) return finish();
        const type = candidate.type as IceCandidateKind | null;
        if (!type) return;
        types.add(type);
        if (type === wanted) {
          gatherMs ??= Math.round(now() - started);
          finish();
        }
      };
      pc.onicecandidateerror = (event) => {
        const { errorCode, errorText } = event as RTCPeerConnectionIceErrorEvent;
        error = { errorCode, errorText };
        // A refused credential is final: no need to wait for gathering to give up.
        if (errorCode === 401 || errorCode === 403 || errorCode === 441) finish();
      };
      pc.onicegatheringstatechange = () => {
        if (pc?.iceGatheringState === 'complete') finish();
      };
      pc.createDataChannel('preflight');
      pc.createOffer()
        .then((offer) => pc?.setLocalDescription(offer))
        .catch((e: unknown) => {
          error = { errorText: e instanceof Error ? e.message : String(e) };
          finish();
        });
    });
  } finally {
    if (pc) pc.onicecandidate = pc.onicecandidateerror = pc.onicegatheringstatechange = null;
    pc?.close();
  }
  const facts = { ...base, candidateTypes: [...types], gatherMs, ...error };
  if (types.has(wanted)) return { ...facts, status: 'ok', reason: kind === 'turn' ? 'relay' : 'stun-answered' };
  const code = error?.errorCode;
  if (code === 401 || code === 403 || code === 441) return { ...facts, status: 'failed', reason: 'credentials-refused' };
  if (code === 701) return { ...facts, status: 'failed', reason: 'unreachable' };
  if (timedOut) return { ...facts, status: 'failed', reason: 'timeout' };
  if (error) return { ...facts, status: 'failed', reason: 'error' };
  // Gathering completed without error and without the candidate: a TURN server that gave no
  // relay fails; a STUN server may simply see this device's own address (no NAT), so it warns.
  return kind === 'turn' ? { ...facts, status: 'failed', reason: 'no-relay' } : { ...facts, status: 'warning', reason: 'no-srflx' };
}
