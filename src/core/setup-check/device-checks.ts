/** The setup check's local devices: the microphone (with its level), the camera and the speaker's test tone. */
import type { MediaCheck, MediaPermission, MediaReason, PreflightDeps, PreflightInput, SpeakerCheck } from './preflight.js';

/** The fake microphone of a test browser beeps about once a second: listen a little longer. */
const LEVEL_WINDOW_MS = 1500;
const TONE_MS = 600;
/** RMS at or below this is silence (a muted or switched-off microphone gives exact zeros). */
const SILENCE = 0.0005;

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

export async function checkMedia(
  name: 'microphone' | 'camera',
  input: PreflightInput,
  deps: PreflightDeps,
  onLevel: (level: number) => void,
): Promise<MediaCheck> {
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

export async function checkSpeaker(input: PreflightInput, deps: PreflightDeps): Promise<SpeakerCheck> {
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
