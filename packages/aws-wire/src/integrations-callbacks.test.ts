/**
 * `.waitForTaskToken` callbacks and Lambda retry/timeout paths through the unmodified SFN client, in process
 * and over HTTP.
 *
 * - Callbacks (real clock, 1 s heartbeats): `lambda:invoke.waitForTaskToken` and
 *   `aws-sdk:lambda:invoke.waitForTaskToken` with an in-process function that captures the token; the
 *   test answers with SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat, or lets the heartbeat lapse.
 *   AWS's order: `TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded|TaskFailed|TaskTimedOut`.
 * - Lambda retry and timeout (a ManualClock that skips ahead when idle): a function failing twice then
 *   succeeding under `Retry`, and `TimeoutSeconds` on a handler slower than the task allows
 *   (`LambdaFunctionTimedOut` / `TaskTimedOut` with States.Timeout, the handler's signal aborted).
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ManualClock } from '@statecraft/engine';
import type { LambdaContext } from '@statecraft/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatecraftOptions } from './statecraft.js';
import { eventTypes, region, sdkTargets, sleep } from './test-support/sdk-targets.js';

const role = 'arn:aws:iam::111111111111:role/statecraft-role';

/** Tokens the `ask` function received, by the `id` in its event. */
const tokens = new Map<string, string>();
/** Calls of `flaky` by the `id` in its event. */
const flakyCalls = new Map<string, number>();
/** Signals of `slow` invocations, by id, to check that a timed-out invocation is abandoned. */
const slowSignals = new Map<string, AbortSignal>();

const functions: StatecraftOptions['functions'] = {
  ask: async (event: { id: string; token: string }) => {
    tokens.set(event.id, event.token);
    return { asked: event.id };
  },
  flaky: async (event: { id: string }) => {
    const calls = (flakyCalls.get(event.id) ?? 0) + 1;
    flakyCalls.set(event.id, calls);
    if (calls <= 2) {
      const err = new Error(`attempt ${calls} failed`);
      err.name = 'TransientError';
      throw err;
    }
    return { id: event.id, calls };
  },
  slow: (event: { id: string }, context: LambdaContext) => {
    slowSignals.set(event.id, context.signal);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ late: true }), 10_000);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve({ abandoned: true });
      });
    });
  },
};

const targets = sdkTargets;

const types = eventTypes;

function client(target: Target, options: StatecraftOptions) {
  let sfn: SFNClient;
  let teardown: () => Promise<void>;
  let n = 0;
  beforeAll(async () => {
    ({ sfn, teardown } = await target.setup(options));
  });
  afterAll(() => teardown());
  return {
    get sfn() {
      return sfn;
    },
    async machine(definition: object) {
      const out = await sfn.send(
        new CreateStateMachineCommand({ name: `cb-${++n}`, definition: JSON.stringify(definition), roleArn: role }),
      );
      return out.stateMachineArn!;
    },
    async start(stateMachineArn: string, input: unknown) {
      return (await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) })))
        .executionArn!;
    },
    async waitDone(executionArn: string): Promise<DescribeExecutionCommandOutput> {
      for (let i = 0; i < 1000; i++) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') return d;
        await sleep(10);
      }
      throw new Error(`execution ${executionArn} did not finish`);
    },
    async history(executionArn: string) {
      return (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    },
  };
}

async function tokenFor(id: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const t = tokens.get(id);
    if (t) return t;
    await sleep(10);
  }
  throw new Error(`the function never received a token for ${id}`);
}

let ids = 0;
const nextId = () => `id-${++ids}`;

describe.each(targets)('.waitForTaskToken callbacks ($name)', (target) => {
  const c = client(target, { accountId: '111111111111', functions });

  const callbackMachine = (resource: string, extra: object = {}) =>
    c.machine({
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: resource,
          Parameters: { FunctionName: 'ask', Payload: { 'id.$': '$.id', 'token.$': '$$.Task.Token' } },
          ...extra,
          End: true,
        },
      },
    });

  it('completes lambda:invoke.waitForTaskToken with SendTaskSuccess', async () => {
    const sm = await callbackMachine('arn:aws:states:::lambda:invoke.waitForTaskToken');
    const id = nextId();
    const e = await c.start(sm, { id });
    const taskToken = await tokenFor(id);
    await c.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"approved": true}' }));
    const done = await c.waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ approved: true });
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((ev) => ev.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6, 7]);
    const scheduled = events[2]!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region });
    expect(JSON.parse(scheduled.parameters!)).toEqual({ FunctionName: 'ask', Payload: { id, token: taskToken } });
    // TaskSubmitted carries the Invoke response; TaskSucceeded the callback's output.
    const submitted = JSON.parse(events[4]!.taskSubmittedEventDetails!.output!);
    expect(submitted).toMatchObject({ StatusCode: 200, Payload: { asked: id }, ExecutedVersion: '$LATEST' });
    expect(submitted.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(events[5]!.taskSucceededEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      output: '{"approved": true}',
    });
  });

  it('fails the task with SendTaskFailure', async () => {
    const sm = await callbackMachine('arn:aws:states:::lambda:invoke.waitForTaskToken');
    const id = nextId();
    const e = await c.start(sm, { id });
    const taskToken = await tokenFor(id);
    await c.sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: 'the reviewer said no' }));
    const done = await c.waitDone(e);
    expect(done.status).toBe('FAILED');
    expect(done).toMatchObject({ error: 'Rejected', cause: 'the reviewer said no' });
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskFailed',
      'ExecutionFailed',
    ]);
    expect(events[5]!.taskFailedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'Rejected',
      cause: 'the reviewer said no',
    });
    expect(events[6]!.executionFailedEventDetails).toEqual({ error: 'Rejected', cause: 'the reviewer said no' });
  });

  it('times out a callback whose heartbeat lapses (States.HeartbeatTimeout), and rejects the late answer', async () => {
    const sm = await callbackMachine('arn:aws:states:::lambda:invoke.waitForTaskToken', { HeartbeatSeconds: 1 });
    const id = nextId();
    const e = await c.start(sm, { id });
    const taskToken = await tokenFor(id);
    const done = await c.waitDone(e);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.HeartbeatTimeout');
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[2]!.taskScheduledEventDetails).toMatchObject({ heartbeatInSeconds: 1 });
    expect(events[5]!.taskTimedOutEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'States.HeartbeatTimeout',
    });
    expect(events[6]!.executionFailedEventDetails).toEqual({ error: 'States.HeartbeatTimeout' });
    await expect(c.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('keeps a callback alive with SendTaskHeartbeat', async () => {
    const sm = await callbackMachine('arn:aws:states:::lambda:invoke.waitForTaskToken', { HeartbeatSeconds: 1 });
    const id = nextId();
    const e = await c.start(sm, { id });
    const taskToken = await tokenFor(id);
    const began = Date.now();
    while (Date.now() - began < 2200) {
      await sleep(300);
      await c.sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    }
    await c.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '"ok"' }));
    const done = await c.waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toBe('"ok"');
    expect(types(await c.history(e))).not.toContain('TaskTimedOut');
  });

  it('runs aws-sdk:lambda:invoke.waitForTaskToken against the same handler, with the SDK response shape', async () => {
    const sm = await callbackMachine('arn:aws:states:::aws-sdk:lambda:invoke.waitForTaskToken');
    const id = nextId();
    const e = await c.start(sm, { id });
    const taskToken = await tokenFor(id);
    await c.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"approved": "sdk"}' }));
    const done = await c.waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ approved: 'sdk' });
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2]!.taskScheduledEventDetails).toMatchObject({
      resourceType: 'aws-sdk:lambda',
      resource: 'invoke.waitForTaskToken',
    });
    expect(JSON.parse(events[4]!.taskSubmittedEventDetails!.output!)).toEqual({
      ExecutedVersion: '$LATEST',
      Payload: JSON.stringify({ asked: id }),
      StatusCode: 200,
    });
  });
});

describe.each(targets)('Lambda retry and timeout ($name)', (target) => {
  const clock = new ManualClock({ start: Date.UTC(2025, 0, 1), autoAdvance: true });
  const c = client(target, { accountId: '111111111111', functions, clock });
  const fn = 'arn:aws:lambda:us-east-1:111111111111:function:';

  it('retries a function that fails twice, then succeeds (direct ARN)', async () => {
    const sm = await c.machine({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: `${fn}flaky`,
          Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }],
          End: true,
        },
      },
    });
    const id = nextId();
    const e = await c.start(sm, { id });
    const done = await c.waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ id, calls: 3 });
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    // A retry's Scheduled follows the previous attempt's Failed; back-off 2 s, then 2 × 3 = 6 s.
    expect(events[5]!.previousEventId).toBe(5);
    expect(events[8]!.previousEventId).toBe(8);
    const at = (i: number) => events[i]!.timestamp!.getTime();
    expect(at(5) - at(4)).toBe(2000);
    expect(at(8) - at(7)).toBe(6000);
    expect(events[4]!.lambdaFunctionFailedEventDetails!.error).toBe('TransientError');
    expect(JSON.parse(events[4]!.lambdaFunctionFailedEventDetails!.cause!)).toMatchObject({
      errorType: 'TransientError',
      errorMessage: 'attempt 1 failed',
    });
  });

  it('retries lambda:invoke the same way, re-evaluating $$.State.RetryCount', async () => {
    const sm = await c.machine({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'flaky', Payload: { 'id.$': '$.id', 'retry.$': '$$.State.RetryCount' } },
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 3 }],
          OutputPath: '$.Payload',
          End: true,
        },
      },
    });
    const id = nextId();
    const e = await c.start(sm, { id });
    const done = await c.waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ id, calls: 3 });
    const events = await c.history(e);
    expect(types(events).filter((t) => t === 'TaskScheduled')).toHaveLength(3);
    expect(types(events).filter((t) => t === 'TaskFailed')).toHaveLength(2);
    const retries = events
      .filter((ev) => ev.type === 'TaskScheduled')
      .map((ev) => JSON.parse(ev.taskScheduledEventDetails!.parameters!).Payload.retry);
    expect(retries).toEqual([0, 1, 2]);
  });

  it('gives up after MaxAttempts with the function error', async () => {
    const sm = await c.machine({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: `${fn}flaky`,
          Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    const e = await c.start(sm, { id: nextId() });
    const done = await c.waitDone(e);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('TransientError');
    expect(JSON.parse(done.cause!)).toMatchObject({ errorMessage: 'attempt 2 failed' });
    expect(types(await c.history(e)).slice(-2)).toEqual(['LambdaFunctionFailed', 'ExecutionFailed']);
  });

  it('times out a slow handler with States.Timeout (direct ARN) and aborts its invocation', async () => {
    const sm = await c.machine({
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: `${fn}slow`, TimeoutSeconds: 1, End: true } },
    });
    const id = nextId();
    const e = await c.start(sm, { id });
    const done = await c.waitDone(e);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Timeout');
    expect(done.cause).toBeUndefined();
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[2]!.lambdaFunctionScheduledEventDetails).toMatchObject({
      resource: `${fn}slow`,
      timeoutInSeconds: 1,
    });
    expect(events[4]!.lambdaFunctionTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
    expect(events[5]!.executionFailedEventDetails).toEqual({ error: 'States.Timeout' });
    expect(events[4]!.timestamp!.getTime() - events[3]!.timestamp!.getTime()).toBe(1000);
    expect(slowSignals.get(id)?.aborted).toBe(true);
  });

  it('times out lambda:invoke with TaskTimedOut, which Catch can handle', async () => {
    const sm = await c.machine({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'slow', 'Payload.$': '$' },
          TimeoutSeconds: 2,
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TooSlow' }],
          End: true,
        },
        TooSlow: { Type: 'Pass', End: true },
      },
    });
    const id = nextId();
    const e = await c.start(sm, { id });
    const done = await c.waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ id, timeout: { Error: 'States.Timeout', Cause: '' } });
    const events = await c.history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskTimedOut',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2]!.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 2 });
    expect(events[4]!.taskTimedOutEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'States.Timeout',
    });
    expect(slowSignals.get(id)?.aborted).toBe(true);
  });
});
