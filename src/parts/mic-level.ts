import { LitElement, css, html } from 'lit';
import { property, state } from 'lit/decorators.js';

const SAMPLE_MS = 100;

/**
 * A live level meter of the microphone we send: whether it picks anything up. Reads the stream's
 * audio track with Web Audio ten times a second; a muted or switched track is followed.
 */
export class SipMicLevel extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
    }
    meter {
      width: 64px;
      height: 8px;
    }
  `;

  /** The stream whose audio track to measure (our side of the call). */
  @property({ attribute: false }) stream: MediaStream | null = null;
  /** The meter's accessible name. */
  @property() label = 'Microphone level';
  @state() private level = 0;
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private listening: { track: MediaStreamTrack; stop: () => void } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    this.listening?.stop();
    this.listening = null;
    void this.context?.close().catch(() => {});
    this.context = null;
  }

  private sample(): void {
    const track = this.stream?.getAudioTracks().find((t) => t.readyState === 'live') ?? null;
    if (track !== (this.listening?.track ?? null)) this.listen(track);
    // Falls back gently after a peak, as level meters do, so a short sound is seen.
    this.level = Math.max(this.read?.() ?? 0, this.level * 0.7 - 0.01);
  }

  /** The current level, 0–1, of the track listened to. */
  private read: (() => number) | null = null;

  private listen(track: MediaStreamTrack | null): void {
    this.listening?.stop();
    this.listening = null;
    this.read = null;
    if (!track) return;
    try {
      const context = (this.context ??= new AudioContext());
      void context.resume().catch(() => {});
      const analyser = context.createAnalyser();
      analyser.fftSize = 512;
      const source = context.createMediaStreamSource(new MediaStream([track]));
      source.connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      this.read = () => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        // The level in dBFS, -60 (and below) to 0 shown as 0 to 1: speech lands around the middle.
        const dbfs = 10 * Math.log10(sum / samples.length || 1e-12);
        return Math.min(1, Math.max(0, (dbfs + 60) / 60));
      };
      this.listening = { track, stop: () => source.disconnect() };
    } catch {
      // No Web Audio (or no more contexts): no meter, the call is not affected.
      this.listening = { track, stop: noop };
    }
  }

  override render() {
    return html`<meter min="0" max="1" low="0.05" optimum="0.5" .value=${this.level} aria-label=${this.label}></meter>`;
  }
}

function noop(): void {}
