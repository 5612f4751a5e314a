// The package as npm publishes it: `npm pack`, unpacked into a scratch app under .test-tmp/ (its
// dependencies resolve from the repo's node_modules, so no registry is needed), then every export
// resolves, React stays out of the bundle, and the app's TypeScript sees the element's types.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const app = `${root}.test-tmp/consumer/`;
const installed = `${app}node_modules/sip-phone/`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
let packed = [];

before(() => {
  rmSync(app, { recursive: true, force: true });
  mkdirSync(`${installed}`, { recursive: true });
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  packed = info.files.map((f) => f.path);
  execFileSync('tar', ['-xzf', `${app}${info.filename}`, '-C', installed, '--strip-components=1']);
  writeFileSync(`${app}package.json`, JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  mkdirSync(`${app}src`);
  cpSync(`${root}test/package/consumer.tsx`, `${app}src/consumer.tsx`);
});

test('the tarball holds the library, its types, the bundle and the manifest, and no sources or tests', () => {
  for (const file of [
    'package.json',
    'LICENSE',
    'lib/index.js',
    'lib/index.d.ts',
    'lib/events.d.ts',
    'lib/react.js',
    'lib/react.d.ts',
    'dist/sip-phone.js',
    'custom-elements.json',
  ]) {
    assert.ok(packed.includes(file), `${file} is packed`);
  }
  assert.deepEqual(
    packed.filter((file) => /^(src|test|demo|\.ci)\//.test(file) || file.startsWith('node_modules/')),
    [],
  );
  for (const file of pkg.sideEffects) assert.ok(existsSync(`${installed}${file}`), `sideEffects entry ${file} exists`);
  assert.equal(pkg.customElements, 'custom-elements.json');
});

test('every export resolves to a packed file, and internals are not exported', () => {
  const script = `
    const out = {};
    for (const s of ['sip-phone', 'sip-phone/bundle', 'sip-phone/dist/sip-phone.js', 'sip-phone/react', 'sip-phone/custom-elements.json', 'sip-phone/package.json', 'sip-phone/lib/core/phone.js']) {
      try { out[s] = import.meta.resolve(s).replace(/^.*\\/node_modules\\/sip-phone\\//, ''); } catch (e) { out[s] = e.code; }
    }
    const manifest = (await import('sip-phone/custom-elements.json', { with: { type: 'json' } })).default;
    out.tags = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.tagName).map((d) => d.tagName)).sort();
    console.log(JSON.stringify(out));`;
  const resolved = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: `${app}src`, encoding: 'utf8' }));
  assert.deepEqual(resolved, {
    'sip-phone': 'lib/index.js',
    'sip-phone/bundle': 'dist/sip-phone.js',
    'sip-phone/dist/sip-phone.js': 'dist/sip-phone.js',
    'sip-phone/react': 'lib/react.js',
    'sip-phone/custom-elements.json': 'custom-elements.json',
    'sip-phone/package.json': 'package.json',
    'sip-phone/lib/core/phone.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    tags: ['sip-call-quality', 'sip-call-timer', 'sip-contacts', 'sip-conversations', 'sip-mic-level', 'sip-phone', 'sip-setup-check', 'sip-trace-view'],
  });
});

test('react and @lit/react are imported by lib/react.js, and are not in the bundle', () => {
  const wrapper = readFileSync(`${installed}lib/react.js`, 'utf8');
  assert.match(wrapper, /^import \* as React from 'react';$/m);
  assert.match(wrapper, /^import \{ createComponent \} from '@lit\/react';$/m);
  const bundle = readFileSync(`${installed}dist/sip-phone.js`, 'utf8');
  assert.doesNotMatch(bundle, /react\.(transitional\.)?element|__CLIENT_INTERNALS|createComponent/, 'no React in dist/sip-phone.js');
  assert.ok(
    pkg.peerDependenciesMeta?.react?.optional && pkg.peerDependenciesMeta?.['@lit/react']?.optional,
    'React users install react and @lit/react; nobody else needs them',
  );
});

for (const moduleResolution of ['bundler', 'nodenext']) {
  test(`an app's TypeScript (moduleResolution ${moduleResolution}) types querySelector('sip-phone'), sip-* listeners and the React props`, () => {
    const compilerOptions = {
      target: 'ES2022',
      module: moduleResolution === 'bundler' ? 'ESNext' : 'NodeNext',
      moduleResolution,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      jsx: 'react-jsx',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    };
    writeFileSync(`${app}tsconfig.json`, JSON.stringify({ compilerOptions, include: ['src'] }));
    try {
      execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', app], { encoding: 'utf8' });
    } catch (error) {
      assert.fail(`tsc found errors:\n${error.stdout}`);
    }
  });
}
