/**
 * Retention of closed executions: beyond `maxClosedExecutions`, the oldest closed executions are removed,
 * so a long-running in-memory emulator stays bounded.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { expect, it } from 'vitest';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft } from './statecraft.js';

it('keeps only the newest closed executions', async () => {
  const sc = createStatecraft({ maxClosedExecutions: 3 });
  const sfn = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: createRequestHandler(sc),
    maxAttempts: 1,
  });
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: 'keep',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    }),
  );
  const arns: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${i}` }));
    arns.push(executionArn!);
  }
  await new Promise((r) => setTimeout(r, 20));
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  expect(listed.executions?.map((e) => e.name).sort()).toEqual(['run-2', 'run-3', 'run-4']);
  await expect(sfn.send(new DescribeExecutionCommand({ executionArn: arns[0] }))).rejects.toMatchObject({
    name: 'ExecutionDoesNotExist',
  });
  await sc.close();
});
