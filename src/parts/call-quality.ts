import { LitElement, css, html, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { callQuality, type CallStats } from '../core/calls/call-stats.js';

/**
 * The call quality indicator: signal bars, and the figures of the last `sip-call-stats` in the
 * tooltip (and for screen readers). Its own element,
 * so a stats tick re-renders this and not the whole phone.
 */
export class SipCallQuality extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      color: var(--_muted, inherit);
    }
    svg {
      width: 18px;
      height: 18px;
      display: block;
    }
    rect {
      fill: currentColor;
      opacity: 0.3;
    }
    rect.on {
      opacity: 1;
    }
    .good {
      color: var(--_success, green);
    }
    .fair {
      color: #e37400;
    }
    .poor {
      color: var(--_danger, red);
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `;

  @property({ attribute: false }) stats: CallStats | null = null;

  override render() {
    const s = this.stats;
    if (!s) return html``;
    const quality = callQuality(s);
    const figures = `${quality} · ${s.rttMs ?? '–'} ms · ${s.audioKbps + s.videoKbps} kbit/s`;
    const bars = { good: 3, fair: 2, poor: 1 }[quality];
    return html`<span class=${quality} title=${figures}>
      <svg viewBox="0 0 18 18" aria-hidden="true">${[0, 1, 2].map((i) => svg`<rect class=${i < bars ? 'on' : ''} x=${1 + i * 6} y=${12 - i * 5} width="4" height=${5 + i * 5} rx="1"></rect>`)}</svg>
      <span class="visually-hidden">${figures}</span>
    </span>`;
  }
}
