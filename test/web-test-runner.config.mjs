// Unit tests in Debian's Chromium: the DOM-free core (with a fake WebSocket that answers like a
// registrar) and the element (rendering, properties, events, parts) without a SIP server.
import { buildSync } from 'esbuild';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

const root = new URL('..', import.meta.url).pathname;

// JsSIP is CommonJS with circular requires, which per-file CJS→ESM conversion cannot load:
// bundle it once into one ES module (default export) and serve that for 'jssip'.
buildSync({
  entryPoints: [`${root}node_modules/jssip/lib/JsSIP.js`],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: `${root}.test-tmp/jssip.js`,
  define: { 'process.env.NODE_ENV': '"test"' },
  logLevel: 'error',
});

const jssipBundle = {
  name: 'jssip-bundle',
  resolveImport: ({ source }) => (source === 'jssip' ? '/.test-tmp/jssip.js' : undefined),
};

export default {
  rootDir: root,
  files: ['test/core/**/*.test.ts', 'test/element/**/*.test.ts'],
  nodeResolve: { browser: true },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  plugins: [jssipBundle, esbuildPlugin({ ts: true, tsconfig: `${root}tsconfig.json`, target: 'es2022' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
          '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
        ],
      },
    }),
  ],
};
