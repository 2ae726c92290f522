/**
 * @statecraft/storage-sqlite — a durable Statecraft store in one SQLite file (WAL mode), for one node.
 *
 * ```ts
 * import { createSqliteDriver } from '@statecraft/storage-sqlite';
 * const store = createSqliteDriver({ filename: './statecraft.db' });
 * ```
 * @packageDocumentation
 */
export type { SqliteDatabaseLike, SqliteDriverOptions, SqliteStatementLike } from './sqlite-config.js';
export { createSqliteDriver } from './sqlite-driver.js';
