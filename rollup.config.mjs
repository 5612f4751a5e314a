// Builds dist/sip-phone.js: a self-contained, minified ES module (lit, jssip and webrtc-adapter
// bundled in) from the tsc output in lib/, and beside it in dist/chunks/ what it loads on demand
// (the page only loads dist/sip-phone.js). The npm library build is lib/ itself.
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { rmSync } from 'node:fs';

// Chunk names carry a hash: clear the last build's, or they would pile up in dist/chunks/.
rmSync(new URL('dist/', import.meta.url), { recursive: true, force: true });

// JsSIP logs through `debug`; the bundle swaps it for a silent stub (no logging code, and
// nothing a page could switch on to print SIP traffic). The npm build keeps the real one.
const silentDebug = {
  name: 'silent-debug',
  resolveId: (id) => (id === 'debug' ? '\0silent-debug' : null),
  load: (id) =>
    id === '\0silent-debug'
      ? `const noop = () => {};
         function debug() { const log = noop; log.enabled = false; log.log = noop; return log; }
         debug.default = debug; debug.enable = noop; debug.disable = noop; debug.enabled = () => false;
         export default debug;`
      : null,
};

export default {
  input: 'lib/index.js',
  // The entry may export what its chunks import from it (else rollup puts all in a shared chunk).
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'dist',
    entryFileNames: 'sip-phone.js',
    // The chunk with JsSIP (shared by the phone and the busy lamps) is named for it, not for
    // whichever of our modules rollup would name it after.
    chunkFileNames: ({ moduleIds }) =>
      moduleIds.some((id) => /[\\/]node_modules[\\/]jssip[\\/]/.test(id)) ? 'chunks/sip-stack-[hash].js' : 'chunks/[name]-[hash].js',
    format: 'es',
    sourcemap: false,
  },
  // JsSIP's own circular requires and tsc's decorator helper are harmless; say nothing of them.
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return;
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
  plugins: [
    silentDebug,
    // The HTML and CSS inside Lit's html`` and css`` templates (terser leaves template text alone).
    minifyHtmlLiterals(),
    replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
    nodeResolve({ browser: true, preferBuiltins: false }),
    commonjs(),
    json({ preferConst: true }),
    // Private `_name` properties (JsSIP's internals above all) get short names too. Not `_on…`
    // (webrtc-adapter also reaches those by computed name), nor Lit's `_$…`/`__…` protocol names.
    terser({
      // One cache for all chunks: a `_name` gets the same short name in every chunk that uses it.
      nameCache: {},
      ecma: 2020,
      module: true,
      format: { comments: false },
      compress: { passes: 3, pure_getters: true },
      mangle: { properties: { regex: /^_(?!on|_|\$)[A-Za-z]/ } },
    }),
  ],
};
