import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ListDomainsCommand } from '@aws-sdk/client-swf';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStatecraft, type TestStatecraft } from './index.js';

const roleArn = 'arn:aws:iam::123456789012:role/r';
let t: TestStatecraft | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('createTestStatecraft', () => {
  it('runs a Lambda handler and a one-year Wait at once, with the timestamps AWS would record', async () => {
    const start = Date.UTC(2026, 0, 1);
    t = createTestStatecraft({ startTime: start, functions: { greet: async (e: any) => ({ hi: e.name }) } });
    const { stateMachineArn } = await t.sfn.send(
      new CreateStateMachineCommand({
        name: 'greeter',
        roleArn,
        definition: JSON.stringify({
          StartAt: 'Nap',
          States: {
            Nap: { Type: 'Wait', Seconds: 31_536_000, Next: 'Greet' },
            Greet: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:greet', End: true },
          },
        }),
      }),
    );
    const { executionArn } = await t.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"name":"Ada"}' }));
    const done = await t.waitForExecution(executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"hi":"Ada"}' });
    const events = await t.history(executionArn!);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const exited = events.find((e) => e.type === 'WaitStateExited')!;
    expect(exited.timestamp!.getTime() - start).toBe(31_536_000_000);
  });

  it('binds an SWF client too, and resets', async () => {
    t = createTestStatecraft();
    expect((await t.swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }))).domainInfos).toEqual([]);
    await t.reset();
  });

  it('refuses to advance a real clock with a clear message', () => {
    t = createTestStatecraft({ clock: 'real' });
    expect(() => t!.advance(1)).toThrow('[statecraft] Failed to advance the clock');
  });
});
