/**
 * @statecraft/storage — the storage contract shared by both services and the in-memory driver.
 * @packageDocumentation
 */
export type {
  ClaimedTask,
  ClaimTaskOptions,
  Entry,
  ListOptions,
  NotificationListener,
  QueuedTask,
  ReadEventsOptions,
  StorageCapabilities,
  StorageDriver,
  StorageTx,
  TimerQueryOptions,
  TimerRecord,
  TransactionOptions,
  Unsubscribe,
} from './driver.js';
export { ConcurrencyError } from './errors.js';
export type { StorageUrl } from './from-url.js';
export { parseStorageUrl } from './from-url.js';
export { LocalNotifier, MAX_NOTIFICATION_BYTES, queueNotification } from './local-notifier.js';
export type { MemoryDriverOptions } from './memory/memory-driver.js';
export { createMemoryDriver } from './memory/memory-driver.js';
export type { HistoryEventLike } from './records.js';
export type { SleepingClock, StorageWaiters } from './storage-waiters.js';
export { createStorageWaiters } from './storage-waiters.js';
