import { expect } from '@esm-bundle/chai';
import '../../src/index.js';
import type { SipPhone } from '../../src/sip-phone.js';
import { availabilityOf } from '../../src/core/presence/availability.js';
import { FakeSipServer, fixture, part, removeAll, until, useFakeRegistrar } from './fixture.js';

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

describe('availability in the element', () => {
  afterEach(removeAll);

  it('is available by default, takes the attribute, and reports another value as invalid-option (sip-error) without a server', async () => {
    const el = await fixture('<sip-phone availability="away"></sip-phone>');
    expect(el.availability).to.equal('away');
    const errors: { code: string; message: string }[] = [];
    el.addEventListener('sip-error', (e) => errors.push((e as CustomEvent).detail));
    el.availability = 'gone fishing' as never;
    await el.updateComplete;
    expect(errors.map((e) => e.code)).to.deep.equal(['invalid-option']);
    expect(errors[0].message).to.contain('available, away, busy, dnd');
    el.availability = 'dnd';
    await el.updateComplete;
    expect(errors).to.have.length(1);
  });

  it('the lamps of colleagues who are away or do not want to be disturbed, in words, in English and German', async () => {
    const { defineContacts } = await import('../../src/parts/contacts.js');
    const { stringsFor, loadLanguage } = await import('../../src/i18n/strings.js');
    defineContacts();
    const panel = document.createElement('sip-contacts');
    panel.lamps = { bob: 'away', carol: 'dnd' };
    document.body.append(panel);
    await panel.updateComplete;
    const labels = () => [...panel.shadowRoot!.querySelectorAll('[part~="contact"]')].map((b) => b.getAttribute('aria-label'));
    expect(labels()).to.deep.equal(['Call bob (away)', 'Call carol (do not disturb)']);
    await loadLanguage('de');
    panel.t = stringsFor('de', {});
    await panel.updateComplete;
    expect(labels()).to.deep.equal(['bob anrufen (abwesend)', 'carol anrufen (bitte nicht stören)']);
    const lamp = (i: number) => getComputedStyle(panel.shadowRoot!.querySelectorAll('[part~="lamp"]')[i]).backgroundImage;
    expect(lamp(0)).to.contain('gradient');
    expect(lamp(1)).to.contain('gradient');
    panel.remove();
  });
});

describe('availability is published from the element', () => {
  let server: FakeSipServer;
  useFakeRegistrar((s) => (server = s));
  const published = () => server.requests.filter((r) => r.startsWith('PUBLISH ') && !/^Expires: 0\r$/m.test(r)).map(availabilityOf);

  it('availability, and dnd over it while the dnd attribute is set, go out as PUBLISH once registered', async () => {
    const el = (await fixture('<sip-phone server="ws://fake:1" uri="sip:alice@sip-phone.test" availability="away"></sip-phone>')) as unknown as SipPhone;
    el.password = 'alice-pw';
    await el.register();
    await until(() => published().length === 1, 'the first PUBLISH');
    expect(published()).to.deep.equal(['away']);
    el.setAttribute('dnd', '');
    await until(() => published().length === 2, 'dnd published');
    el.availability = 'busy';
    await el.updateComplete;
    el.removeAttribute('dnd');
    await until(() => published().at(-1) === 'busy', 'busy once dnd is off');
    expect(published().slice(1)).to.deep.equal(['dnd', 'busy'], 'busy set under dnd is published only once dnd is off');
    await el.unregister();
    expect(server.requests.filter((r) => r.startsWith('PUBLISH ') && /^Expires: 0\r$/m.test(r))).to.have.length(1);
  });
});
