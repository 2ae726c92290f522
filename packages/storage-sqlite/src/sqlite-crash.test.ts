import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from './sqlite-driver.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'statecraft-sqlite-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the writer, waits until it has committed at least `atLeast` transactions, SIGKILLs it. */
function writeThenKill(filename: string, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@statecraft/source', '--import', 'tsx', join(here, 'testing/fixtures/crash-writer.ts'), filename],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let last = 0;
    let buf = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^committed (\d+)$/.exec(line);
        if (m) last = Number(m[1]);
      }
      if (last >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`writer exited with ${code ?? signal} before it was killed: ${err}`));
    });
  });
}

describe('sqlite driver after SIGKILL', () => {
  it('reopens consistent: every reported commit is there, whole, and nothing half-written', async () => {
    const filename = join(dir, 'crash.sqlite');
    let reported = 0;
    for (const target of [150, 400]) {
      reported = await writeThenKill(filename, target);
      expect(reported).toBeGreaterThanOrEqual(target);

      const check = new Database(filename);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      check.close();

      const store = createSqliteDriver({ filename });
      await store.init();
      await store.transaction(async (tx) => {
        const events = await tx.countEvents('stream');
        // The writer may have committed one more transaction than it managed to report.
        expect(events).toBeGreaterThanOrEqual(reported);
        expect(events).toBeLessThanOrEqual(reported + 1);
        expect((await tx.list('records')).length).toBe(events);
        expect(await tx.countTasks('q')).toBe(events);
        expect((await tx.dueTimers(Number.MAX_SAFE_INTEGER, 1_000_000)).length).toBe(events);
        expect((await tx.readEvents('stream')).map((e) => e.id)).toEqual(
          Array.from({ length: events }, (_, i) => i + 1),
        );
      });
      await store.destroy();
    }
  }, 60_000);
});
