/**
 * @statecraft/storage-postgres/testing — a throwaway PostgreSQL server for tests and benchmarks.
 * @packageDocumentation
 */
export type { TestPostgres } from './postgres-server.js';
export { startTestPostgres } from './postgres-server.js';
