/**
 * @statecraft/storage-postgres — a durable Statecraft store in PostgreSQL that several nodes can share:
 * task and timer claims use `FOR UPDATE SKIP LOCKED`, and long polls wake across nodes through LISTEN/NOTIFY.
 *
 * ```ts
 * import { createPostgresDriver } from '@statecraft/storage-postgres';
 * const store = createPostgresDriver({ connectionString: process.env.DATABASE_URL });
 * ```
 * @packageDocumentation
 */

export type {
  PgPoolClientLike,
  PgPoolLike,
  PgQueryResultLike,
  PostgresDriverOptions,
} from './postgres-config.js';
export { createPostgresDriver } from './postgres-driver.js';
