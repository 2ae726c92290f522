import { describe, expect, it } from 'vitest';
import { ABSENT, compareValues } from './compare.js';
import { removePath, select } from './jsonpath.js';
import { Bindings } from './match.js';
import { applyJsonInString, sdkShape, sortVariableReferences } from './normalize.js';
import { makeNames, readSavePath, Vars } from './placeholders.js';

const sfn = { mode: 'sfn' as const };

describe('JSON-in-string rule', () => {
  it('parses strings starting with { one level deep', () => {
    const v = applyJsonInString({ output: '{"b":"{\\"c\\":1}"}', list: ['{"a":1}', '[1,2]'], n: '"s"' });
    expect(v).toEqual({ output: { b: '{"c":1}' }, list: [{ a: 1 }, '[1,2]'], n: '"s"' });
  });
  it('keeps unparsable { strings and non-{ strings as text', () => {
    expect(applyJsonInString({ a: '{not json', b: ' {"a":1}', c: '1' })).toEqual({
      a: '{not json',
      b: ' {"a":1}',
      c: '1',
    });
  });
  it('parseOutputStrings parses any JSON under output keys', () => {
    const v = applyJsonInString(
      { e: { output: '[1,2]', input: '[1,2]' }, x: [{ output: '"a"' }], y: { output: 'nope' } },
      { parseOutputStrings: true },
    );
    expect(v).toEqual({ e: { output: [1, 2], input: '[1,2]' }, x: [{ output: 'a' }], y: { output: 'nope' } });
  });
  it('parsed values are not parsed again', () => {
    expect(applyJsonInString({ output: '{"output":"[1]"}' }, { parseOutputStrings: true })).toEqual({
      output: { output: '[1]' },
    });
  });
  it('sdkShape drops $metadata and undefined members, keeps dates', () => {
    const d = new Date();
    expect(sdkShape({ $metadata: {}, a: undefined, b: d })).toEqual({ b: d });
  });
});

describe('compareValues', () => {
  it('objects by key set, arrays in order, numbers by value', () => {
    expect(compareValues({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1.0 }, new Bindings(), sfn)).toEqual([]);
    const d = compareValues({ a: 1, b: [1, 2] }, { a: '1', b: [2, 1], c: 3 }, new Bindings(), sfn);
    expect(d.map((x) => x.path)).toEqual(['$.a', '$.b[0]', '$.b[1]', '$.c']);
    expect(d[3]!.expected).toBe(ABSENT);
  });
  it('missing keys and null', () => {
    expect(compareValues({ a: null }, {}, new Bindings(), sfn)[0]!.message).toBe('missing');
    expect(compareValues({ a: null }, { a: null }, new Bindings(), sfn)).toEqual([]);
  });
  it('timestamp matcher accepts Date objects', () => {
    expect(compareValues({ d: '<<timestamp>>' }, { d: new Date() }, new Bindings(), sfn)).toEqual([]);
    expect(compareValues({ d: 'x' }, { d: new Date() }, new Bindings(), sfn)).toHaveLength(1);
  });
  it('parallel spans compare as multisets, ignoring ids', () => {
    const exp = {
      events: [
        { id: 1, type: 'ParallelStateStarted' },
        { id: [0], previousEventId: 0, type: 'PassStateEntered', name: 'A', rid: '<<uuid:1>>' },
        { id: [0], previousEventId: 0, type: 'PassStateEntered', name: 'B', rid: '<<uuid:2>>' },
        { id: [0], previousEventId: 0, type: 'PassStateExited', name: 'A' },
        { id: 5, previousEventId: '<<any>>', type: 'ParallelStateSucceeded' },
        { id: 6, type: 'ExecutionSucceeded' },
      ],
    };
    const act = {
      events: [
        { id: 1, type: 'ParallelStateStarted' },
        { id: 2, previousEventId: 1, type: 'PassStateEntered', name: 'B', rid: 'y' },
        { id: 3, previousEventId: 2, type: 'PassStateExited', name: 'A' },
        { id: 4, previousEventId: 1, type: 'PassStateEntered', name: 'A', rid: 'x' },
        { id: 5, previousEventId: 3, type: 'ParallelStateSucceeded' },
        { id: 6, type: 'ExecutionSucceeded' },
      ],
    };
    const b = new Bindings();
    expect(compareValues(exp, act, b, { ...sfn, parallelBranchEventsUnordered: true })).toEqual([]);
    expect(b.get('uuid:1')).toBe('x');
    expect(compareValues(exp, act, new Bindings(), sfn).length).toBeGreaterThan(0);
    const bad = structuredClone(act);
    bad.events[3]!.name = 'C';
    const d = compareValues(exp, bad, new Bindings(), { ...sfn, parallelBranchEventsUnordered: true });
    expect(d.length).toBeGreaterThan(0);
    expect(d[0]!.path).toBe('$.events[3].name');
  });
  it('parallel span with binding constraints backtracks', () => {
    const exp = {
      events: [
        { type: 'ParallelStateStarted' },
        { type: 'T', v: '<<uuid:1>>' },
        { type: 'T', v: '<<uuid:1>>' },
        { type: 'T', v: '<<uuid:2>>' },
        { type: 'ParallelStateExited' },
      ],
    };
    const act = {
      events: [
        { type: 'ParallelStateStarted' },
        { type: 'T', v: 'a' },
        { type: 'T', v: 'b' },
        { type: 'T', v: 'b' },
        { type: 'ParallelStateExited' },
      ],
    };
    const b = new Bindings();
    expect(compareValues(exp, act, b, { ...sfn, parallelBranchEventsUnordered: true })).toEqual([]);
    expect(b.get('uuid:1')).toBe('b');
    expect(b.get('uuid:2')).toBe('a');
  });
  it('nested ParallelStateStarted is a plain member of the outer span', () => {
    const e = [
      { type: 'ParallelStateStarted' },
      { type: 'X', n: 1 },
      { type: 'ParallelStateStarted' },
      { type: 'X', n: 2 },
      { type: 'ParallelStateSucceeded' },
      { type: 'ParallelStateExited' },
    ];
    const a = [e[0], e[3], e[2], e[1], e[4], e[5]];
    expect(
      compareValues({ events: e }, { events: a }, new Bindings(), { ...sfn, parallelBranchEventsUnordered: true }),
    ).toEqual([]);
  });
});

describe('JSONPath', () => {
  const doc = () => ({
    events: [
      { type: 'A', d: { output: 1, SdkHttpMetadata: { x: 1 } } },
      { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: { r: 2 } } },
    ],
    SdkHttpMetadata: 2,
  });
  it('selects with filters', () => {
    const r = select(doc(), "$.events[?(@.type=='ExecutionSucceeded')].executionSucceededEventDetails.output");
    expect(r.map((l) => l.value)).toEqual([{ r: 2 }]);
    expect(select(doc(), '$.events[0].type')[0]!.value).toBe('A');
    expect(select(doc(), '$.events[-1].type')[0]!.value).toBe('ExecutionSucceeded');
  });
  it('removes at any depth', () => {
    const d = doc();
    removePath(d, '$..SdkHttpMetadata');
    expect(d).toEqual({ events: [{ type: 'A', d: { output: 1 } }, doc().events[1]] });
    const d2 = doc();
    removePath(d2, '$..events..output');
    expect(JSON.stringify(d2)).not.toContain('output');
    const d3 = doc();
    removePath(d3, '$.missing.x');
    expect(d3).toEqual(doc());
  });
});

describe('placeholders', () => {
  it('generates names with fresh 8-hex uids', () => {
    const n = makeNames({ sm0: 'machine_{uid}', two: '{uid}-{uid}' });
    expect(n.sm0).toMatch(/^machine_[0-9a-f]{8}$/);
    const [a, b] = n.two!.split('-');
    expect(a).not.toBe(b);
  });
  it('substitutes names and saved vars in values and keys', () => {
    const v = new Vars({ sm0: 'm1' }, { ex0Arn: 'arn:x' });
    expect(v.deep({ '{{name:sm0}}': ['{{ex0Arn}}/{{name:sm0}}', 1, { x: '{"a": {"b": 1}}' }] })).toEqual({
      m1: ['arn:x/m1', 1, { x: '{"a": {"b": 1}}' }],
    });
    expect(() => v.str('{{nope}}')).toThrow(/never saved/);
  });
  it('reads save paths with |seg:N', () => {
    const r = { executionArn: 'arn:aws:states:us-east-1:1:execution:sm:name', a: { b: [{ c: 3 }] } };
    expect(readSavePath(r, 'executionArn|seg:-1')).toBe('name');
    expect(readSavePath(r, 'executionArn|seg:-2')).toBe('sm');
    expect(readSavePath(r, 'executionArn|seg:0')).toBe('arn');
    expect(readSavePath(r, 'a.b[0].c')).toBe(3);
  });
  it('sortVariableReferences sorts lists inside variableReferences', () => {
    const v = { variableReferences: { S: ['b', 'a'] }, other: ['b', 'a'] };
    sortVariableReferences(v);
    expect(v).toEqual({ variableReferences: { S: ['a', 'b'] }, other: ['b', 'a'] });
  });
});
