/**
 * Theming and layout: the light and dark presets (and `auto`, which follows the system), the
 * header and call-actions slots, the layout from a 280 px sidebar to a full page, and `compact`.
 */
import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';
import type { SipPhone } from '../../src/index.js';
import { darkPalette, lightPalette } from '../../src/styles/tokens.js';
import { FakeSipServer, fill, fixture, nextEvent, part, removeAll, routeFakeWebSockets, until, useFakeRegistrar } from './fixture.js';

afterEach(removeAll);

const background = (el: Element) => getComputedStyle(el).backgroundColor;
const colour = (el: Element) => getComputedStyle(el).color;

/** '#1a73e8' → 'rgb(26, 115, 232)', as getComputedStyle writes it. */
function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** WCAG 2 contrast ratio of two '#rrggbb' colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) =>
    [16, 8, 0]
      .map((shift) => ((parseInt(hex.slice(1), 16) >> shift) & 255) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// The emulate-media command needs CDP: Chromium has it, Firefox driven over WebDriver BiDi does not.
const canEmulateMedia = !navigator.userAgent.includes('Firefox');

describe('<sip-phone> colour presets', () => {
  afterEach(() => (canEmulateMedia ? emulateMedia({ colorScheme: 'light' }) : undefined));

  it('is light by default, and theme="dark" changes background, text and buttons', async () => {
    const light = await fixture();
    const dark = await fixture('<sip-phone theme="dark"></sip-phone>');
    expect(light.theme).to.equal('light');
    expect(background(light)).to.equal(rgb(lightPalette.background));
    expect(background(dark)).to.equal(rgb(darkPalette.background));
    expect(colour(dark)).to.equal(rgb(darkPalette.foreground));
    expect(colour(light)).to.not.equal(colour(dark));
    const callButton = (el: SipPhone) => part(el, 'call-button')!;
    expect(background(callButton(dark))).to.not.equal(background(callButton(light)));
    expect(colour(callButton(dark))).to.equal(rgb(darkPalette.successContrast));
    expect(getComputedStyle(dark).colorScheme).to.equal('dark');
  });

  it('the theme property is reflected, so setting it from script restyles the element', async () => {
    const el = await fixture();
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(background(el)).to.equal(rgb(darkPalette.background));
  });

  it('theme="auto" follows prefers-color-scheme', async function () {
    if (!canEmulateMedia) this.skip();
    const el = await fixture('<sip-phone theme="auto"></sip-phone>');
    await emulateMedia({ colorScheme: 'dark' });
    expect(background(el)).to.equal(rgb(darkPalette.background));
    expect(colour(part(el, 'register-button')!)).to.equal(rgb(darkPalette.accentContrast));
    await emulateMedia({ colorScheme: 'light' });
    expect(background(el)).to.equal(rgb(lightPalette.background));
    // An explicit theme does not follow the system.
    const light = await fixture('<sip-phone theme="light"></sip-phone>');
    await emulateMedia({ colorScheme: 'dark' });
    expect(background(light)).to.equal(rgb(lightPalette.background));
  });

  it("a page's --sip-phone-* values win over the dark preset", async () => {
    const el = await fixture('<sip-phone theme="dark" style="--sip-phone-background: rgb(1, 2, 3); --sip-phone-accent: rgb(4, 5, 6)"></sip-phone>');
    expect(background(el)).to.equal('rgb(1, 2, 3)');
    expect(background(part(el, 'register-button')!)).to.equal('rgb(4, 5, 6)');
    // …and the tokens the page left alone come from the preset.
    expect(colour(el)).to.equal(rgb(darkPalette.foreground));
  });

  for (const [name, p] of Object.entries({ light: lightPalette, dark: darkPalette })) {
    it(`the ${name} preset's text colours meet WCAG AA (4.5:1) on their backgrounds`, () => {
      const pairs: Record<string, [string, string]> = {
        'text on background': [p.foreground, p.background],
        'text on surface (buttons, status)': [p.foreground, p.surface],
        'secondary text on background': [p.muted, p.background],
        'secondary text on surface': [p.muted, p.surface],
        'errors on background': [p.danger, p.background],
        'errors on surface (status line)': [p.danger, p.surface],
        'Register (accent)': [p.accentContrast, p.accent],
        'Bye, Reject, offline banner (danger)': [p.dangerContrast, p.danger],
        'Call, Answer (success)': [p.successContrast, p.success],
      };
      const failing = Object.entries(pairs)
        .map(([what, [fg, bg]]) => [what, contrast(fg, bg).toFixed(2)] as const)
        .filter(([, ratio]) => Number(ratio) < 4.5);
      expect(failing).to.deep.equal([]);
      // The focus ring (the accent colour) stands out from the background (3:1 for non-text).
      expect(contrast(p.accent, p.background)).to.be.at.least(3);
      expect(contrast(p.accent, p.surface)).to.be.at.least(3);
    });
  }

  it('focused controls get a visible ring in the accent colour, in both presets', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const el = await fixture(`<sip-phone theme="${theme}"></sip-phone>`);
      const key = part(el, 'key')!;
      key.focus();
      // Programmatic focus without a pointer matches :focus-visible.
      const style = getComputedStyle(key);
      expect(style.outlineStyle, theme).to.equal('solid');
      expect(parseFloat(style.outlineWidth), theme).to.be.at.least(2);
      expect(style.outlineColor, theme).to.equal(rgb((theme === 'dark' ? darkPalette : lightPalette).accent));
    }
  });
});

describe('<sip-phone> slots', () => {
  it('renders a slotted header above the status line; without one the header part takes no room', async () => {
    const el = await fixture('<sip-phone><strong slot="header">ACME Support</strong></sip-phone>');
    const header = part(el, 'header')!;
    const slotted = el.querySelector('[slot="header"]')!;
    expect(header.querySelector<HTMLSlotElement>('slot[name="header"]')!.assignedElements()).to.deep.equal([slotted]);
    await until(() => !header.hidden, 'the header part to show');
    expect(slotted.getBoundingClientRect().height).to.be.greaterThan(0);
    expect(slotted.getBoundingClientRect().bottom).to.be.at.most(part(el, 'status')!.getBoundingClientRect().top);

    const bare = await fixture();
    expect(part(bare, 'header')!.checkVisibility()).to.be.false;
    slotted.remove();
    await until(() => header.hidden, 'the header part to hide once its content is gone');
  });

  describe('call-actions, with a fake registrar', () => {
    let server: FakeSipServer;
    useFakeRegistrar((fresh) => (server = fresh));

    it("shows the page's buttons beside Bye while a call is placed, and not when idle", async () => {
      const el = await fixture('<sip-phone server="ws://fake:1" uri="sip:alice@sip-phone.test"><button slot="call-actions">Record</button></sip-phone>');
      el.password = 'alice-pw';
      await el.register();
      const record = el.querySelector('button')!;
      await el.updateComplete;
      expect(record.checkVisibility(), 'no call: the slot is not rendered').to.be.false;

      server.frozen = true; // the INVITE gets no answer: the call stays in 'calling'
      void el.call('bob').catch(() => {});
      await until(() => el.activeCall !== null, 'the call to start');
      await el.updateComplete;
      expect(record.checkVisibility(), 'during the call').to.be.true;
      const slot = record.assignedSlot!;
      expect(slot.name).to.equal('call-actions');
      expect(slot.parentElement!.contains(part(el, 'hangup-button'))).to.be.true;
      server.frozen = false;
      await el.hangup().catch(() => {});
    });
  });
});

describe('<sip-phone> layout', () => {
  async function inBox(width: number, markup = '<sip-phone></sip-phone>'): Promise<SipPhone> {
    const el = await fixture(markup);
    const box = document.createElement('div');
    box.style.width = `${width}px`;
    document.body.append(box);
    box.append(el);
    await el.updateComplete;
    return el;
  }

  it('in a 280 px sidebar everything is in one column, nothing wider than the element', async () => {
    const el = await inBox(280);
    const host = el.getBoundingClientRect();
    expect(host.width).to.equal(280);
    const settings = part(el, 'settings')!.getBoundingClientRect();
    const pad = part(el, 'dialpad')!.getBoundingClientRect();
    expect(settings.left).to.equal(pad.left);
    expect(pad.top).to.be.greaterThan(settings.top);
    for (const node of el.shadowRoot!.querySelectorAll('[part]')) {
      const rect = node.getBoundingClientRect();
      if (rect.width) expect(rect.right, node.getAttribute('part')!).to.be.at.most(host.right + 0.5);
    }
    el.parentElement!.remove();
  });

  it('on a full page the call is on the left, settings and devices on the right', async () => {
    const el = await inBox(1200);
    const pad = part(el, 'dialpad')!.getBoundingClientRect();
    const settings = part(el, 'settings')!.getBoundingClientRect();
    const devices = part(el, 'devices')!.getBoundingClientRect();
    expect(settings.left).to.be.greaterThan(pad.right);
    expect(devices.left).to.equal(settings.left);
    expect(settings.top).to.be.lessThan(pad.bottom);
    el.parentElement!.remove();
  });

  it('compact hides the settings, devices and history and keeps the dialer and call controls', async () => {
    for (const width of [280, 1200]) {
      const el = await inBox(width, '<sip-phone compact></sip-phone>');
      expect(el.compact).to.be.true;
      expect(part(el, 'settings')!.checkVisibility(), 'settings').to.be.false;
      expect(part(el, 'devices')!.checkVisibility(), 'devices').to.be.false;
      for (const name of ['status', 'target', 'call-button', 'dialpad']) expect(part(el, name)!.checkVisibility(), name).to.be.true;
      el.compact = false;
      await el.updateComplete;
      expect(el.hasAttribute('compact')).to.be.false;
      expect(part(el, 'settings')!.checkVisibility()).to.be.true;
      el.parentElement!.remove();
    }
  });
});

describe('<sip-phone> accessible names', () => {
  /** The name a control gets from its text, aria-label/labelledby, or the <label> around it. */
  function nameOf(node: HTMLElement): string {
    const root = node.getRootNode() as ShadowRoot;
    const labelledBy = node.getAttribute('aria-labelledby');
    if (labelledBy)
      return labelledBy
        .split(/\s+/)
        .map((id) => root.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const label =
      node.getAttribute('aria-label') ??
      (node instanceof HTMLButtonElement || node.localName === 'summary' ? node.textContent : node.closest('label')?.textContent);
    return (label ?? '').replace(/\s+/g, ' ').trim();
  }

  it('every button, field, list and video of a registered phone in a call has a name', async () => {
    const server = new FakeSipServer();
    const restore = routeFakeWebSockets(server);
    try {
      const el = await fixture('<sip-phone video></sip-phone>');
      const registered = nextEvent(el, 'sip-registered');
      fill(part(el, 'settings')!.querySelector('form')!, { domain: 'sip-phone.test', user: 'alice', password: 'alice-pw', server: 'ws://fake:1' });
      part<HTMLButtonElement>(el, 'register-button')!.click();
      await registered;
      server.frozen = true;
      void el.call('bob').catch(() => {});
      await until(() => el.activeCall !== null, 'the call to start');
      await el.updateComplete;
      const controls = [...el.shadowRoot!.querySelectorAll<HTMLElement>('button, input:not([type=hidden]):not([hidden]), select, summary, video')];
      expect(controls.length).to.be.greaterThan(20);
      const unnamed = controls.filter((c) => !nameOf(c)).map((c) => c.outerHTML.slice(0, 80));
      expect(unnamed).to.deep.equal([]);
      server.frozen = false;
      await el.hangup().catch(() => {});
    } finally {
      removeAll();
      restore();
    }
  });
});
