import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Phone } from '../core/phone.js';

export type Ringing = 'ringtone' | 'ringback' | null;

const RINGBACK_DELAY_MS = 300;
/** How long a tone's resume() may take before the tone counts as blocked by the autoplay policy. */
const BLOCKED_CHECK_MS = 500;

/** Tone patterns: frequencies (Hz) played together, on/off cadence (ms). */
const patterns = {
  // The North American ringback: 440 + 480 Hz, 2 s on, 4 s off.
  ringback: { frequencies: [440, 480], on: 2000, off: 4000 },
  // A softer two-tone ring, 1 s on, 2 s off.
  ringtone: { frequencies: [660, 880], on: 1000, off: 2000 },
} as const;

/**
 * Plays the ringtone for an incoming call and the ringback while an outgoing call rings, made
 * with Web Audio (no files), unless the network sends early media (a 183 with SDP) or the page
 * gave a `ringtone` URL. Stops when the call is answered or ends.
 */
export class RingController implements ReactiveController {
  ringing: Ringing = null;
  /** Whether the tone has started (a moment after `ringing` changes; see play()). */
  sounding = false;
  /** A URL to loop instead of the generated ringtone. */
  ringtoneUrl = '';
  /** No ringtone: calls are answered at once (auto-answer). */
  silent = false;
  /** Output devices (setSinkId; '' the default): the ringtone's, and the call audio's for the ringback. */
  outputs: { ringer?: string; speaker?: string } = {};
  /**
   * Whether the browser's autoplay policy keeps the tone silent: it plays only after the user
   * interacts with the page. unblock(), from a click, turns it on.
   */
  blocked = false;
  private resumeSound: (() => Promise<unknown>) | null = null;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private context: AudioContext | null = null;
  private stopTone: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly phone: Pick<Phone, 'on' | 'calls' | 'getCall'>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = this.phone.on('change', () => this.update());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.play(null);
    void this.context?.close().catch(() => {});
    this.context = null;
  }

  private update(): void {
    const calls = this.phone.calls;
    const incoming = !this.silent && calls.some((c) => c.state === 'incoming' && !c.ignored);
    const ringback = calls.some((c) => c.state === 'ringing' && !this.phone.getCall(c.id)?.earlyMedia);
    this.play(incoming ? 'ringtone' : ringback ? 'ringback' : null);
  }

  private play(ringing: Ringing): void {
    if (ringing === this.ringing) return;
    clearTimeout(this.startTimer);
    this.stopTone?.();
    this.stopTone = null;
    this.ringing = ringing;
    this.sounding = false;
    this.blocked = false;
    this.resumeSound = null;
    // Starting audio costs the main thread tens of ms: keep it off the path of a call that is
    // answered at once (the ringback starts a moment after the 180, which nobody hears as late).
    if (ringing) this.startTimer = setTimeout(() => this.start(ringing), ringing === 'ringback' ? RINGBACK_DELAY_MS : 0);
    this.host.requestUpdate();
  }

  private start(ringing: 'ringtone' | 'ringback'): void {
    this.sounding = true;
    this.host.requestUpdate();
    const sink = (ringing === 'ringtone' ? this.outputs.ringer : undefined) || this.outputs.speaker || '';
    if (ringing === 'ringtone' && this.ringtoneUrl) this.stopTone = this.playFile(this.ringtoneUrl, sink);
    else this.stopTone = this.playTone(patterns[ringing], sink);
  }

  /** Turns on a tone the autoplay policy blocked; call it from a user's click. */
  unblock(): void {
    void this.resumeSound?.().then(
      () => this.setBlocked(false),
      () => {},
    );
  }

  private setBlocked(blocked: boolean): void {
    if (blocked === this.blocked) return;
    this.blocked = blocked;
    this.host.requestUpdate();
  }

  private playFile(url: string, sink: string): () => void {
    const audio = new Audio(url) as HTMLAudioElement & { setSinkId?(id: string): Promise<void> };
    audio.loop = true;
    if (sink) void audio.setSinkId?.(sink).catch(() => {});
    const play = () => audio.play();
    this.resumeSound = play;
    play().then(
      () => this.setBlocked(false),
      (error: unknown) => this.setBlocked((error as Error)?.name === 'NotAllowedError'),
    );
    return () => audio.pause();
  }

  private playTone({ frequencies, on, off }: { frequencies: readonly number[]; on: number; off: number }, sink: string): () => void {
    let context: AudioContext & { sinkId?: string | object; setSinkId?(id: string): Promise<void> };
    try {
      context = this.context ??= new AudioContext();
    } catch {
      return () => {};
    }
    // (AudioContext.setSinkId: Chromium; elsewhere the tone plays on the default output.)
    if (context.setSinkId && (context.sinkId ?? '') !== sink) void context.setSinkId(sink).catch(() => {});
    // Autoplay rules may keep the context suspended until the user interacts with the page: the
    // resume() then neither starts nor fails, so look again a moment later.
    this.resumeSound = () => context.resume();
    void context.resume().catch(() => {});
    const blockedCheck = setTimeout(() => this.setBlocked(context.state !== 'running'), BLOCKED_CHECK_MS);
    const onStateChange = () => context.state === 'running' && this.setBlocked(false);
    context.addEventListener('statechange', onStateChange);
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    const oscillators = frequencies.map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    const cycle = () => {
      const now = context.currentTime;
      gain.gain.setValueAtTime(0.1, now);
      gain.gain.setValueAtTime(0, now + on / 1000);
    };
    cycle();
    const timer = setInterval(cycle, on + off);
    return () => {
      clearTimeout(blockedCheck);
      context.removeEventListener('statechange', onStateChange);
      clearInterval(timer);
      for (const oscillator of oscillators) oscillator.stop();
      gain.disconnect();
    };
  }
}
