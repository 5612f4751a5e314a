// Screenshots of the demo for the README: light and dark, 360 px and 1280 px wide, written to
// demo/screenshots/*.png. Starts the demo (demo/start.mjs: Kamailio and the page), opens it in
// Debian's Chromium with playwright-core, waits for both phones to register, and has bob call
// alice so the phones show a call ringing in (and, for one more shot, a video call in progress). Run after `npm run build`, inside the loopback-only
// network namespace:
//
//   bash test/loopback-only.sh node demo/screenshots.mjs
//
// The 1280 px shots are of the whole page, the 360 px ones of the first screen (FULL_PAGE=1: the
// whole page too); SCREENSHOTS_DIR=/some/dir/ writes elsewhere (to look without touching the repo).
import { mkdir, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../test/e2e/support/harness.mjs';
import { startDemo } from './run-demo.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = process.env.SCREENSHOTS_DIR ?? `${here}screenshots/`;
/** The PNGs are committed: keep each well under this. */
const MAX_BYTES = 300 * 1024;
const SHOTS = [
  { theme: 'light', width: 1280, height: 900 },
  { theme: 'dark', width: 1280, height: 900 },
  { theme: 'light', width: 360, height: 760 },
  { theme: 'dark', width: 360, height: 760 },
  // A video call in progress: caller card, timer, microphone meter, in-call controls.
  { theme: 'light', width: 1280, height: 900, videoCall: true },
];

const registered = () => [...document.querySelectorAll('sip-phone')].every((phone) => phone.registrationState === 'registered');

async function shoot(browser, url, { theme, width, height, videoCall = false }) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, colorScheme: theme });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${url}?theme=${theme}`);
    await page.waitForFunction(registered, null, { timeout: 15000 });
    // bob calls alice: the picture shows a call ringing in, and the event log has something to say.
    await page.evaluate((video) => document.getElementById('bob').call('alice', { video }), videoCall);
    await page.waitForFunction(() => document.getElementById('alice').activeCall?.state === 'incoming', null, { timeout: 10000 });
    if (videoCall) {
      await page.evaluate(() => document.getElementById('alice').answer());
      // Both pictures playing and a few seconds on the timer.
      const playing = () =>
        [...document.querySelectorAll('sip-phone')].every((phone) => phone.shadowRoot.querySelector('[part~="remote-video"]')?.videoWidth > 0);
      await page.waitForFunction(playing, null, { timeout: 15000 });
      await page.waitForTimeout(3000);
    }
    // Let fonts settle and the status line catch up.
    await page.waitForTimeout(500);
    const file = `${outDir}demo-${videoCall ? 'video-call' : theme}-${width}.png`;
    await page.screenshot({ path: file, fullPage: width > 1000 || !!process.env.FULL_PAGE });
    // Leave no registration behind: the next context's phones are new contacts for the same users.
    await page.evaluate(async () => {
      await document
        .getElementById('bob')
        .hangup()
        .catch(() => {});
      await Promise.all([...document.querySelectorAll('sip-phone')].map((phone) => phone.unregister()));
    });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return file;
  } finally {
    await context.close();
  }
}

const demo = await startDemo();
let browser;
try {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: chromiumArgs });
  await mkdir(outDir, { recursive: true });
  for (const shot of SHOTS) {
    const file = await shoot(browser, demo.url, shot);
    const { size } = await stat(file);
    console.log(`${relative(process.cwd(), file)}  ${Math.round(size / 1024)} KB`);
    if (size > MAX_BYTES) process.exitCode = (console.error(`${file} is larger than ${MAX_BYTES / 1024} KB`), 1);
  }
} finally {
  await browser?.close();
  await demo.stop();
}
