// SIP.js 0.21 as the other party of e2e calls. bundleSipJsPeer() bundles the peer page's script
// (test/e2e/pages/sipjs-peer.js with sip.js from node_modules) into one ES module at
// .test-tmp/e2e/sipjs-peer.js (gitignored), which pages/sipjs.html loads: no CDN, no inline
// script, so the page keeps phone.html's strict CSP. openSipJsPeer() opens and registers one.
import { build } from 'esbuild';
import { join } from 'node:path';
import { root, users } from './harness.mjs';

export async function bundleSipJsPeer() {
  await build({
    entryPoints: [join(root, 'test/e2e/pages/sipjs-peer.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(root, '.test-tmp/e2e/sipjs-peer.js'),
    logLevel: 'error',
  });
}

/**
 * Opens the SIP.js peer page in a fresh browser context and registers `user` (password from
 * harness `users`) with the server; the returned handle mirrors openPhone's where it can.
 */
export async function openSipJsPeer(browser, baseUrl, { user, server, video = false }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.goto(`${baseUrl}/test/e2e/pages/sipjs.html`);
  await page.waitForFunction(() => window.peer && window.peerConnectionStats);
  await page.evaluate((options) => window.peer.start(options), { server, aor: `sip:${user}@sip-phone.test`, password: users[user], video });
  const run = (method, ...args) => page.evaluate(([m, a]) => window.peer[m](...a), [method, args]);
  return {
    user,
    page,
    context,
    consoleLines,
    run,
    stats: () => run('stats'),
    /** Resolves once the peer recorded an event of this type (after `from` events). */
    waitFor: (type, { from = 0, timeout = 15000 } = {}) =>
      page.waitForFunction(([t, f]) => window.peerEvents.slice(f).some((e) => e.type === t), [type, from], { timeout, polling: 50 }),
    events: () => page.evaluate(() => window.peerEvents.map((e) => e.type)),
    /** SIP messages over its WebSocket: { direction: 'in' | 'out', text, at }. */
    trace: () => page.evaluate(() => window.sipTrace),
    close: async () => {
      await run('stop').catch(() => {});
      await context.close();
    },
  };
}
