/**
 * The SWF service driven through its operations (decoded inputs, no transport) under the ManualClock:
 * Lambda decisions through the invoker seam, sticky decision task lists, activity cancellation, child
 * policies and child close events, the event limit's neighbours, poll paging and token checks.
 */
import type { RequestContext, TaskInvoker } from '@statecraft/engine';
import { AwsServiceError, createInvokerRegistry, ManualClock } from '@statecraft/engine';
import { createMemoryDriver } from '@statecraft/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { createSwfService, type SwfService } from './service.js';

const ctx: RequestContext = { region: 'us-east-1', accountId: '123456789012', requestId: 'r' };
const domain = 'unit';
const WT = { name: 'wf', version: '1' };
const AT = { name: 'act', version: '1' };

interface H {
  svc: SwfService;
  clock: ManualClock;
  call(op: string, input: Record<string, unknown>): Promise<any>;
  fault(op: string, input: Record<string, unknown>): Promise<AwsServiceError>;
  decide(decisions: unknown[], taskList?: string, extra?: Record<string, unknown>): Promise<any>;
  history(workflowId: string, runId: string): Promise<any[]>;
}

let current: H | undefined;
afterEach(async () => {
  await current?.svc.close();
  current = undefined;
});

async function harness(invokers: TaskInvoker[] = []): Promise<H> {
  const clock = new ManualClock({ start: Date.UTC(2026, 0, 1) });
  const svc = createSwfService({
    store: createMemoryDriver(),
    clock,
    pollTimeoutSeconds: 0,
    invokers: createInvokerRegistry(invokers),
  });
  const call = (op: string, input: Record<string, unknown>) => svc.operations[op]!(input, ctx);
  const h: H = {
    svc,
    clock,
    call,
    async fault(op, input) {
      try {
        await call(op, input);
      } catch (err) {
        if (AwsServiceError.is(err)) return err;
        throw err;
      }
      throw new Error(`${op} did not fail`);
    },
    async decide(decisions, taskList = 'main', extra = {}) {
      const t = await call('PollForDecisionTask', { domain, taskList: { name: taskList } });
      expect(t.taskToken, `decision task on ${taskList}`).toBeTruthy();
      await call('RespondDecisionTaskCompleted', { taskToken: t.taskToken, decisions, ...extra });
      return t;
    },
    async history(workflowId, runId) {
      return (await call('GetWorkflowExecutionHistory', { domain, execution: { workflowId, runId } })).events;
    },
  };
  await call('RegisterDomain', { name: domain, workflowExecutionRetentionPeriodInDays: '1' });
  await call('RegisterWorkflowType', {
    domain,
    ...WT,
    defaultTaskList: { name: 'main' },
    defaultChildPolicy: 'TERMINATE',
    defaultExecutionStartToCloseTimeout: '600',
    defaultTaskStartToCloseTimeout: '60',
  });
  await call('RegisterActivityType', {
    domain,
    ...AT,
    defaultTaskList: { name: 'acts' },
    defaultTaskScheduleToStartTimeout: 'NONE',
    defaultTaskScheduleToCloseTimeout: 'NONE',
    defaultTaskStartToCloseTimeout: 'NONE',
  });
  current = h;
  return h;
}

const types = (events: any[]) => events.map((e) => e.eventType);

describe('SWF service', () => {
  it('runs Lambda decisions through the invoker seam; no lambdaRole → StartLambdaFunctionFailed', async () => {
    const h = await harness([
      {
        name: 'test',
        matches: (r) => r === 'double' || r === 'broken',
        async invoke(call) {
          if (call.resource === 'broken') return { type: 'failed', error: 'Boom', cause: 'bad' };
          return { type: 'succeeded', output: { n: (call.parameters as { n: number }).n * 2 } };
        },
      },
    ]);
    const { runId } = await h.call('StartWorkflowExecution', {
      domain,
      workflowId: 'l',
      workflowType: WT,
      lambdaRole: 'arn:aws:iam::123456789012:role/swf-lambda',
    });
    await h.decide([
      {
        decisionType: 'ScheduleLambdaFunction',
        scheduleLambdaFunctionDecisionAttributes: { id: 'a', name: 'double', input: '{"n":21}' },
      },
      { decisionType: 'ScheduleLambdaFunction', scheduleLambdaFunctionDecisionAttributes: { id: 'b', name: 'broken' } },
      { decisionType: 'ScheduleLambdaFunction', scheduleLambdaFunctionDecisionAttributes: { id: 'a', name: 'double' } },
    ]);
    await new Promise((r) => setTimeout(r, 20));
    const events = await h.history('l', runId);
    const pick = (t: string) => events.find((e: any) => e.eventType === t);
    expect(pick('LambdaFunctionCompleted')?.lambdaFunctionCompletedEventAttributes).toEqual({
      scheduledEventId: 5,
      startedEventId: 9,
      result: '{"n":42}',
    });
    expect(pick('LambdaFunctionFailed')?.lambdaFunctionFailedEventAttributes).toMatchObject({
      reason: 'Boom',
      details: 'bad',
    });
    expect(pick('ScheduleLambdaFunctionFailed')?.scheduleLambdaFunctionFailedEventAttributes.cause).toBe(
      'ID_ALREADY_IN_USE',
    );
    const d = await h.call('DescribeWorkflowExecution', { domain, execution: { workflowId: 'l', runId } });
    expect(d.openCounts.openLambdaFunctions).toBe(0);

    const norole = await h.call('StartWorkflowExecution', {
      domain,
      workflowId: 'n',
      workflowType: WT,
      taskList: { name: 'nr' },
    });
    await h.decide(
      [
        {
          decisionType: 'ScheduleLambdaFunction',
          scheduleLambdaFunctionDecisionAttributes: { id: 'a', name: 'double' },
        },
      ],
      'nr',
    );
    const ev = (await h.history('n', norole.runId)).find((e: any) => e.eventType === 'StartLambdaFunctionFailed');
    expect(ev?.startLambdaFunctionFailedEventAttributes).toMatchObject({
      cause: 'ASSUME_ROLE_FAILED',
      scheduledEventId: 5,
    });
  });

  it('times out a Lambda function (START_TO_CLOSE)', async () => {
    const h = await harness([{ name: 'slow', matches: () => true, invoke: () => new Promise(() => {}) }]);
    const { runId } = await h.call('StartWorkflowExecution', {
      domain,
      workflowId: 'slow',
      workflowType: WT,
      lambdaRole: 'r',
    });
    await h.decide([
      {
        decisionType: 'ScheduleLambdaFunction',
        scheduleLambdaFunctionDecisionAttributes: { id: 'x', name: 'slow', startToCloseTimeout: '5' },
      },
    ]);
    h.clock.advance(5_000);
    const events = await h.history('slow', runId);
    expect(types(events).slice(-3)).toEqual([
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut',
      'DecisionTaskScheduled',
    ]);
  });

  it('routes decision tasks to a sticky task list and reverts after SCHEDULE_TO_START', async () => {
    const h = await harness();
    const { runId } = await h.call('StartWorkflowExecution', { domain, workflowId: 's', workflowType: WT });
    await h.decide([], 'main', { taskList: { name: 'sticky-1' }, taskListScheduleToStartTimeout: '5' });
    await h.call('SignalWorkflowExecution', { domain, workflowId: 's', signalName: 'a' });
    expect((await h.call('CountPendingDecisionTasks', { domain, taskList: { name: 'sticky-1' } })).count).toBe(1);
    await h.decide([], 'sticky-1');
    await h.call('SignalWorkflowExecution', { domain, workflowId: 's', signalName: 'b' });
    h.clock.advance(5_000);
    const t = await h.decide([], 'main');
    const tail = types(t.events).slice(-4);
    expect(tail).toEqual([
      'DecisionTaskScheduled',
      'DecisionTaskTimedOut',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
    ]);
    const timedOut = t.events.at(-3).decisionTaskTimedOutEventAttributes;
    expect(timedOut).toMatchObject({ timeoutType: 'SCHEDULE_TO_START', startedEventId: 0 });
    const completed = (await h.history('s', runId)).find((e: any) => e.eventType === 'DecisionTaskCompleted');
    expect(completed.decisionTaskCompletedEventAttributes).toMatchObject({
      taskList: { name: 'sticky-1' },
      taskListScheduleToStartTimeout: '5',
    });
    expect(t.events.at(-2).decisionTaskScheduledEventAttributes.taskList).toEqual({ name: 'main' });
  });

  it('cancels activities: before start (ActivityTaskCanceled at once) and after (heartbeat reports it)', async () => {
    const h = await harness();
    const { runId } = await h.call('StartWorkflowExecution', { domain, workflowId: 'c', workflowType: WT });
    const sched = (id: string) => ({
      decisionType: 'ScheduleActivityTask',
      scheduleActivityTaskDecisionAttributes: { activityType: AT, activityId: id },
    });
    await h.decide([sched('one'), sched('two')]);
    const a = await h.call('PollForActivityTask', { domain, taskList: { name: 'acts' } });
    expect(a.activityId).toBe('one');
    await h.call('SignalWorkflowExecution', { domain, workflowId: 'c', signalName: 'stop' });
    await h.decide([
      { decisionType: 'RequestCancelActivityTask', requestCancelActivityTaskDecisionAttributes: { activityId: 'one' } },
      { decisionType: 'RequestCancelActivityTask', requestCancelActivityTaskDecisionAttributes: { activityId: 'two' } },
      { decisionType: 'RequestCancelActivityTask', requestCancelActivityTaskDecisionAttributes: { activityId: 'zzz' } },
    ]);
    expect((await h.call('CountPendingActivityTasks', { domain, taskList: { name: 'acts' } })).count).toBe(0);
    expect(await h.call('RecordActivityTaskHeartbeat', { taskToken: a.taskToken })).toEqual({ cancelRequested: true });
    await h.call('RespondActivityTaskCanceled', { taskToken: a.taskToken, details: 'bye' });
    const events = await h.history('c', runId);
    expect(types(events).slice(10)).toEqual([
      'DecisionTaskCompleted',
      'ActivityTaskCancelRequested',
      'ActivityTaskCancelRequested',
      'ActivityTaskCanceled',
      'DecisionTaskScheduled',
      'RequestCancelActivityTaskFailed',
      'ActivityTaskCanceled',
    ]);
    expect(events[13].activityTaskCanceledEventAttributes).toEqual({
      scheduledEventId: 6,
      startedEventId: 0,
      latestCancelRequestedEventId: 13,
    });
    expect(events.at(-1).activityTaskCanceledEventAttributes).toEqual({
      details: 'bye',
      scheduledEventId: 5,
      startedEventId: 7,
      latestCancelRequestedEventId: 12,
    });
  });

  it('reports child failures, cancels and time-outs to the parent; REQUEST_CANCEL and ABANDON policies', async () => {
    const h = await harness();
    const { runId } = await h.call('StartWorkflowExecution', {
      domain,
      workflowId: 'p',
      workflowType: WT,
      childPolicy: 'REQUEST_CANCEL',
    });
    const child = (workflowId: string, extra: Record<string, unknown> = {}) => ({
      decisionType: 'StartChildWorkflowExecution',
      startChildWorkflowExecutionDecisionAttributes: {
        workflowType: WT,
        workflowId,
        taskList: { name: 'kids' },
        ...extra,
      },
    });
    await h.decide([
      child('f'),
      child('x'),
      child('t', { executionStartToCloseTimeout: '10' }),
      child('keep'),
      child('keep'),
      child('missing', { workflowType: { name: 'nope', version: '1' } }),
    ]);
    await h.decide(
      [
        {
          decisionType: 'FailWorkflowExecution',
          failWorkflowExecutionDecisionAttributes: { reason: 'r', details: 'd' },
        },
      ],
      'kids',
    );
    await h.decide(
      [{ decisionType: 'CancelWorkflowExecution', cancelWorkflowExecutionDecisionAttributes: { details: 'c' } }],
      'kids',
    );
    h.clock.advance(10_000);
    const events = await h.history('p', runId);
    const byType = (t: string) => events.filter((e: any) => e.eventType === t);
    expect(
      byType('StartChildWorkflowExecutionFailed').map(
        (e: any) => e.startChildWorkflowExecutionFailedEventAttributes.cause,
      ),
    ).toEqual(['WORKFLOW_TYPE_DOES_NOT_EXIST', 'WORKFLOW_ALREADY_RUNNING']);
    expect(byType('ChildWorkflowExecutionFailed')[0].childWorkflowExecutionFailedEventAttributes).toMatchObject({
      reason: 'r',
      details: 'd',
    });
    expect(byType('ChildWorkflowExecutionCanceled')[0].childWorkflowExecutionCanceledEventAttributes).toMatchObject({
      details: 'c',
    });
    expect(byType('ChildWorkflowExecutionTimedOut')[0].childWorkflowExecutionTimedOutEventAttributes).toMatchObject({
      timeoutType: 'START_TO_CLOSE',
      workflowExecution: { workflowId: 't' },
    });
    // Terminating the parent with REQUEST_CANCEL asks the open child ("keep") to cancel.
    await h.call('TerminateWorkflowExecution', { domain, workflowId: 'p' });
    const kid = (
      await h.call('ListOpenWorkflowExecutions', {
        domain,
        startTimeFilter: { oldestDate: 0 },
        executionFilter: { workflowId: 'keep' },
      })
    ).executionInfos[0];
    expect(kid.cancelRequested).toBe(true);
    const kh = await h.history('keep', kid.execution.runId);
    expect(
      kh.find((e: any) => e.eventType === 'WorkflowExecutionCancelRequested')
        .workflowExecutionCancelRequestedEventAttributes,
    ).toEqual({
      externalInitiatedEventId: 0,
      cause: 'CHILD_POLICY_APPLIED',
    });
  });

  it('checks tokens: garbage → ValidationException; closed run → UnknownResourceFault', async () => {
    const h = await harness();
    expect((await h.fault('RespondDecisionTaskCompleted', { taskToken: 'garbage!' })).code).toBe('ValidationException');
    await h.call('StartWorkflowExecution', { domain, workflowId: 'k', workflowType: WT });
    const t = await h.call('PollForDecisionTask', { domain, taskList: { name: 'main' } });
    await h.call('TerminateWorkflowExecution', { domain, workflowId: 'k' });
    const f = await h.fault('RespondDecisionTaskCompleted', { taskToken: t.taskToken, decisions: [] });
    expect(f.code).toBe('UnknownResourceFault');
    expect(f.message).toMatch(/^Unknown execution: WorkflowExecution=\[workflowId=k, runId=/);
    const empty = await h.call('PollForDecisionTask', { domain, taskList: { name: 'main' } });
    expect(empty).toEqual({ startedEventId: 0, previousStartedEventId: 0 });
    expect((await h.fault('PollForDecisionTask', { domain: 'nope', taskList: { name: 'main' } })).message).toBe(
      'Unknown domain: nope',
    );
  });

  it('forgets closed runs after the domain retention period', async () => {
    const h = await harness();
    const { runId } = await h.call('StartWorkflowExecution', { domain, workflowId: 'old', workflowType: WT });
    await h.call('TerminateWorkflowExecution', { domain, workflowId: 'old' });
    const since = { oldestDate: 0 };
    expect((await h.call('CountClosedWorkflowExecutions', { domain, startTimeFilter: since })).count).toBe(1);
    h.clock.advance(86_400_000);
    expect((await h.call('CountClosedWorkflowExecutions', { domain, startTimeFilter: since })).count).toBe(0);
    const f = await h.fault('DescribeWorkflowExecution', { domain, execution: { workflowId: 'old', runId } });
    expect(f.code).toBe('UnknownResourceFault');
  });

  it('lists domains and activity types with paging; deprecating a domain deprecates its types', async () => {
    const h = await harness();
    for (const n of ['b', 'a', 'c'])
      await h.call('RegisterDomain', { name: `d-${n}`, workflowExecutionRetentionPeriodInDays: '0' });
    const p1 = await h.call('ListDomains', { registrationStatus: 'REGISTERED', maximumPageSize: 2 });
    expect(p1.domainInfos.map((d: any) => d.name)).toEqual(['d-a', 'd-b']);
    const p2 = await h.call('ListDomains', {
      registrationStatus: 'REGISTERED',
      maximumPageSize: 2,
      nextPageToken: p1.nextPageToken,
    });
    expect(p2.domainInfos.map((d: any) => d.name)).toEqual(['d-c', 'unit']);
    expect(p2.nextPageToken).toBeUndefined();
    await h.call('DeprecateDomain', { name: domain });
    const acts = await h.call('ListActivityTypes', { domain, registrationStatus: 'DEPRECATED' });
    expect(acts.typeInfos.map((t: any) => t.activityType)).toEqual([AT]);
    expect((await h.fault('StartWorkflowExecution', { domain, workflowId: 'z', workflowType: WT })).code).toBe(
      'DomainDeprecatedFault',
    );
    expect((await h.fault('UndeprecateDomain', { name: 'd-a' })).code).toBe('DomainAlreadyExistsFault');
  });
});
