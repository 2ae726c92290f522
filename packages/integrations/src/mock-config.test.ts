import type { TaskCall } from '@statecraft/engine';
import { describe, expect, it } from 'vitest';
import { createMockInvoker, loadMockConfig, type MockConfig } from './mock-config.js';

const config: MockConfig = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        HybridPath: { LambdaState: 'MockedLambdaSuccess' },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: { '0': { Return: { StatusCode: 200, Payload: { body: 'Hello' } } } },
    MockedSQSSuccess: { '0': { Return: { MD5OfMessageBody: 'x', MessageId: 'y' } } },
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { body: 'Hello' } } },
    },
  },
};

const call = (
  stateName: string,
  attempt: number,
  testCase?: string,
  resource = 'arn:aws:states:::lambda:invoke',
): TaskCall => ({
  resource,
  parameters: {},
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:LambdaSQSIntegration:e1',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration',
  stateName,
  region: 'us-east-1',
  accountId: '123456789012',
  attempt,
  ...(testCase !== undefined ? { testCase } : {}),
});
const ctx = { signal: new AbortController().signal, now: () => 0 };

describe('loadMockConfig', () => {
  it('loads the documented example, as an object or as text', () => {
    expect(loadMockConfig(config).ok).toBe(true);
    expect(loadMockConfig(JSON.stringify(config)).ok).toBe(true);
  });

  it.each([
    ['not json', '', 'not valid JSON'],
    [{ MockedResponses: {} }, '/StateMachines', 'required'],
    [
      { StateMachines: {}, MockedResponses: { R: { '0': { Return: 1 }, '2': { Return: 2 } } } },
      '/MockedResponses/R',
      'not consecutively numbered',
    ],
    [
      { StateMachines: {}, MockedResponses: { R: { x: { Return: 1 } } } },
      '/MockedResponses/R/x',
      'invalid invocation key',
    ],
    [
      { StateMachines: {}, MockedResponses: { R: { '0': { Return: 1, Throw: {} } } } },
      '/MockedResponses/R/0',
      'exactly one',
    ],
    [
      { StateMachines: {}, MockedResponses: { R: { '0': { Throw: { Error: 'E' } } } } },
      '/MockedResponses/R/0/Throw',
      'Cause',
    ],
    [
      { StateMachines: { S: { TestCases: { T: { A: 'Nope' } } } }, MockedResponses: {} },
      '/StateMachines/S/TestCases/T/A',
      'Nope',
    ],
    [
      { StateMachines: {}, MockedResponses: { R: { '1-0': { Return: 1 } } } },
      '/MockedResponses/R/1-0',
      'end is before',
    ],
  ])('rejects %j at %s', (input, pointer, reason) => {
    const r = loadMockConfig(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems[0]!.pointer).toBe(pointer);
      expect(r.problems[0]!.message).toContain(reason);
    }
  });
});

describe('createMockInvoker', () => {
  const loaded = loadMockConfig(config);
  if (!loaded.ok) throw new Error('fixture');
  const invoker = createMockInvoker(loaded.mocks);

  it('matches only mapped states of executions with a test case', () => {
    expect(invoker.matches('arn:aws:states:::lambda:invoke', call('LambdaState', 0, 'HappyPath'))).toBe(true);
    expect(invoker.matches('arn:aws:states:::lambda:invoke', call('LambdaState', 0))).toBe(false);
    expect(invoker.matches('arn:aws:states:::sqs:sendMessage', call('SQSState', 0, 'HybridPath'))).toBe(false);
    expect(invoker.matches('arn:aws:states:::lambda:invoke', call('LambdaState', 0, 'NoSuchCase'))).toBe(false);
  });

  it('returns Return values and throws Throw errors, one key per attempt (retries consume keys)', async () => {
    const outcomes = [];
    for (let attempt = 0; attempt < 5; attempt++)
      outcomes.push(await invoker.invoke(call('LambdaState', attempt, 'RetryPath'), ctx));
    expect(outcomes.slice(0, 4)).toEqual([
      { type: 'failed', error: 'Lambda.ResourceNotReadyException', cause: 'Lambda resource is not ready.' },
      { type: 'failed', error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' },
      { type: 'failed', error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' },
      { type: 'succeeded', output: { StatusCode: 200, Payload: { body: 'Hello' } } },
    ]);
    expect(outcomes[4]).toMatchObject({ type: 'failed', error: 'States.Runtime' });
    expect((outcomes[4] as { cause: string }).cause).toContain("invocation 4 of state 'LambdaState'");
  });

  it('reports the mocked outcome of callback and .sync tasks as final, with a submission', async () => {
    const out = await invoker.invoke(
      call('LambdaState', 0, 'HappyPath', 'arn:aws:states:::lambda:invoke.waitForTaskToken'),
      ctx,
    );
    expect(out).toEqual({ type: 'succeeded', output: { StatusCode: 200, Payload: { body: 'Hello' } }, submitted: {} });
  });

  it('gives a direct function ARN the Payload of a mocked Invoke response', async () => {
    const out = await invoker.invoke(
      call('LambdaState', 0, 'HappyPath', 'arn:aws:lambda:us-east-1:123456789012:function:f'),
      ctx,
    );
    expect(out).toEqual({ type: 'succeeded', output: { body: 'Hello' } });
  });

  it('refuses to mock activities, as Step Functions Local does', async () => {
    const out = await invoker.invoke(
      call('LambdaState', 0, 'HappyPath', 'arn:aws:states:us-east-1:123456789012:activity:a'),
      ctx,
    );
    expect(out).toMatchObject({ type: 'failed', error: 'States.Runtime' });
  });
});
