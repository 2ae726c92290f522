import type { HistoryEvent } from '@statecraft/history';
import { describe, expect, it } from 'vitest';
import { compileMachine, type Machine } from './compile.js';
import { step } from './step.js';
import type { Command, ExecutionInput, ExecutionSnapshot } from './types.js';

const T0 = 1_700_000_000_000;
const execution = {
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:sm:ex',
  executionName: 'ex',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::111111111111:role/r',
  startTime: T0,
  redriveCount: 0,
  region: 'us-east-1',
  accountId: '111111111111',
};
const FN = 'arn:aws:lambda:us-east-1:111111111111:function:fn';

type Answer = (cmd: Extract<Command, { type: 'InvokeTask' }>) => { output: unknown } | { error: string } | 'hold';

/** Feeds `first`, then answers tasks with `answer` and follows Continue commands until nothing is left to do. */
async function feed(machine: Machine, snap: ExecutionSnapshot | undefined, first: ExecutionInput, answer: Answer) {
  const events: HistoryEvent[] = [];
  const held: string[] = [];
  const queue: ExecutionInput[] = [first];
  let at = first.at;
  for (let guard = 0; guard < 200 && queue.length > 0; guard++) {
    const r = await step(machine, snap, queue.shift()!);
    snap = JSON.parse(JSON.stringify(r.snapshot)) as ExecutionSnapshot;
    events.push(...r.events);
    at += 1;
    for (const c of r.commands) {
      if (c.type === 'Continue') queue.push({ type: 'Continue', at });
      if (c.type !== 'InvokeTask') continue;
      const o = answer(c);
      if (o === 'hold') held.push(c.taskId);
      else if ('output' in o)
        queue.push({ type: 'TaskSucceeded', at, taskId: c.taskId, output: JSON.stringify(o.output) });
      else queue.push({ type: 'TaskFailed', at, taskId: c.taskId, error: o.error });
    }
  }
  return { snapshot: snap!, events, held };
}

const start = (input = '{}'): ExecutionInput => ({ type: 'Start', at: T0, input, execution, seed: 3 });
const brief = (events: HistoryEvent[]) => events.map((e) => `${e.id}<${e.previousEventId} ${e.type}`);
const detailsOf = (e: HistoryEvent | undefined) =>
  Object.entries(e ?? {}).find(([k]) => k.endsWith('EventDetails'))?.[1] as Record<string, unknown> | undefined;

describe('step: Redrive', () => {
  it('runs a failed Task state again with its input, keeps what succeeded, and counts the redrive', async () => {
    const m = compileMachine({
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.p', Next: 'T' },
        T: {
          Type: 'Task',
          Resource: FN,
          Parameters: { 'in.$': '$.p', 'count.$': '$$.Execution.RedriveCount', 'ctx.$': '$$.Execution' },
          End: true,
        },
      },
    });
    let calls = 0;
    const answer: Answer = (c) => (++calls === 1 ? { error: 'Boom' } : { output: c.parameters });
    const first = await feed(m, undefined, start(), answer);
    expect(first.snapshot.status).toBe('FAILED');
    expect(first.events.at(-1)?.type).toBe('ExecutionFailed');

    const at = T0 + 60_000;
    const r = await step(m, first.snapshot, { type: 'Redrive', at });
    expect(r.snapshot.status).toBe('RUNNING');
    expect(r.snapshot.error).toBeUndefined();
    expect(r.events.map((e) => [e.id, e.previousEventId, e.type, detailsOf(e)])).toEqual([
      [9, 8, 'ExecutionRedriven', { redriveCount: 1 }],
    ]);
    expect(r.commands).toEqual([{ type: 'Continue' }]);

    const second = await feed(m, r.snapshot, { type: 'Continue', at: at + 1 }, answer);
    expect(brief(second.events)).toEqual([
      '10<9 TaskStateEntered',
      '11<10 LambdaFunctionScheduled',
      '12<11 LambdaFunctionStarted',
      '13<12 LambdaFunctionSucceeded',
      '14<13 TaskStateExited',
      '15<14 ExecutionSucceeded',
    ]);
    expect(JSON.parse(String(detailsOf(second.events[0])?.input))).toEqual({ p: { x: 1 } });
    expect(JSON.parse(second.snapshot.output!)).toMatchObject({
      in: { x: 1 },
      count: 1,
      ctx: { RedriveCount: 1, RedriveTime: new Date(at).toISOString() },
    });
    expect(calls).toBe(2);
  });

  it('ignores Redrive for succeeded and running executions', async () => {
    const m = compileMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const done = await feed(m, undefined, start(), () => ({ output: {} }));
    const r = await step(m, done.snapshot, { type: 'Redrive', at: T0 + 1 });
    expect(r.events).toEqual([]);
    expect(r.snapshot.status).toBe('SUCCEEDED');
    const w = compileMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 9, End: true } } });
    const running = await step(w, undefined, start());
    const r2 = await step(w, running.snapshot, { type: 'Redrive', at: T0 + 1 });
    expect(r2.events).toEqual([]);
  });

  it('reruns only the failed and aborted branches of a Parallel state', async () => {
    const m = compileMachine({
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
            {
              StartAt: 'B0',
              States: {
                B0: { Type: 'Pass', Result: 'b0', ResultPath: '$.b0', Next: 'B' },
                B: { Type: 'Task', Resource: FN, End: true },
              },
            },
            { StartAt: 'C', States: { C: { Type: 'Task', Resource: `${FN}2`, End: true } } },
          ],
          End: true,
        },
      },
    });
    const ran: string[] = [];
    let fail = true;
    const answer: Answer = (c) => {
      ran.push(c.stateName);
      if (c.stateName === 'C') return fail ? 'hold' : { output: 'c' };
      return fail ? { error: 'Boom' } : { output: c.parameters };
    };
    const first = await feed(m, undefined, start(), answer);
    expect(first.snapshot.status).toBe('FAILED');
    expect(first.events.map((e) => e.type)).toContain('TaskStateAborted');
    fail = false;
    ran.length = 0;
    const r = await step(m, first.snapshot, { type: 'Redrive', at: T0 + 10 });
    const second = await feed(m, r.snapshot, { type: 'Continue', at: T0 + 11 }, answer);
    expect(second.snapshot.status).toBe('SUCCEEDED');
    expect(ran.sort()).toEqual(['B', 'C']);
    const entered = second.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => detailsOf(e)?.name);
    expect(entered).toEqual(['Par', 'B', 'C']);
    expect(JSON.parse(second.snapshot.output!)).toEqual(['a', { b0: 'b0' }, 'c']);
  });

  it('reruns only the failed iterations of an inline Map state', async () => {
    const m = compileMachine({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: FN, End: true } } },
          End: true,
        },
      },
    });
    const ran: unknown[] = [];
    let fail = true;
    const answer: Answer = (c) => {
      ran.push(c.parameters);
      return fail && c.parameters === 2 ? { error: 'Boom' } : { output: (c.parameters as number) * 10 };
    };
    const first = await feed(m, undefined, start('[1,2,3]'), answer);
    expect(first.snapshot.status).toBe('FAILED');
    fail = false;
    ran.length = 0;
    const r = await step(m, first.snapshot, { type: 'Redrive', at: T0 + 10 });
    const second = await feed(m, r.snapshot, { type: 'Continue', at: T0 + 11 }, answer);
    expect(second.snapshot.status).toBe('SUCCEEDED');
    expect(JSON.parse(second.snapshot.output!)).toEqual([10, 20, 30]);
    // iteration 1 failed, the others finished or were aborted when it failed
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran).toContain(2);
    expect(second.events.filter((e) => e.type === 'MapIterationStarted').length).toBe(ran.length);
  });

  it('Stop records the aborted states; a redrive runs them again', async () => {
    const m = compileMachine({
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', Resource: FN, End: true } } },
            {
              StartAt: 'M',
              States: {
                M: {
                  Type: 'Map',
                  ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    });
    const first = await feed(m, undefined, start('[1]'), () => 'hold');
    const stopped = await step(m, first.snapshot, { type: 'Stop', at: T0 + 5 });
    expect(stopped.snapshot.status).toBe('ABORTED');
    const byId = new Map([...first.events, ...stopped.events].map((e) => [e.id, e.type]));
    expect(stopped.events.map((e) => [e.type, byId.get(e.previousEventId) ?? e.previousEventId])).toEqual([
      ['TaskStateAborted', 'LambdaFunctionStarted'],
      ['WaitStateAborted', 'WaitStateEntered'],
      ['MapIterationAborted', 'WaitStateAborted'],
      ['MapStateAborted', 'MapIterationAborted'],
      ['ParallelStateAborted', 'MapStateAborted'],
      ['ExecutionAborted', 0],
    ]);
    expect(stopped.commands.filter((c) => c.type === 'CancelTask' || c.type === 'CancelTimer').length).toBe(2);
    const r = await step(m, stopped.snapshot, { type: 'Redrive', at: T0 + 10 });
    const second = await feed(m, r.snapshot, { type: 'Continue', at: T0 + 11 }, () => ({ output: 'a' }));
    expect(second.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => detailsOf(e)?.name)).toEqual([
      'Par',
      'A',
      'M',
      'W',
    ]);
  });

  it('restarts the execution timeout', async () => {
    const m = compileMachine({
      TimeoutSeconds: 5,
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 60, End: true } },
    });
    const s1 = await step(m, undefined, start());
    const timer = s1.commands.find((c) => c.type === 'StartTimer' && c.timerId === 'exec-timeout');
    const s2 = await step(m, s1.snapshot, { type: 'TimerFired', at: T0 + 5000, timerId: 'exec-timeout' });
    expect(timer).toBeDefined();
    expect(s2.snapshot.status).toBe('TIMED_OUT');
    const r = await step(m, s2.snapshot, { type: 'Redrive', at: T0 + 9000 });
    expect(r.commands).toContainEqual({ type: 'StartTimer', timerId: 'exec-timeout', fireAt: T0 + 14000 });
    const s3 = await step(m, r.snapshot, { type: 'Continue', at: T0 + 9000 });
    expect(s3.events.map((e) => e.type)).toEqual(['WaitStateEntered']);
  });
});
