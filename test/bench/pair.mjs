// The benchmark's two phones on one of the bench pages: a caller and an auto-answering callee,
// each in a browser context of its own, registered at `server`. `page` replaces the page's path
// (test/bench/pages/<kind>.html), `users` the pair's two users.
import { users as passwords } from '../e2e/support/harness.mjs';

export async function openPair(browser, webUrl, server, kind, { initScripts = [], iceServers = [], page: path, users } = {}) {
  const plain = kind === 'plain-jssip';
  const [callerUser, calleeUser] = users ?? (plain ? ['carol', 'dave'] : ['alice', 'bob']);
  const open = async (user, autoAnswer) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const script of initScripts) await page.addInitScript(script);
    await page.goto(`${webUrl}/${path ?? `test/bench/pages/${kind}.html`}`);
    await page.waitForFunction(() => window.bench && window.firstRemoteFrameAfter);
    const { registerMs } = await page.evaluate((o) => window.bench.start(o), { server, user, password: passwords[user], autoAnswer, iceServers });
    return { page, context, registerMs };
  };
  const caller = await open(callerUser, false);
  const callee = await open(calleeUser, true);
  const target = users ? `sip:${calleeUser}@sip-phone.test` : plain ? 'sip:dave@sip-phone.test' : 'bob';
  return { caller, callee, target };
}
