// nginx (Debian's `nginx`) in front of Kamailio for the proxy tests: it terminates WSS on a free
// 127.0.0.1 port with the certificate Kamailio made for its own wss listener, and proxies the
// WebSocket upgrade to Kamailio's plain ws port (or to its wss port). proxy_read_timeout and
// proxy_send_timeout are left at nginx's default, 60 s, as most deployments leave them: an idle
// WebSocket is closed after 60 s unless something crosses it. One process (`master_process off`),
// its config, pid, logs and temp dirs in a temp dir of its own; stopped by its pid.
//
//   const nginx = await startNginx({ upstream: kamailio.wsUrl, tls: kamailio.tls });
//   nginx.url('/alice') → wss://127.0.0.1:<port>/alice, nginx.accessLog(), nginx.errorLog(), await nginx.stop()
//
// The access log has one line per finished request (for a WebSocket: when it closes):
// `<connection number> <path> <status> <seconds open>`; error-log lines name the connection as `*<number>`.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, tcpProbe } from '../../../demo/kamailio/kamailio.mjs';

const NGINX_BIN = process.env.NGINX_BIN ?? 'nginx';
const running = new Set();
process.on('exit', () => {
  for (const child of running)
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
});

/** nginx's config: nothing outside `dir`, the proxy timeouts left at their defaults. */
export function nginxConfig({ dir, port, upstream, tls }) {
  const target = new URL(upstream);
  const scheme = target.protocol === 'wss:' ? 'https' : 'http';
  return `
error_log ${join(dir, 'error.log')} info;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 256; }
http {
  log_format connections '$connection $request_uri $status $request_time';
  access_log ${join(dir, 'access.log')} connections;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    location / {
      proxy_pass ${scheme}://${target.host};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
      # proxy_read_timeout and proxy_send_timeout: nginx's default (60 s), deliberately.
    }
  }
}
`;
}

/**
 * Starts nginx terminating WSS for `upstream` (Kamailio's ws:// or wss:// URL) with `tls`
 * ({ cert, key } file paths). Resolves once it accepts TLS connections on its port.
 */
export async function startNginx({ upstream, tls }) {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sip-phone-nginx-'));
  const config = join(dir, 'nginx.conf');
  await writeFile(config, nginxConfig({ dir, port, upstream, tls }));
  const args = ['-p', dir, '-c', config, '-e', join(dir, 'error.log'), '-g', 'daemon off; master_process off;'];
  const child = spawn(NGINX_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  let exited = null;
  const append = (chunk) => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.once('error', (error) => append(`spawn error: ${error.message}\n`));
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const read = (name) => readFile(join(dir, name), 'utf8').catch(() => '');

  const deadline = Date.now() + 10_000;
  while (!(await tcpProbe(port, 300))) {
    if (exited || Date.now() > deadline) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
      running.delete(child);
      const log = await read('error.log');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start (exit ${JSON.stringify(exited)}):\n${output}\n${log.split('\n').slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    port,
    pid: child.pid,
    dir,
    /** The wss:// URL of `path` through nginx. */
    url: (path = '/') => `wss://127.0.0.1:${port}${path}`,
    /** Finished requests: [{ connection, path, status, seconds }]. */
    async accessLog() {
      return (await read('access.log'))
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [connection, path, status, seconds] = line.split(' ');
          return { connection: Number(connection), path, status: Number(status), seconds: Number(seconds) };
        });
    },
    errorLog: () => read('error.log'),
    async stop() {
      if (!exited) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {}
        const t = setTimeout(() => {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
        }, 3000);
        await exit;
        clearTimeout(t);
      }
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
