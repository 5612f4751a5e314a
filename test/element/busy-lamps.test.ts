import { expect } from '@esm-bundle/chai';
import '../../src/index.js';
import { fixture, part, removeAll, until } from './fixture.js';

/** The contacts panel's buttons: name, lamp, accessible name. */
function contacts(el: HTMLElement) {
  const panel = part(el as never, 'contacts');
  return [...(panel?.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part~="contact"]') ?? [])].map((b) => ({
    text: b.textContent!.trim(),
    state: b.dataset.state,
    label: b.getAttribute('aria-label'),
  }));
}

describe('watch: busy lamps in the element', () => {
  afterEach(removeAll);

  it('without watch there is no contacts panel and no chunk to load', async () => {
    const el = await fixture();
    expect(part(el, 'contacts')).to.equal(null);
    expect(customElements.get('sip-contacts')).to.equal(undefined);
    expect(el.presence).to.deep.equal({});
  });

  it('watch loads the panel: one button per colleague, unknown until registered, following changes of watch', async () => {
    const el = await fixture('<sip-phone watch="bob  sip:carol@example.com"></sip-phone>');
    expect(el.presence).to.deep.equal({ bob: 'unknown', 'sip:carol@example.com': 'unknown' });
    await until(() => contacts(el).length === 2, 'the contacts panel');
    expect(contacts(el)).to.deep.equal([
      { text: 'bob', state: 'unknown', label: 'Call bob (unknown)' },
      { text: 'carol', state: 'unknown', label: 'Call carol (unknown)' },
    ]);
    el.setAttribute('watch', 'carol');
    await until(() => contacts(el).length === 1, 'one contact left');
    expect(el.presence).to.deep.equal({ carol: 'unknown' });
    el.lang = 'de';
    await until(() => contacts(el)[0]?.label === 'carol anrufen (unbekannt)', 'the panel in German');
    el.removeAttribute('watch');
    await el.updateComplete;
    expect(part(el, 'contacts')).to.equal(null);
  });
});
