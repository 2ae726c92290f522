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

    it('round-trips JSON values and event bodies unchanged', async () => {
      const value = {
        s: 'héllo ✓ 𝄞 "quoted" \\ \n',
        n: 1.5,
        big: 1_700_000_000_123,
        neg: -3,
        t: true,
        f: false,
        nil: null,
        arr: [1, 'two', { three: [3] }],
        nested: { a: { b: { c: 'd' } } },
        zero: '\u0000-nul',
      };
      const event = { id: 1, type: 'ExecutionStarted', timestamp: 1_700_000_000_000, details: { input: '{"a":1}' } };
      await driver.transaction(async (tx) => {
        await tx.put('c', 'k', value);
        await tx.put('c', 'str', 'just a string');
        await tx.put('c', 'num', 42);
        await tx.appendEvents('s', 1, [event]);
      });
      await driver.transaction(async (tx) => {
        expect(await tx.get('c', 'k')).toEqual(value);
        expect(Object.keys((await tx.get<object>('c', 'k'))!)).toEqual(Object.keys(value));
        expect(await tx.get('c', 'str')).toBe('just a string');
        expect(await tx.get('c', 'num')).toBe(42);
        expect(await tx.readEvents('s')).toEqual([event]);
      });
    });

    it('lists keys in code-unit order with literal prefixes and pages with afterKey', async () => {
      const keys = ['a%b', 'a_b', 'axb', 'B', 'a', 'ab', 'a/b', 'b'];
      await driver.transaction(async (tx) => {
        for (const k of keys) await tx.put('c', k, k);
        await tx.put('c2', 'a%z', 0);
      });
      const all = await driver.transaction((tx) => tx.list<string>('c'));
      expect(all.map((e) => e.key)).toEqual([...keys].sort());
      expect(all.every((e) => e.key === e.value)).toBe(true);
      expect((await driver.transaction((tx) => tx.list('c', { prefix: 'a%' }))).map((e) => e.key)).toEqual(['a%b']);
      expect((await driver.transaction((tx) => tx.list('c', { prefix: 'a_' }))).map((e) => e.key)).toEqual(['a_b']);
      expect((await driver.transaction((tx) => tx.list('c', { prefix: 'zz' }))).map((e) => e.key)).toEqual([]);
      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await driver.transaction((tx) =>
          tx.list('c', { prefix: 'a', limit: 2, ...(after !== undefined ? { afterKey: after } : {}) }),
        );
        if (page.length === 0) break;
        pages.push(page.map((e) => e.key));
        after = page[page.length - 1]!.key;
      }
      expect(pages).toEqual([
        ['a', 'a%b'],
        ['a/b', 'a_b'],
        ['ab', 'axb'],
      ]);
    });

    it('keeps streams apart and rejects appends that do not run on', async () => {
      await driver.transaction(async (tx) => {
        await tx.appendEvents('s1', 1, [{ id: 1 }]);
        await tx.appendEvents('s2', 1, [{ id: 1 }, { id: 2 }]);
        await tx.appendEvents('s1', 2, [{ id: 2 }, { id: 3 }]);
      });
      const err = await driver
        .transaction((tx) => tx.appendEvents('s3', 2, [{ id: 2 }]))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect(err).toMatchObject({ stream: 's3', expectedNextId: 2, actualNextId: 1 });
      await expect(driver.transaction((tx) => tx.appendEvents('s1', 3, [{ id: 3 }]))).rejects.toMatchObject({
        actualNextId: 4,
      });
      await driver.transaction(async (tx) => {
        expect(await tx.countEvents('s1')).toBe(3);
        expect(await tx.countEvents('s2')).toBe(2);
        expect(await tx.countEvents('s3')).toBe(0);
        expect(await tx.readEvents('s1', { fromId: 3 })).toEqual([{ id: 3 }]);
        expect(await tx.readEvents('s1', { fromId: 9 })).toEqual([]);
        expect(await tx.readEvents('nope')).toEqual([]);
        await tx.appendEvents('s2', 3, []);
        expect(await tx.countEvents('s2')).toBe(2);
      });
    });

    it('sees its own writes inside a transaction', async () => {
      await driver.transaction(async (tx) => {
        await tx.put('c', 'a', 1);
        expect(await tx.get('c', 'a')).toBe(1);
        await tx.appendEvents('s', 1, [{ id: 1 }]);
        expect(await tx.countEvents('s')).toBe(1);
        await tx.enqueueTask('q', { id: 't', payload: 1, availableAt: 0 });
        expect(await tx.countTasks('q')).toBe(1);
        expect((await tx.claimTask('q', 0))?.id).toBe('t');
        expect(await tx.countTasks('q')).toBe(0);
      });
    });

    it('replaces a task enqueued again under the same id and keeps queues apart', async () => {
      await driver.transaction(async (tx) => {
        await tx.enqueueTask('q', { id: 'a', payload: 1, availableAt: 0 });
        await tx.enqueueTask('q', { id: 'b', payload: 2, availableAt: 0 });
        await tx.enqueueTask('q', { id: 'a', payload: 3, availableAt: 0 });
        await tx.enqueueTask('other', { id: 'a', payload: 4, availableAt: 0 });
      });
      expect(await driver.transaction((tx) => tx.countTasks('q'))).toBe(2);
      const first = await driver.transaction((tx) => tx.claimTask<number>('q', 0));
      const second = await driver.transaction((tx) => tx.claimTask<number>('q', 0));
      expect([first?.id, first?.payload, first?.claims]).toEqual(['b', 2, 1]);
      expect([second?.id, second?.payload]).toEqual(['a', 3]);
      expect((await driver.transaction((tx) => tx.claimTask<number>('other', 0)))?.payload).toBe(4);
      expect(await driver.transaction((tx) => tx.removeTask('q', 'a'))).toBe(false);
    });

    it('orders by priority (negative and fractional too), then by enqueue order', async () => {
      await driver.transaction(async (tx) => {
        await tx.enqueueTask('q', { id: 'n', payload: 0, availableAt: 0, priority: -5 });
        await tx.enqueueTask('q', { id: 'z1', payload: 0, availableAt: 0 });
        await tx.enqueueTask('q', { id: 'h', payload: 0, availableAt: 0, priority: 2.5 });
        await tx.enqueueTask('q', { id: 'z2', payload: 0, availableAt: 0, priority: 0 });
        await tx.enqueueTask('q', { id: 'top', payload: 0, availableAt: 1_700_000_000_000, priority: 100 });
      });
      const ids: string[] = [];
      for (;;) {
        const t = await driver.transaction((tx) => tx.claimTask('q', 1_000));
        if (!t) break;
        ids.push(t.id);
      }
      expect(ids).toEqual(['h', 'z1', 'z2', 'n']);
      expect(await driver.transaction((tx) => tx.purgeQueue('q'))).toBe(1);
      expect(await driver.transaction((tx) => tx.purgeQueue('q'))).toBe(0);
    });

    it('leases claimed tasks: hidden until the lease ends, then handed out again; completion checks the claim', async () => {
      await driver.transaction((tx) => tx.enqueueTask('q', { id: 'w', payload: { job: 1 }, availableAt: 0 }));
      const first = await driver.transaction((tx) => tx.claimTask<{ job: number }>('q', 1_000, { leaseMs: 500 }));
      expect(first).toMatchObject({ id: 'w', payload: { job: 1 }, claims: 1, leaseExpiresAt: 1_500 });
      expect(await driver.transaction((tx) => tx.countTasks('q'))).toBe(1);
      expect(await driver.transaction((tx) => tx.claimTask('q', 1_499, { leaseMs: 500 }))).toBeUndefined();
      const second = await driver.transaction((tx) => tx.claimTask('q', 1_500, { leaseMs: 500 }));
      expect(second).toMatchObject({ id: 'w', claims: 2, leaseExpiresAt: 2_000 });
      expect(await driver.transaction((tx) => tx.renewTask('q', 'w', 1, 9_999))).toBe(false);
      expect(await driver.transaction((tx) => tx.renewTask('q', 'w', 2, 3_000))).toBe(true);
      expect(await driver.transaction((tx) => tx.claimTask('q', 2_999, { leaseMs: 500 }))).toBeUndefined();
      expect(await driver.transaction((tx) => tx.renewTask('nope', 'w', 2, 3_000))).toBe(false);
      expect(await driver.transaction((tx) => tx.completeTask('q', 'w', 1))).toBe(false);
      expect(await driver.transaction((tx) => tx.completeTask('q', 'w', 2))).toBe(true);
      expect(await driver.transaction((tx) => tx.completeTask('q', 'w'))).toBe(false);
      expect(await driver.transaction((tx) => tx.countTasks('q'))).toBe(0);
      // A rolled back claim leaves the task as it was.
      await driver.transaction((tx) => tx.enqueueTask('q', { id: 'r', payload: 0, availableAt: 0 }));
      await expect(
        driver.transaction(async (tx) => {
          await tx.claimTask('q', 0, { leaseMs: 10_000 });
          throw new Error('crash');
        }),
      ).rejects.toThrow('crash');
      expect(await driver.transaction((tx) => tx.claimTask('q', 0))).toMatchObject({ id: 'r', claims: 1 });
    });

    it('hands out each task once to many concurrent claimers', async () => {
      const n = 40;
      await driver.transaction(async (tx) => {
        for (let i = 0; i < n; i++) await tx.enqueueTask('q', { id: `t${i}`, payload: i, availableAt: 0 });
      });
      const got: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (;;) {
            const t = await driver.transaction((tx) => tx.claimTask<number>('q', 0));
            if (!t) return;
            got.push(t.payload);
          }
        }),
      );
      expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    });

    it('replaces timers by id, reads one, and claims the due ones once', async () => {
      await driver.transaction(async (tx) => {
        await tx.putTimer({ id: 'a', fireAt: 10, payload: { n: 1 } });
        await tx.putTimer({ id: 'a', fireAt: 40, payload: { n: 2 } });
        await tx.putTimer({ id: 'b', fireAt: 20, payload: null });
        await tx.putTimer({ id: 'c', fireAt: 20, payload: null });
        await tx.putTimer({ id: 'late', fireAt: 1_700_000_000_000, payload: null });
      });
      expect(await driver.transaction((tx) => tx.getTimer('a'))).toEqual({ id: 'a', fireAt: 40, payload: { n: 2 } });
      expect(await driver.transaction((tx) => tx.getTimer('zz'))).toBeUndefined();
      expect((await driver.transaction((tx) => tx.dueTimers(100, 10))).map((t) => t.id)).toEqual(['b', 'c', 'a']);
      await expect(
        driver.transaction(async (tx) => {
          expect((await tx.claimDueTimers(100, 10)).map((t) => t.id)).toEqual(['b', 'c', 'a']);
          throw new Error('crash');
        }),
      ).rejects.toThrow('crash');
      const claimed = await driver.transaction((tx) => tx.claimDueTimers(100, 2));
      expect(claimed.map((t) => t.id)).toEqual(['b', 'c']);
      expect(await driver.transaction((tx) => tx.claimDueTimers(30, 10))).toEqual([]);
      expect((await driver.transaction((tx) => tx.claimDueTimers(100, 10))).map((t) => t.payload)).toEqual([{ n: 2 }]);
      expect((await driver.transaction((tx) => tx.nextTimer()))?.id).toBe('late');
      expect(await driver.transaction((tx) => tx.deleteTimer('a'))).toBe(false);
    });

    it('keeps each service to its own timers with an id prefix', async () => {
      await driver.transaction(async (tx) => {
        await tx.putTimer({ id: 'sfn:a', fireAt: 5, payload: 'a' });
        await tx.putTimer({ id: 'swf:b', fireAt: 10, payload: 'b' });
        await tx.putTimer({ id: 'swf:c', fireAt: 1, payload: 'c' });
        await tx.putTimer({ id: 'swf_x', fireAt: 0, payload: 'x' });
        await tx.putTimer({ id: 'sfn:d', fireAt: 50, payload: 'd' });
      });
      await driver.transaction(async (tx) => {
        expect((await tx.nextTimer({ idPrefix: 'sfn:' }))?.id).toBe('sfn:a');
        expect((await tx.nextTimer({ idPrefix: 'swf:' }))?.id).toBe('swf:c');
        expect(await tx.nextTimer({ idPrefix: 'none:' })).toBeUndefined();
        expect((await tx.dueTimers(20, 10, { idPrefix: 'swf:' })).map((t) => t.id)).toEqual(['swf:c', 'swf:b']);
        expect((await tx.dueTimers(20, 10, { idPrefix: 'sfn:' })).map((t) => t.id)).toEqual(['sfn:a']);
        expect((await tx.claimDueTimers(100, 10, { idPrefix: 'sfn:' })).map((t) => t.id)).toEqual(['sfn:a', 'sfn:d']);
        expect((await tx.dueTimers(100, 10)).map((t) => t.id)).toEqual(['swf_x', 'swf:c', 'swf:b']);
      });
    });

    it('delivers notifications after commit, never for a rolled back transaction', async () => {
      const heard: (string | undefined)[] = [];
      let wake: () => void = () => {};
      const off = await driver.subscribe('wake:q', (p) => {
        heard.push(p);
        if (p === 'last') wake();
      });
      const other: (string | undefined)[] = [];
      const offOther = await driver.subscribe('other', (p) => other.push(p));
      const arrived = new Promise<void>((resolve) => {
        wake = resolve;
      });
      await expect(
        driver.transaction(async (tx) => {
          await tx.notify('wake:q', 'rolled-back');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await driver.transaction(async (tx) => {
        await tx.notify('wake:q', 'one');
        await tx.notify('wake:q');
      });
      await driver.transaction((tx) => tx.notify('wake:q', 'last'));
      await withTimeout(arrived, 5_000, 'the notification never arrived');
      expect(heard).toEqual(['one', undefined, 'last']);
      expect(other).toEqual([]);
      await off();
      await offOther();
      const ac = new AbortController();
      const late: (string | undefined)[] = [];
      await driver.subscribe('wake:q', (p) => late.push(p), { signal: ac.signal });
      ac.abort();
      let done: () => void = () => {};
      const sentinel = new Promise<void>((resolve) => {
        done = resolve;
      });
      const offSentinel = await driver.subscribe('sentinel', () => done());
      await driver.transaction(async (tx) => {
        await tx.notify('wake:q', 'after-unsubscribe');
        await tx.notify('sentinel');
      });
      await withTimeout(sentinel, 5_000, 'the sentinel notification never arrived');
      expect(heard).toEqual(['one', undefined, 'last']);
      expect(late).toEqual([]);
      await offSentinel();
    });

    it('sends identical notifications of one transaction once and refuses oversized payloads', async () => {
      const heard: (string | undefined)[] = [];
      let wake: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const off = await driver.subscribe('dup', (p) => {
        heard.push(p);
        if (p === 'end') wake();
      });
      await driver.transaction(async (tx) => {
        await tx.notify('dup', 'same');
        await tx.notify('dup', 'same');
        await tx.notify('dup', 'other');
        await tx.notify('dup', 'end');
      });
      await withTimeout(arrived, 5_000, 'the notification never arrived');
      expect(heard).toEqual(['same', 'other', 'end']);
      await off();
      await expect(driver.transaction((tx) => tx.notify('dup', 'x'.repeat(8_000)))).rejects.toThrow(
        /\[statecraft\] Failed to notify dup/,
      );
    });

    it('refuses to start a transaction whose signal is already aborted', async () => {
      const ac = new AbortController();
      ac.abort();
      let ran = false;
      await expect(
        driver.transaction(
          async () => {
            ran = true;
          },
          { signal: ac.signal },
        ),
      ).rejects.toThrow();
      expect(ran).toBe(false);
    });

    it('reset wipes everything', async () => {
      await driver.transaction(async (tx) => {
        await tx.put('c', 'a', 1);
        await tx.appendEvents('s', 1, [{ id: 1 }]);
      });
      await driver.transaction(async (tx) => {
        await tx.enqueueTask('q', { id: 't', payload: 1, availableAt: 0 });
        await tx.putTimer({ id: 'tm', fireAt: 1, payload: 1 });
      });
      await driver.reset();
      await driver.transaction(async (tx) => {
        expect(await tx.get('c', 'a')).toBeUndefined();
        expect(await tx.countEvents('s')).toBe(0);
        expect(await tx.countTasks('q')).toBe(0);
        expect(await tx.nextTimer()).toBeUndefined();
        // A stream starts again at 1.
        await tx.appendEvents('s', 1, [{ id: 1 }]);
      });
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
