/**
 * Per-key serial queues: work for one execution runs one item at a time, in order.
 */

/** @public */
export interface SerialQueues {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Resolves when every queue is empty. */
  idle(): Promise<void>;
}

/** @public */
export function createSerialQueues(): SerialQueues {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      const next = prev.then(work, work);
      const tail = next.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return next;
    },
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
