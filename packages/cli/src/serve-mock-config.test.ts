/**
 * "A definition written for AWS Step Functions Local with its mock file runs unchanged": `statecraft serve`
 * started as a child process the way Step Functions Local is started (`SFN_MOCK_CONFIG`, `SQS_ENDPOINT`,
 * `WAIT_TIME_SCALE`), the AWS documentation's `LambdaSQSIntegration` state machine and mock configuration
 * file (test cases `HappyPath`, `RetryPath`, `HybridPath`), driven by the unmodified SFN client.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-test-sm-exec.html
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The state machine of the AWS documentation's mocked-service-integration walkthrough. */
const definition = {
  Comment: 'This state machine is called: LambdaSQSIntegration',
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'Payload.$': '$', FunctionName: 'HelloWorldFunction' },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Next: 'SQSState',
    },
    SQSState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/myQueue', 'MessageBody.$': '$' },
      End: true,
    },
  },
};

const lambdaSuccess = { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } };
const sqsSuccess = {
  MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51',
  MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51',
};

/** The documentation's MockConfigFile.json (an unused response included, as there). */
const mockConfigFile = {
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
    MockedLambdaSuccess: { '0': { Return: lambdaSuccess } },
    LambdaMockedResourceNotReady: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
    },
    MockedSQSSuccess: { '0': { Return: sqsSuccess } },
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: lambdaSuccess },
    },
  },
};

/** A stand-in for the SQS endpoint a HybridPath execution reaches (awsJson 1.0 `AmazonSQS.SendMessage`). */
interface SqsRequest {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

function startFakeSqs(requests: SqsRequest[]): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      const out = JSON.stringify({
        MD5OfMessageBody: createHash('md5')
          .update(String(body.MessageBody ?? ''))
          .digest('hex'),
        MessageId: randomUUID(),
      });
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'fake-sqs-request-1',
        'content-length': Buffer.byteLength(out),
      });
      res.end(out);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `statecraft serve` from the repository root; resolves with its URL at the "Statecraft listening" line. */
function startServe(
  env: Record<string, string>,
  port: number,
): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const k of Object.keys(childEnv)) {
    // A developer's own settings must not leak into the run (storage, account, endpoints).
    if (k.startsWith('STATECRAFT_') || (k.endsWith('_ENDPOINT') && !(k in env))) delete childEnv[k];
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@statecraft/source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'serve', '--port', String(port)],
    { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const log = () => `stdout:\n${out}\nstderr:\n${err}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`statecraft serve did not start in time\n${log()}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /Statecraft listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, log });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`statecraft serve exited with ${code}\n${log()}`));
    });
  });
}

const types = (events: HistoryEvent[]) => events.map((e) => e.type);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('statecraft serve with a Step Functions Local mock configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'statecraft-mock-'));
  const mockFile = join(dir, 'MockConfigFile.json');
  const sqsRequests: SqsRequest[] = [];
  let sqs: Server;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let sfn: SFNClient;
  let stateMachineArn: string;

  beforeAll(async () => {
    writeFileSync(mockFile, JSON.stringify(mockConfigFile, null, 2));
    sqs = await startFakeSqs(sqsRequests);
    const sqsUrl = `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`;
    serve = await startServe(
      {
        SFN_MOCK_CONFIG: mockFile,
        SQS_ENDPOINT: sqsUrl,
        // Step Functions Local's wait scale: 0 = retry back-off without waiting (timestamps still advance).
        WAIT_TIME_SCALE: '0',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      await freePort(),
    );
    sfn = new SFNClient({
      endpoint: serve.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'LambdaSQSIntegration',
        definition: JSON.stringify(definition, null, 2),
        roleArn: 'arn:aws:iam::123456789012:role/DummyRole',
      }),
    );
    stateMachineArn = created.stateMachineArn!;
  }, 90_000);

  afterAll(async () => {
    sfn?.destroy();
    if (serve && serve.child.exitCode === null) {
      const exited = new Promise((r) => serve.child.once('exit', r));
      serve.child.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => (sqs ? sqs.close(r) : r(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (suffix: string, input: unknown) => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}${suffix}`, input: JSON.stringify(input) }),
    );
    let done: DescribeExecutionCommandOutput | undefined;
    for (let i = 0; i < 1000; i++) {
      done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (done.status !== 'RUNNING') break;
      await sleep(10);
    }
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    return { executionArn: executionArn!, done: done!, events };
  };

  it('loads the file from SFN_MOCK_CONFIG and serves the default account and region', () => {
    expect(serve.log()).not.toContain('Failed to load');
    expect(serve.log()).not.toContain('Failed to read');
    expect(stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration');
  });

  it('HappyPath: both states answered by their mocks', async () => {
    const input = { message: 'hello' };
    const { executionArn, done, events } = await run('#HappyPath', input);
    expect(executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:LambdaSQSIntegration:[^#]+$/);
    expect(done.stateMachineArn).toBe(stateMachineArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual(sqsSuccess);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The real parameters are recorded; the mocked Return is the raw result and flows on unchanged.
    expect(events[2]!.taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ Payload: input, FunctionName: 'HelloWorldFunction' }),
    });
    expect(events[4]!.taskSucceededEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      output: JSON.stringify(lambdaSuccess),
      outputDetails: { truncated: false },
    });
    expect(events[7]!.taskScheduledEventDetails).toEqual({
      resourceType: 'sqs',
      resource: 'sendMessage',
      region: 'us-east-1',
      parameters: JSON.stringify({
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/myQueue',
        MessageBody: lambdaSuccess,
      }),
    });
    expect(events[9]!.taskSucceededEventDetails).toEqual({
      resourceType: 'sqs',
      resource: 'sendMessage',
      output: JSON.stringify(sqsSuccess),
      outputDetails: { truncated: false },
    });
  });

  it('RetryPath: each retry attempt consumes the next mocked response', async () => {
    const { done, events } = await run('#RetryPath', { message: 'retry' });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual(sqsSuccess);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
    expect(failures).toEqual([
      {
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'Lambda.ResourceNotReadyException',
        cause: 'Lambda resource is not ready.',
      },
      { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' },
      { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' },
    ]);
    // A retry's TaskScheduled follows the failed attempt (no re-entry); back-off 2 s, 4 s, 8 s on the
    // execution's clock, though WAIT_TIME_SCALE=0 spent no real time on it.
    for (const i of [5, 8, 11]) expect(events[i]!.previousEventId).toBe(i);
    const gap = (i: number) => events[i]!.timestamp!.getTime() - events[i - 1]!.timestamp!.getTime();
    expect([gap(5), gap(8), gap(11)].map((ms) => Math.round(ms / 1000))).toEqual([2, 4, 8]);
    expect(JSON.parse(events[13]!.taskSucceededEventDetails!.output!)).toEqual(lambdaSuccess);
  });

  it('HybridPath: the unmocked SQS state calls SQS_ENDPOINT', async () => {
    sqsRequests.length = 0;
    const { done, events } = await run('#HybridPath', { message: 'hybrid' });
    expect(done.status).toBe('SUCCEEDED');
    expect(sqsRequests).toHaveLength(1);
    const req = sqsRequests[0]!;
    expect(req.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/sqs\/aws4_request/);
    // The optimised integration sends a JSON MessageBody as text.
    expect(req.body).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/myQueue',
      MessageBody: JSON.stringify(lambdaSuccess),
    });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(JSON.parse(events[4]!.taskSucceededEventDetails!.output!)).toEqual(lambdaSuccess);
    const sent = JSON.parse(events[9]!.taskSucceededEventDetails!.output!);
    expect(sent).toMatchObject({
      MD5OfMessageBody: createHash('md5').update(JSON.stringify(lambdaSuccess)).digest('hex'),
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: 'fake-sqs-request-1' },
    });
    expect(JSON.parse(done.output!)).toEqual(sent);
  });

  it('without a test case, calls the real integrations (no Lambda configured: ResourceNotFoundException after the retries)', async () => {
    const { done, events } = await run('', { message: 'real' });
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Lambda.ResourceNotFoundException');
    expect(done.cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:HelloWorldFunction:\$LATEST /,
    );
    expect(types(events).filter((t) => t === 'TaskFailed')).toHaveLength(4);
    expect(types(events).at(-1)).toBe('ExecutionFailed');
  });
});
