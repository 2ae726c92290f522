/**
 * Activity workers through the unmodified SFN client, in process and over HTTP: CreateActivity, a state
 * machine with an activity Task, a worker loop (GetActivityTask → SendTaskSuccess / SendTaskFailure /
 * SendTaskHeartbeat), and the two timeouts (HeartbeatSeconds → States.HeartbeatTimeout, TimeoutSeconds →
 * States.Timeout). Histories are checked against AWS's event order (ASL.md §17.3: `TaskStateEntered,
 * ActivityScheduled, ActivityStarted (worker polls), ActivitySucceeded|Failed|TimedOut, TaskStateExited`).
 *
 * Real clock with 1–2 s timeouts: the worker's HTTP round trips must not be overtaken by a clock that
 * skips ahead while it is idle.
 */
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatecraftOptions } from './statecraft.js';
import { eventTypes, sdkTargets, sleep } from './test-support/sdk-targets.js';

const role = 'arn:aws:iam::111111111111:role/statecraft-role';
const options: StatecraftOptions = { accountId: '111111111111', activityPollTimeoutSeconds: 1 };

const targets = sdkTargets.map((t) => ({ name: t.name, setup: () => t.setup(options) }));

const types = eventTypes;

describe.each(targets)('activity workers ($name)', (target) => {
  let sfn: SFNClient;
  let teardown: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ sfn, teardown } = await target.setup());
  });
  afterAll(() => teardown());

  const activity = async () =>
    (await sfn.send(new CreateActivityCommand({ name: `worker-queue-${++n}` }))).activityArn!;

  const machine = async (definition: object) =>
    (
      await sfn.send(
        new CreateStateMachineCommand({ name: `act-${++n}`, definition: JSON.stringify(definition), roleArn: role }),
      )
    ).stateMachineArn!;

  const start = async (stateMachineArn: string, input: string) =>
    (await sfn.send(new StartExecutionCommand({ stateMachineArn, input }))).executionArn!;

  const waitDone = async (executionArn: string): Promise<DescribeExecutionCommandOutput> => {
    for (let i = 0; i < 1000; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status !== 'RUNNING') return d;
      await sleep(10);
    }
    throw new Error(`execution ${executionArn} did not finish`);
  };

  const history = async (executionArn: string) =>
    (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];

  /** One worker poll: long-polls until a task arrives (or the 1 s poll timeout, then polls again). */
  const poll = async (activityArn: string, workerName: string) => {
    for (let i = 0; i < 10; i++) {
      const t = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
      if (t.taskToken) return { taskToken: t.taskToken, input: t.input! };
    }
    throw new Error('no activity task arrived');
  };

  const task = (activityArn: string, extra: object = {}) => ({
    Type: 'Task',
    Resource: activityArn,
    ...extra,
  });

  it('runs a worker loop: GetActivityTask → SendTaskSuccess', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Work',
      States: { Work: task(arn, { Parameters: { 'order.$': '$.order', fixed: 1 }, End: true }) },
    });
    // Two executions served by one worker loop, in the order they were scheduled.
    const e1 = await start(sm, '{"order": 1}');
    const e2 = await start(sm, '{"order": 2}');
    const seen: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await poll(arn, 'worker-1');
      const input = JSON.parse(t.input) as { order: number; fixed: number };
      seen.push(input);
      await sfn.send(
        new SendTaskSuccessCommand({ taskToken: t.taskToken, output: JSON.stringify({ done: input.order }) }),
      );
      // The token is spent: AWS answers TaskTimedOut ("Provided task does not exist anymore").
      await expect(
        sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: '{}' })),
      ).rejects.toMatchObject({
        name: 'TaskTimedOut',
      });
    }
    expect(seen).toEqual([
      { order: 1, fixed: 1 },
      { order: 2, fixed: 1 },
    ]);
    for (const [e, order] of [
      [e1, 1],
      [e2, 2],
    ] as const) {
      const done = await waitDone(e);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ done: order });
      const events = await history(e);
      expect(types(events)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'ActivityScheduled',
        'ActivityStarted',
        'ActivitySucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      expect(events.map((ev) => ev.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6]);
      expect(events[2]!.activityScheduledEventDetails).toEqual({
        resource: arn,
        input: JSON.stringify({ order, fixed: 1 }),
        inputDetails: { truncated: false },
      });
      expect(events[3]!.activityStartedEventDetails).toEqual({ workerName: 'worker-1' });
      expect(events[4]!.activitySucceededEventDetails).toEqual({
        output: JSON.stringify({ done: order }),
        outputDetails: { truncated: false },
      });
    }
  });

  it('returns an empty task when nothing arrives within the poll timeout', async () => {
    const arn = await activity();
    const t0 = Date.now();
    const t = await sfn.send(new GetActivityTaskCommand({ activityArn: arn, workerName: 'idle' }));
    expect(t.taskToken).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('routes SendTaskFailure to a Catch', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Work',
      States: {
        Work: task(arn, {
          Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Handled' }],
          End: true,
        }),
        Handled: { Type: 'Pass', End: true },
      },
    });
    const e = await start(sm, '{"id": 7}');
    const t = await poll(arn, 'worker-2');
    await sfn.send(new SendTaskFailureCommand({ taskToken: t.taskToken, error: 'Rejected', cause: 'out of stock' }));
    const done = await waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ id: 7, failure: { Error: 'Rejected', Cause: 'out of stock' } });
    const events = await history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[4]!.activityFailedEventDetails).toEqual({ error: 'Rejected', cause: 'out of stock' });
  });

  it('fails the task with States.HeartbeatTimeout when the worker stops heartbeating', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Work',
      States: { Work: task(arn, { HeartbeatSeconds: 1, TimeoutSeconds: 30, End: true }) },
    });
    const e = await start(sm, '{}');
    const t = await poll(arn, 'worker-3');
    const done = await waitDone(e);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.HeartbeatTimeout');
    const events = await history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[2]!.activityScheduledEventDetails).toMatchObject({ timeoutInSeconds: 30, heartbeatInSeconds: 1 });
    expect(events[4]!.activityTimedOutEventDetails).toEqual({ error: 'States.HeartbeatTimeout' });
    expect(events[5]!.executionFailedEventDetails).toEqual({ error: 'States.HeartbeatTimeout' });
    // The heartbeat counts from ActivityStarted.
    const started = events[3]!.timestamp!.getTime();
    expect(events[4]!.timestamp!.getTime() - started).toBeGreaterThanOrEqual(1000);
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: t.taskToken }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('keeps a task alive with SendTaskHeartbeat past HeartbeatSeconds', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Work',
      States: { Work: task(arn, { HeartbeatSeconds: 1, End: true }) },
    });
    const e = await start(sm, '{}');
    const t = await poll(arn, 'worker-4');
    const began = Date.now();
    while (Date.now() - began < 2200) {
      await sleep(300);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: t.taskToken }));
    }
    await sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: '"finished"' }));
    const done = await waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toBe('"finished"');
    const events = await history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('times out a task nobody picks up with States.Timeout, and takes it off the queue', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Work',
      States: { Work: task(arn, { TimeoutSeconds: 1, End: true }) },
    });
    const e = await start(sm, '{}');
    const done = await waitDone(e);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Timeout');
    const events = await history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[2]!.activityScheduledEventDetails).toMatchObject({ timeoutInSeconds: 1 });
    expect(events[3]!.activityTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
    expect(events[4]!.executionFailedEventDetails).toEqual({ error: 'States.Timeout' });
    const late = await sfn.send(new GetActivityTaskCommand({ activityArn: arn, workerName: 'late' }));
    expect(late.taskToken).toBeUndefined();
  });

  it('times out a started task with States.Timeout even while it heartbeats, and retries it', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Work',
      States: {
        Work: task(arn, {
          TimeoutSeconds: 1,
          HeartbeatSeconds: 1,
          Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        }),
      },
    });
    const e = await start(sm, '{}');
    const first = await poll(arn, 'slow-worker');
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: first.taskToken })).catch(() => undefined);
    }
    const second = await poll(arn, 'fast-worker');
    expect(second.taskToken).not.toBe(first.taskToken);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: second.taskToken, output: '{"attempt":2}' }));
    const done = await waitDone(e);
    expect(done.status).toBe('SUCCEEDED');
    const events = await history(e);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityTimedOut',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[4]!.activityTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
    expect(events[6]!.activityStartedEventDetails).toEqual({ workerName: 'fast-worker' });
  });
});
