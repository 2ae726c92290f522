/**
 * Durability of the Step Functions service over one store: a new service instance on the store an old one
 * left (a restart) runs the first step of an execution whose record was written but never stepped, fires
 * timers without waiting for a request, and takes back task invocations the old one had claimed; timers and
 * work are rows written with the step; on shared stores a periodic re-check finds what notifications missed,
 * and does not spin under a clock whose sleeps do not wait.
 */
import type { RequestContext, TaskInvoker, TaskOutcome } from '@statecraft/engine';
import { createInvokerRegistry, ManualClock, ScaledClock } from '@statecraft/engine';
import type { StorageDriver } from '@statecraft/storage';
import { createMemoryDriver } from '@statecraft/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { C, type ExecutionRecord } from './records.js';
import { TIMER_PREFIX, WORK_QUEUE } from './runner.js';
import { createSfnService, type SfnService } from './service.js';

const ctx: RequestContext = { region: 'us-east-1', accountId: '123456789012', requestId: 'r' };
const role = 'arn:aws:iam::123456789012:role/r';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:fn';

const open: SfnService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A memory store that claims to survive restarts (and, optionally, to be shared by several nodes). */
function durableStore(shared = false): StorageDriver {
  const memory = createMemoryDriver();
  return { ...memory, capabilities: { ...memory.capabilities, durable: true, multipleConnections: shared } };
}

function service(store: StorageDriver, clock: ManualClock | ScaledClock, invokers: TaskInvoker[] = []): SfnService {
  const svc = createSfnService({
    store,
    clock,
    region: ctx.region,
    accountId: ctx.accountId,
    invokers: createInvokerRegistry(invokers),
    onError: (err) => {
      throw err;
    },
  });
  open.push(svc);
  return svc;
}

const call = (svc: SfnService, op: string, input: Record<string, unknown>): Promise<any> =>
  svc.operations[op]!(input, ctx);

async function until(f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('condition not met');
}

const status = async (store: StorageDriver, arn: string) =>
  (await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, arn)))?.status;

const eventTypes = async (store: StorageDriver, arn: string) =>
  (await store.transaction((tx) => tx.readEvents<{ type: string }>(arn))).map((e) => e.type);

async function machine(svc: SfnService, name: string, definition: unknown): Promise<string> {
  const r = await call(svc, 'CreateStateMachine', { name, definition: JSON.stringify(definition), roleArn: role });
  return r.stateMachineArn as string;
}

const WAIT = {
  StartAt: 'Nap',
  States: { Nap: { Type: 'Wait', Seconds: 10, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
};

/** An invoker for `fn`: the first `holding` calls never answer (their node "dies"), later ones succeed. */
function invoker(holding: number) {
  let calls = 0;
  const inv: TaskInvoker = {
    name: 'test',
    matches: (r) => r === FN,
    invoke: () => {
      calls++;
      if (calls <= holding) return new Promise<TaskOutcome>(() => {});
      return Promise.resolve({ type: 'succeeded', output: { ok: calls } });
    },
  };
  return { inv, calls: () => calls };
}

describe('Step Functions durability over one store', () => {
  it('writes timers as rows with the step and deletes them when they fire', async () => {
    const store = createMemoryDriver();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const svc = service(store, clock);
    const sm = await machine(svc, 'w', WAIT);
    const { executionArn } = await call(svc, 'StartExecution', { stateMachineArn: sm, name: 'e' });
    const timers = await store.transaction((tx) =>
      tx.dueTimers(Number.MAX_SAFE_INTEGER, 10, { idPrefix: TIMER_PREFIX }),
    );
    expect(timers.map((t) => [t.id.startsWith(`${TIMER_PREFIX}${executionArn}#`), t.fireAt])).toEqual([
      [true, clock.now() + 10_000],
    ]);
    clock.advance(10_000);
    await until(async () => (await status(store, executionArn)) === 'SUCCEEDED');
    expect(await store.transaction((tx) => tx.nextTimer({ idPrefix: TIMER_PREFIX }))).toBeUndefined();
  });

  it('restart: fires a timer the old instance left, with no request', async () => {
    const store = durableStore();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const a = service(store, clock);
    const sm = await machine(a, 'w', WAIT);
    const { executionArn } = await call(a, 'StartExecution', { stateMachineArn: sm, name: 'e' });
    await a.close();
    clock.advance(20_000); // due while nobody runs
    service(store, clock);
    await until(async () => (await status(store, executionArn)) === 'SUCCEEDED');
    const types = await eventTypes(store, executionArn);
    expect(types.filter((t) => t === 'WaitStateExited')).toHaveLength(1);
  });

  it('restart: runs the first step of an execution recorded but never stepped', async () => {
    const store = durableStore();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const a = service(store, clock);
    const sm = await machine(a, 'p', {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: { x: 1 }, End: true } },
    });
    const { executionArn } = await call(a, 'StartExecution', { stateMachineArn: sm, name: 'e', input: '{"a":1}' });
    const rec = (await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, executionArn)))!;
    await a.close();
    // As if the node died between StartExecution's two transactions.
    const arn = executionArn.replace(/:e$/, ':stranded');
    const { snapshot: _s, stopDate: _d, ...bare } = rec;
    await store.transaction((tx) =>
      tx.put<ExecutionRecord>(C.executions, arn, { ...bare, arn, name: 'stranded', status: 'RUNNING' }),
    );
    service(store, clock);
    await until(async () => (await status(store, arn)) === 'SUCCEEDED');
    expect(await eventTypes(store, arn)).toEqual(await eventTypes(store, executionArn));
  });

  it('on a shared store, another node runs the first step of an execution whose node died after recording it', async () => {
    const store = durableStore(true);
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const a = service(store, clock);
    const sm = await machine(a, 'p2', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const { executionArn } = await call(a, 'StartExecution', { stateMachineArn: sm, name: 'e' });
    // Normally the first step takes its start item with it.
    expect(await store.transaction((tx) => tx.countTasks(WORK_QUEUE))).toBe(0);
    const rec = (await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, executionArn)))!;
    // Node B is up before the orphan exists: no restart will find it, only B's periodic check.
    service(store, clock);
    await until(async () => clock.pending >= 2);
    // Node A writes a record and its start item (what StartExecution commits first), then dies.
    const arn = executionArn.replace(/:e$/, ':orphan');
    const { snapshot: _s, stopDate: _d, ...bare } = rec;
    await store.transaction(async (tx) => {
      await tx.put<ExecutionRecord>(C.executions, arn, { ...bare, arn, name: 'orphan', status: 'RUNNING' });
      await tx.enqueueTask(WORK_QUEUE, {
        id: `start:${arn}`,
        payload: { kind: 'start', executionArn: arn },
        availableAt: clock.now() + 10_000,
      });
    });
    await a.close();
    clock.advance(5_000); // B's check: the item is not due yet (A may still be about to take it)
    await new Promise((r) => setTimeout(r, 20));
    expect(await status(store, arn)).toBe('RUNNING');
    expect(await eventTypes(store, arn)).toEqual([]);
    clock.advance(10_000);
    await until(async () => (await status(store, arn)) === 'SUCCEEDED');
    expect(await eventTypes(store, arn)).toEqual(await eventTypes(store, executionArn));
    expect(await store.transaction((tx) => tx.countTasks(WORK_QUEUE))).toBe(0);
  });

  it('restart: invokes again a task the old instance had claimed, and feeds its outcome once', async () => {
    const store = durableStore();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const fn = invoker(1);
    const a = service(store, clock, [fn.inv]);
    const sm = await machine(a, 't', { StartAt: 'T', States: { T: { Type: 'Task', Resource: FN, End: true } } });
    const { executionArn } = await call(a, 'StartExecution', { stateMachineArn: sm, name: 'e' });
    await until(async () => fn.calls() === 1);
    expect(await store.transaction((tx) => tx.countTasks(WORK_QUEUE))).toBe(1);
    await a.close();
    service(store, clock, [fn.inv]);
    await until(async () => (await status(store, executionArn)) === 'SUCCEEDED');
    expect(fn.calls()).toBe(2);
    const types = await eventTypes(store, executionArn);
    expect(types).toContain('ExecutionSucceeded');
    expect(types.filter((t) => t.endsWith('Succeeded') && t !== 'ExecutionSucceeded')).toHaveLength(1);
    expect(await store.transaction((tx) => tx.countTasks(WORK_QUEUE))).toBe(0);
  });

  it('on a shared store, re-checks periodically for a timer whose notification was lost', async () => {
    const store = durableStore(true);
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const a = service(store, clock);
    const sm = await machine(a, 'w', WAIT);
    // B is up before A sets the timer and (this store does not notify across nodes) never hears of it.
    service(store, clock);
    await until(async () => clock.pending >= 2);
    const { executionArn } = await call(a, 'StartExecution', { stateMachineArn: sm, name: 'e' });
    await a.close();
    clock.advance(10_000);
    await until(async () => (await status(store, executionArn)) === 'SUCCEEDED');
  });

  it('does not spin re-checking under a clock whose sleeps do not wait (scale 0)', async () => {
    const memory = durableStore(true);
    let transactions = 0;
    const store: StorageDriver = {
      ...memory,
      transaction: (work, o) => {
        transactions++;
        return memory.transaction(work, o);
      },
    };
    service(store, new ScaledClock(0));
    await new Promise((r) => setTimeout(r, 50));
    expect(transactions).toBeLessThan(10);
  });
});
