// WebKit for the end-to-end tests: Debian's WebKitGTK MiniBrowser, driven by WebKitWebDriver
// (Debian's webkit2gtk-driver) over plain WebDriver classic (HTTP + JSON, through fetch), on a
// virtual X display (Xvfb: MiniBrowser has no headless mode). Debian's build has no WebRTC
// (no RTCPeerConnection), which is what these tests are about.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';

const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A port nobody listens on now, on 127.0.0.1. */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `command`; rejects if it exits before `ready` resolves. */
function start(command, args, env = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const output = [];
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  const exited = new Promise((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}): ${output.join('').slice(-2000)}`)));
  });
  exited.catch(() => {});
  return { child, output, exited };
}

/** Ends a process we started (and waits for it). */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

/**
 * Starts Xvfb (on a display it picks), WebKitWebDriver and a MiniBrowser session. Resolves to
 * { execute, executeAsync, open, close }: `execute(fn, ...args)` runs `fn` (a function, sent as
 * its source) in the page and resolves to what it returns (awaited); `open(url)` navigates.
 */
export async function launchWebKit() {
  const xvfb = start('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x900x24', '-nolisten', 'tcp']);
  const display = await Promise.race([
    new Promise((resolve) => {
      const check = () => {
        const line = xvfb.output.join('').match(/^(\d+)\s*$/m);
        if (line) resolve(`:${line[1]}`);
        else setTimeout(check, 20);
      };
      check();
    }),
    xvfb.exited,
  ]);
  const port = await freePort();
  const driver = start('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { DISPLAY: display });
  const base = `http://127.0.0.1:${port}`;
  const request = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${response.status} ${JSON.stringify(json.value)}`);
    return json.value;
  };
  try {
    const started = Date.now();
    for (;;) {
      const ready = await request('GET', '/status').then(
        (v) => v.ready,
        () => false,
      );
      if (ready) break;
      if (Date.now() - started > 10000) throw new Error(`WebKitWebDriver not ready: ${driver.output.join('')}`);
      await Promise.race([new Promise((r) => setTimeout(r, 100)), driver.exited]);
    }
    const { sessionId } = await request('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true'] },
        },
      },
    });
    const session = `/session/${sessionId}`;
    const executeAsync = (fn, ...args) =>
      request('POST', `${session}/execute/async`, {
        script: `const done = arguments[arguments.length - 1];
          Promise.resolve().then(() => (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
            .then((value) => done({ value }), (e) => done({ thrown: String(e && e.message || e) }));`,
        args,
      }).then((result) => {
        if (result && 'thrown' in result) throw new Error(`in WebKit: ${result.thrown}`);
        return result?.value;
      });
    return {
      display,
      execute: executeAsync,
      open: (url) => request('POST', `${session}/url`, { url }),
      close: async () => {
        await request('DELETE', session).catch(() => {});
        await stop(driver.child);
        await stop(xvfb.child);
      },
    };
  } catch (error) {
    await stop(driver.child);
    await stop(xvfb.child);
    throw error;
  }
}

/**
 * A <sip-phone> on the e2e test page in WebKit, with the helpers of harness.mjs's openPhone()
 * that these tests use: waitFor, events, call, prop, text.
 */
export async function openWebKitPhone(webkit, baseUrl, { user, password, server, attributes = {} }) {
  await webkit.open(`${baseUrl}/test/e2e/pages/phone.html`);
  await webkit.execute(
    () =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (customElements.get('sip-phone') && window.addPhone) return resolve();
          if (Date.now() - started > 10000) return reject(new Error('the test page did not load the element'));
          setTimeout(check, 20);
        };
        check();
      }),
  );
  await webkit.execute(
    (attrs, pw) => {
      window.addPhone(attrs, pw);
    },
    { server, uri: `sip:${user}@sip-phone.test`, ...attributes },
    password,
  );
  return {
    user,
    waitFor: (type, filter = {}, timeout = 15000) => webkit.execute((t, f, ms) => window.waitForEvent(t, f, ms), type, filter, timeout),
    events: (type) => webkit.execute((t) => window.sipEvents.filter((e) => !t || e.type === t), type),
    call: (method, ...args) =>
      webkit.execute(
        async (m, a) => {
          try {
            const value = await window.phone()[m](...a);
            return value === undefined ? {} : { value: JSON.parse(JSON.stringify(value)) };
          } catch (e) {
            return { error: { code: e.code, message: e.message, name: e.name } };
          }
        },
        method,
        args,
      ),
    prop: (name) => webkit.execute((n) => JSON.parse(JSON.stringify(window.phone()[n] ?? null)), name),
    evaluate: (fn, ...args) => webkit.execute(fn, ...args),
  };
}
