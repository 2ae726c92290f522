import { expect, it } from 'vitest';
import { benchSqlite } from './bench.js';

it('benchSqlite reports positive rates', async () => {
  const r = await benchSqlite({ steps: 40, executions: 4, transactions: 20, tasks: 10 });
  expect(r.eventsPerSecond).toBeGreaterThan(0);
  expect(r.transactionsPerSecond).toBeGreaterThan(0);
  expect(r.tasksPerSecond).toBeGreaterThan(0);
});
