import { expect } from '@esm-bundle/chai';
import '../../src/index.js';
import { en, languageNames, loadLanguage, stringsFor } from '../../src/i18n/strings.js';
import { de } from '../../src/i18n/de.js';
import { fixture, part, removeAll, statusText } from './fixture.js';

describe('strings and languages', () => {
  afterEach(removeAll);

  it('ships English and a complete German table with the same keys, German loaded on demand', async () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v).map((sub) => `${k}.${sub}`) : [k]));
    expect(keys(de).sort()).to.deep.equal(keys(en).sort());
    expect(languageNames).to.deep.equal(['en', 'de']);
    await loadLanguage('de-AT');
    expect(loadLanguage('de'), 'loaded once').to.equal(null);
    expect(loadLanguage('fr'), 'no such table').to.equal(null);
    expect(stringsFor('de-AT').call).to.equal(de.call);
    expect(stringsFor('fr').call).to.equal(en.call);
  });

  it('lang="de" shows the phone in German', async () => {
    const el = await fixture('<sip-phone lang="de"></sip-phone>');
    expect(statusText(el)).to.include('Nicht angemeldet');
    expect(part(el, 'call-button')!.textContent!.trim()).to.equal('Anrufen');
    expect(part(el, 'dialpad')!.getAttribute('aria-label')).to.equal('Wähltastatur');
  });

  it('follows the language of the page when the element has none, and a change of lang', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'de';
    document.body.append(wrapper);
    const el = document.createElement('sip-phone');
    wrapper.append(el);
    await el.updateComplete;
    expect(part(el, 'call-button')!.textContent!.trim()).to.equal('Anrufen');
    el.lang = 'en';
    await el.updateComplete;
    expect(part(el, 'call-button')!.textContent!.trim()).to.equal('Call');
    wrapper.remove();
  });

  it('a strings override replaces single strings and keeps the rest', async () => {
    const el = await fixture();
    el.strings = { call: 'Dial', errors: { ...en.errors, 'not-registered': 'Sign in first.' } };
    await el.updateComplete;
    expect(part(el, 'call-button')!.textContent!.trim()).to.equal('Dial');
    expect(part(el, 'hangup-button')).to.equal(null);
    el.server = 'ws://fake:1';
    el.uri = 'sip:alice@sip-phone.test';
    await el.call('bob').catch(() => {});
    await el.updateComplete;
    expect(statusText(el)).to.include('Sign in first.');
  });
});
