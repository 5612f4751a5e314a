/**
 * The styling API of <sip-phone>: every documented --sip-phone-* token and ::part() name is
 * really used, and a page's token changes what the element draws.
 */
import { expect } from '@esm-bundle/chai';
import type { CSSResultGroup } from 'lit';
import { SipPhone } from '../../src/index.js';
import { tokenNames } from '../../src/styles/tokens.js';
import { fixture, part, removeAll } from './fixture.js';

afterEach(removeAll);

function cssText(styles: CSSResultGroup | undefined): string {
  if (!styles) return '';
  if (Array.isArray(styles)) return styles.map((s) => cssText(s as CSSResultGroup)).join('\n');
  return (styles as { cssText?: string }).cssText ?? '';
}

/**
 * The TypeScript source of a file under src/. The test server serves it compiled by esbuild,
 * which drops comments, so the JSDoc is read back from the inline source map.
 */
async function source(path: string): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const text = await response.text();
  const map = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(text);
  if (!map) return text;
  const json = new TextDecoder().decode(Uint8Array.from(atob(map[1]), (c) => c.charCodeAt(0)));
  return (JSON.parse(json) as { sourcesContent?: string[] }).sourcesContent?.[0] ?? text;
}

/** sip-phone.ts, the views and controllers it imports, and every src/parts/*.ts those import. */
async function elementSources(): Promise<Record<string, string>> {
  const element = await source('/src/sip-phone.ts');
  // Parts come from the element's views, and from the parts they and the controllers (which load
  // some lazily) import.
  const imported = [...element.matchAll(/from '\.\/((?:controllers|views)\/[\w-]+)\.js'/g)].map((m) => `/src/${m[1]}.ts`);
  const sources: Record<string, string> = { '/src/sip-phone.ts': element };
  for (const file of imported) sources[file] = await source(file);
  const partFiles = new Set(Object.values(sources).flatMap((text) => [...text.matchAll(/'\.\.?\/(parts\/[\w-]+)\.js'/g)].map((m) => `/src/${m[1]}.ts`)));
  // <sip-trace-view> (which the element only defines) goes beside the phone, not in it: its parts
  // are its own, documented on its class (test/manifest checks them).
  partFiles.delete('/src/parts/trace-view.ts');
  for (const file of partFiles) sources[file] = await source(file);
  return sources;
}

function documented(jsdocSource: string, tag: 'csspart' | 'cssprop'): string[] {
  const pattern = tag === 'csspart' ? /@csspart\s+([\w-]+)/g : /@cssprop(?:erty)?\s+\[?(--[\w-]+)/g;
  return [...jsdocSource.matchAll(pattern)].map((m) => m[1]);
}

describe('<sip-phone> theming tokens', () => {
  it('every token in tokenNames is read by the element styles', () => {
    const css = cssText(SipPhone.styles);
    expect(tokenNames.length).to.be.greaterThan(0);
    const unused = tokenNames.filter((name) => !css.includes(`var(${name}`));
    expect(unused, 'tokens not used as var(--sip-phone-…)').to.deep.equal([]);
  });

  it('the styles read no --sip-phone-* token missing from tokenNames', () => {
    const css = cssText(SipPhone.styles);
    const used = new Set([...css.matchAll(/var\(\s*(--sip-phone-[\w-]+)/g)].map((m) => m[1]));
    const undocumented = [...used].filter((name) => !(tokenNames as readonly string[]).includes(name));
    expect(undocumented).to.deep.equal([]);
  });

  it('the @cssprop JSDoc lists exactly tokenNames, with the defaults the styles use', async () => {
    // (On SipPhoneProperties, which the element extends: the manifest lists them as inherited.)
    const element = (await source('/src/sip-phone.ts')) + (await source('/src/sip-phone-properties.ts'));
    expect(documented(element, 'cssprop')).to.have.members([...tokenNames]);
    const css = cssText(SipPhone.styles).replace(/\s+/g, ' ');
    for (const [, name, documentedDefault] of element.matchAll(/@cssprop(?:erty)?\s+\[(--[\w-]+)=([^\]]+)\]/g)) {
      const fallback = new RegExp(`var\\(${name},\\s*([^;]+)\\)`).exec(css)?.[1] ?? '(no fallback)';
      // The JSDoc may shorten a long fallback (a font stack) to its first entry.
      expect(fallback.startsWith(documentedDefault.trim()), `${name}: documented ${documentedDefault}, styles fall back to ${fallback}`).to.be.true;
    }
  });

  it('a page setting --sip-phone-accent recolours the Register button', async () => {
    const plain = await fixture();
    const themed = await fixture('<sip-phone style="--sip-phone-accent: rgb(1, 2, 3)"></sip-phone>');
    const background = (el: SipPhone) => getComputedStyle(part(el, 'register-button')!).backgroundColor;
    expect(background(themed)).to.equal('rgb(1, 2, 3)');
    expect(background(plain)).to.not.equal('rgb(1, 2, 3)');
    themed.style.setProperty('--sip-phone-accent', 'rgb(4, 5, 6)');
    expect(background(themed)).to.equal('rgb(4, 5, 6)');
  });
});

describe('<sip-phone> parts', () => {
  // (The parts are documented on SipPhoneProperties, which the element extends.)
  it('every @csspart documented on the element is rendered by the element or one of its parts', async () => {
    const sources = await elementSources();
    const documentedParts = documented(await source('/src/sip-phone-properties.ts'), 'csspart');
    expect(documentedParts, 'the JSDoc lists the parts').to.include.members(['status', 'dialpad', 'key']);
    const used = new Set(Object.values(sources).flatMap((text) => [...text.matchAll(/\bpart(?:="|: ')([^"']+)/g)].flatMap((m) => m[1].split(/\s+/))));
    const missing = documentedParts.filter((name) => !used.has(name));
    expect(missing, 'documented parts never rendered').to.deep.equal([]);
  });

  it('every part the element renders is documented with @csspart', async () => {
    const sources = await elementSources();
    const documentedParts = new Set(documented(await source('/src/sip-phone-properties.ts'), 'csspart'));
    const el = await fixture();
    const rendered = [...el.shadowRoot!.querySelectorAll('[part]')].flatMap((node) => [...node.part]);
    const inSource = Object.values(sources).flatMap((text) => [...text.matchAll(/\bpart(?:="|: ')([^"']+)/g)].flatMap((m) => m[1].split(/\s+/)));
    const undocumented = [...new Set([...rendered, ...inSource])].filter((name) => !documentedParts.has(name));
    expect(undocumented).to.deep.equal([]);
  });

  it('the idle phone renders the parts a page styles first', async () => {
    const el = await fixture();
    for (const name of ['status', 'settings', 'register-button', 'unregister-button', 'target', 'call-button', 'dialpad', 'key']) {
      expect(part(el, name), `part ${name}`).to.exist;
    }
    // Parts for calls only appear during a call.
    for (const name of ['hangup-button', 'incoming', 'answer-button', 'reject-button', 'remote-video', 'local-video']) {
      expect(part(el, name), `part ${name}`).to.not.exist;
    }
  });
});
