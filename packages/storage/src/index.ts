/**
 * @statecraft/storage — the storage contract shared by both services and the in-memory driver.
 * @packageDocumentation
 */
export type {
  Entry,
  ListOptions,
  QueuedTask,
  ReadEventsOptions,
  StorageCapabilities,
  StorageDriver,
  StorageTx,
  TimerRecord,
  TransactionOptions,
} from './driver.js';
export { ConcurrencyError } from './errors.js';
export type { MemoryDriverOptions } from './memory/memory-driver.js';
export { createMemoryDriver } from './memory/memory-driver.js';
export type { HistoryEventLike } from './records.js';
