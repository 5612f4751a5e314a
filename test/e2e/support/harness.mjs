// End-to-end harness: a static server for the repo (built bundle + test pages), Debian's Chromium
// through playwright-core, and one browser context per phone. Everything on 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { firefoxPrefs } from '../../firefox-prefs.mjs';
import { startKamailio } from '../../../demo/kamailio/kamailio.mjs';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/**
 * Serves the repository read-only on 127.0.0.1; resolves to its base URL and a close(). `first`
 * (e.g. the demo's web login) may answer a request itself: it resolves to true then.
 */
export async function serveRepo(first) {
  const server = createServer(async (req, res) => {
    if (await first?.(req, res)) return;
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(root, path.endsWith('/') ? `${path}index.html` : path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

export const chromiumArgs = [
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
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Chromium as the tests use it. `autoplayPolicy` replaces the tests' 'no-user-gesture-required'
 * (e.g. 'document-user-activation-required', a browser's default, to test a blocked ringtone).
 */
export async function launchBrowser({ ignoreCertificateErrors = false, autoplayPolicy } = {}) {
  let args = ignoreCertificateErrors ? [...chromiumArgs, '--ignore-certificate-errors'] : chromiumArgs;
  if (autoplayPolicy) args = args.map((arg) => (arg.startsWith('--autoplay-policy=') ? `--autoplay-policy=${autoplayPolicy}` : arg));
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args });
}

/**
 * Debian's Firefox ESR through puppeteer-core (WebDriver BiDi), shaped like the Playwright browser
 * the tests use: `newContext()` gives an isolated context whose pages have the same `evaluate`,
 * `waitForFunction`, `goto` and `on('console')` as Playwright's (locators differ: not used here).
 */
export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: firefoxPrefs,
  });
  return {
    name: 'firefox',
    newContext: async () => browser.createBrowserContext(),
    close: () => browser.close(),
  };
}

/**
 * Debian's Chromium through puppeteer-core, shaped like the Playwright browser (see launchFirefox),
 * for what Playwright prevents: its pages can be hidden (another tab brought to the front) and
 * frozen (CDP Page.setWebLifecycleState). Without puppeteer's switches that stop background
 * throttling, so a hidden page is throttled as in a user's browser.
 */
export async function launchThrottledChromium() {
  const browser = await puppeteer.launch({
    browser: 'chrome',
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    acceptInsecureCerts: true,
    args: chromiumArgs.filter((arg) => !arg.startsWith('--headless')),
    ignoreDefaultArgs: ['--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows', '--disable-renderer-backgrounding'],
  });
  return {
    name: 'chromium',
    newContext: async () => browser.createBrowserContext(),
    close: () => browser.close(),
  };
}

export const users = {
  alice: 'alice-pw',
  bob: 'bob-pw',
  carol: 'carol-pw',
  dave: 'dave-pw',
  erin: 'erin-pw',
};

/**
 * Opens a page with one <sip-phone> in a fresh browser context.
 * `attributes` are set on the element; the password goes in as a property.
 * With `bare`, the element gets only `attributes` (no server, uri or password).
 * With `context`, the page opens as one more tab of that context; `beforeLoad` { script, arg }
 * runs in the page before its own scripts.
 */
export async function openPhone(
  browser,
  baseUrl,
  { user, server, password = users[user], attributes = {}, contextOptions = {}, bare = false, context: shared, beforeLoad },
) {
  // With `context`: another tab of that browser profile (closing it closes just the tab).
  const context = shared ?? (await browser.newContext({ ignoreHTTPSErrors: true, ...contextOptions }));
  const page = await context.newPage();
  if (beforeLoad) await page.addInitScript(beforeLoad.script, beforeLoad.arg);
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.goto(`${baseUrl}/test/e2e/pages/phone.html`);
  await page.waitForFunction(() => customElements.get('sip-phone') && window.addPhone);
  await page.evaluate(
    ([attrs, pw]) => {
      window.addPhone(attrs, pw);
    },
    bare ? [attributes, null] : [{ server, uri: `sip:${user}@sip-phone.test`, ...attributes }, password],
  );
  return {
    user,
    page,
    context,
    consoleLines,
    /** Waits for a sip-* event whose detail matches `filter` (dotted paths allowed). */
    waitFor: (type, filter = {}, timeout = 15000) => page.evaluate(([t, f, ms]) => window.waitForEvent(t, f, ms), [type, filter, timeout]),
    events: (type) => page.evaluate((t) => window.sipEvents.filter((e) => !t || e.type === t), type),
    stats: () => page.evaluate(() => window.callStats()),
    /** Runs `method(...args)` on the element; resolves to { value } or { error: { code, message } }. */
    call: (method, ...args) =>
      page.evaluate(
        async ([m, a]) => {
          try {
            const value = await window.phone()[m](...a);
            return value === undefined ? {} : { value };
          } catch (e) {
            return { error: { code: e.code, message: e.message, name: e.name } };
          }
        },
        [method, args],
      ),
    prop: (name) => page.evaluate((n) => JSON.parse(JSON.stringify(window.phone()[n] ?? null)), name),
    /** Text in the element's shadow root matching a CSS selector. */
    text: (selector) => page.evaluate((s) => window.phone().shadowRoot.querySelector(s)?.textContent ?? null, selector),
    close: () => (shared ? page.close() : context.close()),
  };
}

/** Polls `fn` until it returns a truthy value or `timeout` ms pass; resolves to the value. */
/** Opens a phone with `auto-register` (plus `attributes`) and resolves once it is registered. */
export async function openRegisteredPhone(browser, baseUrl, { user, server, attributes = {}, ...options }) {
  const phone = await openPhone(browser, baseUrl, { user, server, ...options, attributes: { 'auto-register': true, ...attributes } });
  await phone.waitFor('sip-registered', { uri: `sip:${user}@sip-phone.test` });
  return phone;
}

export async function until(fn, { timeout = 10000, interval = 100, message = 'condition' } = {}) {
  const started = Date.now();
  let last;
  while (Date.now() - started < timeout) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${message}; last value ${JSON.stringify(last)}`);
}

/**
 * The usual set-up of an end-to-end file: a Kamailio of its own, the static server and Chromium
 * (and with `firefox`, Firefox too), started before its tests and stopped after them. Read them from the returned object in tests.
 */
export function e2eSuite(name, { kamailio = {}, browser = {}, firefox = false, setup } = {}) {
  const env = { kamailio: null, web: null, browser: null, firefox: null };
  before(async () => {
    await setup?.();
    env.kamailio = await startKamailio({ name, ...kamailio });
    env.web = await serveRepo();
    env.browser = await launchBrowser(browser);
    if (firefox) env.firefox = await launchFirefox();
  });
  after(async () => {
    await env.firefox?.close();
    await env.browser?.close();
    await env.web?.close();
    await env.kamailio?.stop();
  });
  return env;
}

/** Resolves to the phone's stats once audio (and video frames) keep arriving and it sends too. */
export async function mediaFlows(phone, { video }) {
  const first = await until(() => phone.stats(), { message: `${phone.user}'s stats` });
  return until(
    async () => {
      const now = await phone.stats();
      const audio = now.audioBytesIn > first.audioBytesIn && now.audioBytesIn > 1000;
      const frames = !video || (now.framesDecoded > first.framesDecoded && now.framesDecoded > 5);
      return audio && frames && now.bytesOut > 0 ? now : null;
    },
    { timeout: 10000, message: `media flowing into ${phone.user}` },
  );
}

/** What each phone received during `ms`: audio energy (sound, not packets), decoded frames, picture brightness. */
export async function receivedDuring(phones, ms) {
  const before = await Promise.all(phones.map((p) => p.stats()));
  await new Promise((r) => setTimeout(r, ms));
  const after = await Promise.all(phones.map((p) => p.stats()));
  const luma = await Promise.all(phones.map((p) => p.page.evaluate(() => window.remoteVideoLuma())));
  return after.map((a, i) => ({ energy: a.audioEnergyIn - before[i].audioEnergyIn, frames: a.framesDecoded - before[i].framesDecoded, luma: luma[i] }));
}

/** Asserts each phone hears (and, with video, sees a picture from) the other, within a few seconds. */
export async function bothWays(phones, { video = true } = {}, label = '') {
  let last;
  await until(
    async () => {
      last = await receivedDuring(phones, 1200);
      return last.every((r) => r.energy > 0.005 && (!video || (r.frames > 5 && r.luma > 20)));
    },
    { timeout: 12000, interval: 0, message: `sound${video ? ' and picture' : ''} both ways ${label}` },
  ).catch((e) => {
    throw new Error(`${e.message}: ${JSON.stringify(last)}`);
  });
}

/**
 * axe-core on the element (into its open shadow root), once per preset. The test page's CSP
 * (script-src 'self') blocks an inline script, so axe comes from the repo's static server.
 */
export async function assertNoAxeViolations(phone, baseUrl, state) {
  if (!(await phone.page.evaluate(() => 'axe' in window))) {
    await phone.page.addScriptTag({ url: `${baseUrl}/node_modules/axe-core/axe.min.js` });
  }
  for (const theme of ['light', 'dark']) {
    const violations = await phone.page.evaluate(async (t) => {
      const element = window.phone();
      element.setAttribute('theme', t);
      await element.updateComplete;
      const results = await window.axe.run(element, { resultTypes: ['violations'] });
      return results.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' >>> ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
      }));
    }, theme);
    assert.deepEqual(violations, [], `${phone.user}, ${state}, theme=${theme}: ${JSON.stringify(violations, null, 2)}`);
  }
}
