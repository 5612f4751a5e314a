// The benchmark's two phones on one of the bench pages: a caller and an auto-answering callee,
// each in a browser context of its own, registered at `server`.
import { users } from '../e2e/support/harness.mjs';

export async function openPair(browser, webUrl, server, kind, { initScripts = [], iceServers = [] } = {}) {
  const plain = kind === 'plain-jssip';
  const open = async (user, autoAnswer) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const script of initScripts) await page.addInitScript(script);
    await page.goto(`${webUrl}/test/bench/pages/${kind}.html`);
    await page.waitForFunction(() => window.bench && window.firstRemoteFrameAfter);
    const { registerMs } = await page.evaluate((o) => window.bench.start(o), { server, user, password: users[user], autoAnswer, iceServers });
    return { page, context, registerMs };
  };
  const caller = await open(plain ? 'carol' : 'alice', false);
  const callee = await open(plain ? 'dave' : 'bob', true);
  return { caller, callee, target: plain ? 'sip:dave@sip-phone.test' : 'bob' };
}
