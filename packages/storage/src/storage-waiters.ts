/**
 * Long-poll waiters over a store's notifications: the same shape as the engine's in-process `Waiters`, but a
 * `notify` on one node wakes `wait`s on every node sharing the store (when `capabilities.notify`; within the
 * process otherwise). Prefer sending the wake-up inside the transaction that enqueued the work
 * (`tx.notify(channel)`): it is then sent only if that transaction commits, with no extra round trip.
 */
import type { StorageDriver } from './driver.js';

/** The part of the engine's `Clock` the waiters need. @public */
export interface SleepingClock {
  sleepUntil(deadline: number, signal?: AbortSignal): Promise<void>;
}

/** @public */
export interface StorageWaiters {
  /** Resolves `true` when notified, `false` at the deadline; rejects when aborted. */
  wait(channel: string, deadline: number, signal?: AbortSignal): Promise<boolean>;
  /** Wakes every waiter on the channel, on every node (a transaction of its own). Never rejects. */
  notify(channel: string): Promise<void>;
}

/**
 * Creates waiters backed by `store.subscribe` and `tx.notify`.
 * @public
 */
export function createStorageWaiters(store: StorageDriver, clock: SleepingClock): StorageWaiters {
  return {
    wait(channel, deadline, signal) {
      return new Promise<boolean>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          return;
        }
        const ac = new AbortController();
        let settled = false;
        const done = (value: boolean | Error) => {
          if (settled) return;
          settled = true;
          ac.abort();
          signal?.removeEventListener('abort', onAbort);
          if (value instanceof Error) reject(value);
          else resolve(value);
        };
        const onAbort = () => done(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
        // Drivers register the listener before their first await, so a notify from here on is heard.
        store
          .subscribe(channel, () => done(true), { signal: ac.signal })
          .catch((err: unknown) => {
            // Listening failed (e.g. the database is down): fall back to the deadline.
            void err;
          });
        clock.sleepUntil(deadline, ac.signal).then(
          () => done(false),
          () => {},
        );
      });
    },
    async notify(channel) {
      // Never rejects: callers fire and forget (the engine's Waiters.notify returns void), and a lost wake-up
      // only delays pollers until their deadline.
      await store.transaction((tx) => tx.notify(channel)).catch(() => undefined);
    },
  };
}
