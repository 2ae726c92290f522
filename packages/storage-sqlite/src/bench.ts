/**
 * The SQLite numbers for `pnpm bench`: the shared storage benchmark on a fresh file in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageBenchOptions, StorageBenchResult } from '@statecraft/storage/bench';
import { benchmarkStorageDriver } from '@statecraft/storage/bench';
import { createSqliteDriver } from './sqlite-driver.js';

/** @public */
export interface SqliteBenchOptions extends StorageBenchOptions {
  /** Defaults to `NORMAL` (the driver's default). */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/**
 * Runs the storage benchmark on SQLite: history events appended per second, simple transactions per second,
 * tasks per second.
 * @public
 */
export async function benchSqlite(options: SqliteBenchOptions = {}): Promise<StorageBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'statecraft-sqlite-bench-'));
  const driver = createSqliteDriver({
    filename: join(dir, 'bench.sqlite'),
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
  });
  try {
    return await benchmarkStorageDriver(driver, options);
  } finally {
    await driver.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
