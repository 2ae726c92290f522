import { describe, expect, it } from 'vitest';
import { createMemoryDriver } from './memory/memory-driver.js';
import { createStorageWaiters, type SleepingClock } from './storage-waiters.js';

/** A clock whose sleepers wake when `advanceTo` passes their deadline. */
function fakeClock() {
  const sleepers: { deadline: number; wake: () => void }[] = [];
  let now = 0;
  const clock: SleepingClock & { advanceTo(t: number): void; readonly pending: number } = {
    sleepUntil(deadline, signal) {
      return new Promise<void>((resolve, reject) => {
        if (deadline <= now) return resolve();
        const s = { deadline, wake: resolve };
        sleepers.push(s);
        signal?.addEventListener('abort', () => {
          sleepers.splice(sleepers.indexOf(s), 1);
          reject(new Error('aborted'));
        });
      });
    },
    advanceTo(t) {
      now = t;
      for (const s of [...sleepers]) {
        if (s.deadline <= t) {
          sleepers.splice(sleepers.indexOf(s), 1);
          s.wake();
        }
      }
    },
    get pending() {
      return sleepers.length;
    },
  };
  return clock;
}

describe('createStorageWaiters', () => {
  it('wakes a waiter on notify (also from inside a transaction), else resolves false at the deadline', async () => {
    const store = createMemoryDriver();
    const clock = fakeClock();
    const waiters = createStorageWaiters(store, clock);
    const a = waiters.wait('q', 1_000);
    await waiters.notify('q');
    expect(await a).toBe(true);
    const b = waiters.wait('q', 1_000);
    await store.transaction(async (tx) => {
      await tx.enqueueTask('q', { id: 't', payload: 1, availableAt: 0 });
      await tx.notify('q');
    });
    expect(await b).toBe(true);
    const c = waiters.wait('q', 1_000);
    await waiters.notify('other');
    clock.advanceTo(1_000);
    expect(await c).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('rejects when aborted and stops listening', async () => {
    const store = createMemoryDriver();
    const clock = fakeClock();
    const waiters = createStorageWaiters(store, clock);
    const ac = new AbortController();
    const w = waiters.wait('q', 1_000, ac.signal);
    ac.abort();
    await expect(w).rejects.toThrow();
    expect(clock.pending).toBe(0);
    const pre = new AbortController();
    pre.abort();
    await expect(waiters.wait('q', 1_000, pre.signal)).rejects.toThrow();
  });
});
