import { css, html } from 'lit';
import type { QualityWarning } from '../core/calls/call-quality-monitor.js';
import type { Strings } from '../i18n/strings.js';

/**
 * The call's quality warnings in words (no sound from our microphone, none from the other side,
 * a poor connection). A polite live region present for the whole active call (empty and without
 * size while all is well), so a warning that appears is read out once.
 */
export function qualityWarning(t: Strings, warnings: readonly QualityWarning[]) {
  // (No whitespace inside: the region must be :empty without warnings.)
  return html`<div part="quality-warning" role="status" aria-live="polite">${warnings.map((warning) => html`<div class=${warning}>${t.qualityWarnings[warning]}</div>`)}</div>`;
}

export const qualityWarningStyles = css`
  [part~='quality-warning'] {
    padding: calc(var(--_spacing) / 2) var(--_spacing);
    border-left: 3px solid var(--_danger);
    border-radius: calc(var(--_radius) / 4);
    background: var(--_surface);
  }
  [part~='quality-warning']:empty {
    padding: 0;
    border: 0;
  }
`;
