import { expect } from '@esm-bundle/chai';
import { defineSetupCheck, type SipSetupCheck } from '../../src/parts/setup-check.js';
import { de } from '../../src/i18n/de.js';
import type { PreflightProgress } from '../../src/core/setup-check/preflight.js';

const hostile = '<img src=x onerror="window.pwned = true">';

async function view(progress: PreflightProgress, t = undefined as typeof de | undefined): Promise<SipSetupCheck> {
  defineSetupCheck();
  const el = document.createElement('sip-setup-check');
  if (t) el.t = t;
  el.progress = progress;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

describe('<sip-setup-check>', () => {
  afterEach(() => document.querySelectorAll('sip-setup-check').forEach((el) => el.remove()));

  it('lists each line with its status and verdict; text from the network stays text', async () => {
    const el = await view({
      running: false,
      level: null,
      lines: [
        {
          name: 'microphone',
          status: 'ok',
          reason: 'works',
          permission: 'granted',
          device: hostile,
          level: 0.25,
          detail: `Your microphone works (${hostile}).`,
        },
        { name: 'server', target: `ws://${hostile}`, status: 'failed', reason: 'refused', tls: false, timeoutMs: 5000, detail: 'Could not connect.' },
      ],
    });
    const root = el.shadowRoot!;
    expect(root.querySelector('img'), 'no element made from a device name or URL').to.equal(null);
    const items = [...root.querySelectorAll('[part~="setup-check-item"]')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(items).to.deep.equal([`OK Microphone Your microphone works (${hostile}).`, `Failed SIP server ws://${hostile} Could not connect.`]);
    expect(root.querySelector('[part~="setup-check-summary"]')!.textContent).to.equal('Something needs attention: see the lines marked Failed.');
    const meter = root.querySelector<HTMLMeterElement>('meter[part~="setup-check-level"]')!;
    expect(meter.getAttribute('aria-label')).to.equal('Microphone level');
    expect(meter.value).to.equal(0.5);
    expect((window as unknown as { pwned?: boolean }).pwned).to.equal(undefined);
  });

  it('while running: lines still running say so, the meter follows the live level; in German', async () => {
    const el = await view(
      {
        running: true,
        level: 0.04,
        lines: [
          { name: 'microphone', status: 'running' },
          { name: 'ice-server', target: 'stun:x', status: 'running' },
        ],
      },
      de,
    );
    const root = el.shadowRoot!;
    expect(root.querySelector('[part~="setup-check-summary"]')!.textContent).to.equal('Ihre Einrichtung wird geprüft…');
    expect([...root.querySelectorAll('li')].map((li) => li.dataset.status)).to.deep.equal(['running', 'running']);
    expect(root.querySelector('li')!.textContent).to.include('Wird geprüft…');
    expect(root.querySelector<HTMLMeterElement>('meter')!.value).to.be.closeTo(0.2, 1e-9);
    expect(root.querySelectorAll('meter')).to.have.length(1);
  });
});
