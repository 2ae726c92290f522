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

/**
 * A task handed out by {@link StorageTx.claimTask}. Without a lease it has left the queue; with one it stays,
 * hidden until `leaseExpiresAt`, and comes back if nobody completes it by then (a node that died mid-work has
 * its work taken over). @public
 */
export interface ClaimedTask<T = unknown> extends QueuedTask<T> {
  /** How many times the task has been claimed, this claim included (1 on the first claim). */
  readonly claims: number;
  /** With a lease: epoch ms when the task becomes available again unless completed. */
  readonly leaseExpiresAt?: number;
}

/** @public */
export interface ClaimTaskOptions {
  /**
   * Keep the task in the queue, hidden for this many ms, instead of removing it. Finish it with
   * {@link StorageTx.completeTask}; if the lease runs out first, the next claim hands it out again.
   */
  readonly leaseMs?: number;
}

/** A notification listener: a wake-up hint, never data (re-read the store). @public */
export type NotificationListener = (payload: string | undefined) => void;

/** Stops a subscription. @public */
export type Unsubscribe = () => Promise<void>;

/** A durable timer. @public */
export interface TimerRecord<T = unknown> {
  readonly id: string;
  /** Epoch ms when it is due. */
  readonly fireAt: number;
  readonly payload: T;
}

/** Which timers a query sees. @public */
export interface TimerQueryOptions {
  /** Only timers whose id starts with this (each service keeps its own, e.g. `swf:` and `sfn:`). */
  readonly idPrefix?: string;
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

  /**
   * Queues a task. Task ids are unique within a queue: enqueueing an id that is already there replaces that
   * task (it moves to the back of its priority).
   */
  enqueueTask<T>(queue: string, task: QueuedTask<T>): Promise<void>;
  /**
   * Hands out the first available task (highest priority, then enqueue order, `availableAt <= now`): claimed
   * exactly once, also across nodes sharing one database (a task another open transaction holds is skipped,
   * never waited for). Without `leaseMs` the task leaves the queue; with it, see {@link ClaimTaskOptions}.
   */
  claimTask<T>(queue: string, now: number, options?: ClaimTaskOptions): Promise<ClaimedTask<T> | undefined>;
  /**
   * Finishes a leased task: removes it if it is still there and, when `claims` is given, was not claimed again
   * since (its lease ran out and another claimer took it). Returns whether it was removed.
   */
  completeTask(queue: string, id: string, claims?: number): Promise<boolean>;
  /**
   * Extends a lease still held (the task is there and was not claimed again since): it stays hidden until
   * `leaseExpiresAt`. A worker heartbeats with it while it works. Returns whether the lease was extended.
   */
  renewTask(queue: string, id: string, claims: number, leaseExpiresAt: number): Promise<boolean>;
  /** Removes a task that is still queued (e.g. its execution closed). */
  removeTask(queue: string, id: string): Promise<boolean>;
  /** Tasks in the queue, available or not, leased ones included. */
  countTasks(queue: string): Promise<number>;
  /** Removes every task of a queue; returns how many. */
  purgeQueue(queue: string): Promise<number>;

  putTimer<T>(timer: TimerRecord<T>): Promise<void>;
  deleteTimer(id: string): Promise<boolean>;
  /** Timers due at or before `until`, earliest first (ties by id). */
  dueTimers<T>(until: number, limit: number, options?: TimerQueryOptions): Promise<TimerRecord<T>[]>;
  /** The earliest timer, if any (the scheduler sleeps until it). */
  nextTimer<T>(options?: TimerQueryOptions): Promise<TimerRecord<T> | undefined>;
  /**
   * Removes and returns the timers due at or before `until`, earliest first: each timer is handed out once,
   * also across nodes (timers another open transaction holds are skipped). Fire them in the same transaction:
   * if it rolls back, they are due again.
   */
  claimDueTimers<T>(until: number, limit: number, options?: TimerQueryOptions): Promise<TimerRecord<T>[]>;
  /** A timer by id. */
  getTimer<T>(id: string): Promise<TimerRecord<T> | undefined>;

  /**
   * Sends a notification on `channel` when (and only if) the transaction commits. Listeners of this driver
   * hear it; with `capabilities.notify`, so do the other nodes on the same database. Use it to wake long
   * polls and schedulers after `enqueueTask`/`putTimer`. Payloads are short strings (under 7000 bytes).
   */
  notify(channel: string, payload?: string): Promise<void>;
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
  /**
   * Listens to notifications sent with {@link StorageTx.notify} on `channel`. Delivery is at most once and may
   * be lost (e.g. while a connection is re-established, when listeners are woken with `undefined`): listeners
   * treat it as a hint and re-read the store, and pollers still keep their deadline. The listener is registered
   * synchronously, when `subscribe` is called, so this process's own notifications are heard from then on;
   * other nodes' once the returned promise resolves.
   */
  subscribe(channel: string, listener: NotificationListener, options?: { signal?: AbortSignal }): Promise<Unsubscribe>;
  destroy(): Promise<void>;
}
