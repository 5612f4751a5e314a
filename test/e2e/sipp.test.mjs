// <sip-phone> against sipp (Debian's sip-tester) on UDP 127.0.0.1, through a real Kamailio, for
// what a browser cannot produce: 183 early media then 486, a plain 486, a plain-RTP offer, a
// remote re-INVITE with a=sendonly and an incoming SIP INFO DTMF. sipp speaks plain RTP, not
// ICE/DTLS-SRTP: these are signalling tests only, no media is expected to flow.
//
// Each test runs one sipp in the foreground (`-m 1`, bounded `-timeout`) with a scenario from
// test/e2e/sipp/, waits for it to exit, and kills only that child if it outlives the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, openRegisteredPhone, serveRepo, until } from './support/harness.mjs';

const scenarios = fileURLToPath(new URL('./sipp/', import.meta.url));
const SIPP = process.env.SIPP_BIN ?? 'sipp';
const SIPP_TIMEOUT_S = 15;

let kamailio;
let web;
let browser;
let workDir;
const sippChildren = new Set();

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sip-phone-sipp-'));
  kamailio = await startKamailio({ name: 'sipp' });
  web = await serveRepo();
  browser = await launchBrowser();
});

after(async () => {
  for (const child of sippChildren) child.kill('SIGKILL');
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const registered = (user) => openRegisteredPhone(browser, web.url, { user, server: kamailio.wsUrl });

/** Whether something (sipp) has bound UDP 127.0.0.1:port in this network namespace. */
function udpBound(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .slice(1)
    .some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex));
}

/**
 * Starts sipp in the foreground with `scenario` (a file in test/e2e/sipp/), aimed at Kamailio's
 * UDP port. Resolves, once sipp's SIP socket is bound, to { port, result, stop }: `result`
 * resolves when sipp exits, to { code, messages (the -trace_msg log), errors, output }.
 */
async function startSipp(scenario, name) {
  const port = await freePort({ udp: true });
  const mediaPort = await freePort({ udp: true, avoid: [port, port + 1, port + 2] });
  const messageFile = join(workDir, `${name}-messages.log`);
  const errorFile = join(workDir, `${name}-errors.log`);
  const child = spawn(SIPP, [
    `127.0.0.1:${kamailio.udpPort}`, '-sf', join(scenarios, scenario),
    '-i', '127.0.0.1', '-p', String(port), '-mi', '127.0.0.1', '-mp', String(mediaPort),
    '-m', '1', '-timeout', `${SIPP_TIMEOUT_S}s`, '-timeout_error', '-nostdin',
    '-trace_msg', '-message_file', messageFile, '-trace_err', '-error_file', errorFile,
  ], { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  sippChildren.add(child);
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const result = new Promise((resolve) => {
    child.on('error', (error) => { sippChildren.delete(child); resolve({ code: `spawn error: ${error.message}`, messages: '', errors: '', output }); });
    child.on('exit', (code, signal) => {
      sippChildren.delete(child);
      resolve({ code: code ?? signal, messages: read(messageFile), errors: read(errorFile), output });
    });
  });
  let exited = false;
  result.then(() => { exited = true; });
  await until(() => exited || udpBound(port), { timeout: 5000, interval: 25, message: `sipp bound on udp ${port}` });
  if (exited) {
    const r = await result;
    throw new Error(`sipp exited at start (${r.code}): ${r.errors || r.output}`);
  }
  return {
    port,
    result,
    /** Kills this sipp if it is still running (only the child we started). */
    stop: () => { if (!exited) child.kill('SIGKILL'); },
  };
}

/** Waits for sipp to finish within `ms`; the assertion message carries its logs. */
async function sippFinished(sipp, ms = (SIPP_TIMEOUT_S + 3) * 1000) {
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ code: 'still running', messages: '', errors: '', output: '' }), ms).unref());
  const r = await Promise.race([sipp.result, timeout]);
  assert.equal(r.code, 0, `sipp exit code ${r.code}\n--- errors\n${r.errors}\n--- output\n${r.output}\n--- messages\n${r.messages}`);
  return r;
}

/** SIP messages in a sipp -trace_msg log, as { direction: 'sent'|'received', text }. */
function tracedMessages(log) {
  return log
    .split(/^-{10,} .*$/m)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const m = /^(UDP|TCP) message (sent|received)\b.*\n([\s\S]*)$/.exec(block);
      return m ? { direction: m[2], text: m[3].trim() } : null; // "sent (N bytes):" / "received [N] bytes :"
    })
    .filter(Boolean);
}

/** The first line of each SIP message sipp sent or received ('sent' | 'received'), in order. */
const startLines = (log, direction) =>
  tracedMessages(log).filter((m) => m.direction === direction).map((m) => m.text.split('\n')[0].trim());

/** The phone ended its calls cleanly: nothing live, nothing left open, no page errors. */
async function assertClean(phone) {
  assert.equal(await phone.prop('activeCall'), null);
  assert.deepEqual(await phone.prop('calls'), []);
  await until(async () => (await phone.page.evaluate(() => window.leaks())).openPeerConnections === 0, { timeout: 3000, message: 'peer connection closed' });
  const leaks = await phone.page.evaluate(() => window.leaks());
  assert.equal(leaks.liveTracks, 0, `microphone released: ${JSON.stringify(leaks)}`);
  assert.equal(await phone.page.evaluate(() => window.liveLocalTracks()), 0);
  assert.deepEqual(await phone.page.evaluate(() => window.pageErrors), []);
  assert.equal((await phone.events('sip-call-ended')).length, 1, 'sip-call-ended fires once');
}

const states = async (phone) => (await phone.events('sip-call-state')).map((e) => e.detail.call.state);

describe('signalling against sipp on UDP through Kamailio', () => {
  test('183 Session Progress with SDP (early media) after 180, then 486: ringing, early SDP applied, ends busy/486', { timeout: 30000 }, async () => {
    const sipp = await startSipp('uas-early-media-busy.xml', 'early-busy');
    const phone = await registered('alice');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`);
      assert.ok(placed.value, `call() resolved to an id: ${JSON.stringify(placed)}`);
      const ringing = await phone.waitFor('sip-call-state', { 'call.state': 'ringing' }, 10000);
      assert.equal(ringing.detail.call.id, placed.value);
      assert.equal(ringing.detail.call.remoteUri, `sip:svc@127.0.0.1:${sipp.port}`);
      // The 183's SDP is the early-media answer: the phone's RTCPeerConnection takes it
      // (Chromium rewrites s= and the like; the ICE credentials are sipp's).
      const early = await until(
        () => phone.page.evaluate(() => {
          const pc = window.phone().getPeerConnection();
          const sdp = pc?.remoteDescription?.sdp ?? '';
          return sdp.includes('a=ice-ufrag:SIPpUfrg') ? { signalingState: pc.signalingState, type: pc.remoteDescription.type, sdp } : null;
        }),
        { timeout: 5000, message: 'the 183 SDP applied as the remote description' },
      );
      assert.equal(early.signalingState, 'stable');
      assert.equal(early.type, 'answer');
      assert.match(early.sdp, /^o=\S+ 4242 1 /m);
      assert.equal((await phone.prop('activeCall')).state, 'ringing');
      assert.equal(await phone.prop('ringing'), null, 'early media replaces the local ringback');

      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'busy');
      assert.equal(end.detail.statusCode, 486);
      assert.equal(end.detail.call.id, placed.value);
      assert.equal(end.detail.durationMs, 0);
      assert.deepEqual(await states(phone), ['ringing', 'ended'], '180 and 183 ring once; never active');
      await assertClean(phone);

      const { messages } = await sippFinished(sipp);
      const sent = startLines(messages, 'sent');
      assert.deepEqual(sent, ['SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress', 'SIP/2.0 486 Busy Here']);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('486 Busy Here straight away: the call ends busy/486 without ringing', { timeout: 30000 }, async () => {
    const sipp = await startSipp('uas-busy.xml', 'busy');
    const phone = await registered('bob');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`);
      assert.ok(placed.value);
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.cause, 'busy');
      assert.equal(end.detail.statusCode, 486);
      assert.equal(end.detail.call.id, placed.value);
      assert.deepEqual(await states(phone), ['ended']);
      assert.match(await phone.text('[part~="status"]'), /busy/);
      await assertClean(phone);
      await sippFinished(sipp);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('a sipp UAC offers plain RTP/AVP to erin: the phone rings, answering fails with 488, the call ends cleanly', { timeout: 30000 }, async () => {
    const phone = await registered('erin');
    const sipp = await startSipp('uac-plain-rtp.xml', 'plain-rtp');
    try {
      const incoming = await phone.waitFor('sip-incoming-call', {}, 10000);
      assert.equal(incoming.detail.call.direction, 'incoming');
      assert.equal(incoming.detail.call.state, 'incoming');
      assert.equal(incoming.detail.call.remoteUri, `sip:sipp@127.0.0.1:${sipp.port}`);
      assert.equal(incoming.detail.call.remoteDisplayName, 'SIPp Caller');
      assert.equal(incoming.detail.call.video, false);

      // answer() starts the answer; setRemoteDescription() then refuses an offer without ICE/DTLS.
      assert.deepEqual(await phone.call('answer'), {});
      const end = await phone.waitFor('sip-call-ended', {}, 10000);
      assert.equal(end.detail.call.id, incoming.detail.call.id);
      assert.equal(end.detail.cause, 'incompatible-sdp');
      assert.equal(end.detail.statusCode, undefined, 'no SIP response was received: we sent the 488');
      assert.equal(end.detail.durationMs, 0);
      assert.deepEqual(await states(phone), ['ended'], 'never active');
      await assertClean(phone);

      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received');
      assert.deepEqual(received.filter((l) => !l.startsWith('SIP/2.0 100')), ['SIP/2.0 180 Ringing', 'SIP/2.0 488 Not Acceptable Here']);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });

  test('sipp answers with a WebRTC-style SDP, holds the phone (re-INVITE a=sendonly), sends INFO DTMF 5, then BYE', { timeout: 30000 }, async () => {
    const sipp = await startSipp('uas-answer-hold-info-bye.xml', 'hold-info-bye');
    const phone = await registered('dave');
    try {
      const placed = await phone.call('call', `sip:svc@127.0.0.1:${sipp.port}`);
      assert.ok(placed.value);
      const active = await phone.waitFor('sip-call-state', { 'call.state': 'active' }, 10000);
      assert.equal(active.detail.call.id, placed.value);

      const held = await phone.waitFor('sip-call-updated', { change: 'remoteHeld' }, 5000);
      assert.equal(held.detail.call.id, placed.value);
      assert.equal(held.detail.call.remoteHeld, true);
      assert.equal(held.detail.call.held, false);
      assert.equal(held.detail.call.state, 'active');

      const dtmf = await phone.waitFor('sip-dtmf', {}, 5000);
      assert.deepEqual(dtmf.detail, { callId: placed.value, tone: '5', direction: 'incoming' });
      assert.equal((await phone.prop('activeCall')).remoteHeld, true);

      const end = await phone.waitFor('sip-call-ended', {}, 5000);
      assert.equal(end.detail.cause, 'bye');
      assert.equal(end.detail.call.id, placed.value);
      assert.ok(end.detail.durationMs > 0);
      assert.ok(held.at < dtmf.at && dtmf.at < end.at, 'hold, then DTMF, then BYE');
      assert.deepEqual(await states(phone), ['active', 'ended']);
      assert.equal((await phone.events('sip-dtmf')).length, 1);
      assert.deepEqual((await phone.events('sip-call-updated')).map((e) => e.detail.change), ['remoteHeld']);
      await assertClean(phone);

      // The scenario itself checked the phone's answer to the re-INVITE says a=recvonly.
      const { messages } = await sippFinished(sipp);
      const received = startLines(messages, 'received');
      assert.deepEqual(received.filter((l) => !/^SIP\/2\.0 100 /.test(l)), [
        `INVITE sip:svc@127.0.0.1:${sipp.port} SIP/2.0`,
        `ACK sip:sipp@127.0.0.1:${sipp.port};transport=udp SIP/2.0`, // JsSIP lowercases the transport
        'SIP/2.0 200 OK', // re-INVITE
        'SIP/2.0 200 OK', // INFO
        'SIP/2.0 200 OK', // BYE
      ]);
    } finally {
      sipp.stop();
      await phone.close();
    }
  });
});
