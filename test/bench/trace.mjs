// `bash test/loopback-only.sh node test/bench/trace.mjs [sip-phone|plain-jssip]` after a build: one caller and one
// auto-answering callee, a few calls, and a merged timeline of what both pages did (SIP messages,
// getUserMedia, offer/answer, candidates, connection states), in ms since call(). For profiling
// call set-up; not part of the benchmark's figures.
// TRACE_CALLS: how many calls (5). TRACE_ICE: the ICE servers, as JSON. TRACE_HACK: a script run
// in both pages before theirs (an experiment; it can read `window.variant`). TRACE_VARIANTS=n:
// calls take variant 0..n-1 in turn, and the median set-up per variant is printed (an A/B in one
// run). TRACE_QUIET: medians only. TRACE_CHROME=caller|callee: a Chrome trace of the last call, in chrome-trace.json.
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, serveRepo } from '../e2e/support/harness.mjs';
import { openPair } from './pair.mjs';

const kind = process.argv[2] ?? 'sip-phone';
const CALLS = Number(process.env.TRACE_CALLS ?? 5);

const init = () => {
  const t = () => performance.timeOrigin + performance.now();
  const log = (what) => window.traceLog.push([t(), what]);
  window.traceLog = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && data.length > 4) log(`ws> ${data.split('\r\n')[0]}`);
    return send.call(this, data);
  };
  const add = WebSocket.prototype.addEventListener;
  const wrapOnMessage = (ws) => {
    add.call(ws, 'message', (e) => typeof e.data === 'string' && e.data.length > 4 && log(`ws< ${e.data.split('\r\n')[0]}`));
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      wrapOnMessage(this);
    }
  };
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    log('gUM start');
    const s = await gum(c);
    log('gUM done');
    return s;
  };
  const P = window.RTCPeerConnection;
  for (const m of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
    const f = P.prototype[m];
    P.prototype[m] = async function (...a) {
      log(`${m} start`);
      try {
        return await f.apply(this, a);
      } finally {
        log(`${m} done`);
      }
    };
  }
  window.RTCPeerConnection = class extends P {
    constructor(...a) {
      super(...a);
      log('new RTCPeerConnection');
      this.addEventListener('icecandidate', (e) => log(`candidate ${e.candidate?.type ?? 'end'} ${e.candidate?.protocol ?? ''}`));
      this.addEventListener('icegatheringstatechange', () => log(`gathering ${this.iceGatheringState}`));
      this.addEventListener('connectionstatechange', () => log(`connection ${this.connectionState}`));
      this.addEventListener('track', (e) => log(`track ${e.track.kind}`));
    }
  };
  document.addEventListener('sip-call-state', (e) => log(`sip-call-state ${e.detail.call.state}`), true);
  window.traceMark = log;
};

const kamailio = await startKamailio({ name: 'trace' });
const web = await serveRepo();
const browser = await launchBrowser();
try {
  const initScripts = [init, ...(process.env.TRACE_HACK ? [process.env.TRACE_HACK] : [])];
  const pair = await openPair(browser, web.url, kamailio.wsUrl, kind, { initScripts, iceServers: JSON.parse(process.env.TRACE_ICE ?? '[]') });
  const [caller, callee, target] = [pair.caller.page, pair.callee.page, pair.target];
  const actives = [];
  for (let i = 0; i < CALLS; i++) {
    const variant = i % Number(process.env.TRACE_VARIANTS ?? 1);
    await Promise.all(
      [caller, callee].map((p) =>
        p.evaluate((v) => {
          window.traceLog.length = 0;
          window.variant = v;
        }, variant),
      ),
    );
    const t0 = await caller.evaluate(() => performance.timeOrigin + performance.now());
    const tracing = process.env.TRACE_CHROME && i === CALLS - 1;
    if (tracing) await browser.startTracing(process.env.TRACE_CHROME === 'callee' ? callee : caller, { path: 'chrome-trace.json', screenshots: false });
    const r = await caller.evaluate((x) => window.bench.call(x), target);
    if (tracing) await browser.stopTracing();
    const lines = [];
    for (const [name, p] of [
      ['caller', caller],
      ['callee', callee],
    ]) {
      for (const [at, what] of await p.evaluate(() => window.traceLog)) lines.push([at - t0, name, what]);
    }
    lines.sort((a, b) => a[0] - b[0]);
    if (i > 1) (actives[variant] ??= []).push(r.activeMs);
    if (process.env.TRACE_QUIET) continue;
    console.log(`--- call ${i + 1}: active ${r.activeMs.toFixed(1)} ms, first frame ${r.firstFrameMs.toFixed(1)} ms`);
    for (const [at, name, what] of lines) if (at < r.firstFrameMs + 5) console.log(`${at.toFixed(1).padStart(7)} ${name.padEnd(6)} ${what}`);
  }
  for (const [v, xs] of actives.entries()) {
    xs.sort((a, b) => a - b);
    console.log(`variant ${v}: median active ${xs[Math.floor(xs.length / 2)].toFixed(1)} ms (${xs.map(Math.round).join(' ')})`);
  }
} finally {
  await browser.close();
  await web.close();
  await kamailio.stop();
}
