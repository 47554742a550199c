/**
 * A throw-away PostgreSQL server for the cluster tests: a fresh `initdb` in a temp dir,
 * listening on 127.0.0.1 and a free port, with fast, unsafe settings (no fsync). Uses
 * the server binaries of Debian's `postgresql-15` package; nothing system-wide is touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../../core/net.js';

/** A running PostgreSQL server and the password-authenticated role the tests use. */
export interface RunningPostgres {
  host: string;
  port: number;
  /** A role with CREATEDB that owns the database `clawdbot`; it logs in with a password (scram). */
  user: string;
  password: string;
  /** A postgres:// URL of database `database` for `user`. */
  url(database: string): string;
  stop(): Promise<void>;
}

const ROLE = 'temporal';
const START_TIMEOUT_MS = 30_000;

/** The folder holding initdb and postgres: Debian keeps them out of PATH, per major version. */
function findBinDir(): string {
  const debianRoot = '/usr/lib/postgresql';
  const versions = existsSync(debianRoot)
    ? readdirSync(debianRoot)
        .filter((name) => existsSync(join(debianRoot, name, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  // Prefer 15, the version we deploy against; any other installed major version will do.
  const preferred = versions.includes('15') ? '15' : versions[0];
  if (preferred !== undefined) return join(debianRoot, preferred, 'bin');
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const bindir = pgConfig.status === 0 ? pgConfig.stdout.trim() : '';
  if (bindir !== '' && existsSync(join(bindir, 'initdb'))) return bindir;
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/<version>/bin ' +
      "or pg_config's bindir. Install the Debian package `postgresql` (postgresql-15): " +
      'apt-get install postgresql',
  );
}

/**
 * How to run initdb and postgres. They refuse to run as root: as root we drop to the
 * `postgres` user the Debian package creates. setpriv (util-linux) execs in place, so the
 * pid we hold is postgres itself and our signals reach it, and its --pdeathsig makes the
 * kernel stop the server (SIGQUIT: immediate shutdown) if this process dies without
 * cleaning up, even by SIGKILL.
 */
function serverCommand(): { prefix: string[]; owner: { uid: number; gid: number } | undefined } {
  const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
  if (process.getuid?.() !== 0) {
    return { prefix: hasSetpriv ? ['setpriv', '--pdeathsig', 'QUIT', '--'] : [], owner: undefined };
  }
  if (!hasSetpriv) {
    throw new Error(
      'Running as root, and initdb refuses root, but `setpriv` (Debian package util-linux) ' +
        'is missing to run it as the `postgres` user.',
    );
  }
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'Running as root, but there is no `postgres` user to run the PostgreSQL server as ' +
        '(initdb refuses root). Install the Debian package `postgresql`, which creates it.',
    );
  }
  return {
    prefix: [
      'setpriv',
      '--reuid=postgres',
      '--regid=postgres',
      '--init-groups',
      '--pdeathsig',
      'QUIT',
      '--',
    ],
    owner: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) },
  };
}

function tail(file: string, characters = 3000): string {
  try {
    return readFileSync(file, 'utf8').slice(-characters).trim();
  } catch {
    return '(no log)';
  }
}

/** Start a fresh PostgreSQL server; `stop()` shuts it down and deletes its files. */
export async function startPostgres(): Promise<RunningPostgres> {
  const binDir = findBinDir();
  const { prefix, owner } = serverCommand();
  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-test-postgres-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const command = (binary: string, args: string[]): [string, string[]] => {
    const all = [...prefix, join(binDir, binary), ...args];
    return [all[0] ?? binary, all.slice(1)];
  };

  // Local (unix socket) logins are trusted: the socket lives in our private temp dir and is
  // how we create the role. TCP logins need a password, as in production.
  const [initdb, initdbArgs] = command('initdb', [
    '--pgdata',
    dataDir,
    '--username',
    'postgres',
    '--auth-local',
    'trust',
    '--auth-host',
    'scram-sha-256',
    '--encoding',
    'UTF8',
    '--locale',
    'C',
    '--no-sync',
  ]);
  const init = spawnSync(initdb, initdbArgs, { cwd: dir, encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `initdb failed (${init.error?.message ?? `exit ${init.status}`}):\n${init.stdout}${init.stderr}`,
    );
  }

  const password = randomBytes(12).toString('hex');
  const host = '127.0.0.1';
  let port = 0;
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => {
    // A test process that dies must not leave a postmaster behind: immediate shutdown.
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  // A port picked by a probe can be taken before postgres binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort(host);
    const log = openSync(logFile, 'a');
    const [postgres, postgresArgs] = command('postgres', [
      '-D',
      dataDir,
      '-c',
      `listen_addresses=${host}`,
      '-c',
      `port=${port}`,
      '-c',
      `unix_socket_directories=${dir}`,
      // A test database is thrown away: durability buys nothing and costs a lot.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      // Each Temporal service keeps its own pools (up to 30 connections each), plus
      // the session stores of several gateway and worker processes.
      '-c',
      'max_connections=300',
    ]);
    const started = spawn(postgres, postgresArgs, { cwd: dir, stdio: ['ignore', log, log] });
    closeSync(log);
    child = started;
    const exit = new Promise<void>((resolve) => {
      started.once('exit', () => resolve());
      // Not started at all (no 'exit' follows): waitUntilReady gives up at once.
      started.once('error', (error) => {
        writeFileSync(logFile, `could not run ${postgres}: ${error.message}\n`, { flag: 'a' });
        resolve();
      });
    });
    exited = exit;

    const ready = await waitUntilReady(dir, port, exit);
    if (ready) break;
    const output = tail(logFile);
    if (attempt < 3 && /could not (bind|create listen socket)/i.test(output)) continue;
    process.removeListener('exit', killOnExit);
    killOnExit();
    await exit;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start (port ${port}). Its log:\n${output}`);
  }

  try {
    const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      // The identifier and password are ours ([a-z0-9]), so plain interpolation is safe.
      await admin.query(`CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${password}'`);
      await admin.query(`CREATE DATABASE clawdbot OWNER ${ROLE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    killOnExit();
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    user: ROLE,
    password,
    url: (database) =>
      `postgres://${ROLE}:${password}@${host}:${port}/${encodeURIComponent(database)}`,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', killOnExit);
        const running = child;
        if (running?.pid !== undefined && running.exitCode === null) {
          // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, checkpoint, exit.
          running.kill('SIGINT');
          const done = await Promise.race([
            exited.then(() => true),
            sleep(10_000, undefined, { ref: false }).then(() => false),
          ]);
          if (!done) {
            running.kill('SIGKILL');
            await exited;
          }
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Poll the unix socket until the server accepts logins; false if it exited first. */
async function waitUntilReady(socketDir: string, port: number, exit: Promise<void>) {
  let gone = false;
  void exit.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !gone) {
    const probe = new pg.Client({
      host: socketDir,
      port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 1000,
    });
    try {
      await probe.connect();
      await probe.end();
      return true;
    } catch {
      await probe.end().catch(() => undefined);
      await sleep(50);
    }
  }
  return false;
}
