/**
 * The walking skeleton through all three transports, with the unmodified AWS SDK clients: HTTP server,
 * in-process request handler, and MSW (`msw/node`).
 */
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DescribeDomainCommand, ListDomainsCommand, RegisterDomainCommand, SWFClient } from '@aws-sdk/client-swf';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMswHandlers } from './msw/index.js';
import { type RunningServer, serve } from './node/index.js';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft, type Statecraft } from './statecraft.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const region = 'us-east-1';

interface Transport {
  name: string;
  setup(): Promise<{ sfn: SFNClient; swf: SWFClient; sc: Statecraft; teardown(): Promise<void> }>;
}

const transports: Transport[] = [
  {
    name: 'HTTP server',
    async setup() {
      const sc = createStatecraft();
      const server: RunningServer = await serve(sc, { port: 0 });
      const common = { region, credentials, endpoint: server.url, maxAttempts: 1 };
      return {
        sc,
        sfn: new SFNClient({ ...common, disableHostPrefix: true }),
        swf: new SWFClient(common),
        teardown: async () => {
          await server.close();
          await sc.close();
        },
      };
    },
  },
  {
    name: 'in-process request handler',
    async setup() {
      const sc = createStatecraft();
      const requestHandler = createRequestHandler(sc);
      return {
        sc,
        sfn: new SFNClient({ region, credentials, requestHandler, maxAttempts: 1 }),
        swf: new SWFClient({ region, credentials, requestHandler, maxAttempts: 1 }),
        teardown: () => sc.close(),
      };
    },
  },
  {
    name: 'MSW (msw/node)',
    async setup() {
      const sc = createStatecraft();
      const server = setupServer(...createMswHandlers(sc));
      server.listen({ onUnhandledRequest: 'error' });
      return {
        sc,
        sfn: new SFNClient({ region, credentials, maxAttempts: 1 }),
        swf: new SWFClient({ region, credentials, maxAttempts: 1 }),
        teardown: async () => {
          server.close();
          await sc.close();
        },
      };
    },
  },
];

const passDefinition = JSON.stringify({
  StartAt: 'Hello',
  States: {
    Hello: { Type: 'Pass', Result: { greeting: 'hi' }, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
});
const failDefinition = JSON.stringify({
  StartAt: 'Boom',
  States: { Boom: { Type: 'Fail', Error: 'SomeFailure', Cause: 'it broke' } },
});
const roleArn = 'arn:aws:iam::123456789012:role/statecraft-role';

describe.each(transports)('$name', (transport) => {
  let ctx: Awaited<ReturnType<Transport['setup']>>;
  beforeAll(async () => {
    ctx = await transport.setup();
  });
  afterAll(async () => {
    await ctx.teardown();
  });

  it('creates, describes, lists and deletes a state machine', async () => {
    const created = await ctx.sfn.send(
      new CreateStateMachineCommand({ name: 'hello', definition: passDefinition, roleArn }),
    );
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:hello');
    expect(created.creationDate).toBeInstanceOf(Date);
    const described = await ctx.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(described).toMatchObject({
      name: 'hello',
      status: 'ACTIVE',
      type: 'STANDARD',
      definition: passDefinition,
      roleArn,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    const listed = await ctx.sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((s) => s.name)).toContain('hello');
    await ctx.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    await expect(
      ctx.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
    ).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${created.stateMachineArn}'`,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('runs a Pass/Succeed machine and records its history in AWS shape', async () => {
    const { stateMachineArn } = await ctx.sfn.send(
      new CreateStateMachineCommand({ name: 'pass-run', definition: passDefinition, roleArn }),
    );
    const { executionArn } = await ctx.sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"a": 1}' }),
    );
    expect(executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:pass-run:run-1');
    const described = await waitDone(ctx.sfn, executionArn!);
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"greeting":"hi"}', input: '{"a": 1}' });
    const history = await ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'SucceedStateEntered'],
      [5, 4, 'SucceedStateExited'],
      [6, 5, 'ExecutionSucceeded'],
    ]);
    expect(history.events?.[0]).toMatchObject({
      executionStartedEventDetails: { input: '{"a": 1}', inputDetails: { truncated: false }, roleArn },
    });
    expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);
  });

  it('runs a Fail machine', async () => {
    const { stateMachineArn } = await ctx.sfn.send(
      new CreateStateMachineCommand({ name: 'fail-run', definition: failDefinition, roleArn }),
    );
    const { executionArn } = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const described = await waitDone(ctx.sfn, executionArn!);
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'SomeFailure',
      cause: 'it broke',
      redriveStatus: 'REDRIVABLE',
    });
    const history = await ctx.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(history.events?.[0]).toMatchObject({
      type: 'ExecutionFailed',
      id: 3,
      previousEventId: 2,
      executionFailedEventDetails: { error: 'SomeFailure', cause: 'it broke' },
    });
    expect(history.nextToken).toBeTypeOf('string');
  });

  it('answers an unknown execution ARN with ExecutionDoesNotExist', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:nope:nope';
    await expect(ctx.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${arn}'`,
    });
  });

  it('registers, describes and lists SWF domains', async () => {
    await ctx.swf.send(
      new RegisterDomainCommand({ name: 'orders', workflowExecutionRetentionPeriodInDays: '1', description: 'd' }),
    );
    const d = await ctx.swf.send(new DescribeDomainCommand({ name: 'orders' }));
    expect(d).toMatchObject({
      domainInfo: {
        name: 'orders',
        status: 'REGISTERED',
        description: 'd',
        arn: 'arn:aws:swf:us-east-1:123456789012:/domain/orders',
      },
      configuration: { workflowExecutionRetentionPeriodInDays: '1' },
    });
    const list = await ctx.swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
    expect(list.domainInfos?.map((x) => x.name)).toEqual(['orders']);
    await expect(
      ctx.swf.send(new RegisterDomainCommand({ name: 'orders', workflowExecutionRetentionPeriodInDays: '1' })),
    ).rejects.toMatchObject({ name: 'DomainAlreadyExistsFault', message: 'orders' });
    await expect(ctx.swf.send(new DescribeDomainCommand({ name: 'missing' }))).rejects.toMatchObject({
      name: 'UnknownResourceFault',
      message: 'Unknown domain: missing',
    });
  });

  it('wipes everything on reset', async () => {
    await ctx.sc.reset();
    const listed = await ctx.sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines).toEqual([]);
  });
});

async function waitDone(sfn: SFNClient, executionArn: string) {
  for (let i = 0; i < 200; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('execution did not finish');
}
