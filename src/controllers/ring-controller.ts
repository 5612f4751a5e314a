import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Phone } from '../core/phone.js';

export type Ringing = 'ringtone' | 'ringback' | null;

const RINGBACK_DELAY_MS = 300;

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
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private context: AudioContext | null = null;
  private stopTone: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly phone: Phone,
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
    const incoming = !this.silent && calls.some((c) => c.state === 'incoming');
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
    // Starting audio costs the main thread tens of ms: keep it off the path of a call that is
    // answered at once (the ringback starts a moment after the 180, which nobody hears as late).
    if (ringing) this.startTimer = setTimeout(() => this.start(ringing), ringing === 'ringback' ? RINGBACK_DELAY_MS : 0);
    this.host.requestUpdate();
  }

  private start(ringing: 'ringtone' | 'ringback'): void {
    this.sounding = true;
    this.host.requestUpdate();
    if (ringing === 'ringtone' && this.ringtoneUrl) this.stopTone = this.playFile(this.ringtoneUrl);
    else this.stopTone = this.playTone(patterns[ringing]);
  }

  private playFile(url: string): () => void {
    const audio = new Audio(url);
    audio.loop = true;
    void audio.play().catch(() => {});
    return () => audio.pause();
  }

  private playTone({ frequencies, on, off }: { frequencies: readonly number[]; on: number; off: number }): () => void {
    let context: AudioContext;
    try {
      context = this.context ??= new AudioContext();
    } catch {
      return () => {};
    }
    // Autoplay rules may keep the context suspended until the user interacts with the page.
    void context.resume().catch(() => {});
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
      clearInterval(timer);
      for (const oscillator of oscillators) oscillator.stop();
      gain.disconnect();
    };
  }
}
