/**
 * Nested executions' timeout and callback paths, and mock-configuration cases the other suites leave out,
 * through the unmodified SFN client in process and over HTTP (a ManualClock that skips ahead when idle, so
 * Wait states and TimeoutSeconds cost no real time).
 */
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ManualClock } from '@statecraft/engine';
import type { LambdaContext, MockConfig } from '@statecraft/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, sdkTargets, sleep } from './test-support/sdk-targets.js';

const role = 'arn:aws:iam::111111111111:role/statecraft-role';

const mockConfig: MockConfig = {
  StateMachines: {
    SdkLambda: { TestCases: { Mocked: { Call: 'InvokeOk' } } },
    Parent: { TestCases: { ChildMocked: { Child: 'ChildDone' } } },
    Worker: { TestCases: { ActivityMocked: { Work: 'WorkDone' } } },
    Items: { TestCases: { InOrder: { Each: 'PerItem' } } },
  },
  MockedResponses: {
    InvokeOk: { '0': { Return: { StatusCode: 200, Payload: '{"from":"mock"}', ExecutedVersion: '$LATEST' } } },
    ChildDone: { '0': { Return: { Status: 'SUCCEEDED', Output: { child: 'mocked' } } } },
    WorkDone: { '0': { Return: { done: true } } },
    PerItem: {
      '0': { Return: { Payload: 'first' } },
      '1': { Throw: { Error: 'Item.Failed', Cause: 'second item' } },
      '2': { Return: { Payload: 'third' } },
    },
  },
};

const targets = sdkTargets;

const types = eventTypes;

describe.each(targets)('nested executions and mocks ($name)', (target) => {
  let sfn: SFNClient;
  let teardown: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ sfn, teardown } = await target.setup({
      accountId: '111111111111',
      clock: new ManualClock({ start: Date.UTC(2025, 0, 1), autoAdvance: true }),
      functions: {
        echo: async (event: unknown) => event,
        slow: (_event: unknown, context: LambdaContext) =>
          new Promise((resolve) => context.signal.addEventListener('abort', () => resolve('abandoned'))),
      },
      mockConfig,
    }));
  });
  afterAll(() => teardown());

  const machine = async (definition: object, name = `nm-${++n}`) =>
    (await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: role })))
      .stateMachineArn!;
  const start = async (stateMachineArn: string, input: unknown = {}) =>
    (await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
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

  describe('nested executions', () => {
    it('fails a .sync task whose child timed out with States.TaskFailed and the child description', async () => {
      // The recorded case callbacks/start_execution_sync_delegate_timeout: the child's Task times out.
      const child = await machine({
        StartAt: 'Slow',
        States: {
          Slow: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:111111111111:function:slow',
            TimeoutSeconds: 5,
            End: true,
          },
        },
      });
      const parent = await machine({
        StartAt: 'Child',
        States: {
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync',
            Parameters: { StateMachineArn: child, Input: { a: 1 }, Name: `child-${n}` },
            End: true,
          },
        },
      });
      const e = await start(parent);
      const done = await waitDone(e);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('States.TaskFailed');
      const cause = JSON.parse(done.cause!);
      expect(cause).toMatchObject({ Error: 'States.Timeout', Status: 'FAILED', Input: '{"a":1}' });
      expect(types(await history(e))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskFailed',
        'ExecutionFailed',
      ]);
    });

    it('times out a .sync task (TimeoutSeconds) and stops the child', async () => {
      const child = await machine({ StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 600, End: true } } });
      const childName = `stopped-child-${n}`;
      const parent = await machine({
        StartAt: 'Child',
        States: {
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: child, Name: childName },
            TimeoutSeconds: 10,
            End: true,
          },
        },
      });
      const e = await start(parent);
      const done = await waitDone(e);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('States.Timeout');
      expect(types(await history(e))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskTimedOut',
        'ExecutionFailed',
      ]);
      const childArn = `${child.replace(':stateMachine:', ':execution:')}:${childName}`;
      const c = await waitDone(childArn);
      expect(c.status).toBe('ABORTED');
    });

    it('completes states:startExecution.waitForTaskToken when the child sends the token back', async () => {
      const child = await machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
      const parent = await machine({
        StartAt: 'Child',
        States: {
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
            Parameters: { StateMachineArn: child, Input: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      });
      const e = await start(parent);
      let token: string | undefined;
      for (let i = 0; i < 500 && !token; i++) {
        const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: child }));
        const arn = list.executions?.[0]?.executionArn;
        if (arn) {
          const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
          token = (JSON.parse(d.input!) as { token: string }).token;
        } else await sleep(10);
      }
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token!, output: '{"reply":"from the child"}' }));
      const done = await waitDone(e);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ reply: 'from the child' });
      const events = await history(e);
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
      expect(JSON.parse(events[4]!.taskSubmittedEventDetails!.output!)).toMatchObject({
        ExecutionArn: expect.stringContaining(':execution:'),
        SdkHttpMetadata: { HttpStatusCode: 200 },
      });
    });
  });

  describe('mock configuration', () => {
    it('mocks aws-sdk:lambda:invoke, and runs it against the handler without a test case', async () => {
      const sm = await machine(
        {
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:lambda:invoke',
              Parameters: { FunctionName: 'echo', 'Payload.$': '$' },
              End: true,
            },
          },
        },
        'SdkLambda',
      );
      const mocked = await start(`${sm}#Mocked`, { x: 1 });
      const m = await waitDone(mocked);
      expect(m.status).toBe('SUCCEEDED');
      expect(JSON.parse(m.output!)).toEqual({
        StatusCode: 200,
        Payload: '{"from":"mock"}',
        ExecutedVersion: '$LATEST',
      });
      const real = await start(sm, { x: 2 });
      const r = await waitDone(real);
      expect(r.status).toBe('SUCCEEDED');
      expect(JSON.parse(r.output!)).toEqual({ ExecutedVersion: '$LATEST', Payload: '{"x":2}', StatusCode: 200 });
      const events = await history(real);
      expect(events[2]!.taskScheduledEventDetails).toMatchObject({
        resourceType: 'aws-sdk:lambda',
        resource: 'invoke',
      });
    });

    it('answers a mocked .sync child execution with its Return, without starting the child', async () => {
      const child = await machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
      const parent = await machine(
        {
          StartAt: 'Child',
          States: {
            Child: {
              Type: 'Task',
              Resource: 'arn:aws:states:::states:startExecution.sync:2',
              Parameters: { StateMachineArn: child },
              OutputPath: '$.Output',
              End: true,
            },
          },
        },
        'Parent',
      );
      const e = await start(`${parent}#ChildMocked`);
      const done = await waitDone(e);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ child: 'mocked' });
      expect(types(await history(e))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      const children = await sfn.send(new ListExecutionsCommand({ stateMachineArn: child }));
      expect(children.executions).toEqual([]);
    });

    it('shares one counter across Map iterations (MaxConcurrency 1), in item order', async () => {
      const sm = await machine(
        {
          StartAt: 'All',
          States: {
            All: {
              Type: 'Map',
              MaxConcurrency: 1,
              ItemProcessor: {
                StartAt: 'Each',
                States: {
                  Each: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::lambda:invoke',
                    Parameters: { FunctionName: 'echo', 'Payload.$': '$' },
                    Catch: [{ ErrorEquals: ['Item.Failed'], Next: 'Skipped' }],
                    OutputPath: '$.Payload',
                    End: true,
                  },
                  Skipped: { Type: 'Pass', Result: 'skipped', End: true },
                },
              },
              End: true,
            },
          },
        },
        'Items',
      );
      const e = await start(`${sm}#InOrder`, [1, 2, 3]);
      const done = await waitDone(e);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual(['first', 'skipped', 'third']);
    });

    // Step Functions Local refuses to mock activity states (States.Runtime, MOCKING.md §4); a worker must
    // never be handed the task.
    it('fails a mocked activity state with States.Runtime, as Step Functions Local does', async () => {
      const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `mocked-activity-${++n}` }));
      const sm = await machine(
        { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 5, End: true } } },
        'Worker',
      );
      const e = await start(`${sm}#ActivityMocked`);
      const done = await waitDone(e);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('States.Runtime');
      expect(done.cause).toContain('Activity state cannot be mocked');
    });
  });
});
