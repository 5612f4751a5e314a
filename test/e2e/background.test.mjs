// Background tabs, as Chromium treats them in a user's browser: a page frozen for two minutes
// (CDP Page.setWebLifecycleState, as the browser freezes background tabs) and a page hidden long
// enough for intensive wake-up throttling (timers chained from timers run once a minute). Driven
// through puppeteer-core: Playwright keeps every page visible and its freeze has no effect.
// The two run side by side, each with its own Kamailio, to wait out the long pauses only once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, launchThrottledChromium, openRegisteredPhone, serveRepo, until } from './support/harness.mjs';

const FREEZE_MS = Number(process.env.FREEZE_MS ?? 120_000);
const HIDDEN_MS = 70_000; // measured here: intensive throttling sets in after about 60 s hidden
const KEEPALIVE_S = 25;

const env = {};
before(async () => {
  [env.frozenServer, env.hiddenServer, env.web, env.browser, env.throttled] = await Promise.all([
    startKamailio({ name: 'background-frozen' }),
    startKamailio({ name: 'background-hidden' }),
    serveRepo(),
    launchBrowser(),
    launchThrottledChromium(),
  ]);
});
after(async () => {
  await env.throttled?.close();
  await env.browser?.close();
  await env.web?.close();
  await Promise.all([env.frozenServer?.stop(), env.hiddenServer?.stop()]);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const phoneOn = (browser, server, user, attributes = {}) => openRegisteredPhone(browser, env.web.url, { user, server: server.wsUrl, attributes });
/** When (ms since the epoch) the page recorded each of its events of this type. */
const eventTimes = (phone, type) =>
  phone.page.evaluate((t) => window.sipEvents.filter((e) => e.type === t).map((e) => Math.round(performance.timeOrigin + e.at)), type);
/** Hides the phone's page: another tab of its browser profile comes to the front. */
async function hide(phone) {
  const front = await phone.context.newPage();
  await front.bringToFront();
  assert.equal(await phone.page.evaluate(() => document.visibilityState), 'hidden');
}

describe('background tabs', { concurrency: 2 }, () => {
  test(
    'a tab frozen for 2 minutes (register-expires 60, so its registration lapsed) is registered again within 2 s of resuming, and rings',
    { timeout: FREEZE_MS + 60_000 },
    async () => {
      const alice = await phoneOn(env.throttled, env.frozenServer, 'alice', { 'register-expires': 60 });
      const bob = await phoneOn(env.browser, env.frozenServer, 'bob');
      try {
        const cdp = await alice.page.createCDPSession();
        await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
        await sleep(FREEZE_MS);
        assert.deepEqual(await env.frozenServer.contacts('alice'), [], 'the registration lapsed at the registrar');
        const registeredBefore = (await eventTimes(alice, 'sip-registered')).length;
        const resumed = Date.now();
        await cdp.send('Page.setWebLifecycleState', { state: 'active' });
        await until(async () => (await eventTimes(alice, 'sip-registered')).length > registeredBefore, {
          timeout: 5000,
          interval: 50,
          message: 'registered again',
        });
        const again = (await eventTimes(alice, 'sip-registered')).at(-1) - resumed;
        const timeline = await alice.page.evaluate(
          (t0) => window.sipEvents.map((e) => [e.type, Math.round(performance.timeOrigin + e.at - t0)]).filter(([, at]) => at > -1000),
          resumed,
        );
        console.log(`# registered again ${again} ms after a ${FREEZE_MS / 1000} s freeze: ${JSON.stringify(timeline)}`);
        assert.ok(again <= 2000, `registered again ${again} ms after resuming`);
        assert.equal((await env.frozenServer.contacts('alice')).length, 1);

        await bob.call('call', 'alice', { video: false });
        await alice.waitFor('sip-incoming-call', {}, 5000);
        await bob.call('hangup');
        await alice.waitFor('sip-call-ended', {}, 5000);
      } finally {
        await Promise.all([alice.close(), bob.close()]);
      }
    },
  );

  test(
    `in a hidden, throttled tab a call rings within 1 s, and a frozen server is noticed within keepalive-interval + 5 s`,
    { timeout: HIDDEN_MS + 90_000 },
    async () => {
      const carol = await phoneOn(env.throttled, env.hiddenServer, 'carol', { 'keepalive-interval': KEEPALIVE_S });
      const dave = await phoneOn(env.browser, env.hiddenServer, 'dave');
      try {
        await hide(carol);
        // Proof that this tab is throttled: a chain of 200 ms timers ticks once a minute by now.
        await carol.page.evaluate(() => {
          window.ticks = 0;
          const tick = () => {
            window.ticks++;
            setTimeout(tick, 200);
          };
          tick();
        });
        await sleep(HIDDEN_MS);
        const ticksBefore = await carol.page.evaluate(() => window.ticks);
        await sleep(5000);
        const ticks = (await carol.page.evaluate(() => window.ticks)) - ticksBefore;
        console.log(`# hidden ${HIDDEN_MS / 1000} s: a 200 ms timer chain ticked ${ticks} times in the next 5 s`);
        assert.ok(ticks <= 5, `throttled (${ticks} ticks in 5 s; 25 when visible)`);

        const placed = Date.now();
        await dave.call('call', 'carol', { video: false });
        await until(async () => (await eventTimes(carol, 'sip-incoming-call')).length > 0, { timeout: 5000, interval: 50, message: 'carol rings' });
        const rang = (await eventTimes(carol, 'sip-incoming-call'))[0] - placed;
        console.log(`# hidden tab rang ${rang} ms after the call was placed`);
        assert.ok(rang <= 1000, `rang ${rang} ms after the call was placed`);
        await dave.call('hangup');
        await until(async () => (await eventTimes(carol, 'sip-call-ended')).length > 0, { timeout: 5000, message: 'the ringing ended' });

        const frozenAt = Date.now();
        env.hiddenServer.freeze();
        try {
          await until(async () => (await eventTimes(carol, 'sip-connection-lost')).length > 0, {
            timeout: (KEEPALIVE_S + 15) * 1000,
            interval: 200,
            message: 'the frozen server noticed',
          });
          const noticed = (await eventTimes(carol, 'sip-connection-lost'))[0] - frozenAt;
          console.log(`# hidden tab noticed the frozen server after ${noticed} ms (keepalive-interval ${KEEPALIVE_S} s)`);
          assert.ok(noticed <= (KEEPALIVE_S + 5) * 1000, `noticed after ${noticed} ms`);
        } finally {
          env.hiddenServer.thaw();
        }
      } finally {
        await Promise.all([carol.close(), dave.close()]);
      }
    },
  );
});
