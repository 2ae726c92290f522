/**
 * The child executions of a distributed Map through the unmodified `@aws-sdk/client-sfn`: listed by their
 * Map Run (not by their state machine), describable, with histories of their own; EXPRESS children are not
 * kept, as on AWS.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventTypes, sdkTargets, sleep } from './test-support/sdk-targets.js';

const ROLE = 'arn:aws:iam::111111111111:role/statecraft-role';

/** A distributed Map over its input: item 3 fails, one failure is tolerated. */
const definition = (executionType: 'STANDARD' | 'EXPRESS' = 'STANDARD') =>
  JSON.stringify({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        Label: 'Fan',
        ToleratedFailureCount: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: 'Check',
          States: {
            Check: {
              Type: 'Choice',
              Choices: [{ Variable: '$.n', NumericEquals: 3, Next: 'Boom' }],
              Default: 'Double',
            },
            Boom: { Type: 'Fail', Error: 'Item.Bad', Cause: 'three' },
            Double: { Type: 'Pass', Parameters: { 'm.$': 'States.MathAdd($.n, $.n)' }, End: true },
          },
        },
        End: true,
      },
    },
  });

const INPUT = JSON.stringify([1, 2, 3, 4, 5].map((n) => ({ n })));

async function waitDone(sfn: SFNClient, executionArn: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d.status!;
    await sleep(5);
  }
  throw new Error('execution did not finish');
}

for (const target of sdkTargets) {
  describe(`distributed Map child executions (${target.name})`, () => {
    let sfn: SFNClient;
    let teardown: () => Promise<void>;
    beforeEach(async () => {
      ({ sfn, teardown } = await target.setup());
    });
    afterEach(() => teardown());

    const run = async (executionType?: 'STANDARD' | 'EXPRESS') => {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({ name: 'fan', roleArn: ROLE, definition: definition(executionType) }),
      );
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: 'parent', input: INPUT }),
      );
      expect(await waitDone(sfn, executionArn!)).toBe('SUCCEEDED');
      const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
      expect(mapRuns).toHaveLength(1);
      return { stateMachineArn: stateMachineArn!, executionArn: executionArn!, mapRunArn: mapRuns![0]!.mapRunArn! };
    };

    it('lists, describes and shows the history of the children of a Map Run', async () => {
      const { stateMachineArn, executionArn, mapRunArn } = await run();
      expect(mapRunArn).toMatch(/^arn:aws:states:us-east-1:111111111111:mapRun:fan\/Fan:[0-9a-f-]{36}$/);
      const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      expect(described).toMatchObject({
        status: 'SUCCEEDED',
        toleratedFailureCount: 1,
        itemCounts: { succeeded: 4, failed: 1, total: 5 },
        executionCounts: { succeeded: 4, failed: 1, total: 5 },
      });

      const listed = await sfn.send(new ListExecutionsCommand({ mapRunArn }));
      const children = listed.executions!;
      expect(children).toHaveLength(5);
      for (const c of children) {
        expect(c.executionArn).toMatch(/^arn:aws:states:us-east-1:111111111111:execution:fan\/Fan:[0-9a-f-]{36}$/);
        expect(c).toMatchObject({ mapRunArn, stateMachineArn });
        expect(c.startDate).toBeInstanceOf(Date);
        expect(c.stopDate).toBeInstanceOf(Date);
      }
      expect(children.map((c) => c.status).sort()).toEqual([
        'FAILED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
      const failedOnly = await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'FAILED' }));
      expect(failedOnly.executions).toHaveLength(1);

      // paging
      const first = await sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 3 }));
      expect(first.executions).toHaveLength(3);
      expect(first.nextToken).toBeDefined();
      const rest = await sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 3, nextToken: first.nextToken }));
      expect(rest.executions).toHaveLength(2);
      expect(rest.nextToken).toBeUndefined();

      // a failed child: REDRIVABLE_BY_MAP_RUN, its error and cause, its own history
      const failed = failedOnly.executions![0]!;
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
      expect(d).toMatchObject({
        executionArn: failed.executionArn,
        stateMachineArn,
        mapRunArn,
        status: 'FAILED',
        input: '{"n":3}',
        error: 'Item.Bad',
        cause: 'three',
        redriveStatus: 'REDRIVABLE_BY_MAP_RUN',
      });
      const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: failed.executionArn }));
      expect(eventTypes(h.events!)).toEqual([
        'ExecutionStarted',
        'ChoiceStateEntered',
        'ChoiceStateExited',
        'FailStateEntered',
        'ExecutionFailed',
      ]);
      expect(h.events!.map((e) => [e.id, e.previousEventId])).toEqual([
        [1, 0],
        [2, 0],
        [3, 2],
        [4, 3],
        [5, 4],
      ]);
      expect(h.events![0]!.executionStartedEventDetails).toEqual({
        input: '{"n":3}',
        inputDetails: { truncated: false },
        roleArn: ROLE,
      });
      expect(h.events![4]!.executionFailedEventDetails).toEqual({ error: 'Item.Bad', cause: 'three' });

      // a succeeded child: its output
      const ok = children.find((c) => c.status === 'SUCCEEDED')!;
      const okd = await sfn.send(new DescribeExecutionCommand({ executionArn: ok.executionArn }));
      const n = (JSON.parse(okd.input!) as { n: number }).n;
      expect(JSON.parse(okd.output!)).toEqual({ m: 2 * n });
      const okh = await sfn.send(new GetExecutionHistoryCommand({ executionArn: ok.executionArn }));
      expect(eventTypes(okh.events!)).toEqual([
        'ExecutionStarted',
        'ChoiceStateEntered',
        'ChoiceStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      const forChild = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: ok.executionArn }));
      expect(forChild).toMatchObject({ mapRunArn, label: 'Fan' });

      // the state machine lists the parent only
      const bySm = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      expect(bySm.executions?.map((e) => e.executionArn)).toEqual([executionArn]);
      expect(bySm.executions![0]!.mapRunArn).toBeUndefined();
      // the parent's history has no child events
      const ph = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(eventTypes(ph.events!)).toEqual([
        'ExecutionStarted',
        'MapStateEntered',
        'MapStateStarted',
        'MapRunStarted',
        'MapRunSucceeded',
        'MapStateSucceeded',
        'MapStateExited',
        'ExecutionSucceeded',
      ]);
    });

    it('answers ResourceNotFound for an unknown Map Run', async () => {
      const mapRunArn = 'arn:aws:states:us-east-1:111111111111:mapRun:fan/Fan:00000000-0000-4000-8000-000000000000';
      await expect(sfn.send(new ListExecutionsCommand({ mapRunArn }))).rejects.toMatchObject({
        name: 'ResourceNotFound',
        message: `Resource not found: '${mapRunArn}'`,
      });
    });

    it('keeps no EXPRESS children', async () => {
      const { stateMachineArn, mapRunArn } = await run('EXPRESS');
      const listed = await sfn.send(new ListExecutionsCommand({ mapRunArn }));
      expect(listed.executions).toEqual([]);
      const bySm = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      expect(bySm.executions).toHaveLength(1);
    });
  });
}

it('removes the children and Map Runs of an execution with it (maxClosedExecutions)', async () => {
  const { sfn, teardown } = await sdkTargets[0]!.setup({ maxClosedExecutions: 1 });
  try {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'fan', roleArn: ROLE, definition: definition() }),
    );
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'one', input: INPUT }));
    expect(await waitDone(sfn, first.executionArn!)).toBe('SUCCEEDED');
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn: first.executionArn }));
    const mapRunArn = mapRuns![0]!.mapRunArn!;
    const children = (await sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
    expect(children).toHaveLength(5);
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'two', input: INPUT }));
    expect(await waitDone(sfn, second.executionArn!)).toBe('SUCCEEDED');
    await sleep(20);
    await expect(sfn.send(new DescribeMapRunCommand({ mapRunArn }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: children[0]!.executionArn })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  } finally {
    await teardown();
  }
});
