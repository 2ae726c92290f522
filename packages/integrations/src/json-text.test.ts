import { describe, expect, it } from 'vitest';
import { javaDoubleString, pythonFloatRepr, pythonJsonDumps, toPythonJson } from './json-text.js';

describe('toPythonJson', () => {
  it.each([
    ['{"body":"string body"}', '{"body": "string body"}'],
    ['{"a":[1,2,{"b":null}],"c":true}', '{"a": [1, 2, {"b": null}], "c": true}'],
    ['0.0', '0.0'],
    ['1e2', '100.0'],
    ['1.50', '1.5'],
    ['0', '0'],
    ['"héllo"', '"h\\u00e9llo"'],
    ['"a\\"b"', '"a\\"b"'],
    ['[]', '[]'],
    ['not json', 'not json'],
  ])('%s → %s', (input, expected) => {
    expect(toPythonJson(input)).toBe(expected);
  });

  it('sizes payloads as AWS recorded them', () => {
    expect(pythonJsonDumps({ body: 'string body' }).length).toBe(23);
    expect(pythonJsonDumps({ status: 'running' }).length).toBe(21);
    expect(pythonJsonDumps("input-event-['string-literal']").length).toBe(32);
    expect(pythonJsonDumps(['string-literal']).length).toBe(18);
  });
});

describe('pythonFloatRepr', () => {
  it.each([
    [0, '0.0'],
    [1.5, '1.5'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [123456789.25, '123456789.25'],
    [-2, '-2.0'],
  ])('%s → %s', (x, expected) => {
    expect(pythonFloatRepr(x)).toBe(expected);
  });
});

describe('javaDoubleString', () => {
  it('writes epoch seconds as the Java SDK does', () => {
    expect(javaDoubleString(1761654367.123)).toBe('1.761654367123E9');
    expect(javaDoubleString(1761654367)).toBe('1.761654367E9');
  });
});
