import { describe, expect, it } from 'vitest';
import { createMemoryDriver } from '../memory/memory-driver.js';
import { benchmarkStorageDriver } from './bench-storage-driver.js';

describe('benchmarkStorageDriver', () => {
  it('measures events, transactions and tasks per second and leaves the store empty', async () => {
    const driver = createMemoryDriver();
    const r = await benchmarkStorageDriver(driver, { steps: 40, executions: 4, transactions: 20, tasks: 10 });
    expect(r.eventsPerSecond).toBeGreaterThan(0);
    expect(r.transactionsPerSecond).toBeGreaterThan(0);
    expect(r.tasksPerSecond).toBeGreaterThan(0);
    expect(r.options).toMatchObject({ steps: 40, eventsPerStep: 3, concurrency: 1 });
    await driver.transaction(async (tx) => {
      expect(await tx.list('executions')).toEqual([]);
      expect(await tx.countTasks('bench-queue')).toBe(0);
    });
  });
});
