// What a running recording and a merged local conference cost the page (issue #19 items 9, 10):
// alice's main-thread task time (CDP Performance.getMetrics TaskDuration) per second of wall
// time, in four states, each measured MEDIA_COST_WINDOW_S seconds, MEDIA_COST_ROUNDS rounds
// alternating: one audio call (the in-call figure), the same call recorded, two calls with one
// held (call waiting, before a merge) and the two merged. Web Audio mixes on the audio thread and
// MediaRecorder encodes off the main thread: this is what is left on the page's main thread.
// Also the recording's size per second. Prints a table (stderr) and one line of JSON (stdout).
// After `npm run build`: bash test/loopback-only.sh node test/bench/media-cost.mjs
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, openRegisteredPhone, serveRepo, until } from '../e2e/support/harness.mjs';
import { summary } from './stats.mjs';

const WINDOW_S = Number(process.env.MEDIA_COST_WINDOW_S ?? 8);
const ROUNDS = Number(process.env.MEDIA_COST_ROUNDS ?? 3);
const log = (...args) => console.error(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const kamailio = await startKamailio({ name: 'media-cost' });
const web = await serveRepo();
const browser = await launchBrowser();
try {
  const phone = (user) => openRegisteredPhone(browser, web.url, { user, server: kamailio.wsUrl, attributes: { 'auto-answer': true } });
  const [alice, bob, carol] = await Promise.all([phone('alice'), phone('bob'), phone('carol')]);
  const cdp = await alice.page.context().newCDPSession(alice.page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  /** alice's main-thread ms per second over one window. */
  const measure = async () => {
    const [task, at] = [await taskSeconds(), Date.now()];
    await sleep(WINDOW_S * 1000);
    return Math.round((((await taskSeconds()) - task) * 1e7) / (Date.now() - at)) / 10;
  };
  const calls = () => alice.prop('calls');
  const callOf = async (user) => (await calls()).find((c) => c.remoteUri.startsWith(`sip:${user}@`));
  const connect = async (user) => {
    const { value: id } = await alice.call('call', user, { video: false });
    await until(async () => (await calls()).find((c) => c.id === id)?.mediaConnected, { message: `call with ${user} connected` });
    await sleep(1000);
    return id;
  };

  const figures = { inCall: [], recording: [], twoCallsOneHeld: [], merged: [] };
  const recordingBytesPerS = [];
  for (let round = 0; round < ROUNDS; round++) {
    log(`round ${round + 1} of ${ROUNDS}`);
    const withBob = await connect('bob');
    figures.inCall.push(await measure());
    await alice.call('startRecording', withBob);
    figures.recording.push(await measure());
    const size = await alice.page.evaluate(async () => (await window.phone().stopRecording()).size);
    recordingBytesPerS.push(Math.round(size / WINDOW_S));
    const withCarol = await connect('carol');
    await until(async () => (await callOf('bob'))?.held, { message: 'bob held by call waiting' });
    figures.twoCallsOneHeld.push(await measure());
    await alice.call('merge', withBob, withCarol);
    figures.merged.push(await measure());
    await alice.call('hangup', withCarol);
    await alice.call('hangup', withBob);
    await until(async () => (await calls()).length === 0, { message: 'calls ended' });
  }
  const results = {
    mainThreadMsPerSecond: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, summary(v)])),
    recordingBytesPerSecond: summary(recordingBytesPerS),
    windowS: WINDOW_S,
  };
  const m = results.mainThreadMsPerSecond;
  log('');
  log(`alice's main thread, ms per second (median of ${ROUNDS} windows of ${WINDOW_S} s)`);
  log(`  one audio call                 ${m.inCall.median}`);
  log(`  the same call, recorded        ${m.recording.median}   (recording: ${results.recordingBytesPerSecond.median} bytes/s)`);
  log(`  two calls, one held            ${m.twoCallsOneHeld.median}`);
  log(`  the two calls merged           ${m.merged.median}`);
  log('');
  console.log(JSON.stringify({ mediaCost: results }));
  await Promise.all([alice.close(), bob.close(), carol.close()]);
} finally {
  await browser.close();
  await web.close();
  await kamailio.stop();
}
