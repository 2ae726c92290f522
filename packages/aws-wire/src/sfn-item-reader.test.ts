/**
 * Map `ItemReader` and `ResultWriter` end to end through the unmodified `@aws-sdk/client-sfn`, in process,
 * with a tiny in-memory S3 registered as a task invoker. The interpreter asks for `s3:getObject`,
 * `s3:listObjectsV2` and `s3:putObject` through `InvokeTask`; the invoker answers with the contract the
 * S3 integration implements (getObject → the body as a string; listObjectsV2 → `{Contents: […]}`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft, type Statecraft } from './statecraft.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/statecraft-role`;

let sc: Statecraft;
let sfn: SFNClient;
let uid = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++uid}`;

/** The in-memory S3: bucket → key → body. */
const s3 = new Map<string, Map<string, string>>();
const bucket = (name: string) => {
  let b = s3.get(name);
  if (!b) {
    b = new Map();
    s3.set(name, b);
  }
  return b;
};

beforeAll(() => {
  bucket('in').set('rows.csv', 'id,name\n1,"Smith, Ann"\n2,Bo\n3,Cy\n');
  bucket('in').set('items.json', JSON.stringify([{ n: 1 }, { n: 2 }]));
  bucket('in').set('logs/a.txt', 'a');
  bucket('in').set('logs/b.txt', 'bb');
  sc = createStatecraft({
    accountId: ACCOUNT,
    region: REGION,
    invokers: [
      {
        name: 's3',
        matches: (r) => r.startsWith('arn:aws:states:::s3:'),
        invoke: async (call) => {
          const p = call.parameters as { Bucket: string; Key?: string; Prefix?: string; Body?: string };
          const action = call.resource.slice(call.resource.lastIndexOf(':') + 1);
          if (action === 'getObject') {
            const body = s3.get(p.Bucket)?.get(p.Key!);
            if (body === undefined)
              return { type: 'failed', error: 'S3.NoSuchKey', cause: 'The specified key does not exist.' };
            return { type: 'succeeded', output: body };
          }
          if (action === 'listObjectsV2') {
            const keys = [...(s3.get(p.Bucket)?.keys() ?? [])].filter((k) => k.startsWith(p.Prefix ?? '')).sort();
            return {
              type: 'succeeded',
              output: {
                Contents: keys.map((Key) => ({
                  Key,
                  Size: s3.get(p.Bucket)!.get(Key)!.length,
                  ETag: '"etag"',
                  LastModified: '2024-01-01T00:00:00.000Z',
                  StorageClass: 'STANDARD',
                })),
              },
            };
          }
          if (action === 'putObject') {
            bucket(p.Bucket).set(p.Key!, p.Body!);
            return { type: 'succeeded', output: { ETag: '"etag"' } };
          }
          return { type: 'failed', error: 'S3.Unsupported', cause: action };
        },
      },
    ],
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

async function execute(definition: unknown, input: unknown = {}) {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: unique('sm'), definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  for (let i = 0; i < 500; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') {
      const events: HistoryEvent[] = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
      return { ...d, events, types: events.map((e) => e.type) };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('execution did not finish');
}

const processor = (distributed: boolean) => ({
  ...(distributed ? { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } : {}),
  StartAt: 'Echo',
  States: { Echo: { Type: 'Pass', End: true } },
});

describe('Map ItemReader / ResultWriter through the SDK', () => {
  it('distributed: reads a CSV object and writes the results to S3', async () => {
    const out = await execute(
      {
        StartAt: 'Rows',
        States: {
          Rows: {
            Type: 'Map',
            ItemReader: {
              Resource: 'arn:aws:states:::s3:getObject',
              ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 2 },
              Parameters: { 'Bucket.$': '$.bucket', Key: 'rows.csv' },
            },
            ItemProcessor: processor(true),
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Parameters: { Bucket: 'out', Prefix: 'runs' },
            },
            End: true,
          },
        },
      },
      { bucket: 'in' },
    );
    expect(out.status).toBe('SUCCEEDED');
    expect(out.types).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    const output = JSON.parse(out.output!);
    expect(output.MapRunArn).toMatch(/:mapRun:/);
    const runId = output.MapRunArn.slice(output.MapRunArn.lastIndexOf(':') + 1);
    expect(output.ResultWriterDetails).toEqual({ Bucket: 'out', Key: `runs/${runId}/manifest.json` });
    const manifest = JSON.parse(bucket('out').get(`runs/${runId}/manifest.json`)!);
    expect(manifest.ResultFiles.SUCCEEDED).toEqual([
      { Key: `runs/${runId}/SUCCEEDED_0.json`, Size: expect.any(Number) },
    ]);
    const records = JSON.parse(bucket('out').get(`runs/${runId}/SUCCEEDED_0.json`)!);
    expect(records.map((r: { Output: string }) => JSON.parse(r.Output))).toEqual([
      { id: '1', name: 'Smith, Ann' },
      { id: '2', name: 'Bo' },
    ]);
  });

  it('inline: lists objects (JSONata) and keeps flattened results with only a WriterConfig', async () => {
    const out = await execute({
      QueryLanguage: 'JSONata',
      StartAt: 'Objects',
      States: {
        Objects: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:listObjectsV2',
            Arguments: { Bucket: 'in', Prefix: 'logs/' },
          },
          ItemProcessor: {
            StartAt: 'Key',
            States: { Key: { Type: 'Pass', Output: '{% [$states.input.Key, $states.input.Size] %}', End: true } },
          },
          ResultWriter: { WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSON' } },
          End: true,
        },
      },
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(JSON.parse(out.output!)).toEqual(['logs/a.txt', 1, 'logs/b.txt', 2]);
    expect(out.types.slice(0, 4)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
    ]);
  });

  it('inline: reads JSON and writes JSON results under a prefix', async () => {
    const out = await execute({
      StartAt: 'Items',
      States: {
        Items: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON' },
            Parameters: { Bucket: 'in', Key: 'items.json' },
          },
          ItemProcessor: processor(false),
          ResultWriter: {
            Resource: 'arn:aws:states:::s3:putObject',
            Parameters: { Bucket: 'out', Prefix: 'inline/' },
            WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSON' },
          },
          End: true,
        },
      },
    });
    expect(out.status).toBe('SUCCEEDED');
    const { Key } = JSON.parse(out.output!).ResultWriterDetails;
    expect(Key).toMatch(/^inline\/[^/]+\/manifest\.json$/);
    const manifest = JSON.parse(bucket('out').get(Key)!);
    expect(JSON.parse(bucket('out').get(manifest.ResultFiles.SUCCEEDED[0].Key)!)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a missing object fails the Map with States.ItemReaderFailed', async () => {
    const out = await execute({
      StartAt: 'Items',
      States: {
        Items: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON' },
            Parameters: { Bucket: 'in', Key: 'missing.json' },
          },
          ItemProcessor: processor(true),
          End: true,
        },
      },
    });
    expect(out).toMatchObject({
      status: 'FAILED',
      error: 'States.ItemReaderFailed',
      cause: 'The specified key does not exist.',
    });
  });
});
