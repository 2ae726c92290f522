/**
 * RedriveExecution through the unmodified `@aws-sdk/client-sfn`, in process: a failed execution resumes
 * from the state that failed (earlier states are not run again), DescribeExecution and ListExecutions report
 * the redrive, and the error paths answer with AWS's error names.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft, type Statecraft } from './statecraft.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/statecraft-role`;
const FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:flaky`;

let sc: Statecraft;
let sfn: SFNClient;
let uid = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++uid}`;
/** Calls of the `flaky` function by key; it fails the first call for each key. */
const calls = new Map<string, number>();
/** Calls of the `counted` function (never fails). */
let counted = 0;

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}

async function createSm(definition: unknown): Promise<string> {
  const out = await sfn.send(
    new CreateStateMachineCommand({ name: unique('sm'), definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  return out.stateMachineArn!;
}

async function waitDone(executionArn: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d.status!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('execution did not finish');
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
}

const TASK_MACHINE = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:counted`,
      ResultPath: '$.prepared',
      Next: 'Work',
    },
    Work: {
      Type: 'Task',
      Resource: FN,
      Parameters: { 'key.$': '$.key', 'prepared.$': '$.prepared', 'redrives.$': '$$.Execution.RedriveCount' },
      End: true,
    },
  },
};

beforeAll(() => {
  sc = createStatecraft({
    accountId: ACCOUNT,
    region: REGION,
    functions: {
      counted: async () => ++counted,
      flaky: async (event: { key: string }) => {
        const n = (calls.get(event.key) ?? 0) + 1;
        calls.set(event.key, n);
        if (n === 1) {
          const err = new Error('first call fails');
          err.name = 'FlakyError';
          throw err;
        }
        return { ok: event };
      },
    },
  });
  sfn = new SFNClient({
    region: REGION,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    requestHandler: createRequestHandler(sc),
    maxAttempts: 1,
  });
});

afterAll(async () => {
  await sc.close();
});

describe('RedriveExecution', () => {
  it('resumes a failed Task state with its input and runs to success', async () => {
    const arn = await createSm(TASK_MACHINE);
    const key = unique('k');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ key }) }),
    );
    expect(await waitDone(executionArn!)).toBe('FAILED');
    const failed = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(failed).toMatchObject({ error: 'FlakyError', redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    const preparedBefore = counted;
    const before = await history(executionArn!);

    const out = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(out.redriveDate).toBeInstanceOf(Date);
    expect(await waitDone(executionArn!)).toBe('SUCCEEDED');

    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(d).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(d.redriveDate).toBeInstanceOf(Date);
    expect(d.error).toBeUndefined();
    expect(JSON.parse(d.output!)).toEqual({ ok: { key, prepared: preparedBefore, redrives: 1 } });
    // Prepare succeeded the first time and is not run again
    expect(counted).toBe(preparedBefore);

    const events = await history(executionArn!);
    expect(events.slice(0, before.length)).toEqual(before);
    const after = events.slice(before.length);
    expect(after.map((e) => e.type)).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(after[0]).toMatchObject({
      id: before.length + 1,
      previousEventId: before.length,
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    expect(after[1]?.stateEnteredEventDetails?.name).toBe('Work');
    expect(JSON.parse(after[1]?.stateEnteredEventDetails?.input ?? '')).toEqual({ key, prepared: preparedBefore });
  });

  it('redrives a Fail state again (it fails again) and counts every redrive', async () => {
    const arn = await createSm({
      StartAt: 'P',
      States: { P: { Type: 'Pass', Next: 'F' }, F: { Type: 'Fail', Error: 'Boom', Cause: 'because' } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    expect(await waitDone(executionArn!)).toBe('FAILED');
    for (const n of [1, 2]) {
      await sfn.send(new RedriveExecutionCommand({ executionArn }));
      expect(await waitDone(executionArn!)).toBe('FAILED');
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(d).toMatchObject({ redriveCount: n, redriveStatus: 'REDRIVABLE', error: 'Boom', cause: 'because' });
    }
    const types = (await history(executionArn!)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['ExecutionRedriven', 'FailStateEntered', 'ExecutionFailed']);
    expect(types.filter((t) => t === 'PassStateEntered')).toHaveLength(1);
  });

  it('redrives an aborted execution from the state that was running', async () => {
    const arn = await createSm({
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const types = (await history(executionArn!)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['WaitStateAborted', 'ExecutionAborted']);
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    // the Wait state is entered again and waits again
    for (let i = 0; i < 100; i++) {
      const last = (await history(executionArn!)).at(-1);
      if (last?.type === 'WaitStateEntered') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await history(executionArn!)).at(-1)?.type).toBe('WaitStateEntered');
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      status: 'RUNNING',
      redriveCount: 1,
      redriveStatus: 'NOT_REDRIVABLE',
    });
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('ListExecutions redriveFilter separates redriven executions', async () => {
    const arn = await createSm(TASK_MACHINE);
    const a = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'a', input: JSON.stringify({ key: unique('a') }) }),
    );
    const b = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'b', input: JSON.stringify({ key: unique('b') }) }),
    );
    await waitDone(a.executionArn!);
    await waitDone(b.executionArn!);
    await sfn.send(new RedriveExecutionCommand({ executionArn: a.executionArn }));
    await waitDone(a.executionArn!);
    const redriven = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: 'REDRIVEN' }));
    expect(redriven.executions?.map((e) => [e.name, e.redriveCount])).toEqual([['a', 1]]);
    expect(redriven.executions?.[0]?.redriveDate).toBeInstanceOf(Date);
    const notRedriven = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: 'NOT_REDRIVEN' }),
    );
    expect(notRedriven.executions?.map((e) => [e.name, e.status, e.redriveCount])).toEqual([['b', 'FAILED', 0]]);
  });

  it('refuses running, succeeded and unknown executions', async () => {
    const wait = await createSm({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const running = await sfn.send(new StartExecutionCommand({ stateMachineArn: wait }));
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: running.executionArn })))).toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: "Execution Not Redrivable: 'Execution is RUNNING and cannot be redriven'",
    });
    await sfn.send(new StopExecutionCommand({ executionArn: running.executionArn }));

    const pass = await createSm({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const ok = await sfn.send(new StartExecutionCommand({ stateMachineArn: pass }));
    await waitDone(ok.executionArn!);
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: ok.executionArn })))).toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: "Execution Not Redrivable: 'Execution is SUCCEEDED and cannot be redriven'",
    });

    const missing = `arn:aws:states:${REGION}:${ACCOUNT}:execution:nope:nope`;
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: missing })))).toMatchObject({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${missing}'`,
    });
    expect(await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: 'not-an-arn' })))).toMatchObject({
      name: 'InvalidArn',
    });
  });
});
