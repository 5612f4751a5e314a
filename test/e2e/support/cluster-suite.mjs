// The set-up of a cluster end-to-end file: the Kamailio cluster of demo/kamailio/cluster.mjs (two
// edges, two registrars, PostgreSQL, rtpengine), the static server and Chromium, started before
// the file's tests and stopped after them. `env.registered(user, edges, attributes)` opens a phone
// registered through those edges (`server` lists their ws URLs).
import { after, before } from 'node:test';
import { createSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { startCluster } from '../../../demo/kamailio/cluster.mjs';
import { launchBrowser, openRegisteredPhone, serveRepo } from './harness.mjs';

export function clusterSuite(name, options = {}) {
  const env = { cluster: null, web: null, browser: null };
  before(async () => {
    const started = Date.now();
    env.cluster = await startCluster({ name, ...options });
    console.log(`cluster (PostgreSQL, rtpengine, 2 registrars, 2 edges) up in ${Date.now() - started} ms`);
    env.web = await serveRepo();
    env.browser = await launchBrowser({ ignoreCertificateErrors: true });
  });
  after(async () => {
    await env.browser?.close();
    await env.web?.close();
    await env.cluster?.stop();
  });
  env.registered = (user, edges, attributes = {}) =>
    openRegisteredPhone(env.browser, env.web.url, { user, server: edges.map((edge) => edge.wsUrl).join(' '), attributes });
  /** The edge the user's contact in the shared location table goes through (null: none). */
  env.edgeOf = async (user) => {
    const rows = await env.cluster.contacts(user);
    return rows.length === 1 ? env.cluster.edgeOf(rows[0].path) : null;
  };
  return env;
}

/**
 * A voicemail system's PUBLISH of `user`'s message summary (RFC 3842), sent over UDP straight to
 * one registrar's presence server (trusted like the single node's sipp peers). Resolves to the
 * status line of its answer.
 */
export function publishMessageSummary(registrar, user, summary) {
  const body = `Messages-Waiting: ${summary.waiting ? 'yes' : 'no'}\r\nMessage-Account: sip:voicemail@sip-phone.test\r\nVoice-Message: ${summary.newMessages}/${summary.oldMessages} (0/0)\r\n`;
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer to the PUBLISH'));
    }, 5000);
    socket.on('message', (message) => {
      const status = message.toString('latin1').split('\r\n')[0];
      if (/^SIP\/2.0 1/.test(status)) return;
      clearTimeout(timer);
      socket.close();
      resolve(status);
    });
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      const request = [
        `PUBLISH sip:${user}@sip-phone.test SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};rport;branch=z9hG4bK${randomUUID().slice(0, 12)}`,
        'From: <sip:voicemail@sip-phone.test>;tag=vm1',
        `To: <sip:${user}@sip-phone.test>`,
        `Call-ID: ${randomUUID()}`,
        'CSeq: 1 PUBLISH',
        'Max-Forwards: 70',
        'Event: message-summary',
        'Expires: 3600',
        'Content-Type: application/simple-message-summary',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n');
      socket.send(request, registrar.udpPort, '127.0.0.1');
    });
  });
}
