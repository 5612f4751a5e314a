import { css } from 'lit';

/**
 * Every `--sip-phone-*` custom property with its default. Components read the `--_` private
 * copies, so a page sets only the public names.
 */
export const tokens = css`
  :host {
    --_accent: var(--sip-phone-accent, #1a73e8);
    --_accent-contrast: var(--sip-phone-accent-contrast, #ffffff);
    --_background: var(--sip-phone-background, #ffffff);
    --_foreground: var(--sip-phone-foreground, #1f1f1f);
    --_muted: var(--sip-phone-muted, #5f6368);
    --_surface: var(--sip-phone-surface, #f1f3f4);
    --_danger: var(--sip-phone-danger, #c5221f);
    --_success: var(--sip-phone-success, #137333);
    --_font: var(--sip-phone-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_radius: var(--sip-phone-radius, 12px);
    --_spacing: var(--sip-phone-spacing, 8px);
  }
`;

/** The documented custom properties (a test checks each is used). */
export const tokenNames = [
  '--sip-phone-accent',
  '--sip-phone-accent-contrast',
  '--sip-phone-background',
  '--sip-phone-foreground',
  '--sip-phone-muted',
  '--sip-phone-surface',
  '--sip-phone-danger',
  '--sip-phone-success',
  '--sip-phone-font',
  '--sip-phone-radius',
  '--sip-phone-spacing',
] as const;
