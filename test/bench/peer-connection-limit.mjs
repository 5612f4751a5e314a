// When does Chromium's RTCPeerConnection constructor refuse ("Cannot create so many
// PeerConnections", JsSIP issue #532)? Each case makes up to 600 bare peer connections in a fresh
// page and reports the number made before the constructor threw (null: it never did).
// No SIP, no network: `bash test/loopback-only.sh node test/bench/peer-connection-limit.mjs`.
import { launchBrowser } from '../e2e/support/harness.mjs';

const COUNT = Number(process.env.PC_LIMIT_COUNT ?? 600);
const cases = {
  neverClosed: { close: false, keep: true, gcEvery: 0 },
  closedButReferenced: { close: true, keep: true, gcEvery: 0 },
  closedAndDropped: { close: true, keep: false, gcEvery: 0 },
  closedDroppedForcedGcEvery50: { close: true, keep: false, gcEvery: 50 },
};

const browser = await launchBrowser();
const results = {};
try {
  for (const [name, { close, keep, gcEvery }] of Object.entries(cases)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('about:blank');
    const cdp = await context.newCDPSession(page);
    await page.evaluate(() => {
      window.kept = [];
    });
    let made = 0;
    let error = null;
    const started = Date.now();
    while (made < COUNT && !error) {
      const batch = gcEvery || 25;
      const r = await page.evaluate(
        ([n, c, k]) => {
          for (let i = 0; i < n; i++) {
            let pc;
            try {
              pc = new RTCPeerConnection();
            } catch (e) {
              return { made: i, error: `${e.name}: ${e.message}` };
            }
            // An unused transceiver, as a call has, so the connection is not an empty shell.
            pc.addTransceiver('audio');
            if (c) pc.close();
            if (k) window.kept.push(pc);
          }
          return { made: n, error: null };
        },
        [Math.min(batch, COUNT - made), close, keep],
      );
      made += r.made;
      error = r.error;
      if (gcEvery) await cdp.send('HeapProfiler.collectGarbage');
    }
    results[name] = { made, threwAt: error ? made + 1 : null, error, ms: Date.now() - started };
    console.error(`${name.padEnd(30)} made ${String(made).padStart(4)}  ${error ?? 'no error'}`);
    await context.close();
  }
  console.log(JSON.stringify({ count: COUNT, chromium: browser.version(), cases: results }));
} finally {
  await browser.close();
}
