// custom-elements.json (made by `npm run build` from the JSDoc) lists exactly what <sip-phone> really
// does: the events it dispatches, the parts it renders, the custom properties and slots it has,
// and attributes that each set a property. Editors, Storybook and the README reference read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));
const { domEventNames } = await import(new URL('lib/events.js', root).href);
const { tokenNames } = await import(new URL('lib/styles/tokens.js', root).href);

/** Every src/**\/*.ts file (tests excluded), path relative to the repo → text. */
const sources = new Map(
  readdirSync(new URL('src/', root), { recursive: true })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => [`src/${file.split('\\').join('/')}`, readFileSync(new URL(`src/${file}`, root), 'utf8')]),
);

const elements = manifest.modules.flatMap((module) =>
  (module.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => ({ ...d, module: module.path })),
);
const phone = elements.find((e) => e.tagName === 'sip-phone');

/** The element whose shadow root a file's template renders into: the element declared in it, else <sip-phone>. */
const ownerOf = (file) => elements.find((e) => e.module === file) ?? phone;

/** Names used in a file, each with the file it was found in. */
function* matches(pattern, pick) {
  for (const [file, text] of sources) for (const m of text.matchAll(pattern)) for (const name of pick(m)) yield { file, name };
}

const sorted = (names) => [...new Set(names)].sort();

/** Fails naming what the manifest lacks and what it lists that src/ does not use. */
function assertSameNames(listed, used, what) {
  const missing = sorted(used.filter((name) => !listed.includes(name)));
  const unused = sorted(listed.filter((name) => !used.includes(name)));
  assert.deepEqual(
    { missing, unused },
    { missing: [], unused: [] },
    `${what}: missing from custom-elements.json: [${missing.join(', ')}]; listed there but not in src/: [${unused.join(', ')}]`,
  );
}

test('the manifest declares <sip-phone> and its inner elements, and where they are defined', () => {
  assert.ok(phone, 'a custom element with tagName sip-phone');
  assert.equal(phone.name, 'SipPhone');
  assert.ok(phone.summary && phone.description, 'summary and description from the class JSDoc');
  const definitions = manifest.modules.flatMap((m) => (m.exports ?? []).filter((e) => e.kind === 'custom-element-definition'));
  assert.deepEqual(sorted(definitions.map((d) => d.name)), [
    'sip-call-quality',
    'sip-call-timer',
    'sip-contacts',
    'sip-conversations',
    'sip-mic-level',
    'sip-phone',
    'sip-setup-check',
    'sip-trace-view',
  ]);
});

test('every event the element dispatches is in the manifest (@fires), with its type and a description', () => {
  const dispatched = sorted([
    ...Object.values(domEventNames),
    // events dispatched directly, outside the core → DOM map
    ...[...matches(/new CustomEvent\(\s*['"`]([\w-]+)['"`]/g, (m) => [m[1]])].map((hit) => hit.name),
  ]);
  assert.ok(dispatched.includes('sip-call-ended'));
  const listed = phone.events ?? [];
  assertSameNames(
    listed.map((e) => e.name),
    dispatched,
    'events (@fires)',
  );
  for (const event of listed) {
    assert.match(event.type?.text ?? '', /^CustomEvent<Sip\w+Detail>$/, `${event.name}: @fires {CustomEvent<…Detail>}`);
    assert.ok(event.description, `${event.name} has a description`);
  }
});

test('every part rendered in src/ is in the manifest (@csspart) of the element that renders it', () => {
  const rendered = [
    ...matches(/\bpart="([^"]*)"/g, (m) => m[1].split(/\s+/).filter((name) => name && !name.includes('${'))),
    // Parts handed to a button helper (`roundButton({ part: 'call-button', … })`).
    ...matches(/\bpart: '([\w-]+)'/g, (m) => [m[1]]),
    // A nested element's parts that the file re-exports (`exportparts="inner, inner2: outer"`).
    ...matches(/\bexportparts="([^"]*)"/g, (m) =>
      m[1]
        .split(',')
        .map((entry) => entry.split(':').pop().trim())
        .filter(Boolean),
    ),
  ];
  assert.ok(rendered.length > 10, 'found the part="…" attributes');
  for (const element of elements) {
    const used = sorted(rendered.filter((hit) => ownerOf(hit.file) === element).map((hit) => hit.name));
    const listed = sorted((element.cssParts ?? []).map((p) => p.name));
    assertSameNames(listed, used, `<${element.tagName}> parts (@csspart)`);
  }
  for (const part of phone.cssParts) assert.ok(part.description, `part ${part.name} has a description`);
});

test('every --sip-phone-* custom property the styles read is in the manifest (@cssprop), with its default', () => {
  const read = sorted([...tokenNames, ...[...matches(/var\(\s*(--sip-phone-[\w-]+)/g, (m) => [m[1]])].map((hit) => hit.name)]);
  assert.ok(read.includes('--sip-phone-accent'));
  const listed = phone.cssProperties ?? [];
  assertSameNames(
    listed.map((p) => p.name),
    read,
    'custom properties (@cssprop)',
  );
  for (const property of listed) {
    assert.ok(property.default, `${property.name}: @cssprop [${property.name}=<default>]`);
    assert.ok(property.description, `${property.name} has a description`);
  }
});

test('every <slot> rendered is in the manifest (@slot)', () => {
  const rendered = sorted(
    [...matches(/<slot\b([^>]*)>/g, (m) => [/\bname="([^"]+)"/.exec(m[1])?.[1] ?? ''])].filter((hit) => ownerOf(hit.file) === phone).map((hit) => hit.name),
  );
  assertSameNames(
    (phone.slots ?? []).map((s) => s.name),
    rendered,
    'slots (@slot)',
  );
});

/** Global HTML attributes an element may observe: the property that goes with each is HTMLElement's. */
const globalAttributes = { lang: 'lang', dir: 'dir', title: 'title', hidden: 'hidden', inert: 'inert', translate: 'translate' };

test('every attribute sets a public property, and says its type and default', () => {
  const attributes = phone.attributes ?? [];
  assert.ok(
    attributes.some((a) => a.name === 'auto-register'),
    'the attributes are in the manifest',
  );
  for (const attribute of attributes) {
    assert.ok(attribute.type?.text, `attribute ${attribute.name} has a type (annotate the property, or @attr {type} ${attribute.name} for a global attribute)`);
    assert.ok(attribute.description, `attribute ${attribute.name} has a description`);
    if (!attribute.fieldName) {
      assert.ok(attribute.name in globalAttributes, `attribute ${attribute.name} → a property (only global HTML attributes may have none of ours)`);
      continue;
    }
    const field = phone.members.find((m) => m.kind === 'field' && m.name === attribute.fieldName);
    assert.ok(field, `attribute ${attribute.name} → property ${attribute.fieldName}`);
    assert.ok(!field.static && (field.privacy ?? 'public') === 'public', `${attribute.fieldName} is a public instance property`);
    assert.equal(field.attribute, attribute.name, `property ${field.name} names attribute ${attribute.name}`);
    assert.ok(attribute.default !== undefined, `attribute ${attribute.name} has a default`);
  }
  const withAttribute = phone.members.filter((m) => m.kind === 'field' && m.attribute).map((m) => m.attribute);
  assertSameNames(
    attributes.filter((a) => a.fieldName).map((a) => a.name),
    withAttribute,
    'attributes',
  );
});
