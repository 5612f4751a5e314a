// The set-up of a cluster end-to-end file: the Kamailio cluster of demo/kamailio/cluster.mjs (two
// edges, two registrars, PostgreSQL, rtpengine), the static server and Chromium, started before
// the file's tests and stopped after them. `env.registered(user, edges, attributes)` opens a phone
// registered through those edges (`server` lists their ws URLs).
import { after, before } from 'node:test';
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
