// The demo (`npm start`) as a visitor uses it: both phones register, the theme playground
// recolours both phones live and shows the CSS to copy, and the React example it links to
// registers. Under the page's strict CSP, with no CSP violation reported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../../demo/run-demo.mjs';
import { launchBrowser, until } from './support/harness.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function openDemo(query = '') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => /Content Security Policy|Refused to/.test(m.text()) && problems.push(m.text()));
  await page.goto(`${demo.url}${query}`);
  await page.waitForFunction(() => [...document.querySelectorAll('sip-phone')].every((p) => p.registrationState === 'registered'), null, { timeout: 15000 });
  return { page, context, problems };
}

/** The computed background of a part of each phone. */
const backgrounds = (page, part) =>
  page.evaluate(
    (p) => [...document.querySelectorAll('sip-phone')].map((phone) => getComputedStyle(phone.shadowRoot.querySelector(`[part~="${p}"]`)).backgroundColor),
    part,
  );

test('the theme playground recolours both phones live and shows the CSS to copy', async () => {
  const { page, context, problems } = await openDemo('?theme=light');
  try {
    const css = () => page.locator('#theme-css').textContent();
    assert.match(await css(), /Pick a colour/);

    await page.locator('input[name="accent"]').fill('#d93025');
    assert.deepEqual(await backgrounds(page, 'register-button'), ['rgb(217, 48, 37)', 'rgb(217, 48, 37)']);
    await page.locator('input[name="radius"]').evaluate((input) => {
      input.value = '3';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    assert.equal(await page.locator('output[name="radiusValue"]').textContent(), '3 px');
    const radius = await page.evaluate(() => [...document.querySelectorAll('sip-phone')].map((p) => getComputedStyle(p).borderTopLeftRadius));
    assert.deepEqual(radius, ['3px', '3px']);
    assert.equal(await css(), '/* <sip-phone> */\nsip-phone {\n  --sip-phone-accent: #d93025;\n  --sip-phone-radius: 3px;\n}\n');

    await page.locator('#theme').selectOption('dark');
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('sip-phone')].map((p) => p.getAttribute('theme'))), ['dark', 'dark']);
    assert.match(await css(), /^\/\* <sip-phone theme="dark"> \*\//);
    // The chosen accent still wins over the dark preset's.
    assert.deepEqual(await backgrounds(page, 'register-button'), ['rgb(217, 48, 37)', 'rgb(217, 48, 37)']);

    await page.locator('#theme-reset').click();
    await until(async () => /Pick a colour/.test(await css()), { timeout: 3000, message: 'the CSS reset' });
    assert.equal(await page.locator('#theme').inputValue(), 'dark', 'Reset keeps the preset');
    assert.equal(await page.locator('input[name="accent"]').inputValue(), '#8ab4f8', "the picker shows the dark preset's accent");
    assert.notDeepEqual(await backgrounds(page, 'register-button'), ['rgb(217, 48, 37)', 'rgb(217, 48, 37)']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the React example linked from the demo registers as carol', async () => {
  const { page, context, problems } = await openDemo();
  try {
    const link = page.locator('#react-link');
    assert.equal(await link.isVisible(), true);
    const href = await link.getAttribute('href');
    assert.match(href, /^\/test\/react\/index\.html\?server=ws%3A%2F%2F127\.0\.0\.1%3A\d+&uri=sip%3Acarol%40sip-phone\.test&password=carol-pw$/);
    const react = await context.newPage();
    await react.goto(new URL(href, demo.url).href);
    await until(async () => /Registered as sip:carol@sip-phone\.test/.test((await react.locator('#registration').textContent()) ?? ''), {
      timeout: 15000,
      message: 'the React example to register',
    });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("bob calls dave, the demo's plain SIP phone, and hears the tone dave plays", async () => {
  const { page, context, problems } = await openDemo();
  try {
    assert.equal(await page.locator('#plain-phone').isVisible(), true, `dave is on the page (the demo printed:\n${demo.output})`);
    assert.match(await page.locator('#plain-phone').textContent(), /dave is a plain SIP phone/);
    const bob = page.locator('#bob');
    await bob.evaluate((phone) => phone.call('dave'));
    await until(() => bob.evaluate((phone) => phone.activeCall?.state === 'active'), { timeout: 15000, message: "bob's call to dave to be answered" });
    const energy = () =>
      bob.evaluate(async (phone) => {
        let total = 0;
        (await phone.getPeerConnection().getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') total += s.totalAudioEnergy ?? 0;
        });
        return total;
      });
    await until(async () => (await energy()) > 0.01, { timeout: 10000, message: 'bob hearing dave (inbound audio energy)' });
    await bob.evaluate((phone) => phone.hangup());
    await until(() => bob.evaluate((phone) => phone.calls.length === 0), { message: 'the call to end' });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a call between the demo phones: the event log says what changed, never "undefined"', async () => {
  const { page, context, problems } = await openDemo();
  try {
    await page.evaluate(() => document.getElementById('bob').call('alice', { video: false }));
    await page.waitForFunction(() => document.getElementById('alice').activeCall?.state === 'incoming');
    await page.evaluate(() => document.getElementById('alice').answer());
    const log = () => page.locator('#log').textContent();
    await until(async () => /media = connected/.test(await log()), { message: 'the media line in the log' });
    // Each demo phone watches the other: bob's lamp at alice's is busy during the call.
    await until(async () => /bob is busy/.test(await log()), { message: "bob's busy lamp in the log" });
    assert.equal(await page.evaluate(() => document.getElementById('alice').presence.bob), 'busy');
    await page.evaluate(() => document.getElementById('bob').hangup());
    await until(async () => /bye|hangup/.test(await log()), { message: 'the end of the call in the log' });
    assert.doesNotMatch(await log(), /undefined/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the web login: a wrong password is refused; erin signs in and her phone registers with minted credentials only, its SIP under it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => /Content Security Policy|Refused to/.test(m.text()) && problems.push(m.text()));
  try {
    await page.goto(demo.url.replace(/\/demo\/$/, '/demo/login.html'));
    await page.locator('input[name="user"]').fill('erin');
    await page.locator('input[name="password"]').fill('erin-pw');
    await page.locator('form[action="/demo/login"] button').click();
    await page.waitForSelector('#failed:not([hidden])');
    await page.locator('input[name="user"]').fill('erin');
    await page.locator('input[name="password"]').fill('erin-web');
    await page.locator('form[action="/demo/login"] button').click();
    await page.waitForFunction(() => document.querySelector('sip-phone')?.registrationState === 'registered', null, { timeout: 15000 });
    assert.equal(await page.locator('#who').textContent(), 'erin');
    assert.equal(await page.evaluate(() => document.querySelector('sip-phone').password), '');
    const register = await page.evaluate(() => document.querySelector('sip-phone').recentSipMessages.find((m) => /^Authorization:/m.test(m.text)).text);
    assert.match(register, /^Authorization: …\r$/m, 'the digest is in the trace, blanked');
    const ladder = await page.evaluate(() => document.querySelector('sip-trace-view').text);
    assert.match(ladder, /SIP\/2\.0 200 OK[^]*CSeq: \d+ REGISTER/);
    assert.ok((await page.evaluate(() => document.querySelector('sip-phone').iceServers))[0]?.username.endsWith(':erin'), 'TURN credentials for erin');
    await page.locator('form[action="/demo/logout"] button').click();
    await page.waitForSelector('#signed-out:not([hidden])');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
