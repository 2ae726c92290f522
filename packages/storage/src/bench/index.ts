/**
 * @statecraft/storage/bench — a storage benchmark every driver can run (`pnpm bench` reports it per adapter).
 * @packageDocumentation
 */
export type { StorageBenchOptions, StorageBenchResult } from './bench-storage-driver.js';
export { benchmarkStorageDriver } from './bench-storage-driver.js';
