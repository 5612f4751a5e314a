// baresip (Debian's `baresip` 1.0) as a plain SIP phone on UDP 127.0.0.1: registers as a user of
// the repo's Kamailio, answers by itself, plays a 440 Hz sine as its microphone and never plays
// what it receives. Tests drive it through its ctrl_tcp port (netstring JSON) and read its events:
// call state and the DTMF digits it received. (What it receives is judged elsewhere, from
// rtpengine's recording: baresip 1.0's own audio filters, sndfile and vumeter, stop at the first
// re-INVITE, and vumeter reported -96 dBov for calls that carried sound.)
//
//   const dave = await startBaresip({ user: 'dave', kamailio });
//   await dave.dial('sip:alice@sip-phone.test'); await dave.waitForEvent('CALL_ESTABLISHED');
//   dave.dtmf() → '123'; await dave.hangup(); await dave.stop();
//
// Only Node built-ins. Only ever signals the process it started (by pid); every phone still
// running is killed when the Node process exits.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../demo/kamailio/kamailio.mjs';

const BARESIP_BIN = process.env.BARESIP_BIN ?? 'baresip';
const MODULES = process.env.BARESIP_MODULES ?? '/usr/lib/baresip/modules';
const DOMAIN = 'sip-phone.test';

const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
});

/** The text of a ctrl_tcp netstring stream, split into complete JSON messages. */
function netstrings(onMessage) {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(buffer.subarray(0, colon).toString('latin1'));
      if (buffer.length < colon + 1 + length + 1) return;
      const text = buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
      buffer = buffer.subarray(colon + 1 + length + 1);
      try {
        onMessage(JSON.parse(text));
      } catch {}
    }
  };
}

/**
 * Starts a baresip registered as `user` with Kamailio's UDP listener as its outbound proxy, and
 * resolves once Kamailio has its contact.
 * @param {object} options
 * @param {string} options.user     a user Kamailio knows (dave, erin…)
 * @param {{ udpPort: number, contacts(aor: string): Promise<string[]> }} options.kamailio
 * @param {string} [options.codecs] the account's audio_codecs (default opus, then G.711)
 * @param {number} [options.tone]   Hz of the sine it sends (default 440)
 */
export async function startBaresip({ user, kamailio, codecs = 'opus/48000/2,pcmu,pcma', tone = 440, logFile }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sip-phone-baresip-${user}-`));
  const sipPort = await freePort({ udp: true });
  const ctrlPort = await freePort({ avoid: [sipPort] });
  const rtpBase = 10000 + 2 * Math.floor(Math.random() * 4500);
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      `rtp_ports ${rtpBase}-${rtpBase + 199}`,
      'rtcp_mux no',
      'call_max_calls 4',
      // A known tone as the microphone (ausine needs 48 kHz stereo), a player that never plays.
      `audio_source ausine,${tone}`,
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'audio_player aubridge,sink',
      'audio_alert aubridge,sink',
      `module_path ${MODULES}`,
      'module opus.so',
      'module g711.so',
      'module ausine.so',
      'module aubridge.so',
      'module_tmp account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'accounts'),
    `<sip:${user}@${DOMAIN}>;auth_pass=${user}-pw;outbound="sip:127.0.0.1:${kamailio.udpPort};transport=udp";` +
      `answermode=auto;audio_codecs=${codecs};regint=600\n`,
  );

  let log = '';
  const keep = (chunk) => {
    if (logFile) {
      try {
        fs.appendFileSync(logFile, chunk);
      } catch {}
    }
    log = (log + chunk).slice(-20000);
  };
  const child = spawn(BARESIP_BIN, ['-4', '-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let exitInfo = null;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      running.delete(child);
      resolve();
    }),
  );
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('error', (error) => keep(`spawn error: ${error.message}\n`));

  const events = []; // { type, param, peeruri, at }
  const pending = new Map();
  let socket = null;
  let token = 0;

  const phone = {
    user,
    uri: `sip:${user}@${DOMAIN}`,
    dir,
    pid: child.pid,
    get running() {
      return !exitInfo;
    },
    log: () => log,
    events: (type) => events.filter((e) => !type || e.type === type),
    /** The digits baresip reported (CALL_DTMF_START), in order, since event index `from`. */
    dtmf: (from = 0) =>
      events
        .slice(from)
        .filter((e) => e.type === 'CALL_DTMF_START')
        .map((e) => e.param)
        .join(''),

    /** Resolves to the first event of `type` at index `from` or later (its index in `index`). */
    async waitForEvent(type, { from = 0, timeout = 15000 } = {}) {
      const started = Date.now();
      for (;;) {
        const index = events.findIndex((e, i) => i >= from && e.type === type);
        if (index >= 0) return { ...events[index], index };
        if (exitInfo) throw new Error(`baresip ${user} exited (${JSON.stringify(exitInfo)}) before ${type}\n${log.slice(-3000)}`);
        if (Date.now() - started > timeout) {
          throw new Error(
            `baresip ${user}: no ${type} within ${timeout} ms; saw ${events
              .slice(from)
              .map((e) => e.type)
              .join(', ')}\n${log.slice(-3000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },

    /** Sends a ctrl_tcp command; resolves to its response { ok, data }. */
    command(command, params = '') {
      const id = String(++token);
      const body = Buffer.from(JSON.stringify({ command, params, token: id }));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`baresip ${user}: no answer to ${command}`));
        }, 5000);
        pending.set(id, (response) => {
          clearTimeout(timer);
          resolve(response);
        });
        socket.write(`${body.length}:`);
        socket.write(body);
        socket.write(',');
      });
    },
    dial: (uri) => phone.command('dial', uri),
    hangup: () => phone.command('hangup'),

    async stop() {
      socket?.destroy();
      if (!exitInfo) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {}
        const timer = setTimeout(() => {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
        }, 2000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };

  const onMessage = (message) => {
    if (message.response) {
      pending.get(message.token)?.(message);
      pending.delete(message.token);
    } else if (message.event) {
      events.push({ type: message.type, param: message.param, peeruri: message.peeruri, at: Date.now() });
    }
  };

  try {
    const deadline = Date.now() + 10000;
    while (!socket) {
      if (exitInfo) throw new Error(`baresip ${user} exited at start (${JSON.stringify(exitInfo)})\n${log}`);
      if (Date.now() > deadline) throw new Error(`baresip ${user}: ctrl_tcp port ${ctrlPort} never opened\n${log}`);
      socket = await new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: ctrlPort });
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(null));
      });
      if (!socket) await new Promise((r) => setTimeout(r, 50));
    }
    socket.on('data', netstrings(onMessage));
    socket.on('error', () => {});
    const registered = Date.now() + 10000;
    while ((await kamailio.contacts(user)).length === 0) {
      if (exitInfo || Date.now() > registered) throw new Error(`baresip ${user} did not register\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await phone.stop();
    throw error;
  }
  return phone;
}
