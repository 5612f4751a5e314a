// A throw-away PostgreSQL 15 (Debian's `postgresql`) for the Kamailio cluster: initdb in a temp
// dir, `postgres` on 127.0.0.1 and a free port, trust authentication, fsync off (nothing here
// outlives the run), Kamailio's own schema (Debian's kamailio-postgres-modules ships it).
// Run as the `postgres` user when we are root (PostgreSQL refuses to run as root).
//
//   const db = await startPostgres({ dir });
//   db.url  → 'postgres://kamailio:kamailio@127.0.0.1:PORT/kamailio'
//   await db.sql('SELECT count(*) FROM location'), db.pid, await db.stop()
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './kamailio.mjs';

const execFileP = promisify(execFile);
const BIN = process.env.POSTGRES_BIN_DIR || '/usr/lib/postgresql/15/bin';
const SCHEMA_DIR = process.env.KAMAILIO_PG_SCHEMA_DIR || '/usr/share/kamailio/postgres';
/** The tables the cluster uses: location (usrloc), presence's, pua's, msilo's. */
const SCHEMA_FILES = ['standard-create.sql', 'usrloc-create.sql', 'presence-create.sql', 'msilo-create.sql'];

/** uid/gid of the `postgres` user when we are root (PostgreSQL will not run as root). */
async function runAs() {
  if (process.getuid?.() !== 0) return {};
  const { stdout } = await execFileP('id', ['-u', 'postgres']);
  const { stdout: gid } = await execFileP('id', ['-g', 'postgres']);
  return { uid: Number(stdout), gid: Number(gid) };
}

/**
 * Starts PostgreSQL with the Kamailio schema, plus one `pua` table per name in `puaTables` (each
 * node keeps its own publications). Resolves once it accepts connections.
 */
export async function startPostgres({ dir, puaTables = [] } = {}) {
  const base = dir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'sip-phone-postgres-')));
  const data = path.join(base, 'pgdata');
  const sockets = path.join(base, 'pgsock');
  const user = await runAs();
  await fsp.mkdir(data, { recursive: true });
  await fsp.mkdir(sockets, { recursive: true });
  if (user.uid !== undefined) {
    await fsp.chown(base, user.uid, user.gid);
    await fsp.chown(data, user.uid, user.gid);
    await fsp.chown(sockets, user.uid, user.gid);
  }
  const pwFile = path.join(base, 'pw');
  await fsp.writeFile(pwFile, 'kamailio\n');
  if (user.uid !== undefined) await fsp.chown(pwFile, user.uid, user.gid);
  await execFileP(path.join(BIN, 'initdb'), ['-D', data, '-U', 'kamailio', '--auth=trust', '-E', 'UTF8', '--no-sync', '--pwfile', pwFile], {
    ...user,
    cwd: base,
  });
  const port = await freePort();
  let exitInfo = null;
  let logBuf = '';
  const child = spawn(
    path.join(BIN, 'postgres'),
    ['-D', data, '-k', sockets, '-h', '127.0.0.1', '-p', String(port), '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { ...user, cwd: base, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const append = (chunk) => (logBuf = (logBuf + chunk).slice(-64 * 1024));
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve();
    }),
  );
  const killSync = () => {
    if (!exitInfo) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
    fs.rmSync(base, { recursive: true, force: true });
  };
  process.on('exit', killSync);
  const psql = (args) =>
    execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'kamailio', ...args], { timeout: 10000 });
  const db = {
    pid: child.pid,
    port,
    url: `postgres://kamailio:kamailio@127.0.0.1:${port}/kamailio`,
    log: () => logBuf,
    /** Runs SQL in the kamailio database; resolves to the rows, fields separated by `|`. */
    async sql(text) {
      const { stdout } = await psql(['-d', 'kamailio', '-At', '-c', text]);
      return stdout.split('\n').filter(Boolean);
    },
    async stop() {
      process.off('exit', killSync);
      if (!exitInfo) {
        try {
          process.kill(child.pid, 'SIGINT'); // fast shutdown
        } catch {}
        const t = setTimeout(() => {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
        }, 5000);
        await exited;
        clearTimeout(t);
      }
      await fsp.rm(base, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      await execFileP(path.join(BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      if (exitInfo || Date.now() > deadline) {
        await db.stop();
        throw new Error(`postgres did not start (${JSON.stringify(exitInfo)}):\n${logBuf}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await psql(['-d', 'postgres', '-c', 'CREATE DATABASE kamailio']);
  for (const file of SCHEMA_FILES) await psql(['-d', 'kamailio', '-f', path.join(SCHEMA_DIR, file)]);
  // pua keeps its own publications: a table per node (pua's db_table), emptied before each start.
  for (const table of puaTables) await db.sql(`CREATE TABLE ${table} (LIKE pua INCLUDING ALL)`);
  if (puaTables.length) await db.sql(`INSERT INTO version (table_name, table_version) VALUES ${puaTables.map((t) => `('${t}', 7)`).join(', ')}`);
  return db;
}
