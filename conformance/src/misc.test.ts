import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import { ABSENT } from './compare.js';
import { buildFunctions, LambdaFunctionError, pythonRepr } from './lambda.js';
import { globToRegExp, makeFilter, serviceOf } from './load.js';
import { formatDiff, summaryLine } from './report.js';
import type { CaseResult } from './run.js';

describe('lambda behaviours', () => {
  it('python repr of JSON values', () => {
    expect(pythonRepr(['string-literal'])).toBe("['string-literal']");
    expect(pythonRepr({ a: null, b: true, c: [1, 2.5], d: "it's" })).toBe(
      `{'a': None, 'b': True, 'c': [1, 2.5], 'd': "it's"}`,
    );
  });
  it('builds functions by name', async () => {
    const { functions: configs, dispose } = buildFunctions({
      id: { behaviour: 'identity' },
      echo: { behaviour: 'echo' },
      deco: { behaviour: 'decorate-input' },
      big: { behaviour: 'large-output' },
      bytes: { behaviour: 'return-bytes-string' },
      boom: {
        behaviour: 'raise',
        recordedFailure: {
          error: 'Exception',
          cause: { errorMessage: 'm', errorType: 'Exception', requestId: '<<uuid:1>>', stackTrace: ['t'] },
        },
      },
      custom: { behaviour: 'raise-custom' },
      sleepy: { behaviour: 'sleep-60s' },
    });
    const functions = Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, v.handler]));
    expect(await functions.id!({ a: 1 }, {})).toEqual({ a: 1 });
    expect(await functions.echo!({}, {})).toEqual({ Return: 'HelloWorld' });
    expect(await functions.deco!(['x'], {})).toBe("input-event-['x']");
    expect(((await functions.big!({}, {})) as string).length).toBe(257 * 1024);
    expect(await functions.bytes!({}, {})).toBe('HelloWorld!');
    const err = (await functions.boom!({}, {}).catch((e: unknown) => e)) as LambdaFunctionError;
    expect(err).toBeInstanceOf(LambdaFunctionError);
    expect(err.toJSON()).toEqual({ errorMessage: 'm', errorType: 'Exception', stackTrace: ['t'] });
    const custom = (await functions.custom!({}, {}).catch((e: unknown) => e)) as LambdaFunctionError;
    expect(custom.errorType).toBe('CustomException');
    void functions.sleepy!({}, {});
    dispose();
  });
  it('rejects unknown behaviours', () => {
    expect(() => buildFunctions({ f: { behaviour: 'dance' } })).toThrow(/unknown lambda behaviour/);
  });
});

describe('case selection', () => {
  it('globs over ids', () => {
    expect(globToRegExp('base/*').test('base/state_fail')).toBe(true);
    expect(globToRegExp('base/*').test('base/x/y')).toBe(false);
    expect(globToRegExp('**/state_*').test('base/state_fail')).toBe(true);
    const f = makeFilter('map,base/state_f?il,!map/*label*');
    expect(f('map/map_state')).toBe(true);
    expect(f('map/map_state_label')).toBe(false);
    expect(f('base/state_fail')).toBe(true);
    expect(f('wait/x')).toBe(false);
    expect(makeFilter(undefined)('anything')).toBe(true);
  });
  it('detects SWF cases', () => {
    expect(serviceOf({ id: 'a', steps: [{ call: 'StartExecution' }] })).toBe('sfn');
    expect(serviceOf({ id: 'a', steps: [{ call: 'RegisterDomain' }] })).toBe('swf');
    expect(serviceOf({ id: 'a', wire: {}, steps: [] })).toBe('swf');
  });
});

describe('cli arguments and output', () => {
  it('parses options', () => {
    const a = parseArgs(['--corpus', 'x', '--corpus=y', '--min-pass', '90%', '--concurrency', '8', '--timeout', '30']);
    expect(a).toMatchObject({ corpus: ['x', 'y'], minPass: 0.9, concurrency: 8, timeout: 30 });
    expect(() => parseArgs(['--min-pass', '2'])).toThrow();
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown/);
  });
  it('formats diffs and the summary line', () => {
    expect(formatDiff({ path: '$.a', expected: 'x'.repeat(300), actual: ABSENT, message: 'missing' })).toMatch(
      /^\$\.a: expected "x+…, actual \(absent\)$/,
    );
    const r = (verdict: CaseResult['verdict']): CaseResult => ({
      id: 'a',
      area: 'b',
      service: 'sfn',
      verdict,
      durationMs: 0,
    });
    expect(summaryLine([r('pass'), r('fail'), r('fail')])).toBe('1 passed, 2 failed');
    expect(summaryLine([r('pass'), r('skip')])).toBe('1 passed, 0 failed, 1 skipped');
  });
});
