import { LitElement, css, html } from 'lit';
import { property } from 'lit/decorators.js';
import { callQuality, type CallStats } from '../core/call-stats.js';

/**
 * The call quality indicator: a dot and the figures of the last `sip-call-stats`. Its own element,
 * so a stats tick re-renders this and not the whole phone.
 */
export class SipCallQuality extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      font-size: 12px;
      color: var(--_muted, inherit);
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--_success, green);
    }
    .fair {
      background: #e37400;
    }
    .poor {
      background: var(--_danger, red);
    }
  `;

  @property({ attribute: false }) stats: CallStats | null = null;

  override render() {
    const s = this.stats;
    if (!s) return html``;
    const quality = callQuality(s);
    return html`<span class="dot ${quality}"></span><span>${quality} · ${s.rttMs ?? '–'} ms · ${s.audioKbps + s.videoKbps} kbit/s</span>`;
  }
}
