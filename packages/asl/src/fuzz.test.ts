/**
 * Property tests: no input makes the parser or validator throw, hang or blow the stack.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonata, parseDefinition, parseIntrinsic, parsePath, validateDefinition } from './index.js';

const TIME_BUDGET_MS = 2_000;

function timed<T>(fn: () => T): T {
  const start = performance.now();
  const out = fn();
  expect(performance.now() - start).toBeLessThan(TIME_BUDGET_MS);
  return out;
}

function assertWellFormed(text: string): void {
  const v = timed(() => validateDefinition(text, { severity: 'WARNING' }));
  expect(['OK', 'FAIL']).toContain(v.result);
  expect(v.diagnostics.length).toBeLessThanOrEqual(100);
  for (const d of v.diagnostics) {
    expect(typeof d.code).toBe('string');
    expect(typeof d.message).toBe('string');
  }
  const p = timed(() => parseDefinition(text));
  expect(p.definition === undefined || v.result === 'OK').toBe(true);
}

/** JSON values biased towards ASL vocabulary so the validator gets past the first checks. */
const aslKey = fc.constantFrom(
  'StartAt',
  'States',
  'Type',
  'Next',
  'End',
  'Resource',
  'Choices',
  'Branches',
  'ItemProcessor',
  'Iterator',
  'Parameters',
  'Assign',
  'Output',
  'QueryLanguage',
  'Retry',
  'Catch',
  'ErrorEquals',
  'Variable',
  'And',
  'Not',
  'Seconds',
  'Timestamp',
  'InputPath',
  'ResultPath',
  'x.$',
  'Condition',
  'Default',
  'A',
  'B',
);
const aslString = fc.constantFrom(
  'Pass',
  'Task',
  'Choice',
  'Wait',
  'Succeed',
  'Fail',
  'Parallel',
  'Map',
  'A',
  'B',
  'JSONata',
  'JSONPath',
  '$',
  '$.a',
  '$$.Execution',
  'States.ALL',
  'States.Format($.a)',
  '{% $states.input %}',
  '{% ( %}',
  'arn:aws:states:::lambda:invoke',
  '2016-03-14T01:59:00Z',
);
const aslJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(aslString, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(aslKey, fc.string()), tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('never throws, never hangs', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), assertWellFormed), { numRuns: 500 });
  });

  it('random JSON', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 6 }), assertWellFormed), { numRuns: 500 });
  });

  it('random ASL-shaped JSON', () => {
    fc.assert(
      fc.property(aslJson, fc.boolean(), (value, wrap) => {
        const doc = wrap ? { StartAt: 'A', States: { A: value } } : value;
        assertWellFormed(JSON.stringify(doc));
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated valid definitions', () => {
    const base = JSON.stringify({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { 'x.$': 'States.Array($.a)' },
          Next: 'B',
        },
        B: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'C' }], Default: 'C' },
        C: { Type: 'Map', ItemProcessor: { StartAt: 'D', States: { D: { Type: 'Pass', End: true } } }, End: true },
      },
    });
    fc.assert(
      fc.property(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 5 }), (i, j, insert) => {
        const [a, b] = i < j ? [i, j] : [j, i];
        assertWellFormed(base.slice(0, a) + insert + base.slice(b));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['100k [', '['.repeat(100_000)],
    ['100k {"a":', '{"a":'.repeat(100_000)],
    ['100k balanced brackets', '['.repeat(50_000) + ']'.repeat(50_000)],
    ['deep nested Parallel', nestedParallel(240)],
    ['1 MiB string', `{"StartAt":"${'x'.repeat(1 << 20)}"}`],
    ['many states', manyStates(20_000)],
    [
      'deep JSONata expression',
      JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: { A: { Type: 'Pass', Output: `{% ${'('.repeat(50_000)} %}`, End: true } },
      }),
    ],
    ['deep Choice rule', deepChoice(900)],
    ['binary garbage', String.fromCharCode(...Array.from({ length: 5000 }, (_, k) => (k * 7919) % 65536))],
  ])('%s', (_name, text) => {
    assertWellFormed(text);
  });

  it('grammar helpers never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(typeof parsePath(s).ok).toBe('boolean');
        expect(typeof parseIntrinsic(s).ok).toBe('boolean');
        expect(typeof parseIntrinsic(`States.Array(${s})`).ok).toBe('boolean');
        expect(typeof checkJsonata(s).ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
    expect(parseIntrinsic(`${'States.Array('.repeat(10_000)}${')'.repeat(10_000)}`).ok).toBe(false);
  });
});

function nestedParallel(depth: number): string {
  let inner: unknown = { Type: 'Pass', End: true };
  for (let k = 0; k < depth; k++) {
    inner = { Type: 'Parallel', Branches: [{ StartAt: `S${k}`, States: { [`S${k}`]: inner } }], End: true };
  }
  return JSON.stringify({ StartAt: 'Top', States: { Top: inner } });
}

function manyStates(n: number): string {
  const states: Record<string, unknown> = {};
  for (let k = 0; k < n; k++) states[`S${k}`] = k === n - 1 ? { Type: 'Succeed' } : { Type: 'Pass', Next: `S${k + 1}` };
  return JSON.stringify({ StartAt: 'S0', States: states });
}

function deepChoice(depth: number): string {
  let rule: unknown = { Variable: '$.a', IsNull: true };
  for (let k = 0; k < depth; k++) rule = { Not: rule };
  return JSON.stringify({
    StartAt: 'C',
    States: { C: { Type: 'Choice', Choices: [{ ...(rule as object), Next: 'D' }] }, D: { Type: 'Succeed' } },
  });
}
