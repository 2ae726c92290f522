/**
 * Durability of the SWF service over one store: a new service instance on the store an old one left
 * (a restart) fires the timers that fell due meanwhile and arms the next one at start-up, without waiting
 * for a request; timers are claimed, so two instances on one store fire each once; snapshot-only writes
 * (heartbeats) are checked against concurrent writers on stores several nodes share.
 */
import type { RequestContext } from '@statecraft/engine';
import { ManualClock, ScaledClock } from '@statecraft/engine';
import type { StorageDriver, StorageTx } from '@statecraft/storage';
import { createMemoryDriver } from '@statecraft/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { createSwfService, type SwfService } from './service.js';

const ctx: RequestContext = { region: 'us-east-1', accountId: '123456789012', requestId: 'r' };
const domain = 'durable';
const WT = { name: 'wf', version: '1' };
const AT = { name: 'act', version: '1' };

const open: SwfService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function service(store: StorageDriver, clock: ManualClock): SwfService {
  const svc = createSwfService({ store, clock, pollTimeoutSeconds: 0 });
  open.push(svc);
  return svc;
}

const call = (svc: SwfService, op: string, input: Record<string, unknown>): Promise<any> =>
  svc.operations[op]!(input, ctx);

async function setUp(svc: SwfService): Promise<string> {
  await call(svc, 'RegisterDomain', { name: domain, workflowExecutionRetentionPeriodInDays: '1' });
  await call(svc, 'RegisterWorkflowType', {
    domain,
    ...WT,
    defaultTaskList: { name: 'main' },
    defaultChildPolicy: 'TERMINATE',
    defaultExecutionStartToCloseTimeout: '600',
    defaultTaskStartToCloseTimeout: 'NONE',
  });
  await call(svc, 'RegisterActivityType', {
    domain,
    ...AT,
    defaultTaskList: { name: 'acts' },
    defaultTaskScheduleToStartTimeout: 'NONE',
    defaultTaskScheduleToCloseTimeout: 'NONE',
    defaultTaskStartToCloseTimeout: 'NONE',
    defaultTaskHeartbeatTimeout: '30',
  });
  const { runId } = await call(svc, 'StartWorkflowExecution', { domain, workflowId: 'w', workflowType: WT });
  return runId as string;
}

async function decide(svc: SwfService, decisions: unknown[]): Promise<void> {
  const t = await call(svc, 'PollForDecisionTask', { domain, taskList: { name: 'main' } });
  expect(t.taskToken).toBeTruthy();
  await call(svc, 'RespondDecisionTaskCompleted', { taskToken: t.taskToken, decisions });
}

const startTimer = (timerId: string, seconds: number) => ({
  decisionType: 'StartTimer',
  startTimerDecisionAttributes: { timerId, startToFireTimeout: String(seconds) },
});

/** Event types stored for the run, read from the store directly (no operation runs). */
async function stored(store: StorageDriver, runId: string): Promise<string[]> {
  const events = await store.transaction((tx) => tx.readEvents<{ id: number; type: string }>(`swf:history:${runId}`));
  return events.map((e) => e.type);
}

/** Waits (real time, briefly) for background work such as start-up recovery. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached');
}

const count = (types: string[], t: string) => types.filter((x) => x === t).length;

describe('SWF durability', () => {
  it('fires a timer that fell due while no service ran at start-up, before any request', async () => {
    const store = createMemoryDriver();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const first = service(store, clock);
    const runId = await setUp(first);
    await decide(first, [startTimer('t1', 10)]);
    await first.close();
    clock.advance(60_000);
    service(store, clock);
    await until(async () => (await stored(store, runId)).includes('TimerFired'));
    const types = await stored(store, runId);
    expect(count(types, 'TimerFired')).toBe(1);
    expect(types.at(-1)).toBe('DecisionTaskScheduled');
  });

  it('arms the next timer at start-up, so it fires on time with no request', async () => {
    const store = createMemoryDriver();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const first = service(store, clock);
    const runId = await setUp(first);
    await decide(first, [startTimer('t1', 10)]);
    await first.close();
    service(store, clock);
    // Start-up arms the scheduler: a sleeper waits for the timer's deadline.
    await until(async () => clock.pending > 0);
    expect(await stored(store, runId)).not.toContain('TimerFired');
    clock.advance(10_000);
    await until(async () => (await stored(store, runId)).includes('TimerFired'));
    expect(count(await stored(store, runId), 'TimerFired')).toBe(1);
  });

  it('fires each timer once when two services share the store', async () => {
    const store = createMemoryDriver();
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const a = service(store, clock);
    const runId = await setUp(a);
    const b = service(store, clock);
    await decide(a, [startTimer('t1', 5), startTimer('t2', 5)]);
    clock.advance(5_000);
    await Promise.all([
      call(a, 'CountPendingDecisionTasks', { domain, taskList: { name: 'main' } }),
      call(b, 'CountPendingDecisionTasks', { domain, taskList: { name: 'main' } }),
    ]);
    await until(async () => count(await stored(store, runId), 'TimerFired') === 2);
    const types = await stored(store, runId);
    expect(count(types, 'TimerFired')).toBe(2);
    expect(count(types, 'DecisionTaskScheduled')).toBe(2);
  });

  it('on a shared store, re-checks for due timers periodically (a timer whose notification was lost)', async () => {
    const memory = createMemoryDriver();
    const store: StorageDriver = { ...memory, capabilities: { ...memory.capabilities, multipleConnections: true } };
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const a = service(store, clock);
    const runId = await setUp(a);
    // B is up before A sets the timer, and (no notifications on this store) never hears of it.
    service(store, clock);
    // Both are armed for the workflow timeout and sleeping until their first re-check (at 5 s).
    await until(async () => clock.pending >= 4);
    await decide(a, [startTimer('t1', 3)]);
    await a.close();
    clock.advance(4_000); // t1 is due; nobody on B is armed for it
    await new Promise((r) => setTimeout(r, 20));
    expect(await stored(store, runId)).not.toContain('TimerFired');
    clock.advance(1_000); // B's re-check
    await until(async () => (await stored(store, runId)).includes('TimerFired'));
  });

  it('does not spin re-checking under a clock whose sleeps do not wait (scale 0)', async () => {
    const memory = createMemoryDriver();
    let transactions = 0;
    const store: StorageDriver = {
      ...memory,
      capabilities: { ...memory.capabilities, multipleConnections: true },
      transaction: (work, o) => {
        transactions++;
        return memory.transaction(work, o);
      },
    };
    const svc = createSwfService({ store, clock: new ScaledClock(0), pollTimeoutSeconds: 0 });
    open.push(svc);
    await new Promise((r) => setTimeout(r, 50));
    expect(transactions).toBeLessThan(10);
  });

  it('re-runs a heartbeat whose run another node wrote meanwhile (revision check)', async () => {
    const memory = createMemoryDriver();
    let interfere = false;
    let interfered = 0;
    // A store that says several nodes share it, and whose stream append lets "another node" write the
    // snapshot first (as a concurrent commit that got the stream lock before this one would).
    const store: StorageDriver = {
      ...memory,
      capabilities: { ...memory.capabilities, multipleConnections: true },
      transaction: (work, o) =>
        memory.transaction(
          (tx) =>
            work(
              new Proxy(tx, {
                get(target, prop, receiver) {
                  if (prop !== 'appendEvents') return Reflect.get(target, prop, receiver);
                  return async (stream: string, next: number, events: readonly { id: number }[]) => {
                    await target.appendEvents(stream, next, events);
                    if (interfere && events.length === 0) {
                      interfere = false;
                      interfered++;
                      await bumpRevision(target);
                    }
                  };
                },
              }),
            ),
          o,
        ),
    };
    const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
    const svc = service(store, clock);
    await setUp(svc);
    await decide(svc, [
      {
        decisionType: 'ScheduleActivityTask',
        scheduleActivityTaskDecisionAttributes: { activityType: AT, activityId: 'a1' },
      },
    ]);
    const task = await call(svc, 'PollForActivityTask', { domain, taskList: { name: 'acts' } });
    clock.advance(20_000);
    interfere = true;
    const res = await call(svc, 'RecordActivityTaskHeartbeat', { taskToken: task.taskToken, details: 'half' });
    expect(res).toEqual({ cancelRequested: false });
    expect(interfered).toBe(1);
    // The re-run heartbeat moved the heartbeat deadline: 29 s later the activity has not timed out.
    clock.advance(29_000);
    await call(svc, 'CountPendingActivityTasks', { domain, taskList: { name: 'acts' } });
    const d = await call(svc, 'DescribeWorkflowExecution', {
      domain,
      execution: { workflowId: 'w', runId: task.workflowExecution.runId },
    });
    expect(d.openCounts.openActivityTasks).toBe(1);
  });
});

async function bumpRevision(tx: StorageTx): Promise<void> {
  for (const { key, value } of await tx.list<{ rev?: number }>('swf:executions')) {
    await tx.put('swf:executions', key, { ...value, rev: (value.rev ?? 0) + 1 });
  }
}
