// sipp (Debian's sip-tester) as a scripted SIP peer on Kamailio's UDP side, for what a browser
// cannot produce. Each test runs one sipp in the foreground (`-m 1`, bounded `-timeout`) with a
// scenario from test/e2e/sipp/, waits for it to exit, and kills only that child if it outlives
// the test. sipp speaks plain RTP, not ICE/DTLS-SRTP: signalling only, no media flows.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startKamailio } from '../../../demo/kamailio/kamailio.mjs';
import { launchBrowser, openRegisteredPhone, serveRepo, until } from './harness.mjs';

const scenarios = fileURLToPath(new URL('../sipp/', import.meta.url));
const SIPP = process.env.SIPP_BIN ?? 'sipp';
export const SIPP_TIMEOUT_S = 15;

/**
 * A Kamailio, the static server, Chromium and a work directory for sipp's logs, started before
 * the file's tests and stopped after them. `env.registered(user)` opens a registered phone;
 * `env.startSipp(scenario, name)` starts a sipp (see startSipp).
 */
export function sippSuite(name) {
  const env = { kamailio: null, web: null, browser: null, workDir: null, children: new Set() };
  before(async () => {
    // SIPP_LOG_DIR keeps sipp's message and error logs there (a directory per file) after the run.
    env.keepLogs = !!process.env.SIPP_LOG_DIR;
    env.workDir = env.keepLogs ? mkdtempSync(join(process.env.SIPP_LOG_DIR, `${name}-`)) : mkdtempSync(join(tmpdir(), `sip-phone-${name}-`));
    env.kamailio = await startKamailio({ name });
    env.web = await serveRepo();
    env.browser = await launchBrowser();
  });
  after(async () => {
    for (const child of env.children) child.kill('SIGKILL');
    await env.browser?.close();
    await env.web?.close();
    await env.kamailio?.stop();
    if (env.workDir && !env.keepLogs) rmSync(env.workDir, { recursive: true, force: true });
  });
  env.registered = (user, attributes) => openRegisteredPhone(env.browser, env.web.url, { user, server: env.kamailio.wsUrl, attributes });
  env.startSipp = (scenario, scenarioName, options) => startSipp(env, scenario, scenarioName, options);
  env.registerContact = (user, port) => registerContact(env.kamailio, user, port);
  /** The phone still places an ordinary call to another element and ends it. */
  env.stillCalls = async (phone) => {
    const other = await env.registered('erin', { 'auto-answer': true });
    try {
      const before = (await phone.events('sip-call-ended')).length;
      await phone.call('call', 'erin', { video: false });
      await phone.waitFor('sip-call-state', { 'call.state': 'active', 'call.remoteUri': 'sip:erin@sip-phone.test' });
      await phone.call('hangup');
      await until(async () => (await phone.events('sip-call-ended')).length === before + 1, { message: 'the ordinary call ended' });
    } finally {
      await other.close();
    }
  };
  return env;
}

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
 * `calls`: how many calls (each a new Call-ID) sipp takes before it exits; `timeout`: seconds
 * before sipp gives up (SIPP_TIMEOUT_S unless given).
 */
async function startSipp(env, scenario, name, { calls = 1, timeout = SIPP_TIMEOUT_S } = {}) {
  const { kamailio, workDir, children: sippChildren } = env;
  const port = await freePort({ udp: true });
  const mediaPort = await freePort({ udp: true, avoid: [port, port + 1, port + 2] });
  const messageFile = join(workDir, `${name}-messages.log`);
  const errorFile = join(workDir, `${name}-errors.log`);
  const child = spawn(
    SIPP,
    [
      `127.0.0.1:${kamailio.udpPort}`,
      '-sf',
      join(scenarios, scenario),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(mediaPort),
      '-m',
      String(calls),
      '-timeout',
      `${timeout}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_msg',
      '-message_file',
      messageFile,
      '-trace_err',
      '-error_file',
      errorFile,
    ],
    { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  sippChildren.add(child);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const result = new Promise((resolve) => {
    child.on('error', (error) => {
      sippChildren.delete(child);
      resolve({ code: `spawn error: ${error.message}`, messages: '', errors: '', output });
    });
    child.on('exit', (code, signal) => {
      sippChildren.delete(child);
      resolve({ code: code ?? signal, messages: read(messageFile), errors: read(errorFile), output });
    });
  });
  let exited = false;
  result.then(() => {
    exited = true;
  });
  await until(() => exited || udpBound(port), { timeout: 5000, interval: 25, message: `sipp bound on udp ${port}` });
  if (exited) {
    const r = await result;
    throw new Error(`sipp exited at start (${r.code}): ${r.errors || r.output}`);
  }
  return {
    port,
    result,
    /** Kills this sipp if it is still running (only the child we started). */
    stop: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/**
 * Registers `sip:<user>@127.0.0.1:<port>` (a sipp) as a contact of <user>@sip-phone.test, with a
 * REGISTER over UDP (Kamailio trusts its UDP side), so that calls to that user reach it; two
 * such contacts make Kamailio fork.
 */
async function registerContact(kamailio, user, port) {
  const socket = createSocket('udp4');
  try {
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const tag = randomUUID();
    const request = [
      'REGISTER sip:sip-phone.test SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};rport;branch=z9hG4bK${tag}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@sip-phone.test>;tag=${tag.slice(0, 8)}`,
      `To: <sip:${user}@sip-phone.test>`,
      `Call-ID: ${tag}`,
      'CSeq: 1 REGISTER',
      `Contact: <sip:${user}@127.0.0.1:${port};transport=udp>`,
      'Expires: 60',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const answered = new Promise((resolve) => socket.on('message', (m) => resolve(m.toString().split('\r\n')[0])));
    socket.send(request, kamailio.udpPort, '127.0.0.1');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('no answer in 3 s'), 3000).unref());
    assert.equal(await Promise.race([answered, timeout]), 'SIP/2.0 200 OK', `REGISTER of ${user} at sipp port ${port}`);
  } finally {
    socket.close();
  }
}

/** Waits for sipp to finish within `ms`; the assertion message carries its logs. */
export async function sippFinished(sipp, ms = (SIPP_TIMEOUT_S + 3) * 1000) {
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ code: 'still running', messages: '', errors: '', output: '' }), ms).unref());
  const r = await Promise.race([sipp.result, timeout]);
  assert.equal(r.code, 0, `sipp exit code ${r.code}\n--- errors\n${r.errors}\n--- output\n${r.output}\n--- messages\n${r.messages}`);
  return r;
}

/** SIP messages in a sipp -trace_msg log, as { direction: 'sent'|'received', text }. */
export function tracedMessages(log) {
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
export const startLines = (log, direction) =>
  tracedMessages(log)
    .filter((m) => m.direction === direction)
    .map((m) => m.text.split('\n')[0].trim());

/** The phone ended its calls cleanly: nothing live, nothing left open, no page errors. */
export async function assertClean(phone) {
  assert.equal(await phone.prop('activeCall'), null);
  assert.deepEqual(await phone.prop('calls'), []);
  await until(async () => (await phone.page.evaluate(() => window.leaks())).openPeerConnections === 0, { timeout: 3000, message: 'peer connection closed' });
  const leaks = await phone.page.evaluate(() => window.leaks());
  assert.equal(leaks.liveTracks, 0, `microphone released: ${JSON.stringify(leaks)}`);
  assert.equal(await phone.page.evaluate(() => window.liveLocalTracks()), 0);
  assert.deepEqual(await phone.page.evaluate(() => window.pageErrors), []);
  assert.equal((await phone.events('sip-call-ended')).length, 1, 'sip-call-ended fires once');
}

export const states = async (phone) => (await phone.events('sip-call-state')).map((e) => e.detail.call.state);
