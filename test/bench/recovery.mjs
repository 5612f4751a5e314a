// How fast calls come back (issue #20): a Chromium video call between two elements through
// Kamailio, RECOVERY_ROUNDS rounds (default 2) of
// - a media outage: all UDP dropped for RECOVERY_OUTAGE_S seconds (default 20, iptables);
// - a full outage: UDP and the WebSocket port dropped as long (both phones reconnect and re-register);
// - a reload: the caller's page reloaded mid call (it takes the call back with Replaces).
// Each figure is the time from the network's return (or the reload's start) until sound and
// picture arrive both ways, judged over 1.2 s windows (so up to 2.4 s of it is the judging).
// Prints a table (stderr) and one line of JSON (stdout). Needs the test namespace (iptables):
// after `npm run build`: bash test/loopback-only.sh node test/bench/recovery.mjs
import { execFileSync } from 'node:child_process';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { bothWays, launchBrowser, openRegisteredPhone, serveRepo } from '../e2e/support/harness.mjs';
import { summary } from './stats.mjs';

const ROUNDS = Number(process.env.RECOVERY_ROUNDS ?? 2);
const OUTAGE_MS = Number(process.env.RECOVERY_OUTAGE_S ?? 20) * 1000;
const log = (...args) => console.error(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const kamailio = await startKamailio({ name: 'recovery-bench' });
const web = await serveRepo();
const browser = await launchBrowser();
const wsPort = new URL(kamailio.wsUrl).port;
const attributes = { video: true, 'auto-answer': true };
const open = (user) => openRegisteredPhone(browser, web.url, { user, server: kamailio.wsUrl, attributes });

/** Drops UDP (and with `signalling` the WebSocket port) for OUTAGE_MS; resolves to when the network returned. */
async function outage(signalling) {
  const rules = [
    ['-p', 'udp'],
    ...(signalling
      ? [
          ['-p', 'tcp', '--dport', wsPort],
          ['-p', 'tcp', '--sport', wsPort],
        ]
      : []),
  ];
  for (const r of rules) execFileSync('iptables', ['-I', 'INPUT', ...r, '-j', 'DROP']);
  try {
    await sleep(OUTAGE_MS);
  } finally {
    for (const r of rules) execFileSync('iptables', ['-D', 'INPUT', ...r, '-j', 'DROP']);
  }
  return Date.now();
}

const figures = { mediaOutage: [], fullOutage: [], reload: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    const [alice, bob] = [await open('alice'), await open('bob')];
    try {
      await alice.call('call', 'bob', { video: true });
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await bothWays([alice, bob]);
      for (const [name, signalling] of [
        ['mediaOutage', false],
        ['fullOutage', true],
      ]) {
        const back = await outage(signalling);
        await bothWays([alice, bob], {}, `after the ${name}`);
        figures[name].push(Date.now() - back);
      }
      const started = Date.now();
      await alice.page.reload();
      await alice.page.waitForFunction(() => customElements.get('sip-phone') && window.addPhone);
      await alice.page.evaluate(
        ([attrs, pw]) => window.addPhone(attrs, pw),
        [{ server: kamailio.wsUrl, uri: 'sip:alice@sip-phone.test', 'auto-register': true, ...attributes }, 'alice-pw'],
      );
      await alice.waitFor('sip-call-state', { 'call.state': 'active' });
      await bothWays([alice, bob], {}, 'after the reload');
      figures.reload.push(Date.now() - started);
      const ended = await bob.events('sip-call-ended');
      if (ended.length) throw new Error(`bob's call ended: ${JSON.stringify(ended)}`);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  }
  const results = { rounds: ROUNDS, outageMs: OUTAGE_MS };
  log(`\nCalls coming back (${ROUNDS} rounds, ${OUTAGE_MS / 1000} s outages; ms until sound and picture both ways)`);
  for (const [name, values] of Object.entries(figures)) {
    results[name] = { ...summary(values), values };
    log(`${name.padEnd(12)} ${JSON.stringify(results[name])}`);
  }
  console.log(JSON.stringify({ recovery: results }));
} finally {
  await browser.close();
  await web.close();
  await kamailio.stop();
}
