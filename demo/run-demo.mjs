// Starts demo/start.mjs as a child process, for scripts and tests that need the running demo
// (demo/screenshots.mjs, test/e2e/demo.test.mjs). Resolves once the page is served.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const start = fileURLToPath(new URL('./start.mjs', import.meta.url));

/**
 * Resolves to `{ url, output, stop }`: the demo page's URL (…/demo/), what it printed so far and a
 * function that stops the demo. `args`: e.g. ['--cluster'].
 */
export function startDemo({ timeoutMs = 30000, args = [] } = {}) {
  const child = spawn(process.execPath, [start, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`${error.message}\n${output}`));
    };
    const timer = setTimeout(() => fail(new Error(`the demo did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /Open (http:\/\/\S+\/demo\/)/.exec(output)?.[1];
      if (!url || started) return;
      started = true;
      clearTimeout(timer);
      resolve({
        url,
        get output() {
          return output;
        },
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', done);
            child.kill('SIGTERM');
          }),
      });
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => !started && fail(new Error(`the demo exited (${code})`)));
  });
}
