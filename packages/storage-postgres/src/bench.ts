/**
 * The PostgreSQL numbers for `pnpm bench`: the shared storage benchmark on `connectionString`, or on a
 * throwaway server (see `startTestPostgres`) when none is given. Without PostgreSQL it reports why it skipped.
 */
import type { StorageBenchOptions, StorageBenchResult } from '@statecraft/storage/bench';
import { benchmarkStorageDriver } from '@statecraft/storage/bench';
import { createPostgresDriver } from './postgres-driver.js';
import { startTestPostgres } from './testing/postgres-server.js';

/** @public */
export interface PostgresBenchOptions extends StorageBenchOptions {
  /** A server to measure; default: `STATECRAFT_TEST_POSTGRES_URL`, else a throwaway one. */
  readonly connectionString?: string;
  /** Schema to use (wiped before and after); default `statecraft_bench`. */
  readonly schema?: string;
}

/** @public */
export type PostgresBenchResult =
  | ({ readonly skipped?: undefined } & StorageBenchResult)
  | { readonly skipped: string };

/**
 * Runs the storage benchmark on PostgreSQL (default concurrency 8: several connections is its point).
 * @public
 */
export async function benchPostgres(options: PostgresBenchOptions = {}): Promise<PostgresBenchResult> {
  const server = options.connectionString
    ? { url: options.connectionString, reason: undefined, stop: async () => {} }
    : await startTestPostgres();
  if (!server.url) return { skipped: server.reason ?? 'PostgreSQL unavailable' };
  const driver = createPostgresDriver({
    connectionString: server.url,
    schema: options.schema ?? 'statecraft_bench',
    max: Math.max(10, options.concurrency ?? 8),
  });
  try {
    return await benchmarkStorageDriver(driver, { ...options, concurrency: options.concurrency ?? 8 });
  } finally {
    await driver.destroy();
    await server.stop();
  }
}
