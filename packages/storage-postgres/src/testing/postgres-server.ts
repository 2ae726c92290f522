/**
 * A throwaway PostgreSQL for tests and benchmarks: `initdb` into a temporary directory, start on 127.0.0.1
 * on a free port, remove it all on `stop()`. Uses `STATECRAFT_TEST_POSTGRES_URL` instead when set, and the
 * binaries in `STATECRAFT_POSTGRES_BIN` when set (else PATH, else /usr/lib/postgresql/<newest>/bin). When no
 * PostgreSQL binaries are found, resolves to `{ url: undefined, reason }` so callers can skip, not fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** @public */
export interface TestPostgres {
  /** A connection string, or `undefined` when PostgreSQL is unavailable (see `reason`). */
  readonly url: string | undefined;
  /** Why `url` is missing. */
  readonly reason?: string;
  /** Where the URL came from. */
  readonly source?: 'env' | 'throwaway';
  /** Stops and deletes a throwaway server (no-op otherwise). */
  stop(): Promise<void>;
}

const noop = async () => {};

/** Finds the directory holding `initdb`, `pg_ctl` and `postgres`. @internal */
export function findPostgresBin(): string | undefined {
  const ok = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)));
  const chosen = process.env.STATECRAFT_POSTGRES_BIN;
  if (chosen) return ok(chosen) ? chosen : undefined;
  const fromPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout?.trim();
  if (fromPath) {
    // Debian puts wrappers on PATH; the real binaries are next to the resolved pg_ctl.
    const real = spawnSync('readlink', ['-f', fromPath], { encoding: 'utf8' }).stdout?.trim() || fromPath;
    const dir = real.slice(0, real.lastIndexOf('/'));
    if (ok(dir)) return dir;
  }
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (ok(join(base, v, 'bin'))) return join(base, v, 'bin');
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The user to run PostgreSQL as: ourselves, or (as root, which PostgreSQL refuses) `postgres` or `nobody`. */
function runAs(): { user: string | undefined; uid: number; gid: number } | undefined {
  const me = userInfo();
  if (me.uid !== 0) return { user: undefined, uid: me.uid, gid: me.gid };
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { user: name, uid: Number(id.stdout), gid: Number(gid.stdout) };
  }
  return undefined;
}

/**
 * Starts a throwaway PostgreSQL (or uses `STATECRAFT_TEST_POSTGRES_URL`).
 * @public
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const env = process.env.STATECRAFT_TEST_POSTGRES_URL;
  if (env) return { url: env, source: 'env', stop: noop };
  const bin = findPostgresBin();
  if (!bin) {
    return {
      url: undefined,
      reason:
        'no PostgreSQL binaries (initdb, pg_ctl, postgres) in STATECRAFT_POSTGRES_BIN, on PATH or in /usr/lib/postgresql/*/bin, and STATECRAFT_TEST_POSTGRES_URL is not set. Install them (tools/ci/postgres.sh) or point STATECRAFT_TEST_POSTGRES_URL at a server.',
      stop: noop,
    };
  }
  const who = runAs();
  if (!who) {
    return {
      url: undefined,
      reason: 'running as root and no postgres or nobody user to run PostgreSQL as.',
      stop: noop,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'statecraft-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  if (who.user) {
    chmodSync(dir, 0o755);
    chownSync(dir, who.uid, who.gid);
  }
  const run = (file: string, args: string[]) => {
    const [cmd, argv] = who.user
      ? ['runuser', ['-u', who.user, '--', join(bin, file), ...args]]
      : [join(bin, file), args];
    return execFileSync(cmd as string, argv as string[], { stdio: 'pipe', cwd: dir, timeout: 60_000 });
  };
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -h 127.0.0.1 -k ${dir} -F -c max_connections=200`,
      'start',
    ]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message?: string };
    throw new Error(
      `[statecraft] Failed to start a throwaway PostgreSQL from ${bin}: ${e.stderr?.toString() || e.message}`,
    );
  }
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopNow);
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // Never leave a server behind, even when the test run dies before calling stop().
  process.on('exit', stopNow);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    source: 'throwaway',
    async stop() {
      stopNow();
    },
  };
}
