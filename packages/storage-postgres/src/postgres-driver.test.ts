import type { StorageDriver } from '@statecraft/storage';
import { ConcurrencyError, createStorageWaiters } from '@statecraft/storage';
import { describeStorageDriver } from '@statecraft/storage/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations/index.js';
import { createPostgresDriver, migratePostgres } from './postgres-driver.js';
import { startTestPostgres } from './testing/postgres-server.js';

const server = await startTestPostgres();
const url = server.url;
// A schema of our own, so runs sharing one STATECRAFT_TEST_POSTGRES_URL server do not collide.
const schema = `sc_test_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const admin = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
afterAll(async () => {
  if (admin) {
    for (const s of [schema, `${schema}_mig`]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await admin.end();
  }
  await server.stop();
});

if (!url) {
  const reason = `[statecraft] PostgreSQL tests skipped: ${server.reason}`;
  console.warn(reason);
  describe.skip(reason, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  const node = (extra: { retries?: number; applicationName?: string } = {}) =>
    createPostgresDriver({ connectionString: url, schema, ...extra });

  describeStorageDriver(`postgres (${server.source})`, () => node());

  describe('postgres driver: two nodes on one database', () => {
    let a: StorageDriver;
    let b: StorageDriver;
    beforeEach(async () => {
      a = node();
      b = node();
      await Promise.all([a.init(), b.init()]);
      await a.reset();
    });
    afterEach(async () => {
      await Promise.all([a.destroy(), b.destroy()]);
    });

    it('delivers every task exactly once to many concurrent claimers across both nodes', async () => {
      const n = 300;
      await a.transaction(async (tx) => {
        for (let i = 0; i < n; i++) await tx.enqueueTask('q', { id: `t${i}`, payload: i, availableAt: 0 });
      });
      const seen = new Map<number, number>();
      const perNode = { a: 0, b: 0 };
      const claimer = (d: StorageDriver, name: 'a' | 'b') => async () => {
        for (;;) {
          const t = await d.transaction(async (tx) => {
            const task = await tx.claimTask<number>('q', 0);
            // Hold the row a little, as a service step would, so claims overlap.
            if (task) await tx.put('done', task.id, name);
            return task;
          });
          if (!t) return;
          seen.set(t.payload, (seen.get(t.payload) ?? 0) + 1);
          perNode[name]++;
        }
      };
      await Promise.all([...Array.from({ length: 8 }, claimer(a, 'a')), ...Array.from({ length: 8 }, claimer(b, 'b'))]);
      expect(seen.size).toBe(n);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
      expect(perNode.a).toBeGreaterThan(0);
      expect(perNode.b).toBeGreaterThan(0);
      expect(await b.transaction((tx) => tx.countTasks('q'))).toBe(0);
      expect((await a.transaction((tx) => tx.list('done'))).length).toBe(n);
    });

    it('enqueues from both nodes while both claim: nothing lost, nothing twice', async () => {
      const n = 200;
      const got: number[] = [];
      let producing = true;
      const producer = (d: StorageDriver, from: number) => async () => {
        for (let i = from; i < from + n / 2; i++) {
          await d.transaction((tx) =>
            tx.enqueueTask('q', { id: `t${i}`, payload: i, availableAt: 0, priority: i % 3 }),
          );
        }
      };
      const consumer = (d: StorageDriver) => async () => {
        for (;;) {
          const t = await d.transaction((tx) => tx.claimTask<number>('q', 0));
          if (t) got.push(t.payload);
          else if (!producing) return;
          else await new Promise((r) => setTimeout(r, 2));
        }
      };
      const consumers = [...Array.from({ length: 4 }, consumer(a)), ...Array.from({ length: 4 }, consumer(b))];
      await Promise.all([producer(a, 0)(), producer(b, n / 2)()]);
      producing = false;
      await Promise.all(consumers);
      expect(got.sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    });

    it('lets one of two nodes appending at the same id win; the other sees ConcurrencyError', async () => {
      await a.transaction((tx) => tx.appendEvents('exec', 1, [{ id: 1 }]));
      for (let round = 0; round < 10; round++) {
        const next = 2 + round;
        const results = await Promise.allSettled([
          a.transaction((tx) => tx.appendEvents('exec', next, [{ id: next, by: 'a' } as { id: number }])),
          b.transaction((tx) => tx.appendEvents('exec', next, [{ id: next, by: 'b' } as { id: number }])),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(lost.reason).toBeInstanceOf(ConcurrencyError);
      }
      const events = await b.transaction((tx) => tx.readEvents('exec'));
      expect(events.map((e) => e.id)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      // A brand-new stream raced from both nodes.
      const first = await Promise.allSettled([
        a.transaction((tx) => tx.appendEvents('fresh', 1, [{ id: 1 }])),
        b.transaction((tx) => tx.appendEvents('fresh', 1, [{ id: 1 }])),
      ]);
      expect(first.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await a.transaction((tx) => tx.countEvents('fresh'))).toBe(1);
    });

    it('fires each due timer once across nodes', async () => {
      const n = 100;
      await a.transaction(async (tx) => {
        for (let i = 0; i < n; i++) await tx.putTimer({ id: `tm${i}`, fireAt: i, payload: i });
      });
      const fired: number[] = [];
      const scheduler = (d: StorageDriver) => async () => {
        for (;;) {
          const due = await d.transaction(async (tx) => {
            const timers = await tx.claimDueTimers<number>(1_000, 7);
            for (const t of timers) await tx.put('fired', t.id, true);
            return timers;
          });
          if (due.length === 0) return;
          for (const t of due) fired.push(t.payload);
        }
      };
      await Promise.all([...Array.from({ length: 4 }, scheduler(a)), ...Array.from({ length: 4 }, scheduler(b))]);
      expect(fired.sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    });

    it('hands a leased task to the other node when the first dies without completing it', async () => {
      await a.transaction((tx) => tx.enqueueTask('work', { id: 'step-1', payload: 'run', availableAt: 0 }));
      const first = await a.transaction((tx) => tx.claimTask('work', 1_000, { leaseMs: 30_000 }));
      expect(first).toMatchObject({ claims: 1 });
      await a.destroy(); // node A dies holding the lease
      expect(await b.transaction((tx) => tx.claimTask('work', 20_000, { leaseMs: 30_000 }))).toBeUndefined();
      const taken = await b.transaction((tx) => tx.claimTask('work', 31_000, { leaseMs: 30_000 }));
      expect(taken).toMatchObject({ id: 'step-1', claims: 2 });
      expect(await b.transaction((tx) => tx.completeTask('work', 'step-1', 1))).toBe(false);
      expect(await b.transaction((tx) => tx.completeTask('work', 'step-1', 2))).toBe(true);
      a = node();
    });

    it('gives a task back when the node claiming it dies before commit', async () => {
      const dying = node({ applicationName: `dying-${schema}` });
      await a.transaction((tx) => tx.enqueueTask('q', { id: 'only', payload: 1, availableAt: 0 }));
      let claimed: () => void = () => {};
      const isClaimed = new Promise<void>((r) => {
        claimed = r;
      });
      const held = dying.transaction(async (tx) => {
        const t = await tx.claimTask('q', 0);
        claimed();
        await new Promise((r) => setTimeout(r, 500));
        return t;
      });
      await isClaimed;
      // The row is locked: another node skips it rather than waiting or taking it too.
      expect(await b.transaction((tx) => tx.claimTask('q', 0))).toBeUndefined();
      await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        `dying-${schema}`,
      ]);
      await expect(held).rejects.toThrow();
      expect(await b.transaction((tx) => tx.claimTask('q', 0))).toMatchObject({ id: 'only', claims: 1 });
      // The driver recovers with a fresh connection.
      expect(await dying.transaction((tx) => tx.countTasks('q'))).toBe(0);
      await dying.destroy();
    });

    it('re-runs the callback on a serialization failure or deadlock when asked to', async () => {
      const retrying = node({ retries: 2 });
      let runs = 0;
      const result = await retrying.transaction(async (tx) => {
        runs++;
        await tx.put('c', 'k', runs);
        if (runs < 3)
          throw Object.assign(new Error('could not serialize access'), { code: runs === 1 ? '40001' : '40P01' });
        return 'ok';
      });
      expect([result, runs]).toEqual(['ok', 3]);
      expect(await retrying.transaction((tx) => tx.get('c', 'k'))).toBe(3);
      runs = 0;
      await expect(
        retrying.transaction(async () => {
          runs++;
          throw Object.assign(new Error('still failing'), { code: '40001' });
        }),
      ).rejects.toThrow('still failing');
      expect(runs).toBe(3);
      await expect(
        a.transaction(async () => {
          throw Object.assign(new Error('no retries by default'), { code: '40001' });
        }),
      ).rejects.toThrow('no retries by default');
      await retrying.destroy();
    });

    it('wakes a subscriber on node A when node B commits a notify, and not before commit', async () => {
      const heard: (string | undefined)[] = [];
      let resolve: () => void = () => {};
      const woke = new Promise<void>((r) => {
        resolve = r;
      });
      const off = await a.subscribe('tasks:default', (p) => {
        heard.push(p);
        resolve();
      });
      let committed = false;
      await b.transaction(async (tx) => {
        await tx.enqueueTask('default', { id: 'x', payload: 1, availableAt: 0 });
        await tx.notify('tasks:default', 'x');
        await new Promise((r) => setTimeout(r, 200));
        expect(heard).toEqual([]);
        committed = true;
      });
      await woke;
      expect(committed).toBe(true);
      expect(heard).toEqual(['x']);
      await off();
    });

    it('wakes a long poll on node A when node B enqueues, and exactly one of many pollers gets the task', async () => {
      const realClock = {
        sleepUntil: (deadline: number, signal?: AbortSignal) =>
          new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
            signal?.addEventListener('abort', () => {
              clearTimeout(t);
              reject(new Error('aborted'));
            });
          }),
      };
      const waitersA = createStorageWaiters(a, realClock);
      const poll = async (d: StorageDriver, deadline: number) => {
        for (;;) {
          const woke = waitersA.wait('tasks:q', deadline);
          const t = await d.transaction((tx) => tx.claimTask<string>('q', 0));
          if (t) return t.payload;
          if (!(await woke)) return undefined;
        }
      };
      const started = Date.now();
      const pollers = Array.from({ length: 6 }, () => poll(a, started + 1_500));
      await new Promise((r) => setTimeout(r, 100));
      await b.transaction(async (tx) => {
        await tx.enqueueTask('q', { id: 'one', payload: 'work', availableAt: 0 });
        await tx.notify('tasks:q');
      });
      const first = await Promise.race(
        pollers.map((p) => p.then((v) => (v === undefined ? new Promise(() => {}) : v))),
      );
      expect(first).toBe('work');
      expect(Date.now() - started).toBeLessThan(1_200);
      const all = await Promise.all(pollers);
      expect(all.filter((v) => v === 'work')).toHaveLength(1);
    });

    it('re-listens after the LISTEN connection is killed and wakes every listener', async () => {
      const heard: (string | undefined)[] = [];
      let wake: () => void = () => {};
      const off = await a.subscribe('c', (p) => {
        heard.push(p);
        wake();
      });
      const next = () =>
        new Promise<void>((r) => {
          wake = r;
        });
      let got = next();
      await admin!.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "statecraft:${schema}"'`,
      );
      await got; // the reconnect wake-up (payload undefined)
      expect(heard).toEqual([undefined]);
      got = next();
      await b.transaction((tx) => tx.notify('c', 'after'));
      await got;
      expect(heard).toEqual([undefined, 'after']);
      await off();
    });
  });

  describe('postgres migrations', () => {
    it('apply once even when nodes start together, and refuse a newer schema', async () => {
      const s = `${schema}_mig`;
      const drivers = Array.from({ length: 4 }, () => createPostgresDriver({ connectionString: url, schema: s }));
      await Promise.all(drivers.map((d) => d.init()));
      await Promise.all(drivers.map((d) => d.destroy()));
      const rows = (await admin!.query(`SELECT version, name FROM "${s}".statecraft_migrations ORDER BY version`)).rows;
      expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
      const client = await admin!.connect();
      try {
        const next = { version: 99, name: 'x', up: 'CREATE TABLE {schema}.x (a integer)' };
        expect(await migratePostgres(client, s, [...migrations, next])).toEqual([99]);
        await expect(migratePostgres(client, s, migrations)).rejects.toThrow(/newer than this Statecraft knows/);
      } finally {
        client.release();
      }
    });

    it('rejects schema names that are not plain identifiers', () => {
      expect(() => createPostgresDriver({ connectionString: url, schema: 'a"; DROP' })).toThrow(/plain identifier/);
      expect(() => createPostgresDriver({})).toThrow(/no database/);
    });
  });
}
