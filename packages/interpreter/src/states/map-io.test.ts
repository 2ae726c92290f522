/**
 * Map ItemReader / ResultWriter through the invoker seam, and payload limits: the step function is fed
 * timestamped inputs (Start, then TaskSucceeded/TaskFailed for the S3 calls it asks for) and the tests
 * assert its commands and events.
 */
import type { HistoryEvent } from '@statecraft/history';
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../compile.js';
import { step } from '../step.js';
import type { Command, ExecutionInput, ExecutionSnapshot } from '../types.js';
import { parseCsv } from './map-io.js';

const T0 = 1_700_000_000_000;
const execution = {
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:sm:ex',
  executionName: 'ex',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::111111111111:role/r',
  startTime: T0,
  redriveCount: 0,
  region: 'us-east-1',
  accountId: '111111111111',
};

type Invoke = Extract<Command, { type: 'InvokeTask' }>;
/** Answers an S3 call: a result value (sent as JSON text) or a failure. */
type Answer = (call: Invoke) => { output: unknown } | { error: string; cause?: string };

/** Runs an execution to completion, answering every InvokeTask with `answer`. */
async function run(definition: unknown, input: unknown, answer: Answer) {
  const machine = compileMachine(definition);
  let snap: ExecutionSnapshot | undefined;
  const events: HistoryEvent[] = [];
  const calls: Invoke[] = [];
  const queue: ExecutionInput[] = [{ type: 'Start', at: T0, input: JSON.stringify(input), execution, seed: 7 }];
  let at = T0;
  for (let guard = 0; guard < 200 && queue.length > 0; guard++) {
    const r = await step(machine, snap, queue.shift()!);
    snap = JSON.parse(JSON.stringify(r.snapshot));
    events.push(...r.events);
    for (const c of r.commands) {
      at += 1;
      if (c.type === 'Continue') queue.push({ type: 'Continue', at });
      if (c.type !== 'InvokeTask') continue;
      calls.push(c);
      const a = answer(c);
      queue.push(
        'output' in a
          ? { type: 'TaskSucceeded', at, taskId: c.taskId, output: JSON.stringify(a.output) }
          : { type: 'TaskFailed', at, taskId: c.taskId, error: a.error, cause: a.cause },
      );
    }
  }
  return { snapshot: snap!, events, calls, types: events.map((e) => e.type) };
}

const details = (e: HistoryEvent | undefined) =>
  e ? (Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] as Record<string, unknown>) : undefined;

function mapState(extra: Record<string, unknown>, distributed = false) {
  return {
    Type: 'Map',
    ItemProcessor: {
      ...(distributed ? { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } : {}),
      StartAt: 'P',
      States: { P: { Type: 'Pass', End: true } },
    },
    End: true,
    ...extra,
  };
}

const sm = (map: unknown) => ({ StartAt: 'M', States: { M: map } });

const csvReader = (config: Record<string, unknown>) => ({
  ItemReader: {
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: { InputType: 'CSV', ...config },
    Parameters: { 'Bucket.$': '$.bucket', Key: 'data.csv' },
  },
});

describe('ItemReader', () => {
  it('reads a CSV object (header in the first row) through an s3:getObject InvokeTask', async () => {
    const r = await run(sm(mapState(csvReader({ CSVHeaderLocation: 'FIRST_ROW' }))), { bucket: 'b' }, () => ({
      output: 'a,b\n1,"x,y"\r\n2,3\n',
    }));
    expect(r.calls[0]).toMatchObject({
      type: 'InvokeTask',
      resource: 'arn:aws:states:::s3:getObject',
      parameters: { Bucket: 'b', Key: 'data.csv' },
      stateName: 'M',
    });
    expect(r.snapshot.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.snapshot.output!)).toEqual([
      { a: '1', b: 'x,y' },
      { a: '2', b: '3' },
    ]);
    expect(details(r.events.find((e) => e.type === 'MapStateStarted'))).toEqual({ length: 0 });
    expect(r.types).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('applies given headers, a delimiter and MaxItems', async () => {
    const def = sm(
      mapState(csvReader({ CSVHeaderLocation: 'GIVEN', CSVHeaders: ['x', 'y'], CSVDelimiter: 'PIPE', MaxItems: 2 })),
    );
    const r = await run(def, { bucket: 'b' }, () => ({ output: '1|2\n3|4\n5|6\n' }));
    expect(JSON.parse(r.snapshot.output!)).toEqual([
      { x: '1', y: '2' },
      { x: '3', y: '4' },
    ]);
  });

  it('fails with States.ItemReaderFailed on duplicate CSV headers', async () => {
    const r = await run(sm(mapState(csvReader({ CSVHeaderLocation: 'FIRST_ROW' }))), { bucket: 'b' }, () => ({
      output: 'a,a\n1,2\n',
    }));
    expect(r.snapshot).toMatchObject({
      status: 'FAILED',
      error: 'States.ItemReaderFailed',
      cause: 'CSV headers cannot contain duplicates.',
    });
    expect(r.types.slice(-4)).toEqual(['MapStateEntered', 'MapStateStarted', 'MapStateFailed', 'ExecutionFailed']);
  });

  it('reads JSON and JSONL (JSONata Arguments, MaxItems expression)', async () => {
    const reader = (type: string) => ({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          ...mapState({}),
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input.v %}', End: true } } },
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: type, MaxItems: '{% $states.input.max %}' },
            Arguments: { Bucket: '{% $states.input.bucket %}', Key: 'k' },
          },
        },
      },
    });
    const json = await run(reader('JSON'), { bucket: 'j', max: 0 }, (c) => {
      expect(c.parameters).toEqual({ Bucket: 'j', Key: 'k' });
      return { output: JSON.stringify([{ v: 1 }, { v: 2 }, { v: 3 }]) };
    });
    expect(JSON.parse(json.snapshot.output!)).toEqual([1, 2, 3]);
    const jsonl = await run(reader('JSONL'), { bucket: 'j', max: 2 }, () => ({
      output: '{"v":1}\n\n{"v":2}\n{"v":3}\n',
    }));
    expect(JSON.parse(jsonl.snapshot.output!)).toEqual([1, 2]);
  });

  it('fails on a JSON object that is not an array, and on a negative MaxItemsPath', async () => {
    const def = (cfg: Record<string, unknown>) =>
      sm(
        mapState({
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON', ...cfg },
            Parameters: { Bucket: 'b', Key: 'k' },
          },
        }),
      );
    const notArray = await run(def({}), {}, () => ({ output: '{"a":1}' }));
    expect(notArray.snapshot).toMatchObject({
      error: 'States.ItemReaderFailed',
      cause: 'Attempting to map over non-iterable node.',
    });
    const negative = await run(def({ MaxItemsPath: '$.max' }), { max: -1 }, () => ({ output: '[]' }));
    expect(negative.snapshot).toMatchObject({
      error: 'States.ItemReaderFailed',
      cause: 'field MaxItems must be positive',
    });
    expect(negative.calls).toHaveLength(0);
  });

  it('lists objects with s3:listObjectsV2 (distributed; Map Run events)', async () => {
    const contents = [
      { Key: 'a.txt', Size: 1, ETag: '"e1"', LastModified: '2024-01-01T00:00:00Z', StorageClass: 'STANDARD' },
      { Key: 'b.txt', Size: 2, ETag: '"e2"', LastModified: '2024-01-01T00:00:00Z', StorageClass: 'STANDARD' },
    ];
    const def = sm(
      mapState(
        {
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b', Prefix: 'p/' } },
          ItemSelector: { 'key.$': '$$.Map.Item.Value.Key' },
        },
        true,
      ),
    );
    const r = await run(def, {}, (c) => {
      expect(c.resource).toBe('arn:aws:states:::s3:listObjectsV2');
      return { output: { Contents: contents } };
    });
    expect(JSON.parse(r.snapshot.output!)).toEqual([{ key: 'a.txt' }, { key: 'b.txt' }]);
    expect(r.types).toEqual([
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

  it('turns a failed S3 call into States.ItemReaderFailed, caught by a Catcher (distributed)', async () => {
    const def = {
      StartAt: 'M',
      States: {
        M: {
          ...mapState(
            { ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } } },
            true,
          ),
          End: undefined,
          Next: 'Done',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
        },
        Done: { Type: 'Succeed' },
      },
    };
    const r = await run(def, {}, () => ({ error: 'S3.NoSuchKey', cause: 'The specified key does not exist.' }));
    expect(r.types).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunFailed',
      'MapStateFailed',
      'MapStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(details(r.events[4])).toEqual({
      error: 'States.ItemReaderFailed',
      cause: 'The specified key does not exist.',
    });
    expect(JSON.parse(r.snapshot.output!)).toEqual({
      Error: 'States.ItemReaderFailed',
      Cause: 'The specified key does not exist.',
    });
  });

  it('fails clearly on InputType MANIFEST', async () => {
    const def = sm(
      mapState({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'MANIFEST' },
          Parameters: { Bucket: 'b', Key: 'manifest.json' },
        },
      }),
    );
    const r = await run(def, {}, () => ({ output: '{"files":[]}' }));
    expect(r.snapshot.error).toBe('States.ItemReaderFailed');
    expect(r.snapshot.cause).toMatch(/MANIFEST/);
  });
});

describe('ResultWriter', () => {
  const writer = (extra: Record<string, unknown> = {}) => ({
    ResultWriter: {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { 'Bucket.$': '$.out', Prefix: 'results' },
      ...extra,
    },
  });

  it('writes SUCCEEDED_0.json and manifest.json, and returns the manifest location (distributed)', async () => {
    const puts: Record<string, string> = {};
    const r = await run(
      sm(mapState({ ItemsPath: '$.items', ...writer() }, true)),
      { items: [1, 2], out: 'ob' },
      (c) => {
        expect(c.resource).toBe('arn:aws:states:::s3:putObject');
        const p = c.parameters as { Bucket: string; Key: string; Body: string };
        expect(p.Bucket).toBe('ob');
        expect(typeof p.Body).toBe('string');
        puts[p.Key] = p.Body;
        return { output: { ETag: '"x"' } };
      },
    );
    expect(r.snapshot.status).toBe('SUCCEEDED');
    const out = JSON.parse(r.snapshot.output!);
    const runId = out.MapRunArn.slice(out.MapRunArn.lastIndexOf(':') + 1);
    expect(out).toEqual({
      MapRunArn: expect.stringMatching(/^arn:aws:states:us-east-1:111111111111:mapRun:sm\/M:/),
      ResultWriterDetails: { Bucket: 'ob', Key: `results/${runId}/manifest.json` },
    });
    expect(Object.keys(puts)).toEqual([`results/${runId}/SUCCEEDED_0.json`, `results/${runId}/manifest.json`]);
    const records = JSON.parse(puts[`results/${runId}/SUCCEEDED_0.json`]!);
    expect(
      records.map((x: { Input: string; Output: string; Status: string }) => [x.Input, x.Output, x.Status]),
    ).toEqual([
      ['1', '1', 'SUCCEEDED'],
      ['2', '2', 'SUCCEEDED'],
    ]);
    expect(JSON.parse(puts[`results/${runId}/manifest.json`]!)).toEqual({
      DestinationBucket: 'ob',
      MapRunArn: out.MapRunArn,
      ResultFiles: {
        FAILED: [],
        PENDING: [],
        SUCCEEDED: [
          { Key: `results/${runId}/SUCCEEDED_0.json`, Size: puts[`results/${runId}/SUCCEEDED_0.json`]!.length },
        ],
      },
    });
    expect(r.types).toEqual([
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

  it('writes JSONL with Transformation COMPACT/FLATTEN (inline)', async () => {
    const puts: Record<string, string> = {};
    const def = sm({
      ...mapState({
        ItemsPath: '$.items',
        ...writer({ WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' } }),
      }),
    });
    const r = await run(def, { items: [[1, 2], [3]], out: 'ob' }, (c) => {
      const p = c.parameters as { Key: string; Body: string };
      puts[p.Key.replace(/\/[^/]+\//, '/ID/')] = p.Body;
      return { output: {} };
    });
    expect(puts['results/ID/SUCCEEDED_0.jsonl']).toBe('1\n2\n3');
    expect(JSON.parse(r.snapshot.output!).ResultWriterDetails.Key).toMatch(/^results\/.+\/manifest\.json$/);
  });

  it('keeps the results in the state output with only a WriterConfig', async () => {
    const def = sm(mapState({ ResultWriter: { WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSON' } } }));
    const r = await run(def, [[1], [2, 3]], () => ({ output: {} }));
    expect(r.calls).toHaveLength(0);
    expect(JSON.parse(r.snapshot.output!)).toEqual([1, 2, 3]);
  });

  it('fails with States.ResultWriterFailed when the put fails', async () => {
    const r = await run(sm(mapState({ ItemsPath: '$.items', ...writer() }, true)), { items: [1], out: 'ob' }, () => ({
      error: 'S3.AccessDenied',
      cause: 'denied',
    }));
    expect(r.snapshot).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed', cause: 'denied' });
    expect(r.types.slice(-4)).toEqual(['MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
  });
});

describe('payload limits (262,144 bytes)', () => {
  const big = 'x'.repeat(262_144);

  it('fails a state whose output exceeds the limit, not caught by States.ALL', async () => {
    const def = {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Parameters: { 'v.$': '$.s' }, Next: 'Q' },
        Q: { Type: 'Pass', End: true },
      },
    };
    const r = await run(def, { s: big }, () => ({ output: {} }));
    expect(r.snapshot).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
    expect(r.types).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
  });

  it('counts UTF-8 bytes; States.ALL and an explicit catcher both catch it (AWS-recorded, ASL.md §7)', async () => {
    const def = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    };
    // each item is 3 bytes of UTF-8 per character: the items fit alone, the result does not
    const item = '€'.repeat(30_000);
    const uncaught = await run(
      { ...def, States: { ...def.States, M: { ...def.States.M, Catch: [] } } },
      [item, item, item],
      () => ({
        output: {},
      }),
    );
    expect(uncaught.snapshot).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    // 30,000 characters of '€' fit in 262,144 characters but not in 262,144 bytes: the limit counts bytes.
    const r = await run(def, [item, item, item], () => ({ output: {} }));
    expect(r.snapshot.status).toBe('SUCCEEDED');
    const explicit = await run(
      {
        ...def,
        States: {
          ...def.States,
          M: { ...def.States.M, Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'Caught' }] },
        },
      },
      [item, item, item],
      () => ({ output: {} }),
    );
    expect(explicit.snapshot.status).toBe('SUCCEEDED');
  });
});

describe('parseCsv', () => {
  it.each([
    [
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      '"a ""q""",b\n"multi\nline",',
      [
        ['a "q"', 'b'],
        ['multi\nline', ''],
      ],
    ],
    ['a\n\nb\n', [['a'], ['b']]],
  ])('%j', (text, rows) => {
    expect(parseCsv(text, ',')).toEqual(rows);
  });
});

describe('StopExecution while a Map reads its items', () => {
  it('aborts the Map Run and the Map state (distributed)', async () => {
    const machine = compileMachine(
      sm(
        mapState(
          { ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } } },
          true,
        ),
      ),
    );
    const started = await step(machine, undefined, { type: 'Start', at: T0, input: '{}', execution, seed: 1 });
    expect(started.commands.map((c) => c.type)).toEqual(['InvokeTask']);
    const stopped = await step(machine, started.snapshot, { type: 'Stop', at: T0 + 1 });
    expect(stopped.events.map((e) => e.type)).toEqual(['MapRunAborted', 'MapStateAborted', 'ExecutionAborted']);
    expect(stopped.commands).toContainEqual({ type: 'CancelTask', taskId: (started.commands[0] as Invoke).taskId });
  });
});
