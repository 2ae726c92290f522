import { describe, expect, it } from 'vitest';
import { testState } from './test-state.js';

const at = 1_700_000_000_000;

describe('testState (MOCKING.md §5, recorded test-state cases)', () => {
  it('Pass with Result at DEBUG reports result/afterResultSelector/afterResultPath', async () => {
    const r = await testState(
      {
        Type: 'Pass',
        InputPath: '$.initialData',
        Parameters: { staticValue: 'v', 'inputValue.$': '$.fieldFromInput' },
        Result: { resultKey: 'result value' },
        ResultPath: '$.modifiedData',
        End: true,
      },
      '{"initialData": {"fieldFromInput": "x"}}',
      { at, inspectionLevel: 'DEBUG' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(Object.keys(r.inspectionData!).sort()).toEqual([
      'afterResultPath',
      'afterResultSelector',
      'input',
      'result',
    ]);
    expect(r.inspectionData!.input).toBe('{"initialData": {"fieldFromInput": "x"}}');
    expect(JSON.parse(r.output!)).toEqual({
      initialData: { fieldFromInput: 'x' },
      modifiedData: { resultKey: 'result value' },
    });
  });

  it('Choice picks the next state; INFO has no inspectionData', async () => {
    const r = await testState(
      {
        Type: 'Choice',
        Choices: [{ Variable: '$.value', NumericGreaterThanEquals: 20, Next: 'Big' }],
        Default: 'Small',
      },
      '{"value": 22}',
      { at },
    );
    expect(r).toEqual({ status: 'SUCCEEDED', output: '{"value": 22}', nextState: 'Big' });
  });

  it('a mocked error matching a retrier with attempts left is RETRIABLE', async () => {
    const r = await testState(
      {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'foo', Payload: 'bar' },
        Retry: [{ ErrorEquals: ['MockException'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5 }],
        End: true,
      },
      '{}',
      {
        at,
        inspectionLevel: 'DEBUG',
        mock: { errorOutput: { error: 'MockException', cause: 'c' } },
        stateConfiguration: { retrierRetryCount: 4 },
      },
    );
    expect(r.status).toBe('RETRIABLE');
    expect(r.inspectionData!.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 16 });
  });

  it('a mocked error caught by a catcher is CAUGHT_ERROR with the catcher output', async () => {
    const r = await testState(
      {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::lambda:invoke',
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Output: '{% $states.errorOutput %}', Next: 'H' }],
        End: true,
      },
      '{}',
      { at, mock: { errorOutput: { error: 'States.TaskFailed', cause: 'The task failed.' } } },
    );
    expect(r).toEqual({
      status: 'CAUGHT_ERROR',
      error: 'States.TaskFailed',
      cause: 'The task failed.',
      nextState: 'H',
      output: '{"Error":"States.TaskFailed","Cause":"The task failed."}',
    });
  });
});
