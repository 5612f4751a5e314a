// Unit tests in Debian's Chromium and Debian's Firefox ESR (driven by puppeteer-core over WebDriver
// BiDi: Playwright's own Firefox build cannot be downloaded here; BROWSERS=chromium or =firefox
// picks one): the DOM-free core (with a fake WebSocket that answers like a
// registrar) and the element (rendering, properties, events, parts) without a SIP server.
import { buildSync } from 'esbuild';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import puppeteer from 'puppeteer-core';
import { firefoxPrefs } from './firefox-prefs.mjs';

const root = new URL('..', import.meta.url).pathname;

// JsSIP (CommonJS with circular requires) and webrtc-adapter (which pulls in the CommonJS `sdp`)
// cannot be loaded by per-file CJS→ESM conversion: bundle each once into one ES module and serve
// that for its bare name.
const prebundled = { jssip: 'node_modules/jssip/lib/JsSIP.js', 'webrtc-adapter': 'node_modules/webrtc-adapter/dist/adapter_core.js' };
for (const [name, entry] of Object.entries(prebundled)) {
  buildSync({
    entryPoints: [`${root}${entry}`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: `${root}.test-tmp/${name}.js`,
    define: { 'process.env.NODE_ENV': '"test"' },
    logLevel: 'error',
  });
}

const servePrebundled = {
  name: 'serve-prebundled',
  resolveImport: ({ source }) => (source in prebundled ? `/.test-tmp/${source}.js` : undefined),
};

const launchers = {
  chromium: () =>
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          '--allow-loopback-in-peer-connection',
        ],
      },
    }),
  firefox: () =>
    chromeLauncher({
      puppeteer,
      launchOptions: {
        browser: 'firefox',
        executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
        headless: true,
        extraPrefsFirefox: firefoxPrefs,
      },
    }),
};

export default {
  rootDir: root,
  files: ['test/core/**/*.test.ts', 'test/element/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['production'] },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  plugins: [servePrebundled, esbuildPlugin({ ts: true, tsconfig: `${root}tsconfig.json`, target: 'es2022' })],
  browsers: Object.entries(launchers)
    .filter(([name]) => !process.env.BROWSERS || process.env.BROWSERS.split(',').includes(name))
    .map(([, launch]) => launch()),
};
