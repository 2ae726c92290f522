import { describe, expect, it } from 'vitest';
import { Bindings, matchTemplate, matchWhole, parseMatcher } from './match.js';
import { isIsoDateTime } from './timestamp.js';

describe('isIsoDateTime', () => {
  it.each([
    '2024-03-06T10:11:12Z',
    '2024-03-06T10:11:12.123Z',
    '2024-03-06T10:11:12,5+01:00',
    '2024-03-06T10:11',
    '2024-02-29T23:59:60-0530',
    '2024-03-06T10:11:12+02',
    '2024-03-06T10:11:12.123456',
  ])('accepts %s', (s) => expect(isIsoDateTime(s)).toBe(true));
  it.each([
    '2016-12-05 21:29:29Z',
    '05-12-2016T21:29:29Z',
    '2016-12-05',
    '2023-02-29T10:00:00Z',
    '2024-13-01T10:00Z',
    '2024-04-31T10:00Z',
    '2024-01-01T24:00Z',
    '2024-01-01T23:60Z',
    '2024-01-01T23:59:61Z',
    '2024-01-01T23:59:59+2',
    'x2024-01-01T23:59:59Z',
  ])('rejects %s', (s) => expect(isIsoDateTime(s)).toBe(false));
});

describe('whole-value matchers', () => {
  const b = () => new Bindings();
  it('timestamp matches Date and ISO strings, swf numbers', () => {
    expect(matchWhole({ type: 'timestamp' }, new Date(), b(), 'sfn')).toBeUndefined();
    expect(matchWhole({ type: 'timestamp' }, '2024-03-06T10:11:12.5Z', b(), 'sfn')).toBeUndefined();
    expect(matchWhole({ type: 'timestamp' }, 1497371587.073, b(), 'sfn')).toBeDefined();
    expect(matchWhole({ type: 'timestamp' }, 1497371587.073, b(), 'swf')).toBeUndefined();
    expect(matchWhole({ type: 'timestamp' }, '2016-12-05', b(), 'sfn')).toBeDefined();
  });
  it('any matches any present value', () => {
    for (const v of [null, 0, '', {}, [], false]) expect(matchWhole({ type: 'any' }, v, b(), 'sfn')).toBeUndefined();
    expect(matchWhole({ type: 'any' }, undefined, b(), 'sfn')).toBeDefined();
  });
  it('uuid/ref bind once, stay equal, and differ between keys', () => {
    const bs = b();
    expect(matchWhole(parseMatcher('uuid:1')!, 'aaa', bs, 'sfn')).toBeUndefined();
    expect(matchWhole(parseMatcher('uuid:1')!, 'aaa', bs, 'sfn')).toBeUndefined();
    expect(matchWhole(parseMatcher('uuid:1')!, 'bbb', bs, 'sfn')).toMatch(/bound/);
    expect(matchWhole(parseMatcher('uuid:2')!, 'aaa', bs, 'sfn')).toMatch(/already bound/);
    expect(matchWhole(parseMatcher('uuid:2')!, 'bbb', bs, 'sfn')).toBeUndefined();
    expect(matchWhole(parseMatcher('ref:x')!, 7, bs, 'sfn')).toMatch(/not a string/);
    expect(matchWhole(parseMatcher('ref:y')!, '', bs, 'swf')).toMatch(/empty/);
  });
});

describe('templates', () => {
  it('binds embedded refs with shortest-match semantics', () => {
    const bs = new Bindings();
    const t = 'arn:aws:states:us-east-1:111111111111:mapRun:sm/MapState:<<ref:MapRunArnPart1_0idx>>';
    expect(matchTemplate(t, 'arn:aws:states:us-east-1:111111111111:mapRun:sm/MapState:abc-123', bs)).toBeUndefined();
    expect(bs.get('ref:MapRunArnPart1_0idx')).toBe('abc-123');
    expect(matchTemplate(t, 'arn:aws:states:us-east-1:111111111111:mapRun:sm/MapState:other', bs)).toBeDefined();
  });
  it('shortest non-empty substring that lets the rest match', () => {
    const bs = new Bindings();
    expect(matchTemplate('<<ref:a>>-<<ref:b>>', 'x-y-z', bs)).toBeUndefined();
    expect(bs.get('ref:a')).toBe('x');
    expect(bs.get('ref:b')).toBe('y-z');
  });
  it('matchers are non-empty', () => {
    expect(matchTemplate('a<<any>>b', 'ab', new Bindings())).toBeDefined();
    expect(matchTemplate('a<<any>>b', 'a b', new Bindings())).toBeUndefined();
  });
  it('embedded timestamps must be valid ISO date-times', () => {
    expect(matchTemplate('"<<timestamp>>"', '"2024-03-06T10:11:12.123Z"', new Bindings())).toBeUndefined();
    expect(matchTemplate('"<<timestamp>>"', '"2024-03-06 10:11:12Z"', new Bindings())).toBeDefined();
    expect(matchTemplate('at <<timestamp>>.', 'at 2024-03-06T10:11:12Z.', new Bindings())).toBeUndefined();
    expect(matchTemplate('at <<timestamp>>', 'at 2024-03-06T10:11:12Zjunk', new Bindings())).toBeDefined();
  });
  it('literal parts match exactly; any matches request ids inside messages', () => {
    const t = 'Function not found: fn (Request ID: <<any>>; Proxy: null)';
    expect(
      matchTemplate(t, 'Function not found: fn (Request ID: 1234-abcd; Proxy: null)', new Bindings()),
    ).toBeUndefined();
    expect(matchTemplate(t, 'Function not found: fn2 (Request ID: 1234; Proxy: null)', new Bindings())).toBeDefined();
  });
  it('a key used twice in one template must bind the same string', () => {
    const bs = new Bindings();
    expect(matchTemplate('<<uuid:1>>/<<uuid:1>>', 'ab/ab', bs)).toBeUndefined();
    expect(matchTemplate('<<uuid:2>>/<<uuid:2>>', 'ab/cd', new Bindings())).toBeDefined();
  });
  it('a template does not bind a value already held by another key', () => {
    const bs = new Bindings();
    bs.bind('uuid:1', 'abc');
    expect(matchTemplate('id <<uuid:2>>', 'id abc', bs)).toMatch(/already bound/);
    expect(bs.get('uuid:2')).toBeUndefined();
    expect(matchTemplate('<<uuid:1>>!', 'abc!', bs)).toBeUndefined();
  });
  it('failed matches commit no bindings', () => {
    const bs = new Bindings();
    expect(matchTemplate('<<ref:a>>:x', 'foo:y', bs)).toBeDefined();
    expect(bs.get('ref:a')).toBeUndefined();
  });
  it('unknown <<…>> text is literal', () => {
    expect(matchTemplate('a <<foo>> <<any>>', 'a <<foo>> b', new Bindings())).toBeUndefined();
  });
});
