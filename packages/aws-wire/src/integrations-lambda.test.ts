/**
 * Task integrations end to end through the unmodified SFN client: in-process Lambda handlers (direct ARN
 * and `lambda:invoke`), a nested `.sync` execution, and Step Functions Local mock configurations (success,
 * failure, retry paths), in process and over HTTP.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { MockConfig } from '@statecraft/integrations';
import { LambdaFunctionError } from '@statecraft/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatecraftOptions } from './statecraft.js';
import { eventTypes, sdkTargets } from './test-support/sdk-targets.js';

const role = 'arn:aws:iam::111111111111:role/statecraft-role';

const mockConfig: MockConfig = {
  StateMachines: {
    Orders: {
      TestCases: {
        HappyPath: { Charge: 'ChargeOk', Notify: 'NotifyOk' },
        RetryPath: { Charge: 'ChargeFlaky', Notify: 'NotifyOk' },
        FailPath: { Charge: 'ChargeDeclined' },
        ShortPath: { Charge: 'ChargeAlwaysFlaky' },
      },
    },
    Callback: { TestCases: { Approved: { Wait: 'Approval' } } },
  },
  MockedResponses: {
    ChargeOk: { '0': { Return: { StatusCode: 200, Payload: { charged: true } } } },
    ChargeFlaky: {
      '0': { Throw: { Error: 'Lambda.ServiceException', Cause: 'try again' } },
      '1-2': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'slow down' } },
      '3': { Return: { StatusCode: 200, Payload: { charged: 'eventually' } } },
    },
    ChargeAlwaysFlaky: { '0-1': { Throw: { Error: 'Lambda.ServiceException', Cause: 'try again' } } },
    ChargeDeclined: { '0': { Throw: { Error: 'PaymentDeclined', Cause: 'card declined' } } },
    NotifyOk: { '0': { Return: { MessageId: 'm-1' } } },
    Approval: { '0': { Return: { approved: true } } },
  },
};

const tokens: string[] = [];

const options: StatecraftOptions = {
  accountId: '111111111111',
  functions: {
    askHuman: async (event: { token: string }) => {
      tokens.push(event.token);
      return { asked: true };
    },
    double: async (event: { n: number }) => ({ n: event.n * 2 }),
    boom: async () => {
      throw new LambdaFunctionError('Oops', 'it broke', { stackTrace: ['  File "/var/task/handler.py", line 1'] });
    },
    flaky: (() => {
      let calls = 0;
      return async (event: unknown) => {
        calls++;
        if (calls % 2 === 1) {
          const err = new Error('first call fails');
          err.name = 'Flaky';
          throw err;
        }
        return event;
      };
    })(),
  },
  mockConfig,
};

const targets = sdkTargets.map((t) => ({ name: t.name, setup: () => t.setup(options) }));

const lambdaArn = (name: string) => `arn:aws:lambda:us-east-1:111111111111:function:${name}`;

async function waitDone(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (let i = 0; i < 400; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`execution ${executionArn} did not finish`);
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
}

const types = eventTypes;

describe.each(targets)('task integrations ($name)', (target) => {
  let sfn: SFNClient;
  let teardown: () => Promise<void>;
  let n = 0;
  const machine = async (definition: object, name = `m${++n}`) => {
    const out = await sfn.send(
      new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: role }),
    );
    return out.stateMachineArn!;
  };
  const run = async (stateMachineArn: string, input: unknown = {}) => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    const done = await waitDone(sfn, executionArn!);
    return { done, events: await history(sfn, executionArn!) };
  };

  beforeAll(async () => {
    ({ sfn, teardown } = await target.setup());
  });
  afterAll(() => teardown());

  it('runs a direct Lambda ARN against an in-process handler', async () => {
    const arn = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: lambdaArn('double'), End: true } },
    });
    const { done, events } = await run(arn, { n: 21 });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ n: 42 });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('runs lambda:invoke and returns the Invoke response object', async () => {
    const arn = await machine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'double', 'Payload.$': '$' },
          ResultSelector: { 'n.$': '$.Payload.n', 'code.$': '$.StatusCode' },
          End: true,
        },
      },
    });
    const { done } = await run(arn, { n: 5 });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ n: 10, code: 200 });
  });

  it('fails with the function error type and document, which Catch matches', async () => {
    const arn = await machine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: lambdaArn('boom'),
          Catch: [{ ErrorEquals: ['Oops'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    const { done } = await run(arn);
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!);
    expect(out.Error).toBe('Oops');
    expect(JSON.parse(out.Cause)).toMatchObject({ errorMessage: 'it broke', errorType: 'Oops' });
  });

  it('retries a failing handler', async () => {
    const arn = await machine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: lambdaArn('flaky'),
          Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
          End: true,
        },
      },
    });
    const { done, events } = await run(arn, { ok: 1 });
    expect(done.status).toBe('SUCCEEDED');
    expect(types(events).filter((t) => t === 'LambdaFunctionScheduled')).toHaveLength(2);
  });

  it('reports a missing function as Lambda.ResourceNotFoundException', async () => {
    const arn = await machine({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'nope' },
          End: true,
        },
      },
    });
    const { done } = await run(arn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Lambda.ResourceNotFoundException');
    expect(done.cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]+; Proxy: null\)$/,
    );
  });

  it('runs a nested execution with .sync and .sync:2', async () => {
    const child = await machine({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { a: 1 }, End: true } } });
    for (const [resource, output] of [
      ['arn:aws:states:::states:startExecution.sync', '{"a":1}'],
      ['arn:aws:states:::states:startExecution.sync:2', { a: 1 }],
    ] as const) {
      const parent = await machine({
        StartAt: 'S',
        States: {
          S: { Type: 'Task', Resource: resource, Parameters: { StateMachineArn: child, Input: { x: 1 } }, End: true },
        },
      });
      const { done, events } = await run(parent);
      expect(done.status).toBe('SUCCEEDED');
      const out = JSON.parse(done.output!);
      expect(out).toMatchObject({ Status: 'SUCCEEDED', Output: output, StateMachineArn: child });
      expect(types(events)).toContain('TaskSubmitted');
    }
  });

  it('reports a failed nested .sync execution as States.TaskFailed', async () => {
    const child = await machine({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Bad', Cause: 'very' } } });
    const parent = await machine({
      StartAt: 'S',
      States: {
        S: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: child },
          End: true,
        },
      },
    });
    const { done } = await run(parent);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.TaskFailed');
    expect(JSON.parse(done.cause!)).toMatchObject({ Error: 'Bad', Cause: 'very', Status: 'FAILED' });
  });

  it('waits for SendTaskSuccess / SendTaskFailure on lambda:invoke.waitForTaskToken', async () => {
    const arn = await machine({
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'askHuman', Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    for (const answer of ['success', 'failure'] as const) {
      tokens.length = 0;
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
      for (let i = 0; i < 200 && tokens.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const taskToken = tokens[0]!;
      expect(taskToken).toBeTruthy();
      if (answer === 'success') {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"approved":true}' }));
      } else {
        await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: 'no' }));
      }
      const done = await waitDone(sfn, executionArn!);
      if (answer === 'success') {
        expect(done.status).toBe('SUCCEEDED');
        expect(JSON.parse(done.output!)).toEqual({ approved: true });
      } else {
        expect(done.status).toBe('FAILED');
        expect(done.error).toBe('Rejected');
      }
    }
  });

  describe('mock configuration', () => {
    it('completes a mocked callback task with its mocked outcome, without a worker', async () => {
      const arn = await machine(
        {
          StartAt: 'Wait',
          States: {
            Wait: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
              Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } },
              End: true,
            },
          },
        },
        'Callback',
      );
      const { done } = await run(`${arn}#Approved`);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ approved: true });
    });

    let orders: string;
    beforeAll(async () => {
      orders = await machine(
        {
          StartAt: 'Charge',
          States: {
            Charge: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
              Retry: [
                {
                  ErrorEquals: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'],
                  IntervalSeconds: 1,
                  BackoffRate: 1,
                  MaxAttempts: 3,
                },
              ],
              Catch: [{ ErrorEquals: ['PaymentDeclined'], Next: 'Declined' }],
              ResultSelector: { 'charged.$': '$.Payload.charged' },
              Next: 'Notify',
            },
            Notify: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sns:publish',
              Parameters: { TopicArn: 'arn:aws:sns:us-east-1:111111111111:t', 'Message.$': '$' },
              End: true,
            },
            Declined: { Type: 'Fail', Error: 'Declined' },
          },
        },
        'Orders',
      );
    });

    it('answers mapped states on the happy path', async () => {
      const { done, events } = await run(`${orders}#HappyPath`);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ MessageId: 'm-1' });
      expect(done.executionArn).not.toContain('#');
      expect(types(events)).toContain('TaskSucceeded');
    });

    it('consumes one key per retry attempt', async () => {
      const { done, events } = await run(`${orders}#RetryPath`);
      expect(done.status).toBe('SUCCEEDED');
      expect(types(events).filter((t) => t === 'TaskFailed')).toHaveLength(3);
      const exited = events.find((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === 'Charge');
      expect(JSON.parse(exited!.stateExitedEventDetails!.output!)).toEqual({ charged: 'eventually' });
    });

    it('throws mocked errors that Catch matches', async () => {
      const { done } = await run(`${orders}#FailPath`);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('Declined');
    });

    it('fails the execution when an attempt has no mocked response', async () => {
      const { done } = await run(`${orders}#ShortPath`);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('States.Runtime');
      expect(done.cause).toContain('No mocked response is defined for invocation 2');
    });

    it('calls the real integration without a test case, and names missing endpoints', async () => {
      const { done } = await run(orders, { n: 1 });
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('Lambda.ResourceNotFoundException');
    });
  });
});
