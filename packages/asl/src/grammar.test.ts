import { describe, expect, it } from 'vitest';
import {
  checkJsonata,
  isJsonataExpression,
  isReferencePath,
  parseDefinition,
  parseIntrinsic,
  parsePath,
  variableReferences,
} from './index.js';

describe('parsePath', () => {
  it.each([
    ['$', 'data', [], true],
    [
      '$.a.b',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'field', name: 'b' },
      ],
      true,
    ],
    [
      "$['a b'][0]",
      'data',
      [
        { kind: 'field', name: 'a b' },
        { kind: 'index', index: 0 },
      ],
      true,
    ],
    ['$.path-with-hyphen', 'data', [{ kind: 'field', name: 'path-with-hyphen' }], true],
    [
      '$$.Execution.Id',
      'context',
      [
        { kind: 'field', name: 'Execution' },
        { kind: 'field', name: 'Id' },
      ],
      true,
    ],
    ['$myVar.x', 'variable', [{ kind: 'field', name: 'x' }], true],
    ['$.a[*]', 'data', [{ kind: 'field', name: 'a' }, { kind: 'wildcard' }], false],
    ['$..a', 'data', [{ kind: 'descendant', name: 'a' }], false],
    [
      '$.a[-1]',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'index', index: -1 },
      ],
      false,
    ],
    [
      '$.a[1:3]',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'slice', start: 1, end: 3 },
      ],
      false,
    ],
    [
      '$.a[0,2]',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'union', items: [0, 2] },
      ],
      false,
    ],
    [
      '$.a[?(@.b == "c)")]',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'filter', expression: '@.b == "c)"' },
      ],
      false,
    ],
    [
      '$.a[(@.length-1)]',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'script', expression: '@.length-1' },
      ],
      false,
    ],
    [
      '$.a.length()',
      'data',
      [
        { kind: 'field', name: 'a' },
        { kind: 'function', name: 'length' },
      ],
      false,
    ],
  ] as const)('%s', (text, root, segments, reference) => {
    const r = parsePath(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.path.root.kind).toBe(root);
    expect(r.path.segments).toEqual(segments);
    expect(r.path.isReferencePath).toBe(reference);
    expect(isReferencePath(text)).toBe(reference);
  });

  it.each([
    '',
    'a',
    '.guid',
    '..guid',
    '()',
    '$...',
    '$.',
    '$[',
    "$['a]",
    '$$23',
    '$.a b',
    '$.a[x]',
    'bug$.x',
    '$[?()]',
  ])('rejects %j', (text) => {
    expect(parsePath(text).ok).toBe(false);
  });
});

describe('parseIntrinsic', () => {
  it('parses nested calls and all argument kinds', () => {
    const r = parseIntrinsic("States.Format('a {} \\' {}', $.x, States.Array(1, -2.5, null, true, $$.Execution.Id))");
    expect(r).toEqual({
      ok: true,
      call: {
        name: 'States.Format',
        args: [
          { kind: 'string', value: "a {} ' {}" },
          { kind: 'path', path: expect.objectContaining({ text: '$.x' }) },
          {
            kind: 'call',
            call: {
              name: 'States.Array',
              args: [
                { kind: 'number', value: 1 },
                { kind: 'number', value: -2.5 },
                { kind: 'null' },
                { kind: 'boolean', value: true },
                { kind: 'path', path: expect.objectContaining({ text: '$$.Execution.Id', root: { kind: 'context' } }) },
              ],
            },
          },
        ],
      },
    });
  });

  it.each([
    ['States.UUID()', true],
    ['States.MathRandom(1, 2)', true],
    ['States.MathRandom(1, 2, 3)', true],
    ['States.JsonMerge($.a, $.b, false)', true],
    ["States.Hash($.a, 'SHA-1')", true],
    ['States.ArrayGetItem($.a[0], $.i)', true],
    ['States.UUID(1)', false],
    ['States.MathRandom(1)', false],
    ['States.Xyz($.a)', false],
    ["States.MathAdd('1', 2)", false],
    ['States.ArrayRange(1, 9)', false],
    ["States.Format('\\x')", false],
    ["States.Format('open", false],
    ['States.Array(1,)', false],
    ['States.Array(1', false],
    ['States.Array(1) extra', false],
    ['states.Array(1)', false],
  ])('%s → %s', (text, ok) => {
    expect(parseIntrinsic(text).ok).toBe(ok);
  });
});

describe('JSONata checks', () => {
  it.each([
    ['{% 1 %}', true],
    ['{%1%}', true],
    [' {% 1 %}', false],
    ['{% 1 %', false],
  ])('isJsonataExpression(%j) → %s', (text, expected) => {
    expect(isJsonataExpression(text)).toBe(expected);
  });

  it.each([
    ['$states.input.a', { ok: true }],
    ['$x := 1', { ok: true }],
    ['$map($states.input, function($v) { $v.name })', { ok: true }],
    ['$states.input.items[price > 5]', { ok: true }],
    ['a[1,2)', { ok: false, kind: 'invalid', message: 'Expected "]", got ","' }],
    ['1 +', { ok: false, kind: 'invalid', message: 'Unexpected end of expression' }],
    ['phone', { ok: false, kind: 'unsupported', message: "Reference to 'phone' at the top level is not supported." }],
    ['{"a": b}', { ok: false, kind: 'unsupported', message: "Reference to 'b' at the top level is not supported." }],
    ['$$', { ok: false, kind: 'unsupported', message: "Reference to '$$' is not supported." }],
  ])('checkJsonata(%j)', (body, expected) => {
    expect(checkJsonata(body)).toEqual(expected);
  });
});

describe('variableReferences', () => {
  it('collects JSONPath and JSONata reads per state, nested states by their own names', () => {
    const { definition } = parseDefinition(
      JSON.stringify({
        StartAt: 'A',
        States: {
          A: {
            Type: 'Pass',
            InputPath: '$x',
            Parameters: { 'p.$': "States.Format('{}', $y.z)", lit: '$no' },
            Assign: { 'w.$': '$w' },
            Next: 'M',
          },
          M: {
            Type: 'Map',
            ItemsPath: '$items',
            ItemProcessor: {
              StartAt: 'I',
              States: {
                I: {
                  Type: 'Pass',
                  QueryLanguage: 'JSONata',
                  Output: '{% $sum($a) + ($b := 1; $b) + $states.input.c %}',
                  End: true,
                },
              },
            },
            Next: 'C',
          },
          C: {
            Type: 'Choice',
            Choices: [{ Not: { Variable: '$v', StringEqualsPath: '$u' }, Next: 'E' }],
            Default: 'E',
          },
          E: { Type: 'Succeed' },
        },
      }),
    );
    expect(definition).toBeDefined();
    expect(variableReferences(definition!)).toEqual({ A: ['w', 'x', 'y'], M: ['items'], I: ['a'], C: ['u', 'v'] });
  });
});
