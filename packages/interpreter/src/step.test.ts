import type { HistoryEvent } from '@statecraft/history';
import { describe, expect, it } from 'vitest';
import { compileMachine } from './compile.js';
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

type Outcome = { output: unknown } | { error: string; cause?: string };

/** Drives an execution like the engine would: answers tasks from `tasks`, fires timers in time order. */
async function drive(
  definition: unknown,
  input: string,
  tasks: Outcome[] = [],
  opts: { roundTrip?: boolean; maxTransitions?: number } = {},
) {
  const machine = compileMachine(definition);
  let snap: ExecutionSnapshot | undefined;
  const events: HistoryEvent[] = [];
  const commands: Command[] = [];
  const timers = new Map<string, number>();
  const pending: string[] = [];
  const queue: ExecutionInput[] = [{ type: 'Start', at: T0, input, execution, seed: 7 }];
  let now = T0;
  for (let guard = 0; guard < 1000; guard++) {
    let next = queue.shift();
    if (!next) {
      const taskId = pending.shift();
      if (taskId) {
        const o = tasks.shift() ?? { output: {} };
        next =
          'output' in o
            ? { type: 'TaskSucceeded', at: now, taskId, output: JSON.stringify(o.output) }
            : { type: 'TaskFailed', at: now, taskId, error: o.error, cause: o.cause };
      } else if (timers.size > 0) {
        const [id, at] = [...timers].sort((a, b) => a[1] - b[1])[0]!;
        timers.delete(id);
        now = Math.max(now, at);
        next = { type: 'TimerFired', at: now, timerId: id };
      } else break;
    }
    const r = await step(machine, snap, next, { maxTransitions: opts.maxTransitions });
    snap = opts.roundTrip ? JSON.parse(JSON.stringify(r.snapshot)) : r.snapshot;
    events.push(...r.events);
    commands.push(...r.commands);
    for (const c of r.commands) {
      if (c.type === 'StartTimer') timers.set(c.timerId, c.fireAt);
      else if (c.type === 'CancelTimer') timers.delete(c.timerId);
      else if (c.type === 'InvokeTask') pending.push(c.taskId);
      else if (c.type === 'Continue') queue.push({ type: 'Continue', at: now });
    }
    if (snap!.status !== 'RUNNING' && queue.length === 0) break;
  }
  return { snapshot: snap!, events, commands };
}

const brief = (events: HistoryEvent[]) => events.map((e) => `${e.id}<${e.previousEventId} ${e.type}`);

describe('step: event sequences and previousEventId (ASL.md §17.2/17.3)', () => {
  const cases: {
    name: string;
    def: unknown;
    input?: string;
    tasks?: Outcome[];
    expected: string[];
    output?: unknown;
  }[] = [
    {
      name: 'Pass then Succeed',
      def: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } },
      expected: [
        '1<0 ExecutionStarted',
        '2<0 PassStateEntered',
        '3<2 PassStateExited',
        '4<3 SucceedStateEntered',
        '5<4 SucceedStateExited',
        '6<5 ExecutionSucceeded',
      ],
    },
    {
      name: 'Fail state',
      def: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } },
      expected: ['1<0 ExecutionStarted', '2<0 FailStateEntered', '3<2 ExecutionFailed'],
    },
    {
      name: 'service task with retry then catch',
      def: {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }],
            End: true,
          },
          H: { Type: 'Pass', End: true },
        },
      },
      tasks: [
        { error: 'Boom', cause: 'x' },
        { error: 'Boom', cause: 'y' },
      ],
      expected: [
        '1<0 ExecutionStarted',
        '2<0 TaskStateEntered',
        '3<2 TaskScheduled',
        '4<3 TaskStarted',
        '5<4 TaskFailed',
        '6<5 TaskScheduled',
        '7<6 TaskStarted',
        '8<7 TaskFailed',
        '9<8 TaskStateExited',
        '10<9 PassStateEntered',
        '11<10 PassStateExited',
        '12<11 ExecutionSucceeded',
      ],
      output: { Error: 'Boom', Cause: 'y' },
    },
    {
      name: 'direct Lambda and Wait',
      def: {
        StartAt: 'L',
        States: {
          L: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111111111111:function:f', Next: 'W' },
          W: { Type: 'Wait', Seconds: 5, End: true },
        },
      },
      tasks: [{ output: { ok: 1 } }],
      expected: [
        '1<0 ExecutionStarted',
        '2<0 TaskStateEntered',
        '3<2 LambdaFunctionScheduled',
        '4<3 LambdaFunctionStarted',
        '5<4 LambdaFunctionSucceeded',
        '6<5 TaskStateExited',
        '7<6 WaitStateEntered',
        '8<7 WaitStateExited',
        '9<8 ExecutionSucceeded',
      ],
      output: { ok: 1 },
    },
    {
      name: 'inline Map, MaxConcurrency 1',
      def: {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            MaxConcurrency: 1,
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      input: '[1,2]',
      expected: [
        '1<0 ExecutionStarted',
        '2<0 MapStateEntered',
        '3<2 MapStateStarted',
        '4<3 MapIterationStarted',
        '5<4 PassStateEntered',
        '6<5 PassStateExited',
        '7<6 MapIterationSucceeded',
        '8<6 MapIterationStarted',
        '9<8 PassStateEntered',
        '10<9 PassStateExited',
        '11<10 MapIterationSucceeded',
        '12<11 MapStateSucceeded',
        '13<11 MapStateExited',
        '14<13 ExecutionSucceeded',
      ],
      output: [1, 2],
    },
    {
      name: 'Parallel branch failure caught',
      def: {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'X', Cause: 'c' } } }],
            Catch: [{ ErrorEquals: ['X'], Next: 'Done' }],
            End: true,
          },
          Done: { Type: 'Pass', End: true },
        },
      },
      expected: [
        '1<0 ExecutionStarted',
        '2<0 ParallelStateEntered',
        '3<2 ParallelStateStarted',
        '4<3 FailStateEntered',
        '5<4 ParallelStateFailed',
        '6<5 ParallelStateExited',
        '7<6 PassStateEntered',
        '8<7 PassStateExited',
        '9<8 ExecutionSucceeded',
      ],
      output: { Error: 'X', Cause: 'c' },
    },
    {
      name: 'States.Runtime is never caught',
      def: {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            OutputPath: '$.no.such',
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
            End: true,
          },
          Done: { Type: 'Pass', End: true },
        },
      },
      expected: [
        '1<0 ExecutionStarted',
        '2<0 TaskStateEntered',
        '3<2 TaskScheduled',
        '4<3 TaskStarted',
        '5<4 TaskSucceeded',
        '6<5 ExecutionFailed',
      ],
    },
  ];

  it.each(cases)('$name', async ({ def, input, tasks, expected, output }) => {
    const r = await drive(def, input ?? '{}', tasks);
    expect(brief(r.events)).toEqual(expected);
    if (output !== undefined) expect(JSON.parse(r.snapshot.output!)).toEqual(output);
  });

  it('echoes the execution input verbatim in ExecutionStarted and the first Entered', async () => {
    const r = await drive({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, '[1, 2]');
    expect((r.events[0] as Record<string, any>).executionStartedEventDetails.input).toBe('[1, 2]');
    expect((r.events[1] as Record<string, any>).stateEnteredEventDetails.input).toBe('[1, 2]');
    expect((r.events[2] as Record<string, any>).stateExitedEventDetails.output).toBe('[1,2]');
  });

  it('emits the AWS cause prefix for States.Runtime', async () => {
    const r = await drive({ StartAt: 'A', States: { A: { Type: 'Pass', InputPath: '$.x', End: true } } }, '{}');
    expect(r.snapshot.error).toBe('States.Runtime');
    expect(r.snapshot.cause).toBe(
      "An error occurred while executing the state 'A' (entered at the event id #2). Invalid path '$.x' : No results for path: $['x']",
    );
  });

  it('Wait emits a timer at input.at + Seconds', async () => {
    const r = await drive({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } }, '{}');
    expect(r.commands).toContainEqual({ type: 'StartTimer', timerId: expect.any(String), fireAt: T0 + 10_000 });
  });
});

describe('step: snapshots', () => {
  const machine = {
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Assign: { n: 0 }, Next: 'M' },
      M: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemProcessor: {
          StartAt: 'T',
          States: {
            T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'W' },
            W: { Type: 'Wait', Seconds: 1, End: true },
          },
        },
        Next: 'P',
      },
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 2, End: true } } },
        ],
        End: true,
      },
    },
  };

  it('resumes identically from a JSON round-tripped snapshot', async () => {
    const tasks = [{ output: 1 }, { output: 2 }, { error: 'E' }, { output: 3 }];
    const a = await drive(machine, '{"items":[1,2,3]}', [...tasks]);
    const b = await drive(machine, '{"items":[1,2,3]}', [...tasks], { roundTrip: true });
    expect(b.events).toEqual(a.events);
    expect(b.commands).toEqual(a.commands);
    expect(b.snapshot).toEqual(JSON.parse(JSON.stringify(a.snapshot)));
  });

  it('records every state output as the JSON text of the value (ResultPath merges included)', async () => {
    const r = await drive(
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.new', Next: 'B' },
          B: { Type: 'Pass', Result: 2, ResultPath: '$.a', Next: 'C' },
          C: { Type: 'Pass', Result: 3, ResultPath: '$.7', Next: 'D' },
          D: { Type: 'Pass', Result: 'e', ResultPath: '$.empty.k', Next: 'E' },
          E: { Type: 'Pass', Parameters: {}, ResultPath: '$.z', Next: 'F' },
          F: { Type: 'Pass', Parameters: { 'v.$': '$.z' }, ResultPath: '$.__proto__', End: true },
        },
      },
      '{ "a": 1, "b": [1, 2], "empty": {} }',
    );
    const outputs = r.events
      .filter((e) => e.type === 'PassStateExited')
      .map((e) => String((e as { stateExitedEventDetails?: { output?: string } }).stateExitedEventDetails?.output));
    expect(outputs).toHaveLength(6);
    for (const text of outputs) expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(JSON.parse(outputs[2]!)).toEqual({ 7: 3, a: 2, b: [1, 2], empty: {}, new: { x: 1 } });
    expect(outputs[2]!.startsWith('{"7":3,')).toBe(true);
  });

  it('yields with a Continue command at the work budget', async () => {
    const loop = {
      StartAt: 'Inc',
      States: {
        Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 50, Next: 'Inc' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const small = await drive(loop, '{"n":0}', [], { maxTransitions: 7 });
    const big = await drive(loop, '{"n":0}');
    expect(small.commands.filter((c) => c.type === 'Continue').length).toBeGreaterThan(5);
    expect(small.events).toEqual(big.events);
    expect(JSON.parse(small.snapshot.output!)).toEqual({ n: 50 });
  });

  it('Stop aborts the running state, then the execution with previousEventId 0, and cancels timers', async () => {
    const m = compileMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } });
    const s1 = await step(m, undefined, { type: 'Start', at: T0, input: '{}', execution, seed: 1 });
    const s2 = await step(m, s1.snapshot, { type: 'Stop', at: T0 + 5, error: 'e', cause: 'c' });
    expect(brief(s2.events)).toEqual(['3<2 WaitStateAborted', '4<0 ExecutionAborted']);
    expect(s2.snapshot.status).toBe('ABORTED');
    expect(s2.commands).toContainEqual({ type: 'CancelTimer', timerId: expect.any(String) });
  });

  it('activity: ActivityScheduled, ActivityStarted on TaskStarted, heartbeat timeout is catchable', async () => {
    const m = compileMachine({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:us-east-1:111111111111:activity:act',
          HeartbeatSeconds: 5,
          TimeoutSeconds: 60,
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'H' }],
          End: true,
        },
        H: { Type: 'Pass', End: true },
      },
    });
    const s1 = await step(m, undefined, { type: 'Start', at: T0, input: '{}', execution, seed: 1 });
    const invoke = s1.commands.find((c) => c.type === 'InvokeTask');
    expect(invoke).toMatchObject({
      type: 'InvokeTask',
      taskToken: expect.any(String),
      heartbeatSeconds: 5,
      timeoutSeconds: 60,
    });
    const taskId = invoke!.type === 'InvokeTask' ? invoke!.taskId : '';
    const s2 = await step(m, s1.snapshot, { type: 'TaskStarted', at: T0 + 1000, taskId, workerName: 'w1' });
    expect(s2.events.map((e) => [e.type, (e as Record<string, unknown>).activityStartedEventDetails])).toEqual([
      ['ActivityStarted', { workerName: 'w1' }],
    ]);
    const hb = s2.commands.find((c) => c.type === 'StartTimer');
    expect(hb).toMatchObject({ fireAt: T0 + 6000 });
    const timerId = hb!.type === 'StartTimer' ? hb!.timerId : '';
    const s3 = await step(m, s2.snapshot, { type: 'TimerFired', at: T0 + 6000, timerId });
    expect(brief(s3.events)).toEqual([
      '5<4 ActivityTimedOut',
      '6<5 TaskStateExited',
      '7<6 PassStateEntered',
      '8<7 PassStateExited',
      '9<8 ExecutionSucceeded',
    ]);
    expect(s3.commands).toContainEqual({ type: 'CancelTask', taskId, taskToken: expect.any(String) });
  });

  it('execution TimeoutSeconds ends the run with ExecutionTimedOut', async () => {
    const r = await drive(
      { TimeoutSeconds: 5, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
      '{}',
    );
    expect(r.events.at(-1)).toMatchObject({
      type: 'ExecutionTimedOut',
      executionTimedOutEventDetails: { error: 'States.Timeout' },
    });
    expect(r.snapshot.status).toBe('TIMED_OUT');
  });

  it('fails a runaway loop at the 25,000-event history limit', async () => {
    const loop = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } },
    };
    const r = await drive(loop, '{}');
    expect(r.events).toHaveLength(25000);
    expect(r.events.at(-1)).toMatchObject({
      id: 25000,
      previousEventId: 24999,
      type: 'ExecutionFailed',
      executionFailedEventDetails: {
        error: 'States.Runtime',
        cause: 'The execution reached the maximum number of history events (25000).',
      },
    });
  });
});
