import { expect, it } from 'vitest';
import { benchPostgres } from './bench.js';

it('benchPostgres reports positive rates, or why it skipped', async () => {
  const r = await benchPostgres({ steps: 40, executions: 4, transactions: 20, tasks: 10 });
  if (r.skipped !== undefined) {
    console.warn(`[statecraft] PostgreSQL bench skipped: ${r.skipped}`);
    return;
  }
  expect(r.eventsPerSecond).toBeGreaterThan(0);
  expect(r.transactionsPerSecond).toBeGreaterThan(0);
  expect(r.tasksPerSecond).toBeGreaterThan(0);
});
