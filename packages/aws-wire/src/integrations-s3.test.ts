/**
 * The S3 integration end to end through the unmodified SFN client: `aws-sdk:s3:*` Task states against a
 * fake S3-compatible server (`serviceEndpoints.s3`), in process and over HTTP — the SDK output shape,
 * S3 errors caught by name, and a put-then-get round trip.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeS3, startFakeS3 } from '../../integrations/src/testing/fixtures/fake-s3.js';
import { eventTypes, sdkTargets, sleep } from './test-support/sdk-targets.js';

const role = 'arn:aws:iam::111111111111:role/statecraft-role';

let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3({ pageSize: 2 });
  s3.put('data', 'greeting.json', '{"hello":"world"}', 'application/json');
});
afterAll(() => s3.close());

describe.each(sdkTargets)('S3 integration ($name)', (target) => {
  let sfn: SFNClient;
  let teardown: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ sfn, teardown } = await target.setup({ accountId: '111111111111', serviceEndpoints: { s3: s3.url } }));
  });
  afterAll(() => teardown());

  const run = async (definition: object, input: unknown = {}) => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: `s3-${++n}`, definition: JSON.stringify(definition), roleArn: role }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    let done: DescribeExecutionCommandOutput | undefined;
    for (let i = 0; i < 500; i++) {
      done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (done.status !== 'RUNNING') break;
      await sleep(10);
    }
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    return { done: done!, events };
  };

  it('runs aws-sdk:s3:getObject against the configured endpoint', async () => {
    const { done, events } = await run(
      {
        StartAt: 'Get',
        States: {
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
            Parameters: { Bucket: 'data', 'Key.$': '$.key' },
            ResultSelector: {
              'Doc.$': 'States.StringToJson($.Body)',
              'ContentType.$': '$.ContentType',
              'ContentLength.$': '$.ContentLength',
              'ETag.$': '$.ETag',
              'LastModified.$': '$.LastModified',
            },
            End: true,
          },
        },
      },
      { key: 'greeting.json' },
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      Doc: { hello: 'world' },
      ContentType: 'application/json',
      ContentLength: 17,
      ETag: s3.buckets.get('data')!.get('greeting.json')!.etag,
      LastModified: '2025-01-02T03:04:05.000Z',
    });
    expect(eventTypes(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'aws-sdk:s3', resource: 'getObject' });
    const req = s3.requests.find((r) => r.url === '/data/greeting.json')!;
    expect(req.signatureValid).toBe(true);
  });

  it('fails with S3.NoSuchKeyException, which a Catch can name', async () => {
    const { done, events } = await run({
      StartAt: 'Get',
      States: {
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Parameters: { Bucket: 'data', Key: 'missing.json' },
          Catch: [{ ErrorEquals: ['S3.NoSuchKeyException'], ResultPath: '$.error', Next: 'Missing' }],
          End: true,
        },
        Missing: { Type: 'Pass', End: true },
      },
    });
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!);
    expect(out.error.Error).toBe('S3.NoSuchKeyException');
    expect(out.error.Cause).toMatch(/^The specified key does not exist\. \(Service: S3, Status Code: 404, /);
    const failed = events.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails!;
    expect(failed).toMatchObject({ error: 'S3.NoSuchKeyException', resourceType: 'aws-sdk:s3', resource: 'getObject' });
  });

  it('puts an object and reads it back', async () => {
    const key = `out/${target.name.replace(/\W/g, '-')}.json`;
    const { done } = await run(
      {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
            Parameters: { Bucket: 'data', 'Key.$': '$.key', 'Body.$': 'States.JsonToString($.payload)' },
            ResultPath: '$.put',
            Next: 'List',
          },
          List: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:listObjectsV2',
            Parameters: { Bucket: 'data', Prefix: 'out/' },
            ResultSelector: { 'Keys.$': '$.Contents[*].Key' },
            ResultPath: '$.list',
            Next: 'Get',
          },
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
            Parameters: { Bucket: 'data', 'Key.$': '$.key' },
            ResultSelector: { 'Body.$': '$.Body', 'ETag.$': '$.ETag' },
            ResultPath: '$.got',
            End: true,
          },
        },
      },
      { key, payload: { n: 1 } },
    );
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!);
    expect(s3.buckets.get('data')!.get(key)!.body).toBe('{"n":1}');
    expect(out.got).toEqual({ Body: '{"n":1}', ETag: out.put.ETag });
    expect(out.list.Keys).toContain(key);
  });
});
