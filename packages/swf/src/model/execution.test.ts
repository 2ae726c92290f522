/**
 * The pure execution machine: timestamped inputs in, events and commands out.
 */
import { describe, expect, it } from 'vitest';
import { Execution } from './execution.js';
import type { DecisionContext, StartParams } from './types.js';

const T0 = 1_700_000_000_000;
const start: StartParams = {
  region: 'us-east-1',
  accountId: '123456789012',
  domain: 'd',
  workflowId: 'w',
  runId: 'run-1',
  workflowType: { name: 'wf', version: '1' },
  config: {
    taskList: 'tl',
    taskStartToCloseTimeout: '10',
    executionStartToCloseTimeout: '100',
    childPolicy: 'TERMINATE',
  },
  input: 'in',
};
const ctx: DecisionContext = {
  activityType: () => ({ status: 'REGISTERED', defaults: {} }),
  workflowType: () => ({ status: 'REGISTERED', defaults: {} }),
  newRunId: () => 'run-2',
};

/** A run whose first decision task is started. */
function started(): Execution {
  const ex = new Execution(Execution.start(start, T0).state);
  ex.startDecision('me', T0 + 1);
  return new Execution(ex.state);
}

describe('Execution', () => {
  it('starts with WorkflowExecutionStarted and a pollable DecisionTaskScheduled', () => {
    const ex = Execution.start(start, T0);
    expect(ex.events.map((e) => [e.id, e.type, e.attrs])).toEqual([
      [
        1,
        'WorkflowExecutionStarted',
        {
          input: 'in',
          executionStartToCloseTimeout: '100',
          taskStartToCloseTimeout: '10',
          childPolicy: 'TERMINATE',
          taskList: { name: 'tl' },
          workflowType: { name: 'wf', version: '1' },
          parentInitiatedEventId: 0,
        },
      ],
      [
        2,
        'DecisionTaskScheduled',
        { taskList: { name: 'tl' }, startToCloseTimeout: '10', scheduleToStartTimeout: 'NONE' },
      ],
    ]);
    expect(ex.commands).toEqual([
      { type: 'setTimer', name: 'workflow', fireAt: T0 + 100_000 },
      { type: 'enqueueDecision', taskList: 'tl', scheduledEventId: 2, priority: 0, at: T0 },
    ]);
  });

  it('schedules one more task while one is started, pollable only after the respond', () => {
    const ex = started();
    ex.signal('a', undefined, T0 + 2);
    ex.signal('b', undefined, T0 + 3);
    expect(ex.events.map((e) => e.type)).toEqual([
      'WorkflowExecutionSignaled',
      'DecisionTaskScheduled',
      'WorkflowExecutionSignaled',
    ]);
    expect(ex.commands.filter((c) => c.type === 'enqueueDecision')).toEqual([]);
    ex.completeDecision({ decisions: [] }, ctx, T0 + 4);
    expect(ex.commands.filter((c) => c.type === 'enqueueDecision')).toEqual([
      { type: 'enqueueDecision', taskList: 'tl', scheduledEventId: 5, priority: 0, at: T0 + 4 },
    ]);
    expect(ex.state.previousStartedEventId).toBe(3);
  });

  it.each([
    ['CompleteWorkflowExecution', 'CompleteWorkflowExecutionFailed'],
    ['FailWorkflowExecution', 'FailWorkflowExecutionFailed'],
    ['CancelWorkflowExecution', 'CancelWorkflowExecutionFailed'],
    ['ContinueAsNewWorkflowExecution', 'ContinueAsNewWorkflowExecutionFailed'],
  ])('fails %s with UNHANDLED_DECISION when new events arrived', (decisionType, failed) => {
    const ex = started();
    ex.signal('late', undefined, T0 + 2);
    ex.completeDecision({ decisions: [{ decisionType }] }, ctx, T0 + 3);
    expect(ex.events.at(-1)).toMatchObject({
      type: failed,
      attrs: { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: 6 },
    });
    expect(ex.state.status).toBe('OPEN');
  });

  it('closes on CompleteWorkflowExecution and stops its timers', () => {
    const ex = started();
    ex.completeDecision(
      {
        decisions: [
          { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'r' } },
        ],
        executionContext: '',
      },
      ctx,
      T0 + 5,
    );
    expect(ex.events.map((e) => [e.type, e.attrs])).toEqual([
      ['DecisionTaskCompleted', { executionContext: '', scheduledEventId: 2, startedEventId: 3 }],
      ['WorkflowExecutionCompleted', { result: 'r', decisionTaskCompletedEventId: 4 }],
    ]);
    expect(ex.state).toMatchObject({
      status: 'CLOSED',
      closeStatus: 'COMPLETED',
      closeTimestamp: T0 + 5,
      latestExecutionContext: '',
    });
    expect(ex.commands).toContainEqual({ type: 'clearTimer', name: 'workflow' });
  });

  it('fires timers at their due time and ignores stale firings', () => {
    const ex = started();
    ex.completeDecision(
      {
        decisions: [
          { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't', startToFireTimeout: '5' } },
        ],
      },
      ctx,
      T0 + 2,
    );
    expect(ex.commands).toContainEqual({ type: 'setTimer', name: 'timer:t', fireAt: T0 + 5_002 });
    ex.fire('timer:t', T0 + 5_001);
    expect(ex.events.at(-1)?.type).toBe('TimerStarted');
    ex.fire('timer:t', T0 + 5_002);
    expect(ex.events.slice(-2).map((e) => [e.type, e.t])).toEqual([
      ['TimerFired', T0 + 5_002],
      ['DecisionTaskScheduled', T0 + 5_002],
    ]);
  });

  it('continues as new with the resolved configuration', () => {
    const ex = started();
    ex.completeDecision(
      {
        decisions: [
          {
            decisionType: 'ContinueAsNewWorkflowExecution',
            continueAsNewWorkflowExecutionDecisionAttributes: {
              input: 'next',
              taskList: { name: 'tl' },
              executionStartToCloseTimeout: '50',
              taskStartToCloseTimeout: '5',
              childPolicy: 'ABANDON',
            },
          },
        ],
      },
      ctx,
      T0 + 2,
    );
    expect(ex.state.closeStatus).toBe('CONTINUED_AS_NEW');
    expect(ex.commands.find((c) => c.type === 'continueAsNew')).toMatchObject({
      start: {
        runId: 'run-2',
        workflowId: 'w',
        input: 'next',
        continuedExecutionRunId: 'run-1',
        config: { childPolicy: 'ABANDON' },
      },
    });
    expect(ex.events.at(-1)?.attrs).toMatchObject({ newExecutionRunId: 'run-2', decisionTaskCompletedEventId: 4 });
  });
});
