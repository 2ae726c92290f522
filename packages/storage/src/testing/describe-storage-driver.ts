/**
 * The contract suite every storage driver runs unchanged:
 *
 * ```ts
 * describeStorageDriver('memory', () => createMemoryDriver());
 * ```
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageDriver } from '../driver.js';
import { ConcurrencyError } from '../errors.js';

/** @public */
export function describeStorageDriver(name: string, create: () => StorageDriver | Promise<StorageDriver>): void {
  describe(`storage driver contract: ${name}`, () => {
    let driver: StorageDriver;
    beforeEach(async () => {
      driver = await create();
      await driver.init();
      await driver.reset();
    });
    afterEach(async () => {
      await driver.destroy();
    });

    it('puts, gets, lists in key order and deletes records', async () => {
      await driver.transaction(async (tx) => {
        await tx.put('c', 'b', { v: 2 });
        await tx.put('c', 'a', { v: 1 });
        await tx.put('c', 'ab', { v: 3 });
        await tx.put('other', 'a', { v: 9 });
      });
      const got = await driver.transaction((tx) => tx.get<{ v: number }>('c', 'a'));
      expect(got).toEqual({ v: 1 });
      const all = await driver.transaction((tx) => tx.list<{ v: number }>('c'));
      expect(all.map((e) => e.key)).toEqual(['a', 'ab', 'b']);
      const pref = await driver.transaction((tx) => tx.list('c', { prefix: 'a' }));
      expect(pref.map((e) => e.key)).toEqual(['a', 'ab']);
      const after = await driver.transaction((tx) => tx.list('c', { afterKey: 'a', limit: 1 }));
      expect(after.map((e) => e.key)).toEqual(['ab']);
      expect(await driver.transaction((tx) => tx.delete('c', 'a'))).toBe(true);
      expect(await driver.transaction((tx) => tx.delete('c', 'a'))).toBe(false);
      expect(await driver.transaction((tx) => tx.get('c', 'a'))).toBeUndefined();
    });

    it('rolls back every write of a transaction that throws', async () => {
      await driver.transaction((tx) => tx.put('c', 'keep', 1));
      await expect(
        driver.transaction(async (tx) => {
          await tx.put('c', 'keep', 2);
          await tx.put('c', 'new', 3);
          await tx.appendEvents('s', 1, [{ id: 1 }]);
          await tx.enqueueTask('q', { id: 't', payload: 1, availableAt: 0 });
          await tx.putTimer({ id: 'tm', fireAt: 5, payload: null });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await driver.transaction(async (tx) => {
        expect(await tx.get('c', 'keep')).toBe(1);
        expect(await tx.get('c', 'new')).toBeUndefined();
        expect(await tx.countEvents('s')).toBe(0);
        expect(await tx.countTasks('q')).toBe(0);
        expect(await tx.nextTimer()).toBeUndefined();
      });
    });

    it('appends events with optimistic concurrency and reads ranges', async () => {
      await driver.transaction((tx) => tx.appendEvents('s', 1, [{ id: 1 }, { id: 2 }]));
      await driver.transaction((tx) => tx.appendEvents('s', 3, [{ id: 3 }]));
      await expect(driver.transaction((tx) => tx.appendEvents('s', 3, [{ id: 3 }]))).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      const all = await driver.transaction((tx) => tx.readEvents('s'));
      expect(all.map((e) => e.id)).toEqual([1, 2, 3]);
      const part = await driver.transaction((tx) => tx.readEvents('s', { fromId: 2, limit: 1 }));
      expect(part.map((e) => e.id)).toEqual([2]);
      expect(await driver.transaction((tx) => tx.countEvents('s'))).toBe(3);
      await driver.transaction((tx) => tx.deleteStream('s'));
      expect(await driver.transaction((tx) => tx.countEvents('s'))).toBe(0);
    });

    it('hands out each queued task exactly once, by priority then order, respecting availableAt', async () => {
      await driver.transaction(async (tx) => {
        await tx.enqueueTask('q', { id: 'a', payload: 'a', availableAt: 0 });
        await tx.enqueueTask('q', { id: 'b', payload: 'b', availableAt: 0, priority: 5 });
        await tx.enqueueTask('q', { id: 'c', payload: 'c', availableAt: 100 });
      });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const t = await driver.transaction((tx) => tx.claimTask<string>('q', 50));
        if (t) ids.push(t.id);
      }
      expect(ids).toEqual(['b', 'a']);
      expect(await driver.transaction((tx) => tx.countTasks('q'))).toBe(1);
      expect((await driver.transaction((tx) => tx.claimTask('q', 100)))?.id).toBe('c');
      await driver.transaction((tx) => tx.enqueueTask('q', { id: 'd', payload: 1, availableAt: 0 }));
      expect(await driver.transaction((tx) => tx.removeTask('q', 'd'))).toBe(true);
      expect(await driver.transaction((tx) => tx.claimTask('q', 1000))).toBeUndefined();
    });

    it('keeps timers and reports the due ones earliest first', async () => {
      await driver.transaction(async (tx) => {
        await tx.putTimer({ id: 't2', fireAt: 20, payload: 2 });
        await tx.putTimer({ id: 't1', fireAt: 10, payload: 1 });
        await tx.putTimer({ id: 't3', fireAt: 30, payload: 3 });
      });
      expect((await driver.transaction((tx) => tx.nextTimer()))?.id).toBe('t1');
      const due = await driver.transaction((tx) => tx.dueTimers(20, 10));
      expect(due.map((t) => t.id)).toEqual(['t1', 't2']);
      expect(await driver.transaction((tx) => tx.deleteTimer('t1'))).toBe(true);
      expect((await driver.transaction((tx) => tx.nextTimer()))?.id).toBe('t2');
    });

    it('reset wipes everything', async () => {
      await driver.transaction(async (tx) => {
        await tx.put('c', 'a', 1);
        await tx.appendEvents('s', 1, [{ id: 1 }]);
      });
      await driver.reset();
      await driver.transaction(async (tx) => {
        expect(await tx.get('c', 'a')).toBeUndefined();
        expect(await tx.countEvents('s')).toBe(0);
      });
    });
  });
}
