import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';

/** m:ss, or h:mm:ss from an hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * The running duration of a call in progress. Its own element, so its tick each second re-renders
 * this and not the whole phone.
 */
export class SipCallTimer extends LitElement {
  /** When the call became active (ms since the epoch). */
  @property({ type: Number }) since: number | null = null;
  private tick: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.tick = setInterval(() => this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
  }

  override render() {
    return this.since === null ? '' : html`<span role="timer">${formatDuration(Date.now() - this.since)}</span>`;
  }
}
