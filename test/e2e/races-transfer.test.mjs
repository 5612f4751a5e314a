// The attended transfer with the cores busy, RACE_REPEATS times each (3 in npm test, 20 in npm
// run test:races): alice's hold re-INVITE to bob, its ACK, her REFER to bob, bob's INVITE with
// Replaces to carol and alice's ACK to carol all cross when the pages are slow. All in Chromium,
// and with carol in Firefox (once flaky: bob's page recorded nothing after the call was active).
import { describe, test } from 'node:test';
import { e2eSuite, openRegisteredPhone } from './support/harness.mjs';
import { attendedTransfer } from './support/attended-transfer.mjs';
import { RACE_REPEATS, repeatUnderLoad } from './support/cpu-load.mjs';

const env = e2eSuite('races-transfer', { firefox: true });

const browsers = { Chromium: () => env.browser, Firefox: () => env.firefox };
const registered = (browser, user, attributes) => openRegisteredPhone(browsers[browser](), env.web.url, { user, server: env.kamailio.wsUrl, attributes });
const timeout = 60000 + RACE_REPEATS * 40000;

describe(`attended transfer, ${RACE_REPEATS} runs each with the cores busy`, () => {
  for (const carolBrowser of ['Chromium', 'Firefox']) {
    test(`alice (Chromium) connects bob (Chromium) with carol (${carolBrowser})`, { timeout }, () =>
      repeatUnderLoad(RACE_REPEATS, async () => {
        const alice = await registered('Chromium', 'alice');
        const bob = await registered('Chromium', 'bob', { 'auto-answer': true });
        const carol = await registered(carolBrowser, 'carol', { 'auto-answer': true });
        try {
          await attendedTransfer(alice, bob, carol);
        } finally {
          await Promise.all([alice, bob, carol].map((p) => p.close()));
        }
      }),
    );
  }
});
