import { describe, expect, it } from 'vitest';
import { compileMachine } from './compile.js';
import { readChildExecutionArns } from './state.js';
import { step } from './step.js';
import type { ChildExecution, ExecutionInput } from './types.js';

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
const start = (input: string): ExecutionInput => ({ type: 'Start', at: T0, input, execution, seed: 7 });

const mapOf = (states: Record<string, unknown>, startAt: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      Label: 'L',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: startAt,
        States: states,
      },
      End: true,
      ...extra,
    },
  },
});

const shape = (c: ChildExecution) => c.events.map((e) => [e.type, e.id, e.previousEventId]);

describe('distributed Map child executions', () => {
  it('reports each child with a history of its own, numbered from 1', async () => {
    const m = compileMachine(mapOf({ P: { Type: 'Pass', End: true } }, 'P'));
    const r = await step(m, undefined, start('[1,2,3]'));
    expect(r.snapshot.status).toBe('SUCCEEDED');
    const children = r.children!;
    expect(children).toHaveLength(3);
    const mapRunArn = (r.events[3] as { mapRunStartedEventDetails: { mapRunArn: string } }).mapRunStartedEventDetails
      .mapRunArn;
    children.forEach((c, i) => {
      expect(c).toMatchObject({
        mapRunArn,
        label: 'L',
        input: String(i + 1),
        status: 'SUCCEEDED',
        output: String(i + 1),
      });
      expect(c.executionArn).toBe(`arn:aws:states:us-east-1:111111111111:execution:sm/L:${c.name}`);
      expect(c.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(c.stopDate).toBe(T0);
      expect(c.nextEventId).toBe(5);
      expect(shape(c)).toEqual([
        ['ExecutionStarted', 1, 0],
        ['PassStateEntered', 2, 0],
        ['PassStateExited', 3, 2],
        ['ExecutionSucceeded', 4, 3],
      ]);
    });
    expect(new Set(children.map((c) => c.name)).size).toBe(3);
    // the parent's history is AWS's: no child events
    expect(r.events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    expect(r.snapshot.childRuns).toBeUndefined();
    expect(readChildExecutionArns(r.snapshot).sort()).toEqual(children.map((c) => c.executionArn).sort());
    // deterministic: the same run names its children the same way
    const again = await step(m, undefined, start('[1,2,3]'));
    expect(again.children!.map((c) => c.executionArn)).toEqual(children.map((c) => c.executionArn));
  });

  it('names the children the same way in ResultWriter execution records', async () => {
    const m = compileMachine(
      mapOf({ P: { Type: 'Pass', End: true } }, 'P', {
        ResultWriter: { WriterConfig: { Transformation: 'NONE', OutputType: 'JSON' } },
      }),
    );
    const r = await step(m, undefined, start('[1,2]'));
    expect(r.snapshot.status).toBe('SUCCEEDED');
    const records = JSON.parse(r.snapshot.output!) as { ExecutionArn: string }[];
    expect(records.map((x) => x.ExecutionArn)).toEqual(r.children!.map((c) => c.executionArn));
  });

  it('continues a child history across steps, and reports only the children that changed', async () => {
    const m = compileMachine(
      mapOf({ W: { Type: 'Wait', Seconds: 10, Next: 'P' }, P: { Type: 'Pass', End: true } }, 'W', {
        MaxConcurrency: 1,
      }),
    );
    const r1 = await step(m, undefined, start('[1,2]'));
    expect(r1.children!.map((c) => [c.status, c.nextEventId])).toEqual([['RUNNING', 3]]);
    expect(shape(r1.children![0]!)).toEqual([
      ['ExecutionStarted', 1, 0],
      ['WaitStateEntered', 2, 0],
    ]);
    const timer = r1.commands.find((c) => c.type === 'StartTimer') as { timerId: string };
    const r2 = await step(m, JSON.parse(JSON.stringify(r1.snapshot)), {
      type: 'TimerFired',
      at: T0 + 10_000,
      timerId: timer.timerId,
    });
    const [first, second] = r2.children!;
    expect(first!.executionArn).toBe(r1.children![0]!.executionArn);
    expect(first!.status).toBe('SUCCEEDED');
    expect(first!.stopDate).toBe(T0 + 10_000);
    expect(shape(first!)).toEqual([
      ['WaitStateExited', 3, 2],
      ['PassStateEntered', 4, 3],
      ['PassStateExited', 5, 4],
      ['ExecutionSucceeded', 6, 5],
    ]);
    expect(second!.status).toBe('RUNNING');
    expect(second!.startDate).toBe(T0 + 10_000);
  });

  it('fails a child, and aborts running children when the execution stops', async () => {
    const m = compileMachine(
      mapOf(
        {
          C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 1, Next: 'F' }], Default: 'W' },
          F: { Type: 'Fail', Error: 'E', Cause: 'c' },
          W: { Type: 'Wait', Seconds: 10, End: true },
        },
        'C',
        { ToleratedFailureCount: 1 },
      ),
    );
    const r1 = await step(m, undefined, start('[1,2]'));
    const [failed, waiting] = r1.children!;
    expect(failed).toMatchObject({ status: 'FAILED', error: 'E', cause: 'c' });
    expect(failed!.events.at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'E', cause: 'c' },
    });
    expect(waiting!.status).toBe('RUNNING');
    const r2 = await step(m, r1.snapshot, { type: 'Stop', at: T0 + 1 });
    expect(r2.snapshot.status).toBe('ABORTED');
    expect(r2.children).toHaveLength(1);
    const aborted = r2.children![0]!;
    expect(aborted.executionArn).toBe(waiting!.executionArn);
    expect(aborted.status).toBe('ABORTED');
    expect(shape(aborted)).toEqual([
      ['WaitStateAborted', 5, 4],
      ['ExecutionAborted', 6, 0],
    ]);
  });

  it('keeps no EXPRESS children and adds nothing to inline Maps', async () => {
    const express = mapOf({ P: { Type: 'Pass', End: true } }, 'P');
    (express.States.M.ItemProcessor.ProcessorConfig as { ExecutionType: string }).ExecutionType = 'EXPRESS';
    const r = await step(compileMachine(express), undefined, start('[1,2]'));
    expect(r.snapshot.status).toBe('SUCCEEDED');
    expect(r.children).toBeUndefined();
    const inline = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true },
      },
    };
    const ri = await step(compileMachine(inline), undefined, start('[1,2]'));
    expect(ri.children).toBeUndefined();
    expect(readChildExecutionArns(ri.snapshot)).toEqual([]);
  });
});
