/**
 * Quality warnings of one call, from its periodic stats samples: each warning is raised when the
 * call crosses its threshold and cleared when it has recovered, with hysteresis so that a figure
 * hovering about a threshold does not make the warning flap. No DOM, no timers: fed by Call's
 * stats polling, unit-tested with made-up samples.
 */

/** What a `call-quality` warning is about. */
export type QualityWarning = 'high-rtt' | 'high-jitter' | 'packet-loss' | 'no-inbound-audio' | 'microphone-silent';

/** A figure's thresholds: a warning is raised above `raise` and cleared below `clear`. */
export interface Threshold {
  raise: number;
  clear: number;
}

/** Round-trip time (ms) of the selected candidate pair: warn above 400 ms (the indicator's 'poor'), clear below 300 ms. */
export const HIGH_RTT_MS: Threshold = { raise: 400, clear: 300 };

/** Inbound audio jitter (ms): warn above 60 ms (the indicator's 'poor'), clear below 40 ms. */
export const HIGH_JITTER_MS: Threshold = { raise: 60, clear: 40 };

/** Inbound packets lost, as a fraction of those expected over the last {@link PACKET_LOSS_WINDOW_MS}: warn above 5 %, clear below 2 %. */
export const PACKET_LOSS: Threshold = { raise: 0.05, clear: 0.02 };

/** The window (ms) the packet loss fraction is measured over (not since the call started). */
export const PACKET_LOSS_WINDOW_MS = 10000;

/** Fewer packets than this in the window say nothing about loss (no warning is raised or cleared). */
export const PACKET_LOSS_MIN_PACKETS = 50;

/**
 * How many samples in a row must be above `raise` to raise a figure's warning, and below `clear`
 * to clear it (at the default stats interval of 2 s: 4 s).
 */
export const QUALITY_SAMPLES_TO_CHANGE = 2;

/** No inbound audio packet for this long (ms) while neither side holds the call: `no-inbound-audio`. */
export const NO_INBOUND_AUDIO_MS = 3000;

/**
 * Our microphone sent no sound for this long (ms) while not muted and not held: `microphone-silent`.
 * Its track is gone, ended, muted by the browser or disabled behind our back, or it delivers
 * digital silence (a microphone muted by the system) or no audio at all.
 */
export const MICROPHONE_SILENT_MS = 5000;

/**
 * Below this RMS level (0..1; 1e-5 is −100 dBFS) the microphone counts as silent. A working
 * microphone never gets this quiet, even with noise suppression; one muted by the system delivers zeros.
 */
export const MICROPHONE_SILENCE_LEVEL = 1e-5;

/** The state of the track on our audio sender. */
export type MicrophoneState = 'live' | 'none' | 'ended' | 'muted' | 'disabled';

/** One stats sample, as the monitor needs it (counters are cumulative since the call started). */
export interface QualitySample {
  /** When it was taken (ms, monotonic). */
  at: number;
  rttMs: number | null;
  jitterMs: number | null;
  /** Inbound packets received and lost, audio and video. */
  packetsReceived: number;
  packetsLost: number;
  /** Inbound audio packets received. */
  audioPacketsReceived: number;
  /** `totalAudioEnergy` and `totalSamplesDuration` of our microphone (the audio media-source), null where the browser gives none. */
  microphoneEnergy: number | null;
  microphoneDuration: number | null;
  microphone: MicrophoneState;
  /** Whether either side holds the call. */
  held: boolean;
  /** Whether we muted our microphone. */
  muted: boolean;
  /** Whether the media path has connected. */
  mediaConnected: boolean;
}

/** A warning raised (`active`) or cleared; `value` is the figure then, `threshold` the one it crossed. */
export interface QualityChange {
  warning: QualityWarning;
  active: boolean;
  value?: number;
  threshold?: number;
}

const figures = [
  ['high-rtt', HIGH_RTT_MS],
  ['high-jitter', HIGH_JITTER_MS],
  ['packet-loss', PACKET_LOSS],
] as const;

/** Watches one call's samples; `update()` returns the warnings raised or cleared by a sample. */
export class CallQualityMonitor {
  private readonly active = new Set<QualityWarning>();
  /** Samples in a row beyond the threshold that would change each figure's warning. */
  private readonly streaks = new Map<QualityWarning, number>();
  private readonly window: QualitySample[] = [];
  private previous: QualitySample | null = null;
  /** Since when (ms) no inbound audio arrived / the microphone was silent, or null. */
  private inboundSilentSince: number | null = null;
  private microphoneSilentSince: number | null = null;

  /** The warnings in force, in a fixed order. */
  get warnings(): QualityWarning[] {
    const order: QualityWarning[] = ['microphone-silent', 'no-inbound-audio', 'packet-loss', 'high-rtt', 'high-jitter'];
    return order.filter((warning) => this.active.has(warning));
  }

  update(sample: QualitySample): QualityChange[] {
    const changes: QualityChange[] = [];
    const previous = this.previous;
    this.previous = sample;
    this.window.push(sample);
    while (this.window.length > 1 && sample.at - this.window[1].at >= PACKET_LOSS_WINDOW_MS) this.window.shift();

    const values: Record<(typeof figures)[number][0], number | null> = {
      'high-rtt': sample.rttMs,
      'high-jitter': sample.jitterMs,
      'packet-loss': this.lossFraction(),
    };
    for (const [warning, threshold] of figures) {
      const value = values[warning];
      if (value === null) continue;
      const on = this.active.has(warning);
      const beyond = on ? value < threshold.clear : value > threshold.raise;
      const streak = beyond ? (this.streaks.get(warning) ?? 0) + 1 : 0;
      this.streaks.set(warning, streak);
      if (streak >= QUALITY_SAMPLES_TO_CHANGE) {
        this.streaks.set(warning, 0);
        changes.push(this.set(warning, !on, value, on ? threshold.clear : threshold.raise));
      }
    }

    // No inbound audio: only while media could flow both ways (connected, nobody holds).
    const expectInbound = sample.mediaConnected && !sample.held;
    const inboundStopped = expectInbound && previous !== null && sample.audioPacketsReceived <= previous.audioPacketsReceived;
    // (Counted from the previous sample, or from this one if the previous was taken on hold.)
    if (!inboundStopped) this.inboundSilentSince = null;
    else this.inboundSilentSince ??= previous.mediaConnected && !previous.held ? previous.at : sample.at;
    const noInbound = this.inboundSilentSince !== null && sample.at - this.inboundSilentSince >= NO_INBOUND_AUDIO_MS;
    if (noInbound !== this.active.has('no-inbound-audio') && (noInbound || this.inboundSilentSince === null)) {
      changes.push(
        this.set('no-inbound-audio', noInbound, noInbound ? sample.at - this.inboundSilentSince! : undefined, noInbound ? NO_INBOUND_AUDIO_MS : undefined),
      );
    }

    // Our microphone: only while we mean to send (not muted, nobody holds).
    const expectSound = sample.mediaConnected && !sample.held && !sample.muted;
    const silent = expectSound && previous !== null && (sample.microphone !== 'live' || quiet(previous, sample));
    if (!silent) this.microphoneSilentSince = null;
    else this.microphoneSilentSince ??= previous.mediaConnected && !previous.held && !previous.muted ? previous.at : sample.at;
    const micSilent = this.microphoneSilentSince !== null && sample.at - this.microphoneSilentSince >= MICROPHONE_SILENT_MS;
    if (micSilent !== this.active.has('microphone-silent') && (micSilent || this.microphoneSilentSince === null)) {
      changes.push(
        this.set('microphone-silent', micSilent, micSilent ? sample.at - this.microphoneSilentSince! : undefined, micSilent ? MICROPHONE_SILENT_MS : undefined),
      );
    }
    return changes;
  }

  /** Lost / expected over the window, or null with too few packets to tell. */
  private lossFraction(): number | null {
    const first = this.window[0];
    const last = this.window.at(-1)!;
    if (first === last) return null;
    const lost = Math.max(0, last.packetsLost - first.packetsLost);
    const received = Math.max(0, last.packetsReceived - first.packetsReceived);
    if (lost + received < PACKET_LOSS_MIN_PACKETS) return null;
    return Math.round((lost / (lost + received)) * 1000) / 1000;
  }

  private set(warning: QualityWarning, active: boolean, value?: number, threshold?: number): QualityChange {
    if (active) this.active.add(warning);
    else this.active.delete(warning);
    const change: QualityChange = { warning, active };
    if (value !== undefined) change.value = value;
    if (threshold !== undefined) change.threshold = threshold;
    return change;
  }
}

/** Whether the microphone's RMS level between two samples was below {@link MICROPHONE_SILENCE_LEVEL} (false when unknown). */
function quiet(previous: QualitySample, sample: QualitySample): boolean {
  if (sample.microphoneEnergy === null || previous.microphoneEnergy === null || sample.microphoneDuration === null || previous.microphoneDuration === null)
    return false;
  const energy = sample.microphoneEnergy - previous.microphoneEnergy;
  const duration = sample.microphoneDuration - previous.microphoneDuration;
  // A new track on the sender may restart its counters: no verdict for that interval.
  if (duration < 0 || energy < 0) return false;
  // No audio at all from a live track (a stalled device) is silence too.
  return duration === 0 || Math.sqrt(energy / duration) < MICROPHONE_SILENCE_LEVEL;
}
