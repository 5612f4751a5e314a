// A/B of two builds of <sip-phone> in one run: `npm run bench:ab -- <rev>`. Builds <rev> (a commit, branch or tag) in a scratch worktree under
// .test-tmp/ab/, then measures both bundles alternately in the same browser against the same
// Kamailio: import + define and first render (fresh pages), the first register() of a fresh page
// (which, with a lazily loaded SIP stack, includes fetching it), register() again, and video calls
// (call() → active, → first remote frame). Prints a table (stderr) and one line of JSON (stdout).
// Timings on a shared machine are noisy: read the ratios, which share a run. AB_CALLS (20) and
// AB_LOADS (10) set the loop sizes.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { startKamailio } from '../../demo/kamailio/kamailio.mjs';
import { launchBrowser, root, serveRepo, users as passwords } from '../e2e/support/harness.mjs';
import { openPair } from './pair.mjs';
import { summary } from './stats.mjs';

const rev = process.argv[2];
if (!rev) throw new Error('usage: node test/bench/ab.mjs <git revision to compare with>');
const CALLS = Number(process.env.AB_CALLS ?? 20);
const LOADS = Number(process.env.AB_LOADS ?? 10);
const log = (...args) => console.error(...args);
const ab = `${root}.test-tmp/ab/`;

// The baseline: <rev> built in a worktree of its own (node_modules hard-linked from ours).
const tree = `${ab}tree/`;
rmSync(ab, { recursive: true, force: true });
mkdirSync(ab, { recursive: true });
execFileSync('git', ['worktree', 'prune'], { cwd: root });
execFileSync('git', ['worktree', 'add', '--detach', '--force', tree, rev], { cwd: root, stdio: 'ignore' });
try {
  execFileSync('cp', ['-al', `${root}node_modules`, `${tree}node_modules`]);
  log(`building ${rev}`);
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: tree, stdio: 'ignore' });
  execFileSync('npx', ['rollup', '-c', 'rollup.config.mjs', '--silent'], { cwd: tree, stdio: 'ignore' });
  cpSync(`${tree}dist`, `${ab}base/dist`, { recursive: true });
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
}
if (!existsSync(`${root}dist/sip-phone.js`)) throw new Error('no dist/: run npm run build first');
cpSync(`${root}dist`, `${ab}head/dist`, { recursive: true });

// Each build's bench pages: the repo's, loading that build's bundle.
for (const label of ['base', 'head']) {
  const bundle = `/.test-tmp/ab/${label}/dist/sip-phone.js`;
  const page = readFileSync(`${root}test/bench/pages/sip-phone.html`, 'utf8').replace('/dist/sip-phone.js', bundle);
  writeFileSync(`${ab}${label}/sip-phone.html`, page);
  const render = readFileSync(`${root}test/bench/pages/first-render.js`, 'utf8').replace('/dist/sip-phone.js', bundle);
  writeFileSync(`${ab}${label}/first-render.js`, render);
  writeFileSync(
    `${ab}${label}/first-render.html`,
    `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>first render</title><script type="module" src="first-render.js"></script></head><body></body></html>`,
  );
}

const kamailio = await startKamailio({ name: 'bench-ab' });
const web = await serveRepo();
const browser = await launchBrowser();
const users = { base: ['carol', 'dave'], head: ['alice', 'bob'] };
const labels = ['base', 'head'];
// Each round starts with the other build, so neither always runs right after the other's work.
const inTurn = (i) => (i % 2 ? [...labels].reverse() : labels);
const runs = Object.fromEntries(labels.map((l) => [l, { define: [], render: [], firstRegister: [], register: [], active: [], frame: [] }]));
const results = {};
try {
  log(`first render and first register(): ${LOADS} fresh pages each, alternating`);
  for (let i = 0; i < LOADS; i++) {
    for (const label of inTurn(i)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${web.url}/.test-tmp/ab/${label}/first-render.html`);
      const r = await page.evaluate(() => window.firstRender);
      runs[label].define.push(r.defineMs);
      runs[label].render.push(r.renderMs);
      await context.close();
    }
    for (const label of inTurn(i)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${web.url}/.test-tmp/ab/${label}/sip-phone.html`);
      await page.waitForFunction(() => window.bench);
      const [user] = users[label];
      const { registerMs } = await page.evaluate((o) => window.bench.start(o), {
        server: kamailio.wsUrl,
        user,
        password: passwords[user],
        autoAnswer: false,
        iceServers: [],
      });
      await context.close();
      runs[label].firstRegister.push(registerMs);
    }
  }
  const pairs = {};
  for (const label of labels)
    pairs[label] = await openPair(browser, web.url, kamailio.wsUrl, 'sip-phone', { page: `.test-tmp/ab/${label}/sip-phone.html`, users: users[label] });
  log('register() again: 10 each, alternating');
  for (let i = 0; i < 10; i++) {
    for (const label of inTurn(i)) runs[label].register.push((await pairs[label].caller.page.evaluate(() => window.bench.reregister())).registerMs);
  }
  log(`calls: ${CALLS} each, alternating`);
  for (let i = 0; i < CALLS; i++) {
    for (const label of inTurn(i)) {
      await new Promise((r) => setTimeout(r, 300));
      const r = await pairs[label].caller.page.evaluate((t) => window.bench.call(t), pairs[label].target);
      runs[label].active.push(r.activeMs);
      runs[label].frame.push(r.firstFrameMs);
    }
  }
  const firstLoad = (label) => gzipSync(readFileSync(`${ab}${label}/dist/sip-phone.js`), { level: 9 }).length;
  for (const label of labels)
    results[label] = {
      firstLoadGzip: firstLoad(label),
      ...Object.fromEntries(Object.entries(runs[label]).map(([k, v]) => [k, summary(v.filter((x) => typeof x === 'number'))])),
    };
  const ratio = (k) => Math.round((results.head[k].median / results.base[k].median) * 100) / 100;
  results.rev = rev;
  results.ratios = Object.fromEntries(Object.keys(runs.head).map((k) => [k, ratio(k)]));
  const row = (...cells) => cells.map((c, i) => String(c).padStart(i ? 14 : 30)).join('');
  const mp = (s) => `${s.median}/${s.p90}`;
  log('');
  log(row('median/p90 ms', `base ${rev}`.slice(0, 13), 'head', 'head/base'));
  log(
    row(
      'first load, bytes gzip',
      results.base.firstLoadGzip,
      results.head.firstLoadGzip,
      Math.round((results.head.firstLoadGzip / results.base.firstLoadGzip) * 100) / 100,
    ),
  );
  for (const [k, name] of [
    ['define', 'import + define'],
    ['render', 'first render'],
    ['firstRegister', 'first register(), fresh page'],
    ['register', 'register() again'],
    ['active', 'call() → active'],
    ['frame', 'call() → first remote frame'],
  ]) {
    log(row(name, mp(results.base[k]), mp(results.head[k]), results.ratios[k]));
  }
  log('');
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
  await web.close();
  await kamailio.stop();
}
