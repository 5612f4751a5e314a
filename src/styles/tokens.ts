import { css, unsafeCSS } from 'lit';

/** The colours of one preset; every text/background pair in it meets WCAG AA (4.5:1). */
interface Palette {
  accent: string;
  accentContrast: string;
  background: string;
  foreground: string;
  muted: string;
  surface: string;
  danger: string;
  dangerContrast: string;
  success: string;
  successContrast: string;
  lampRinging: string;
}

/** `theme="light"` (the default). */
export const lightPalette: Palette = {
  accent: '#1a73e8',
  accentContrast: '#ffffff',
  background: '#ffffff',
  foreground: '#1f1f1f',
  muted: '#5f6368',
  surface: '#f1f3f4',
  danger: '#c5221f',
  dangerContrast: '#ffffff',
  success: '#137333',
  successContrast: '#ffffff',
  lampRinging: '#f9ab00',
};

/** `theme="dark"`, and `theme="auto"` when the system prefers dark. */
export const darkPalette: Palette = {
  accent: '#8ab4f8',
  accentContrast: '#202124',
  background: '#202124',
  foreground: '#e8eaed',
  muted: '#9aa0a6',
  surface: '#303134',
  danger: '#f28b82',
  dangerContrast: '#202124',
  success: '#81c995',
  successContrast: '#202124',
  lampRinging: '#fdd663',
};

/**
 * The colour tokens with the preset's defaults: a page's `--sip-phone-*` value wins in every
 * theme, the preset only changes what is used when the page gives none.
 */
function colours(p: Palette) {
  return unsafeCSS(`
    --_accent: var(--sip-phone-accent, ${p.accent});
    --_accent-contrast: var(--sip-phone-accent-contrast, ${p.accentContrast});
    --_background: var(--sip-phone-background, ${p.background});
    --_foreground: var(--sip-phone-foreground, ${p.foreground});
    --_muted: var(--sip-phone-muted, ${p.muted});
    --_surface: var(--sip-phone-surface, ${p.surface});
    --_danger: var(--sip-phone-danger, ${p.danger});
    --_danger-contrast: var(--sip-phone-danger-contrast, ${p.dangerContrast});
    --_success: var(--sip-phone-success, ${p.success});
    --_success-contrast: var(--sip-phone-success-contrast, ${p.successContrast});
    --_lamp-ringing: var(--sip-phone-lamp-ringing, ${p.lampRinging});
  `);
}

/**
 * Every `--sip-phone-*` custom property with its default. Components read the `--_` private
 * copies, so a page sets only the public names. The light preset comes first: its fallbacks are
 * the documented defaults.
 */
export const tokens = css`
  :host {
    color-scheme: light;
    ${colours(lightPalette)}
    --_font: var(--sip-phone-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_radius: var(--sip-phone-radius, 12px);
    --_spacing: var(--sip-phone-spacing, 8px);
  }
  :host([theme='dark']) {
    color-scheme: dark;
    ${colours(darkPalette)}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      color-scheme: dark;
      ${colours(darkPalette)}
    }
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
  '--sip-phone-danger-contrast',
  '--sip-phone-success',
  '--sip-phone-success-contrast',
  '--sip-phone-lamp-ringing',
  '--sip-phone-font',
  '--sip-phone-radius',
  '--sip-phone-spacing',
] as const;
