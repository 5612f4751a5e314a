// `npm start -- --cluster` as a visitor uses it: the script prints both edges (ws and wss), the
// demo page's two phones register, each through one of the edges (the page lists both), and they
// call each other; stopping the script closes every edge.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startDemo } from '../../demo/run-demo.mjs';
import { launchBrowser, until } from './support/harness.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo({ args: ['--cluster'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

const refused = (port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

test('the cluster demo: both edges printed, both phones registered through them and calling each other; stopping the script closes the edges', async () => {
  await until(() => /Ctrl-C stops everything/.test(demo.output), { message: 'the whole banner' });
  const edges = [1, 2].map((n) => ({
    ws: new RegExp(`edge ${n}: (ws://127\\.0\\.0\\.1:(\\d+))`).exec(demo.output),
    wss: new RegExp(`edge ${n}: (wss://127\\.0\\.0\\.1:(\\d+))`).exec(demo.output),
  }));
  assert.ok(
    edges.every((e) => e.ws && e.wss),
    demo.output,
  );
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(demo.url);
    await page.waitForFunction(() => [...document.querySelectorAll('sip-phone')].every((p) => p.registrationState === 'registered'), null, { timeout: 15000 });
    const servers = await page.evaluate(() => [...document.querySelectorAll('sip-phone')].map((p) => p.server));
    for (const server of servers) assert.equal(server, `${edges[0].ws[1]} ${edges[1].ws[1]}`);
    // bob calls alice on the page
    await page.evaluate(() => {
      const [alice, bob] = document.querySelectorAll('sip-phone');
      alice.addEventListener('sip-incoming-call', () => alice.answer(), { once: true });
      bob.call('alice');
    });
    await page.waitForFunction(() => document.querySelector('sip-phone[uri^="sip:bob"]').activeCall?.state === 'active', null, { timeout: 15000 });
    await page.evaluate(() => document.querySelector('sip-phone[uri^="sip:bob"]').hangup());
  } finally {
    await context.close();
  }
  await demo.stop();
  for (const edge of edges) for (const url of [edge.ws, edge.wss]) assert.ok(await refused(Number(url[2])), `${url[1]} closed`);
});
