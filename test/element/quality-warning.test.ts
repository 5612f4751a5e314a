import { expect } from '@esm-bundle/chai';
import { render } from 'lit';
import { qualityWarning } from '../../src/parts/quality-warning.js';
import { loadLanguage, stringsFor } from '../../src/i18n/strings.js';

describe('the quality-warning part', () => {
  const shown = (lang: string, warnings: Parameters<typeof qualityWarning>[1]) => {
    const container = document.createElement('div');
    render(qualityWarning(stringsFor(lang), warnings), container);
    return container.querySelector<HTMLElement>('[part~="quality-warning"]')!;
  };

  it('is a polite status region, empty while all is well (so a warning that appears is read out)', () => {
    const region = shown('en', []);
    expect([region.getAttribute('role'), region.getAttribute('aria-live')]).to.deep.equal(['status', 'polite']);
    expect(region.matches(':empty')).to.be.true;
  });

  it("says each warning in words, in the phone's language", async () => {
    await loadLanguage('de');
    expect(shown('en', ['microphone-silent', 'no-inbound-audio']).textContent).to.equal(
      'You may be muted by your system: no sound from your microphone.No sound from the other side.',
    );
    expect(shown('de', ['packet-loss']).textContent).to.equal('Schlechte Verbindung: Ton geht verloren.');
  });
});
