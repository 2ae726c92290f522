/**
 * The 37 Step Functions operations through the unmodified `@aws-sdk/client-sfn`, in process: every
 * operation's happy path and at least one of its error paths, with AWS's error names and messages.
 */
import {
  CreateActivityCommand,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  ListTagsForResourceCommand,
  PublishStateMachineVersionCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  TestStateCommand,
  UntagResourceCommand,
  UpdateMapRunCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft, type Statecraft } from './statecraft.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/statecraft-role`;
const SM = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
const ACT = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:activity:${name}`;
const EXEC = (sm: string, name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${sm}:${name}`;

const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { a: 1 }, End: true } } });
const PASS2 = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { a: 2 }, End: true } } });
const WAIT = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
const FAIL = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'because' } } });

let sc: Statecraft;
let sfn: SFNClient;
let uid = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++uid}`;

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}

async function createSm(definition = PASS, extra: Record<string, unknown> = {}): Promise<string> {
  const name = unique('sm');
  const out = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, ...extra }));
  return out.stateMachineArn!;
}

async function waitDone(executionArn: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d.status!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('execution did not finish');
}

beforeAll(() => {
  process.env.STATECRAFT_ACTIVITY_POLL_TIMEOUT = '0.2';
  sc = createStatecraft({ accountId: ACCOUNT, region: REGION });
  sfn = new SFNClient({
    region: REGION,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    requestHandler: createRequestHandler(sc),
    maxAttempts: 1,
  });
});

afterAll(async () => {
  delete process.env.STATECRAFT_ACTIVITY_POLL_TIMEOUT;
  await sc.close();
});

describe('error paths of every operation', () => {
  const missingSm = SM('does-not-exist');
  const cases: [string, () => Promise<unknown>, string, string | RegExp][] = [
    [
      'CreateStateMachine InvalidName',
      () => sfn.send(new CreateStateMachineCommand({ name: 'bad name', definition: PASS, roleArn: ROLE })),
      'InvalidName',
      "Invalid Name: 'bad name'",
    ],
    [
      'CreateStateMachine InvalidDefinition',
      () =>
        sfn.send(new CreateStateMachineCommand({ name: unique('x'), definition: '{"StartAt":"A"}', roleArn: ROLE })),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'",
    ],
    [
      'CreateStateMachine versionDescription without publish',
      () =>
        sfn.send(
          new CreateStateMachineCommand({
            name: unique('x'),
            definition: PASS,
            roleArn: ROLE,
            versionDescription: 'v',
          }),
        ),
      'ValidationException',
      'Version description can only be set when publish is true',
    ],
    [
      'CreateStateMachine InvalidLoggingConfiguration',
      () =>
        sfn.send(
          new CreateStateMachineCommand({
            name: unique('x'),
            definition: PASS,
            roleArn: ROLE,
            loggingConfiguration: { level: 'ALL' },
          }),
        ),
      'InvalidLoggingConfiguration',
      'Invalid Logging Configuration: Must specify exactly one Log Destination.',
    ],
    [
      'DescribeStateMachine InvalidArn',
      () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not_a_valid_arn' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'",
    ],
    [
      'DescribeStateMachine StateMachineDoesNotExist',
      () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: missingSm })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'UpdateStateMachine StateMachineDoesNotExist',
      () => sfn.send(new UpdateStateMachineCommand({ stateMachineArn: missingSm, definition: PASS })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'DeleteStateMachine InvalidArn',
      () => sfn.send(new DeleteStateMachineCommand({ stateMachineArn: 'nope' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: nope'",
    ],
    [
      'ListStateMachines InvalidToken',
      () => sfn.send(new ListStateMachinesCommand({ nextToken: 'garbage!' })),
      'InvalidToken',
      "Invalid Token: 'Invalid token'",
    ],
    [
      'ListStateMachines maxResults out of range',
      () => sfn.send(new ListStateMachinesCommand({ maxResults: 1001 })),
      'ValidationException',
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ],
    [
      'PublishStateMachineVersion StateMachineDoesNotExist',
      () => sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: missingSm })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'ListStateMachineVersions InvalidArn',
      () => sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: 'nope' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: nope'",
    ],
    [
      'DeleteStateMachineVersion InvalidArn',
      () => sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: 'nope' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: nope'",
    ],
    [
      'CreateStateMachineAlias weights not summing to 100',
      () =>
        sfn.send(
          new CreateStateMachineAliasCommand({
            name: 'live',
            routingConfiguration: [{ stateMachineVersionArn: `${missingSm}:1`, weight: 50 }],
          }),
        ),
      'ValidationException',
      /weights/,
    ],
    [
      'DescribeStateMachineAlias ResourceNotFound',
      () => sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${missingSm}:live` })),
      'ResourceNotFound',
      `Resource not found: '${missingSm}:live'`,
    ],
    [
      'UpdateStateMachineAlias ResourceNotFound',
      () =>
        sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${missingSm}:live`, description: 'd' })),
      'ResourceNotFound',
      'Request references a resource that does not exist.',
    ],
    [
      'DeleteStateMachineAlias ResourceNotFound',
      () => sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${missingSm}:live` })),
      'ResourceNotFound',
      `Resource not found: '${missingSm}:live'`,
    ],
    [
      'ListStateMachineAliases StateMachineDoesNotExist',
      () => sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: missingSm })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'StartExecution StateMachineDoesNotExist',
      () => sfn.send(new StartExecutionCommand({ stateMachineArn: missingSm })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'StartSyncExecution StateMachineDoesNotExist',
      () => sfn.send(new StartSyncExecutionCommand({ stateMachineArn: missingSm })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'DescribeExecution ExecutionDoesNotExist',
      () => sfn.send(new DescribeExecutionCommand({ executionArn: EXEC('x', 'y') })),
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${EXEC('x', 'y')}'`,
    ],
    [
      'DescribeStateMachineForExecution InvalidArn',
      () => sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: 'invalid_arn' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: invalid_arn'",
    ],
    [
      'StopExecution ExecutionDoesNotExist',
      () => sfn.send(new StopExecutionCommand({ executionArn: EXEC('x', 'y') })),
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${EXEC('x', 'y')}'`,
    ],
    [
      'ListExecutions StateMachineDoesNotExist',
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn: missingSm })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${missingSm}'`,
    ],
    [
      'ListExecutions status filter enum',
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn: missingSm, statusFilter: 'succeeded' as never })),
      'ValidationException',
      "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]",
    ],
    [
      'GetExecutionHistory InvalidArn',
      () => sfn.send(new GetExecutionHistoryCommand({ executionArn: 'invalid_state_machine_arn' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'",
    ],
    [
      'RedriveExecution ExecutionDoesNotExist',
      () => sfn.send(new RedriveExecutionCommand({ executionArn: EXEC('x', 'y') })),
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${EXEC('x', 'y')}'`,
    ],
    [
      'CreateActivity InvalidName',
      () => sfn.send(new CreateActivityCommand({ name: 'activity:name' })),
      'InvalidName',
      "Invalid Name: 'activity:name'",
    ],
    [
      'DescribeActivity ActivityDoesNotExist',
      () => sfn.send(new DescribeActivityCommand({ activityArn: ACT('missing') })),
      'ActivityDoesNotExist',
      `Activity Does Not Exist: '${ACT('missing')}'`,
    ],
    [
      'DeleteActivity InvalidArn',
      () => sfn.send(new DeleteActivityCommand({ activityArn: 'no_an_activity_arn' })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'",
    ],
    [
      'ListActivities InvalidToken',
      () => sfn.send(new ListActivitiesCommand({ nextToken: 'not-a-token' })),
      'InvalidToken',
      "Invalid Token: 'Invalid token'",
    ],
    [
      'GetActivityTask ActivityDoesNotExist',
      () => sfn.send(new GetActivityTaskCommand({ activityArn: ACT('missing') })),
      'ActivityDoesNotExist',
      `Activity Does Not Exist: '${ACT('missing')}'`,
    ],
    [
      'SendTaskSuccess InvalidToken',
      () => sfn.send(new SendTaskSuccessCommand({ taskToken: 'bogus', output: '{}' })),
      'InvalidToken',
      "Invalid Token: 'Invalid token'",
    ],
    [
      'SendTaskFailure InvalidToken',
      () => sfn.send(new SendTaskFailureCommand({ taskToken: 'bogus' })),
      'InvalidToken',
      "Invalid Token: 'Invalid token'",
    ],
    [
      'SendTaskHeartbeat InvalidToken',
      () => sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'bogus' })),
      'InvalidToken',
      "Invalid Token: 'Invalid token'",
    ],
    [
      'DescribeMapRun ResourceNotFound',
      () => sfn.send(new DescribeMapRunCommand({ mapRunArn: `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:sm/Map:abc` })),
      'ResourceNotFound',
      `Resource not found: 'arn:aws:states:${REGION}:${ACCOUNT}:mapRun:sm/Map:abc'`,
    ],
    [
      'ListMapRuns ExecutionDoesNotExist',
      () => sfn.send(new ListMapRunsCommand({ executionArn: EXEC('x', 'y') })),
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${EXEC('x', 'y')}'`,
    ],
    [
      'UpdateMapRun without anything to update',
      () => sfn.send(new UpdateMapRunCommand({ mapRunArn: `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:sm/Map:abc` })),
      'ValidationException',
      /must be specified/,
    ],
    [
      'TagResource ResourceNotFound',
      () => sfn.send(new TagResourceCommand({ resourceArn: missingSm, tags: [{ key: 'k', value: 'v' }] })),
      'ResourceNotFound',
      `Resource not found: '${missingSm}'`,
    ],
    [
      'UntagResource InvalidArn',
      () => sfn.send(new UntagResourceCommand({ resourceArn: 'nope', tagKeys: ['k'] })),
      'InvalidArn',
      "Invalid Arn: 'Invalid ARN prefix: nope'",
    ],
    [
      'ListTagsForResource ResourceNotFound',
      () => sfn.send(new ListTagsForResourceCommand({ resourceArn: ACT('missing') })),
      'ResourceNotFound',
      `Resource not found: '${ACT('missing')}'`,
    ],
    [
      'TestState mock on a Pass state',
      () => sfn.send(new TestStateCommand({ definition: '{"Type":"Pass","End":true}', mock: { result: '{}' } })),
      'ValidationException',
      "State type 'Pass' is not supported when a mock is specified",
    ],
    [
      'TestState Map without mock',
      () =>
        sfn.send(
          new TestStateCommand({
            definition: JSON.stringify({
              Type: 'Map',
              ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
              End: true,
            }),
          }),
        ),
      'InvalidDefinition',
      'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    ],
    [
      'ValidateStateMachineDefinition missing definition',
      () => sfn.send(new ValidateStateMachineDefinitionCommand({} as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null",
    ],
  ];

  it.each(cases)('%s', async (_label, call, name, message) => {
    const err = await errorOf(call());
    expect(err.name).toBe(name);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });
});

describe('state machines', () => {
  it('creates idempotently, describes, updates revisions, lists and deletes', async () => {
    const name = unique('sm');
    const created = await sfn.send(new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE }));
    expect(created.stateMachineArn).toBe(SM(name));
    const again = await sfn.send(new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE }));
    expect(again.creationDate).toEqual(created.creationDate);
    const dup = await errorOf(sfn.send(new CreateStateMachineCommand({ name, definition: PASS2, roleArn: ROLE })));
    expect(dup).toMatchObject({
      name: 'StateMachineAlreadyExists',
      message: `State Machine Already Exists: '${SM(name)}'`,
    });

    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: SM(name) }));
    expect(described).toMatchObject({
      name,
      status: 'ACTIVE',
      type: 'STANDARD',
      definition: PASS,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
    });
    expect(described.revisionId).toBeUndefined();

    const missing = await errorOf(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: SM(name) })));
    expect(missing).toMatchObject({
      name: 'MissingRequiredParameter',
      message:
        'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
    });
    const u1 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: SM(name), definition: PASS2 }));
    expect(u1.revisionId).toMatch(/^[0-9a-f-]{36}$/);
    const same = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: SM(name), definition: PASS2 }));
    expect(same.revisionId).toBe(u1.revisionId);
    const u2 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: SM(name), roleArn: ROLE }));
    expect(u2.revisionId).not.toBe(u1.revisionId);

    const list = await sfn.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines?.some((s) => s.stateMachineArn === SM(name))).toBe(true);
    const page1 = await sfn.send(new ListStateMachinesCommand({ maxResults: 1 }));
    expect(page1.stateMachines).toHaveLength(1);
    if (page1.nextToken) {
      const page2 = await sfn.send(new ListStateMachinesCommand({ maxResults: 1, nextToken: page1.nextToken }));
      expect(page2.stateMachines?.[0]?.stateMachineArn).not.toBe(page1.stateMachines?.[0]?.stateMachineArn);
    }

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: SM(name) }));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: SM(name) }));
    const gone = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: SM(name) })));
    expect(gone.name).toBe('StateMachineDoesNotExist');
  });

  it('keeps a machine with running executions in DELETING until they close', async () => {
    const arn = await createSm(WAIT);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(d.status).toBe('DELETING');
    const start = await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: arn })));
    expect(start.name).toBe('StateMachineDeleting');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    await waitDone(executionArn!);
    await expect
      .poll(async () => (await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })))).name)
      .toBe('StateMachineDoesNotExist');
  });
});

describe('versions and aliases', () => {
  it('publishes versions, routes aliases and protects referenced versions', async () => {
    const name = unique('sm');
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: PASS,
        roleArn: ROLE,
        publish: true,
        versionDescription: 'one',
      }),
    );
    expect(created.stateMachineVersionArn).toBe(`${SM(name)}:1`);
    const again = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: SM(name) }));
    expect(again.stateMachineVersionArn).toBe(`${SM(name)}:1`);
    const up = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: SM(name), definition: PASS2, publish: true }),
    );
    expect(up.stateMachineVersionArn).toBe(`${SM(name)}:2`);
    const stale = await errorOf(
      sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: SM(name), revisionId: 'not-current' })),
    );
    expect(stale.name).toBe('ConflictException');

    const v1 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${SM(name)}:1` }));
    expect(v1).toMatchObject({ stateMachineArn: `${SM(name)}:1`, description: 'one', definition: PASS });
    const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: SM(name) }));
    expect(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toEqual([
      `${SM(name)}:2`,
      `${SM(name)}:1`,
    ]);

    const alias = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        description: 'traffic',
        routingConfiguration: [
          { stateMachineVersionArn: `${SM(name)}:1`, weight: 50 },
          { stateMachineVersionArn: `${SM(name)}:2`, weight: 50 },
        ],
      }),
    );
    expect(alias.stateMachineAliasArn).toBe(`${SM(name)}:live`);
    const described = await sfn.send(
      new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${SM(name)}:live` }),
    );
    expect(described).toMatchObject({ name: 'live', description: 'traffic' });
    const aliases = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: SM(name) }));
    expect(aliases.stateMachineAliases?.map((a) => a.stateMachineAliasArn)).toEqual([`${SM(name)}:live`]);

    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM(name)}:live` }));
    await waitDone(run.executionArn!);
    const exec = await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
    expect(exec.stateMachineAliasArn).toBe(`${SM(name)}:live`);
    expect([`${SM(name)}:1`, `${SM(name)}:2`]).toContain(exec.stateMachineVersionArn);

    const referenced = await errorOf(
      sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${SM(name)}:1` })),
    );
    expect(referenced).toMatchObject({
      name: 'ConflictException',
      message:
        'Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [live]',
    });
    await sfn.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn: `${SM(name)}:live`,
        routingConfiguration: [{ stateMachineVersionArn: `${SM(name)}:2`, weight: 100 }],
      }),
    );
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${SM(name)}:1` }));
    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${SM(name)}:live` }));
    const after = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: SM(name) }));
    expect(after.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toEqual([`${SM(name)}:2`]);
    const next = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: SM(name) }));
    expect(next.stateMachineVersionArn).toBe(`${SM(name)}:2`);
  });
});

describe('executions', () => {
  it('starts idempotently, describes, lists, pages history and stops', async () => {
    const arn = await createSm(WAIT);
    const smName = arn.split(':').pop()!;
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run1', input: '{"x":1}' }));
    expect(first.executionArn).toBe(EXEC(smName, 'run1'));
    const same = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run1', input: '{"x":1}' }));
    expect(same.startDate).toEqual(first.startDate);
    const other = await errorOf(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run1', input: '{}' })),
    );
    expect(other).toMatchObject({
      name: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${EXEC(smName, 'run1')}'`,
    });
    const bad = await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: 'not some json' })));
    expect(bad).toMatchObject({
      name: 'InvalidExecutionInput',
      message:
        "Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')'",
    });

    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => e.name)).toEqual(['run1']);
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: first.executionArn, error: 'Stopped', cause: 'by test' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Stopped', cause: 'by test', redriveStatus: 'REDRIVABLE' });

    const forExec = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: first.executionArn }));
    expect(forExec).toMatchObject({ stateMachineArn: arn, definition: WAIT, roleArn: ROLE });

    const all = await sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn }));
    const events = all.events ?? [];
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: first.executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(reversed.events?.[0]?.type).toBe('ExecutionAborted');
    expect(reversed.nextToken).toBeTruthy();
    const wrongArgs = await errorOf(
      sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn, nextToken: reversed.nextToken })),
    );
    expect(wrongArgs).toMatchObject({ name: 'InvalidToken', message: "Invalid Token: 'Invalid token'" });
    const noData = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: first.executionArn, includeExecutionData: false }),
    );
    expect(noData.events?.[0]?.executionStartedEventDetails?.input).toBeUndefined();
  });

  it('redrives only failed executions', async () => {
    const ok = await createSm(PASS);
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: ok }));
    await waitDone(run.executionArn!);
    const err = await errorOf(sfn.send(new RedriveExecutionCommand({ executionArn: run.executionArn })));
    expect(err).toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: "Execution Not Redrivable: 'Execution is SUCCEEDED and cannot be redriven'",
    });
    const failing = await createSm(FAIL);
    const failed = await sfn.send(new StartExecutionCommand({ stateMachineArn: failing }));
    expect(await waitDone(failed.executionArn!)).toBe('FAILED');
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
    expect(d).toMatchObject({ error: 'Boom', cause: 'because', redriveStatus: 'REDRIVABLE', redriveCount: 0 });
  });

  it('runs express machines synchronously and keeps them out of the standard APIs', async () => {
    const arn = await createSm(PASS, { type: 'EXPRESS' });
    const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{}' }));
    expect(out).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"a":1}',
      input: '{}',
      billingDetails: { billedDurationInMilliseconds: 100, billedMemoryUsedInMB: 64 },
    });
    expect(out.executionArn).toMatch(/:express:/);
    const describe = await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: out.executionArn })));
    expect(describe).toMatchObject({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: express'",
    });
    const list = await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: arn })));
    expect(list).toMatchObject({
      name: 'StateMachineTypeNotSupported',
      message: 'This operation is not supported by this type of state machine',
    });
    const standard = await createSm(PASS);
    const sync = await errorOf(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard })));
    expect(sync.name).toBe('StateMachineTypeNotSupported');
  });
});

describe('activities and task tokens', () => {
  it('hands tasks to workers and takes their answers', async () => {
    const name = unique('act');
    const created = await sfn.send(new CreateActivityCommand({ name }));
    expect(created.activityArn).toBe(ACT(name));
    const again = await sfn.send(new CreateActivityCommand({ name }));
    expect(again.creationDate).toEqual(created.creationDate);
    const described = await sfn.send(new DescribeActivityCommand({ activityArn: ACT(name) }));
    expect(described).toMatchObject({ name, encryptionConfiguration: { type: 'AWS_OWNED_KEY' } });
    const list = await sfn.send(new ListActivitiesCommand({}));
    expect(list.activities?.some((a) => a.activityArn === ACT(name))).toBe(true);

    const empty = await sfn.send(new GetActivityTaskCommand({ activityArn: ACT(name), workerName: 'w' }));
    expect(empty.taskToken).toBeUndefined();

    const sm = await createSm(
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: ACT(name), End: true } } }),
    );
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: '{"job":1}' }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn: ACT(name), workerName: 'w' }));
    expect(task.input).toBe('{"job":1}');
    expect(task.taskToken).toBeTruthy();
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    const badOutput = await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{' })));
    expect(badOutput.name).toBe('InvalidOutput');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":true}' }));
    expect(await waitDone(run.executionArn!)).toBe('SUCCEEDED');
    const late = await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' })));
    expect(late).toMatchObject({
      name: 'TaskTimedOut',
      message: "Task Timed Out: 'Provided task does not exist anymore'",
    });

    await sfn.send(new DeleteActivityCommand({ activityArn: ACT(name) }));
    const gone = await errorOf(sfn.send(new DescribeActivityCommand({ activityArn: ACT(name) })));
    expect(gone.name).toBe('ActivityDoesNotExist');
  });

  it('fails an activity task through SendTaskFailure', async () => {
    const name = unique('act');
    await sfn.send(new CreateActivityCommand({ name }));
    const sm = await createSm(
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: ACT(name), End: true } } }),
    );
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn: ACT(name) }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'WorkerError', cause: 'it broke' }));
    expect(await waitDone(run.executionArn!)).toBe('FAILED');
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
    expect(d.error).toBe('WorkerError');
  });
});

describe('tags', () => {
  it('tags, lists and untags state machines; refuses versions and too many tags', async () => {
    const arn = await createSm(PASS, { tags: [{ key: 'a', value: '1' }], publish: true });
    await sfn.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'b', value: '2' },
          { key: 'a', value: '3' },
        ],
      }),
    );
    const tags = await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toEqual([
      { key: 'a', value: '3' },
      { key: 'b', value: '2' },
    ]);
    await sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a', 'zzz'] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'b', value: '2' },
    ]);
    const version = await errorOf(sfn.send(new TagResourceCommand({ resourceArn: `${arn}:1`, tags: [] })));
    expect(version).toMatchObject({ name: 'ResourceNotFound', message: `Resource not found: '${arn}:1'` });
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const tooMany = await errorOf(sfn.send(new TagResourceCommand({ resourceArn: arn, tags: many })));
    expect(tooMany.name).toBe('TooManyTags');
  });
});

describe('map runs', () => {
  it('describes, lists and refuses to update a finished map run', async () => {
    const definition = JSON.stringify({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'I',
            States: { I: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    });
    const arn = await createSm(definition);
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '[1,2,3]' }));
    await waitDone(run.executionArn!);
    const runs = await sfn.send(new ListMapRunsCommand({ executionArn: run.executionArn }));
    const mapRunArn = runs.mapRuns?.[0]?.mapRunArn;
    expect(mapRunArn).toMatch(/:mapRun:/);
    if (!mapRunArn) return;
    const d = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(d.executionArn).toBe(run.executionArn);
    const err = await errorOf(sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 2 })));
    expect(err.name).toBe('ValidationException');
  });
});

describe('TestState and ValidateStateMachineDefinition', () => {
  it('runs one state', async () => {
    const out = await sfn.send(
      new TestStateCommand({
        definition: '{"Type":"Pass","Result":{"r":1},"ResultPath":"$.res","Next":"After"}',
        input: '{"in":true}',
        inspectionLevel: 'DEBUG',
      }),
    );
    expect(out).toMatchObject({ status: 'SUCCEEDED', nextState: 'After' });
    expect(JSON.parse(out.output!)).toEqual({ in: true, res: { r: 1 } });
    expect(out.inspectionData?.input).toBe('{"in":true}');
  });

  it('runs a mocked Task with Catch', async () => {
    const out = await sfn.send(
      new TestStateCommand({
        definition: JSON.stringify({
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'f' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }],
          End: true,
        }),
        mock: { errorOutput: { error: 'Oops', cause: 'mocked' } },
      }),
    );
    expect(out).toMatchObject({ status: 'CAUGHT_ERROR', error: 'Oops', cause: 'mocked', nextState: 'Handler' });
  });

  it('validates definitions', async () => {
    const ok = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: PASS }));
    expect(ok).toEqual(expect.objectContaining({ result: 'OK', diagnostics: [], truncated: false }));
    const bad = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: '{}', type: 'STANDARD' }));
    expect(bad.result).toBe('FAIL');
    expect(bad.diagnostics?.[0]).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', severity: 'ERROR', location: '/' });
  });
});
