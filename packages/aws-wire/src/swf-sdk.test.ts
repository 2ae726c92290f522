/**
 * SWF through the unmodified `@aws-sdk/client-swf`, in process, under the ManualClock: a decider and
 * activity workers run workflows through timers, signals, child workflows, retries, every timeout kind and
 * continue-as-new; registration lifecycle, decision-batch rules, paging and visibility.
 */
import {
  CountClosedWorkflowExecutionsCommand,
  CountOpenWorkflowExecutionsCommand,
  CountPendingActivityTasksCommand,
  CountPendingDecisionTasksCommand,
  type Decision,
  DeleteWorkflowTypeCommand,
  DeprecateDomainCommand,
  DeprecateWorkflowTypeCommand,
  DescribeWorkflowExecutionCommand,
  DescribeWorkflowTypeCommand,
  GetWorkflowExecutionHistoryCommand,
  type HistoryEvent,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  ListTagsForResourceCommand,
  ListWorkflowTypesCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RecordActivityTaskHeartbeatCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RequestCancelWorkflowExecutionCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  RespondDecisionTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  StartWorkflowExecutionCommand,
  SWFClient,
  TagResourceCommand,
  TerminateWorkflowExecutionCommand,
  UndeprecateWorkflowTypeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-swf';
import { ManualClock } from '@statecraft/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft, type Statecraft } from './statecraft.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const domain = 'sdk-tests';
const TL = { name: 'main' };
const WT = { name: 'flow', version: '1' };
const AT = { name: 'work', version: '1' };

interface Env {
  sc: Statecraft;
  swf: SWFClient;
  clock: ManualClock;
}

let env: Env | undefined;
afterEach(async () => {
  await env?.sc.close();
  env = undefined;
});

async function setup(o: { autoAdvance?: boolean } = {}): Promise<Env> {
  const clock = new ManualClock({ start: Date.UTC(2026, 0, 1), autoAdvance: o.autoAdvance ?? false });
  const sc = createStatecraft({ clock });
  const swf = new SWFClient({
    region: 'us-east-1',
    credentials,
    requestHandler: createRequestHandler(sc),
    maxAttempts: 1,
  });
  await swf.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }));
  await swf.send(
    new RegisterWorkflowTypeCommand({
      domain,
      ...WT,
      defaultTaskList: TL,
      defaultChildPolicy: 'TERMINATE',
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '30',
    }),
  );
  await swf.send(
    new RegisterActivityTypeCommand({
      domain,
      ...AT,
      defaultTaskList: { name: 'work' },
      defaultTaskScheduleToStartTimeout: '60',
      defaultTaskScheduleToCloseTimeout: '600',
      defaultTaskStartToCloseTimeout: '120',
      defaultTaskHeartbeatTimeout: 'NONE',
    }),
  );
  env = { sc, swf, clock };
  return env;
}

const types = (events: HistoryEvent[] | undefined) => (events ?? []).map((e) => e.eventType);

async function decide(e: Env, decisions: Decision[], o: { taskList?: string; context?: string } = {}) {
  const task = await e.swf.send(
    new PollForDecisionTaskCommand({ domain, taskList: { name: o.taskList ?? TL.name }, identity: 'decider' }),
  );
  expect(task.taskToken, 'a decision task').toBeTruthy();
  await e.swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken: task.taskToken,
      decisions,
      ...(o.context !== undefined ? { executionContext: o.context } : {}),
    }),
  );
  return task;
}

async function history(e: Env, workflowId: string, runId: string) {
  const h = await e.swf.send(new GetWorkflowExecutionHistoryCommand({ domain, execution: { workflowId, runId } }));
  return h.events ?? [];
}

const scheduleWork = (activityId: string, extra: Record<string, string> = {}): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: AT, activityId, input: activityId, ...extra },
});

describe('SWF with @aws-sdk/client-swf (in process, ManualClock)', () => {
  it('registers types with defaults; deprecate/undeprecate/delete; domain tags', async () => {
    const e = await setup();
    const d = await e.swf.send(new DescribeWorkflowTypeCommand({ domain, workflowType: WT }));
    expect(d.configuration).toEqual({
      defaultTaskList: TL,
      defaultChildPolicy: 'TERMINATE',
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '30',
    });
    expect(d.typeInfo?.status).toBe('REGISTERED');
    expect(d.typeInfo?.creationDate).toBeInstanceOf(Date);
    await expect(e.swf.send(new RegisterWorkflowTypeCommand({ domain, ...WT }))).rejects.toMatchObject({
      name: 'TypeAlreadyExistsFault',
      message: 'WorkflowType=[name=flow, version=1]',
    });
    await expect(e.swf.send(new DeleteWorkflowTypeCommand({ domain, workflowType: WT }))).rejects.toMatchObject({
      name: 'TypeNotDeprecatedFault',
    });
    await expect(e.swf.send(new UndeprecateWorkflowTypeCommand({ domain, workflowType: WT }))).rejects.toMatchObject({
      name: 'TypeAlreadyExistsFault',
    });
    await e.swf.send(new DeprecateWorkflowTypeCommand({ domain, workflowType: WT }));
    await expect(e.swf.send(new DeprecateWorkflowTypeCommand({ domain, workflowType: WT }))).rejects.toMatchObject({
      name: 'TypeDeprecatedFault',
    });
    await expect(
      e.swf.send(new StartWorkflowExecutionCommand({ domain, workflowId: 'w', workflowType: WT })),
    ).rejects.toMatchObject({ name: 'TypeDeprecatedFault' });
    const listed = await e.swf.send(new ListWorkflowTypesCommand({ domain, registrationStatus: 'DEPRECATED' }));
    expect(listed.typeInfos?.map((t) => t.workflowType)).toEqual([WT]);
    expect(listed.typeInfos?.[0]?.deprecationDate).toBeInstanceOf(Date);
    await e.swf.send(new DeleteWorkflowTypeCommand({ domain, workflowType: WT }));
    await expect(e.swf.send(new DescribeWorkflowTypeCommand({ domain, workflowType: WT }))).rejects.toMatchObject({
      name: 'UnknownResourceFault',
      message: 'Unknown type: WorkflowType=[name=flow, version=1]',
    });

    const arn = `arn:aws:swf:us-east-1:123456789012:/domain/${domain}`;
    await e.swf.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'a', value: '1' }, { key: 'b' }] }));
    await e.swf.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'a', value: '2' }] }));
    await e.swf.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['b', 'zzz'] }));
    expect((await e.swf.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'a', value: '2' },
    ]);
    await e.swf.send(new DeprecateDomainCommand({ name: domain }));
    await expect(e.swf.send(new DeprecateDomainCommand({ name: domain }))).rejects.toMatchObject({
      name: 'DomainDeprecatedFault',
      message: domain,
    });
  });

  it('faults on start: unknown domain/type, already started, undefined defaults', async () => {
    const e = await setup();
    await expect(
      e.swf.send(new StartWorkflowExecutionCommand({ domain: 'nope', workflowId: 'w', workflowType: WT })),
    ).rejects.toMatchObject({ name: 'UnknownResourceFault', message: 'Unknown domain: nope' });
    await e.swf.send(new RegisterWorkflowTypeCommand({ domain, name: 'bare', version: '1' }));
    await expect(
      e.swf.send(
        new StartWorkflowExecutionCommand({
          domain,
          workflowId: 'w',
          workflowType: { name: 'bare', version: '1' },
          taskList: TL,
        }),
      ),
    ).rejects.toMatchObject({ name: 'DefaultUndefinedFault', message: 'executionStartToCloseTimeout' });
    await e.swf.send(new StartWorkflowExecutionCommand({ domain, workflowId: 'w', workflowType: WT }));
    await expect(
      e.swf.send(new StartWorkflowExecutionCommand({ domain, workflowId: 'w', workflowType: WT })),
    ).rejects.toMatchObject({ name: 'WorkflowExecutionAlreadyStartedFault' });
  });

  it('runs activities with a retry, a timer and a signal to completion', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'order-1', workflowType: WT, input: '{"n":1}' }),
    );
    expect(runId).toMatch(/^[A-Za-z0-9+/=]{45}$/);
    const first = await decide(e, [scheduleWork('a1')]);
    expect(first.previousStartedEventId).toBe(0);
    expect(types(first.events)).toEqual(['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
    expect((await e.swf.send(new CountPendingActivityTasksCommand({ domain, taskList: { name: 'work' } }))).count).toBe(
      1,
    );

    const t1 = await e.swf.send(new PollForActivityTaskCommand({ domain, taskList: { name: 'work' }, identity: 'w1' }));
    expect(t1).toMatchObject({
      activityId: 'a1',
      input: 'a1',
      activityType: AT,
      workflowExecution: { workflowId: 'order-1', runId },
    });
    await e.swf.send(new RespondActivityTaskFailedCommand({ taskToken: t1.taskToken, reason: 'boom', details: 'd' }));
    await expect(
      e.swf.send(new RespondActivityTaskCompletedCommand({ taskToken: t1.taskToken })),
    ).rejects.toMatchObject({ name: 'UnknownResourceFault', message: 'Unknown activity, scheduledEventId = 5' });

    // Retry with a new activity id.
    const second = await decide(e, [scheduleWork('a1-retry')]);
    expect(second.previousStartedEventId).toBe(3);
    expect(types(second.events).slice(-4)).toEqual([
      'ActivityTaskStarted',
      'ActivityTaskFailed',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
    ]);
    const t2 = await e.swf.send(new PollForActivityTaskCommand({ domain, taskList: { name: 'work' } }));
    await e.swf.send(new RespondActivityTaskCompletedCommand({ taskToken: t2.taskToken, result: 'ok' }));

    await decide(e, [
      { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't', startToFireTimeout: '30' } },
    ]);
    const open = await e.swf.send(
      new DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'order-1', runId } }),
    );
    expect(open.openCounts).toEqual({
      openActivityTasks: 0,
      openDecisionTasks: 0,
      openTimers: 1,
      openChildWorkflowExecutions: 0,
      openLambdaFunctions: 0,
    });
    expect(open.latestActivityTaskTimestamp).toBeInstanceOf(Date);
    e.clock.advance(30_000);
    await decide(e, [], { context: 'waiting' });
    await e.swf.send(
      new SignalWorkflowExecutionCommand({ domain, workflowId: 'order-1', signalName: 'go', input: 'x' }),
    );
    await decide(e, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'done' } },
    ]);

    const events = await history(e, 'order-1', runId!);
    expect(types(events).slice(-9)).toEqual([
      'TimerFired',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
      'DecisionTaskCompleted',
      'WorkflowExecutionSignaled',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
      'DecisionTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const fired = events.find((ev) => ev.eventType === 'TimerFired')!;
    const started = events.find((ev) => ev.eventType === 'TimerStarted')!;
    expect(fired.eventTimestamp!.getTime() - started.eventTimestamp!.getTime()).toBe(30_000);
    expect(
      events.find((ev) => ev.eventType === 'WorkflowExecutionSignaled')?.workflowExecutionSignaledEventAttributes,
    ).toEqual({
      signalName: 'go',
      input: 'x',
      externalInitiatedEventId: 0,
    });
    const closed = await e.swf.send(
      new DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'order-1', runId } }),
    );
    expect(closed.executionInfo).toMatchObject({
      executionStatus: 'CLOSED',
      closeStatus: 'COMPLETED',
      cancelRequested: false,
    });
    expect(closed.latestExecutionContext).toBe('waiting');
  });

  it('validates the batch as a whole; applies decisions in order with *Failed events and UNHANDLED_DECISION', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'b', workflowType: WT }),
    );
    const task = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    await expect(
      e.swf.send(
        new RespondDecisionTaskCompletedCommand({
          taskToken: task.taskToken,
          decisions: [
            { decisionType: 'CompleteWorkflowExecution' },
            { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm' } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'Close must be last decision in list' });
    await expect(
      e.swf.send(
        new RespondDecisionTaskCompletedCommand({
          taskToken: task.taskToken,
          decisions: [{ decisionType: 'StartTimer' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    // The token is still valid.
    await e.swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: task.taskToken,
        decisions: [
          { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't', startToFireTimeout: '100' } },
          { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't', startToFireTimeout: '100' } },
          { decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId: 'nope' } },
          scheduleWork('x', { activityType: { name: 'missing', version: '1' } } as never),
          { decisionType: 'CompleteWorkflowExecution' },
        ],
      }),
    );
    await expect(
      e.swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions: [] })),
    ).rejects.toMatchObject({ name: 'UnknownResourceFault', message: 'Unknown decision task, scheduledEventId = 2' });
    const events = await history(e, 'b', runId!);
    expect(
      events
        .slice(3)
        .map((ev) => [ev.eventType, Object.values(ev).find((v) => typeof v === 'object' && v && 'cause' in v)?.cause]),
    ).toEqual([
      ['DecisionTaskCompleted', undefined],
      ['TimerStarted', undefined],
      ['StartTimerFailed', 'TIMER_ID_ALREADY_IN_USE'],
      ['DecisionTaskScheduled', undefined],
      ['CancelTimerFailed', 'TIMER_ID_UNKNOWN'],
      ['ScheduleActivityTaskFailed', 'ACTIVITY_TYPE_DOES_NOT_EXIST'],
      ['CompleteWorkflowExecutionFailed', 'UNHANDLED_DECISION'],
    ]);
  });

  it('schedules one more decision task while one is started (AWS rescheduling rule)', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'r', workflowType: WT }),
    );
    const t = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    await e.swf.send(new SignalWorkflowExecutionCommand({ domain, workflowId: 'r', runId, signalName: 's1' }));
    await e.swf.send(new SignalWorkflowExecutionCommand({ domain, workflowId: 'r', runId, signalName: 's2' }));
    expect((await e.swf.send(new CountPendingDecisionTasksCommand({ domain, taskList: TL }))).count).toBe(0);
    await e.swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: t.taskToken,
        decisions: [{ decisionType: 'CompleteWorkflowExecution' }],
      }),
    );
    expect((await e.swf.send(new CountPendingDecisionTasksCommand({ domain, taskList: TL }))).count).toBe(1);
    const next = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    expect(next.previousStartedEventId).toBe(3);
    expect(types(next.events)).toEqual([
      'WorkflowExecutionStarted',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
      'WorkflowExecutionSignaled',
      'DecisionTaskScheduled',
      'WorkflowExecutionSignaled',
      'DecisionTaskCompleted',
      'CompleteWorkflowExecutionFailed',
      'DecisionTaskStarted',
    ]);
  });

  it('pages decision-task history and execution history', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'p', workflowType: WT }),
    );
    await decide(
      e,
      [1, 2, 3, 4].map((i) => ({
        decisionType: 'RecordMarker',
        recordMarkerDecisionAttributes: { markerName: `m${i}` },
      })),
    );
    await e.swf.send(new SignalWorkflowExecutionCommand({ domain, workflowId: 'p', signalName: 's' }));
    const p1 = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL, maximumPageSize: 5 }));
    expect(p1.events?.map((x) => x.eventId)).toEqual([1, 2, 3, 4, 5]);
    expect(p1.nextPageToken).toBeTruthy();
    const p2 = await e.swf.send(
      new PollForDecisionTaskCommand({ domain, taskList: TL, maximumPageSize: 5, nextPageToken: p1.nextPageToken }),
    );
    expect(p2.events?.map((x) => x.eventId)).toEqual([6, 7, 8, 9, 10]);
    expect(p2.taskToken).toBe(p1.taskToken);
    expect(p2.startedEventId).toBe(p1.startedEventId);
    const p3 = await e.swf.send(
      new PollForDecisionTaskCommand({ domain, taskList: TL, maximumPageSize: 5, nextPageToken: p2.nextPageToken }),
    );
    expect(p3.events?.map((x) => x.eventId)).toEqual([11]);
    expect(p3.nextPageToken).toBeUndefined();
    const rev = await e.swf.send(
      new GetWorkflowExecutionHistoryCommand({
        domain,
        execution: { workflowId: 'p', runId },
        reverseOrder: true,
        maximumPageSize: 11,
      }),
    );
    expect(rev.events?.[0]?.eventId).toBe(11);
    expect(rev.nextPageToken).toBeUndefined();
  });

  it('times out activities (every kind), decision tasks and the workflow, stamped at the deadline', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({
        domain,
        workflowId: 't',
        workflowType: WT,
        executionStartToCloseTimeout: '1000',
      }),
    );
    const t0 = e.clock.now();
    await decide(e, [
      scheduleWork('s2s', { scheduleToStartTimeout: '10' }),
      scheduleWork('s2c', { scheduleToCloseTimeout: '20', scheduleToStartTimeout: 'NONE' }),
      scheduleWork('stc', { startToCloseTimeout: '15' }),
      scheduleWork('hb', { heartbeatTimeout: '5' }),
    ]);
    // A worker starts all four (FIFO), so none times out SCHEDULE_TO_START here (see the next test).
    const acts: Record<string, string> = {};
    for (let i = 0; i < 4; i++) {
      const a = await e.swf.send(new PollForActivityTaskCommand({ domain, taskList: { name: 'work' } }));
      acts[a.activityId!] = a.taskToken!;
    }
    e.clock.advance(4_000);
    const beat = await e.swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: acts.hb, details: 'half' }));
    expect(beat.cancelRequested).toBe(false);
    e.clock.advance(60_000);
    const d = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    const timedOut = (d.events ?? [])
      .filter((ev) => ev.eventType === 'ActivityTaskTimedOut')
      .map((ev) => [
        ev.activityTaskTimedOutEventAttributes?.timeoutType,
        ev.eventTimestamp!.getTime() - t0,
        ev.activityTaskTimedOutEventAttributes?.details,
      ]);
    expect(timedOut).toEqual([
      ['HEARTBEAT', 9_000, 'half'],
      ['START_TO_CLOSE', 15_000, undefined],
      ['SCHEDULE_TO_CLOSE', 20_000, undefined],
    ]);
    await expect(e.swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: acts.hb }))).rejects.toMatchObject({
      name: 'UnknownResourceFault',
    });
    // Let the decision task time out (taskStartToCloseTimeout 30 s): a new one is scheduled.
    e.clock.advance(31_000);
    const again = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    expect(types(again.events).slice(-3)).toEqual([
      'DecisionTaskTimedOut',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
    ]);
    await expect(
      e.swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: d.taskToken, decisions: [] })),
    ).rejects.toMatchObject({ name: 'UnknownResourceFault' });
    e.clock.advance(1_000_000);
    const h = await history(e, 't', runId!);
    expect(h.at(-1)).toMatchObject({
      eventType: 'WorkflowExecutionTimedOut',
      workflowExecutionTimedOutEventAttributes: { timeoutType: 'START_TO_CLOSE', childPolicy: 'TERMINATE' },
    });
    expect(h.at(-1)!.eventTimestamp!.getTime() - t0).toBe(1_000_000);
    const desc = await e.swf.send(
      new DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 't', runId } }),
    );
    expect(desc.executionInfo?.closeStatus).toBe('TIMED_OUT');
  });

  it('times out an activity task nobody starts (SCHEDULE_TO_START, startedEventId 0)', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 's', workflowType: WT }),
    );
    await decide(e, [scheduleWork('late', { scheduleToStartTimeout: '10' })]);
    e.clock.advance(10_000);
    expect((await e.swf.send(new CountPendingActivityTasksCommand({ domain, taskList: { name: 'work' } }))).count).toBe(
      0,
    );
    const ev = (await history(e, 's', runId!)).find((x) => x.eventType === 'ActivityTaskTimedOut');
    expect(ev?.activityTaskTimedOutEventAttributes).toEqual({
      timeoutType: 'SCHEDULE_TO_START',
      scheduledEventId: 5,
      startedEventId: 0,
    });
  });

  it('runs a child workflow; terminating the parent applies its TERMINATE child policy', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'parent', workflowType: WT }),
    );
    const startChild = (workflowId: string): Decision => ({
      decisionType: 'StartChildWorkflowExecution',
      startChildWorkflowExecutionDecisionAttributes: {
        workflowType: WT,
        workflowId,
        taskList: { name: 'kids' },
        input: 'in',
      },
    });
    await decide(e, [startChild('kid-1'), startChild('kid-2')]);
    const kid = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: { name: 'kids' } }));
    expect(kid.events?.[0]?.workflowExecutionStartedEventAttributes).toMatchObject({
      parentWorkflowExecution: { workflowId: 'parent', runId },
      parentInitiatedEventId: 5,
      input: 'in',
    });
    await e.swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: kid.taskToken,
        decisions: [
          { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'r1' } },
        ],
      }),
    );
    const h = await history(e, 'parent', runId!);
    const done = h.find((x) => x.eventType === 'ChildWorkflowExecutionCompleted');
    expect(done?.childWorkflowExecutionCompletedEventAttributes).toMatchObject({
      result: 'r1',
      initiatedEventId: 5,
      startedEventId: 7,
      workflowExecution: { workflowId: 'kid-1' },
      workflowType: WT,
    });
    const d = await e.swf.send(
      new DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'parent', runId } }),
    );
    expect(d.openCounts?.openChildWorkflowExecutions).toBe(1);
    await e.swf.send(new TerminateWorkflowExecutionCommand({ domain, workflowId: 'parent', reason: 'stop' }));
    const kid2 = await e.swf.send(
      new ListClosedWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: new Date(0) },
        executionFilter: { workflowId: 'kid-2' },
      }),
    );
    expect(kid2.executionInfos?.[0]).toMatchObject({
      closeStatus: 'TERMINATED',
      parent: { workflowId: 'parent', runId },
    });
    const kh = await history(e, 'kid-2', kid2.executionInfos![0]!.execution!.runId!);
    expect(kh.at(-1)?.workflowExecutionTerminatedEventAttributes).toEqual({
      childPolicy: 'TERMINATE',
      cause: 'CHILD_POLICY_APPLIED',
    });
    await expect(
      e.swf.send(new SignalWorkflowExecutionCommand({ domain, workflowId: 'parent', signalName: 'x' })),
    ).rejects.toMatchObject({ name: 'UnknownResourceFault', message: 'Unknown execution, workflowId = parent' });
  });

  it('continues as new, signals and cancels other executions by decision', async () => {
    const e = await setup();
    const { runId } = await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'loop', workflowType: WT, tagList: ['t1'] }),
    );
    await e.swf.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'other', workflowType: WT, taskList: { name: 'other' } }),
    );
    await decide(e, [
      {
        decisionType: 'SignalExternalWorkflowExecution',
        signalExternalWorkflowExecutionDecisionAttributes: { workflowId: 'other', signalName: 'hi', input: 'i' },
      },
      {
        decisionType: 'SignalExternalWorkflowExecution',
        signalExternalWorkflowExecutionDecisionAttributes: { workflowId: 'ghost', signalName: 'hi' },
      },
      {
        decisionType: 'RequestCancelExternalWorkflowExecution',
        requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId: 'other' },
      },
    ]);
    const h = await history(e, 'loop', runId!);
    expect(types(h).slice(4)).toEqual([
      'SignalExternalWorkflowExecutionInitiated',
      'SignalExternalWorkflowExecutionInitiated',
      'RequestCancelExternalWorkflowExecutionInitiated',
      'ExternalWorkflowExecutionSignaled',
      'DecisionTaskScheduled',
      'SignalExternalWorkflowExecutionFailed',
      'ExternalWorkflowExecutionCancelRequested',
    ]);
    const other = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: { name: 'other' } }));
    expect(types(other.events)).toContain('WorkflowExecutionCancelRequested');
    expect(
      other.events?.find((x) => x.eventType === 'WorkflowExecutionSignaled')?.workflowExecutionSignaledEventAttributes,
    ).toEqual({
      signalName: 'hi',
      input: 'i',
      externalWorkflowExecution: { workflowId: 'loop', runId },
      externalInitiatedEventId: 5,
    });

    await decide(e, [
      {
        decisionType: 'ContinueAsNewWorkflowExecution',
        continueAsNewWorkflowExecutionDecisionAttributes: { input: 'again' },
      },
    ]);
    const closed = await history(e, 'loop', runId!);
    const can = closed.at(-1)!;
    expect(can.eventType).toBe('WorkflowExecutionContinuedAsNew');
    const newRunId = can.workflowExecutionContinuedAsNewEventAttributes!.newExecutionRunId!;
    const next = await e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    expect(next.workflowExecution).toEqual({ workflowId: 'loop', runId: newRunId });
    expect(next.events?.[0]?.workflowExecutionStartedEventAttributes).toMatchObject({
      input: 'again',
      continuedExecutionRunId: runId,
      taskList: TL,
      childPolicy: 'TERMINATE',
      executionStartToCloseTimeout: '3600',
    });
    await e.swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: next.taskToken,
        decisions: [{ decisionType: 'CancelWorkflowExecution' }],
      }),
    );
    const info = await e.swf.send(
      new DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'loop', runId } }),
    );
    expect(info.executionInfo?.closeStatus).toBe('CONTINUED_AS_NEW');
  });

  it('lists and counts executions with exclusive filters, ordering and paging', async () => {
    const e = await setup();
    for (const id of ['a', 'b', 'c']) {
      await e.swf.send(
        new StartWorkflowExecutionCommand({ domain, workflowId: id, workflowType: WT, tagList: [`tag-${id}`] }),
      );
      e.clock.advance(1000);
    }
    await e.swf.send(new RequestCancelWorkflowExecutionCommand({ domain, workflowId: 'a' }));
    await e.swf.send(new TerminateWorkflowExecutionCommand({ domain, workflowId: 'b' }));
    const since = { oldestDate: new Date(0) };
    const open = await e.swf.send(new ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since }));
    expect(open.executionInfos?.map((x) => [x.execution?.workflowId, x.cancelRequested])).toEqual([
      ['c', false],
      ['a', true],
    ]);
    const page1 = await e.swf.send(
      new ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, reverseOrder: true, maximumPageSize: 1 }),
    );
    expect(page1.executionInfos?.map((x) => x.execution?.workflowId)).toEqual(['a']);
    const page2 = await e.swf.send(
      new ListOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: since,
        reverseOrder: true,
        maximumPageSize: 1,
        nextPageToken: page1.nextPageToken,
      }),
    );
    expect(page2.executionInfos?.map((x) => x.execution?.workflowId)).toEqual(['c']);
    expect(page2.nextPageToken).toBeUndefined();
    expect(
      (
        await e.swf.send(
          new CountOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, tagFilter: { tag: 'tag-c' } }),
        )
      ).count,
    ).toBe(1);
    expect(
      (
        await e.swf.send(
          new CountClosedWorkflowExecutionsCommand({
            domain,
            closeTimeFilter: since,
            closeStatusFilter: { status: 'TERMINATED' },
          }),
        )
      ).count,
    ).toBe(1);
    await expect(
      e.swf.send(
        new ListOpenWorkflowExecutionsCommand({
          domain,
          startTimeFilter: since,
          tagFilter: { tag: 'x' },
          typeFilter: { name: 'flow' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      e.swf.send(new CountClosedWorkflowExecutionsCommand({ domain, closeTimeFilter: since, startTimeFilter: since })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('holds an empty poll until a task arrives, and answers the empty shape at the deadline', async () => {
    const e = await setup();
    const t0 = e.clock.now();
    const polling = e.swf.send(new PollForActivityTaskCommand({ domain, taskList: { name: 'nothing' } }));
    await new Promise((r) => setTimeout(r, 50));
    e.clock.advance(60_000);
    const empty = await polling;
    expect(empty.taskToken).toBeUndefined();
    expect(empty.startedEventId).toBe(0);
    expect(e.clock.now() - t0).toBe(60_000);
    const pending = e.swf.send(new PollForDecisionTaskCommand({ domain, taskList: TL }));
    await new Promise((r) => setTimeout(r, 50));
    await e.swf.send(new StartWorkflowExecutionCommand({ domain, workflowId: 'late', workflowType: WT }));
    expect((await pending).workflowExecution?.workflowId).toBe('late');
  });
});
