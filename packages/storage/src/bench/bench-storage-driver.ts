/**
 * A small storage benchmark every driver can run: what the services do per execution step.
 *
 * - `eventsPerSecond`: history events appended per second, in step transactions that read the execution,
 *   append `eventsPerStep` events with `expectedNextId` and save the snapshot (as the SFN runner does);
 * - `transactionsPerSecond`: simple transactions (get one record, put it back changed);
 * - `tasksPerSecond`: tasks through a queue (one transaction enqueues, another claims).
 *
 * Work runs on `concurrency` parallel workers (drivers that serialise transactions, like memory and SQLite,
 * gain nothing from more). The driver is reset first and after.
 */
import type { StorageDriver } from '../driver.js';

/** @public */
export interface StorageBenchOptions {
  /** Step transactions (each appends `eventsPerStep` events); default 2000. */
  readonly steps?: number;
  /** Events per step; default 3 (a state's Entered, Exited and the next one's Entered). */
  readonly eventsPerStep?: number;
  /** Executions the steps are spread over; default 100. */
  readonly executions?: number;
  /** Simple transactions; default 2000. */
  readonly transactions?: number;
  /** Tasks enqueued and claimed; default 1000. */
  readonly tasks?: number;
  /** Parallel workers; default 1. */
  readonly concurrency?: number;
}

/** @public */
export interface StorageBenchResult {
  readonly eventsPerSecond: number;
  readonly transactionsPerSecond: number;
  readonly tasksPerSecond: number;
  /** Milliseconds each part took. */
  readonly elapsedMs: { readonly events: number; readonly transactions: number; readonly tasks: number };
  readonly options: Required<StorageBenchOptions>;
}

const now = (): number => globalThis.performance.now();

async function inParallel(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await job(i);
      }
    }),
  );
  return now() - start;
}

const perSecond = (n: number, ms: number) => (ms > 0 ? Math.round((n * 1000) / ms) : 0);

/**
 * Measures a driver (initialised here; not destroyed).
 * @public
 */
export async function benchmarkStorageDriver(
  driver: StorageDriver,
  options: StorageBenchOptions = {},
): Promise<StorageBenchResult> {
  const o: Required<StorageBenchOptions> = {
    steps: options.steps ?? 2000,
    eventsPerStep: options.eventsPerStep ?? 3,
    executions: options.executions ?? 100,
    transactions: options.transactions ?? 2000,
    tasks: options.tasks ?? 1000,
    concurrency: options.concurrency ?? 1,
  };
  await driver.init();
  await driver.reset();
  const input = JSON.stringify({ order: { id: 'o-1', items: [1, 2, 3], note: 'x'.repeat(200) } });

  // Each execution's steps run in order (as the services queue them per execution); executions run in parallel.
  const stepsPer = Math.max(1, Math.floor(o.steps / o.executions));
  const eventsMs = await inParallel(o.executions, o.concurrency, async (e) => {
    const arn = `arn:aws:states:us-east-1:123456789012:execution:bench:${e}`;
    for (let s = 0; s < stepsPer; s++) {
      await driver.transaction(async (tx) => {
        const rec = await tx.get<{ nextEventId: number; step: number }>('executions', arn);
        const from = rec?.nextEventId ?? 1;
        const events = Array.from({ length: o.eventsPerStep }, (_, k) => ({
          id: from + k,
          previousEventId: from + k - 1,
          timestamp: 1_700_000_000_000 + s,
          type: 'PassStateEntered',
          stateEnteredEventDetails: { name: `State${s}`, input },
        }));
        await tx.appendEvents(arn, from, events);
        await tx.put('executions', arn, { nextEventId: from + o.eventsPerStep, step: s, status: 'RUNNING', input });
      });
    }
  });
  const totalEvents = stepsPer * o.executions * o.eventsPerStep;

  await driver.transaction(async (tx) => {
    for (let k = 0; k < 100; k++) await tx.put('counters', `k${k}`, { n: 0 });
  });
  const txMs = await inParallel(o.transactions, o.concurrency, async (i) => {
    await driver.transaction(async (tx) => {
      const key = `k${i % 100}`;
      const v = await tx.get<{ n: number }>('counters', key);
      await tx.put('counters', key, { n: (v?.n ?? 0) + 1 });
    });
  });

  const tasksMs = await inParallel(o.tasks, o.concurrency, async (i) => {
    await driver.transaction((tx) =>
      tx.enqueueTask('bench-queue', { id: `t${i}`, payload: { token: `tok-${i}`, input }, availableAt: 0 }),
    );
    await driver.transaction((tx) => tx.claimTask('bench-queue', 1));
  });

  await driver.reset();
  return {
    eventsPerSecond: perSecond(totalEvents, eventsMs),
    transactionsPerSecond: perSecond(o.transactions, txMs),
    tasksPerSecond: perSecond(o.tasks, tasksMs),
    elapsedMs: { events: Math.round(eventsMs), transactions: Math.round(txMs), tasks: Math.round(tasksMs) },
    options: o,
  };
}
