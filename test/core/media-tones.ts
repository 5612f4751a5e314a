import { sendMouse } from '@web/test-runner-commands';

/** A click in the page: a user activation, without which an AudioContext stays suspended (as a page's would). */
export const activatePage = () => sendMouse({ type: 'click', position: [1, 1] });

/**
 * Whether Web Audio runs in this browser: Firefox ESR here has no audio output device, and its
 * AudioContext then stays 'suspended' for good (resume() never settles; measured), so nothing
 * can be mixed or recorded there. Tests that need sound skip then, saying so.
 */
export async function webAudioRuns(): Promise<boolean> {
  const context = new AudioContext();
  const resumed = await Promise.race([context.resume().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1500))]);
  void context.close().catch(() => {});
  return resumed && context.state !== 'suspended';
}

/** Tones as media tracks, and what frequencies a track carries: for the recording and conference tests. */
export class Tones {
  readonly context = new AudioContext();

  /** A live audio track playing a sine of `frequency` Hz. */
  track(frequency: number): MediaStreamTrack {
    const oscillator = this.context.createOscillator();
    oscillator.frequency.value = frequency;
    const destination = this.context.createMediaStreamDestination();
    oscillator.connect(destination);
    oscillator.start();
    return destination.stream.getAudioTracks()[0];
  }

  /** The level (dB) of each frequency in `track`, read over `ms`. */
  async levels(track: MediaStreamTrack, frequencies: number[], ms = 400): Promise<number[]> {
    await this.context.resume();
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 4096;
    this.context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    await new Promise((r) => setTimeout(r, ms));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    return frequencies.map((f) => Math.round(bins[Math.round((f * analyser.fftSize) / this.context.sampleRate)]));
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** The power of `frequency` in samples (Goertzel), normalised to 0..1 for a full-scale sine. */
export function toneIn(samples: Float32Array, sampleRate: number, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (4 * power) / (samples.length * samples.length);
}

/**
 * The set-up of a suite that needs Web Audio: the page activated, the suite skipped where Web Audio
 * never starts (Firefox here has no audio device), fresh tones for each test. Read `tones` in tests.
 */
export function withWebAudio(): { readonly tones: Tones } {
  const suite = { tones: null as unknown as Tones };
  before(async function () {
    await activatePage();
    if (!(await webAudioRuns())) this.skip();
  });
  beforeEach(() => (suite.tones = new Tones()));
  afterEach(() => suite.tones?.close());
  return suite;
}
