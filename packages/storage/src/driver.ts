/**
 * The storage contract. Both services keep everything they know in a {@link StorageDriver}: records in
 * named collections (state machines, executions and their snapshots, activities, domains, types, tags...),
 * append-only event streams (execution histories), task queues claimed exactly once, and durable timers.
 *
 * Everything happens inside {@link StorageDriver.transaction}: the work either commits whole or not at all.
 * Values are plain JSON data. Drivers may keep them by reference (memory) or serialise them (SQLite,
 * PostgreSQL): callers must treat a value as immutable once written or read.
 */
import type { HistoryEventLike } from './records.js';

/** What a driver can do. Capability flags, not `instanceof`. @public */
export interface StorageCapabilities {
  /** Other processes can wake this one's long polls (PostgreSQL LISTEN/NOTIFY). */
  readonly notify: boolean;
  /** Several Statecraft nodes may share this store. */
  readonly multipleConnections: boolean;
  /** Data survives a restart. */
  readonly durable: boolean;
}

/** @public */
export interface ListOptions {
  /** Only keys starting with this prefix. */
  readonly prefix?: string;
  /** Only keys strictly greater than this one (keys are listed in ascending order). */
  readonly afterKey?: string;
  readonly limit?: number;
}

/** @public */
export interface Entry<T> {
  readonly key: string;
  readonly value: T;
}

/** A queued task (activity task, decision task, callback). @public */
export interface QueuedTask<T = unknown> {
  readonly id: string;
  readonly payload: T;
  /** Epoch ms before which the task is not handed out. */
  readonly availableAt: number;
  /** Higher first (SWF task priorities); ties in enqueue order. */
  readonly priority?: number;
}

/** A durable timer. @public */
export interface TimerRecord<T = unknown> {
  readonly id: string;
  /** Epoch ms when it is due. */
  readonly fireAt: number;
  readonly payload: T;
}

/** Reading events. @public */
export interface ReadEventsOptions {
  /** First id to read (1-based, inclusive); default 1. */
  readonly fromId?: number;
  readonly limit?: number;
}

/** Work inside one transaction. Never blocks waiting for other work. @public */
export interface StorageTx {
  get<T>(collection: string, key: string): Promise<T | undefined>;
  put<T>(collection: string, key: string, value: T): Promise<void>;
  /** Returns whether the key existed. */
  delete(collection: string, key: string): Promise<boolean>;
  list<T>(collection: string, options?: ListOptions): Promise<Entry<T>[]>;

  /**
   * Appends events whose ids must run on from `expectedNextId` (optimistic concurrency: a stream whose next
   * id differs throws {@link ConcurrencyError}).
   */
  appendEvents(stream: string, expectedNextId: number, events: readonly HistoryEventLike[]): Promise<void>;
  readEvents<E extends HistoryEventLike = HistoryEventLike>(stream: string, options?: ReadEventsOptions): Promise<E[]>;
  /** Number of events in the stream (= the last id). */
  countEvents(stream: string): Promise<number>;
  deleteStream(stream: string): Promise<void>;

  enqueueTask<T>(queue: string, task: QueuedTask<T>): Promise<void>;
  /** Hands out the first available task and removes it from the queue: claimed exactly once. */
  claimTask<T>(queue: string, now: number): Promise<QueuedTask<T> | undefined>;
  /** Removes a task that is still queued (e.g. its execution closed). */
  removeTask(queue: string, id: string): Promise<boolean>;
  countTasks(queue: string): Promise<number>;

  putTimer<T>(timer: TimerRecord<T>): Promise<void>;
  deleteTimer(id: string): Promise<boolean>;
  /** Timers due at or before `until`, earliest first. */
  dueTimers<T>(until: number, limit: number): Promise<TimerRecord<T>[]>;
  /** The earliest timer, if any (the scheduler sleeps until it). */
  nextTimer<T>(): Promise<TimerRecord<T> | undefined>;
}

/** @public */
export interface TransactionOptions {
  readonly signal?: AbortSignal;
}

/** @public */
export interface StorageDriver {
  readonly capabilities: StorageCapabilities;
  init(options?: { signal?: AbortSignal }): Promise<void>;
  transaction<T>(work: (tx: StorageTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Wipes all data (the admin `POST /_statecraft/reset`). */
  reset(): Promise<void>;
  destroy(): Promise<void>;
}
