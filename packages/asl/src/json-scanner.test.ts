import { describe, expect, it } from 'vitest';
import { keysOf, MAX_JSON_DEPTH, scanJson } from './json-scanner.js';

function summary(text: string): string {
  const r = scanJson(text);
  if (!r.ok) return `ERR ${r.error.message}`;
  const v = r.value;
  if (v === undefined) return 'OK MISSING';
  if (v === null) return 'OK NULL';
  if (Array.isArray(v)) return 'OK ARRAY';
  return `OK ${typeof v === 'object' ? 'OBJECT' : typeof v === 'string' ? 'STRING' : typeof v === 'number' ? 'NUMBER' : 'BOOLEAN'}`;
}

/**
 * Input → outcome, where every error text was produced by jackson-core 2.17 `ObjectMapper.readTree` with
 * `StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` (the format AWS returns for INVALID_JSON_DESCRIPTION).
 */
const JACKSON: ReadonlyArray<readonly [string, string]> = [
  [
    'not a definition',
    "ERR Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]",
  ],
  [' ', 'OK MISSING'],
  ['', 'OK MISSING'],
  ['{}', 'OK OBJECT'],
  [
    '{',
    'ERR Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"; line: 1, column: 1])\n at [Source: (String)"{"; line: 1, column: 2]',
  ],
  [
    '[',
    'ERR Unexpected end-of-input: expected close marker for Array (start marker at [Source: (String)"["; line: 1, column: 1])\n at [Source: (String)"["; line: 1, column: 2]',
  ],
  [
    '}',
    'ERR Unexpected close marker \'}\': expected \']\' (for root starting at [Source: (String)"}"; line: 1, column: 0])\n at [Source: (String)"}"; line: 1, column: 1]',
  ],
  [
    ']',
    'ERR Unexpected close marker \']\': expected \'}\' (for root starting at [Source: (String)"]"; line: 1, column: 0])\n at [Source: (String)"]"; line: 1, column: 1]',
  ],
  [
    '{"a"',
    'ERR Unexpected end-of-input within/between Object entries\n at [Source: (String)"{"a""; line: 1, column: 5]',
  ],
  [
    '{"a":',
    'ERR Unexpected end-of-input within/between Object entries\n at [Source: (String)"{"a":"; line: 1, column: 6]',
  ],
  [
    '{"a" 1}',
    'ERR Unexpected character (\'1\' (code 49)): was expecting a colon to separate field name and value\n at [Source: (String)"{"a" 1}"; line: 1, column: 6]',
  ],
  [
    '{"a":1,}',
    'ERR Unexpected character (\'}\' (code 125)): was expecting double-quote to start field name\n at [Source: (String)"{"a":1,}"; line: 1, column: 8]',
  ],
  [
    '[1,]',
    "ERR Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[1,]\"; line: 1, column: 4]",
  ],
  [
    '{"a":1 "b":2}',
    'ERR Unexpected character (\'"\' (code 34)): was expecting comma to separate Object entries\n at [Source: (String)"{"a":1 "b":2}"; line: 1, column: 8]',
  ],
  [
    '[1 2]',
    'ERR Unexpected character (\'2\' (code 50)): was expecting comma to separate Array entries\n at [Source: (String)"[1 2]"; line: 1, column: 4]',
  ],
  [
    '{a:1}',
    'ERR Unexpected character (\'a\' (code 97)): was expecting double-quote to start field name\n at [Source: (String)"{a:1}"; line: 1, column: 2]',
  ],
  [
    "{'a':1}",
    "ERR Unexpected character (''' (code 39)): was expecting double-quote to start field name\n at [Source: (String)\"{'a':1}\"; line: 1, column: 2]",
  ],
  [
    'tru',
    "ERR Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"tru\"; line: 1, column: 4]",
  ],
  [
    'truex',
    "ERR Unrecognized token 'truex': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"truex\"; line: 1, column: 6]",
  ],
  [
    'nul',
    "ERR Unrecognized token 'nul': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"nul\"; line: 1, column: 4]",
  ],
  [
    'falsy',
    "ERR Unrecognized token 'falsy': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"falsy\"; line: 1, column: 6]",
  ],
  [
    '"abc',
    'ERR Unexpected end-of-input: was expecting closing quote for a string value\n at [Source: (String)""abc"; line: 1, column: 5]',
  ],
  [
    '"a\nb"',
    'ERR Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value\n at [Source: (String)""a\nb""; line: 1, column: 3]',
  ],
  ['"\\x"', 'ERR Unrecognized character escape \'x\' (code 120)\n at [Source: (String)""\\x""; line: 1, column: 3]'],
  [
    '"\\u12g4"',
    'ERR Unexpected character (\'g\' (code 103)): expected a hex-digit for character escape sequence\n at [Source: (String)""\\u12g4""; line: 1, column: 6]',
  ],
  ['-', 'ERR Unexpected end-of-inputNo digit following sign\n at [Source: (String)"-"; line: 1, column: 2]'],
  [
    '-a',
    'ERR Unexpected character (\'a\' (code 97)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value\n at [Source: (String)"-a"; line: 1, column: 2]',
  ],
  ['01', 'ERR Invalid numeric value: Leading zeroes not allowed\n at [Source: (String)"01"; line: 1, column: 2]'],
  [
    '1.',
    'ERR Unexpected character (\'.\' (code 46)) in numeric value: Decimal point not followed by a digit\n at [Source: (String)"1."; line: 1, column: 2]',
  ],
  [
    '1.e5',
    'ERR Unexpected character (\'e\' (code 101)) in numeric value: Decimal point not followed by a digit\n at [Source: (String)"1.e5"; line: 1, column: 2]',
  ],
  [
    '1e',
    'ERR Unexpected end-of-inputexpected a digit for number exponent\n at [Source: (String)"1e"; line: 1, column: 3]',
  ],
  [
    '1x',
    'ERR Unexpected character (\'x\' (code 120)): Expected space separating root-level values\n at [Source: (String)"1x"; line: 1, column: 2]',
  ],
  [
    '{"a":01}',
    'ERR Invalid numeric value: Leading zeroes not allowed\n at [Source: (String)"{"a":01}"; line: 1, column: 7]',
  ],
  [
    '{"a":-}',
    'ERR Unexpected character (\'}\' (code 125)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value\n at [Source: (String)"{"a":-}"; line: 1, column: 7]',
  ],
  [
    '{"a":tru}',
    "ERR Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"{\"a\":tru}\"; line: 1, column: 9]",
  ],
  [
    '[1,2',
    'ERR Unexpected end-of-input: expected close marker for Array (start marker at [Source: (String)"[1,2"; line: 1, column: 1])\n at [Source: (String)"[1,2"; line: 1, column: 5]',
  ],
  [
    '{"a":[1,2}',
    'ERR Unexpected close marker \'}\': expected \']\' (for Array starting at [Source: (String)"{"a":[1,2}"; line: 1, column: 6])\n at [Source: (String)"{"a":[1,2}"; line: 1, column: 10]',
  ],
  [
    '{"a":1]',
    'ERR Unexpected close marker \']\': expected \'}\' (for Object starting at [Source: (String)"{"a":1]"; line: 1, column: 1])\n at [Source: (String)"{"a":1]"; line: 1, column: 7]',
  ],
  ['{}x', 'OK OBJECT'],
  ['{} {}', 'OK OBJECT'],
  [
    '{"a":"b",\r\n"c": x}',
    'ERR Unrecognized token \'x\': was expecting (JSON String, Number, Array, Object or token \'null\', \'true\' or \'false\')\n at [Source: (String)"{"a":"b",\r\n"c": x}"; line: 2, column: 7]',
  ],
  ['123', 'OK NUMBER'],
  ['"str"', 'OK STRING'],
  ['null', 'OK NULL'],
  ['[]', 'OK ARRAY'],
  ['{"a":1}/* c */', 'OK OBJECT'],
  [
    '["a",,1]',
    "ERR Unexpected character (',' (code 44)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[\"a\",,1]\"; line: 1, column: 6]",
  ],
  [
    '{,}',
    'ERR Unexpected character (\',\' (code 44)): was expecting double-quote to start field name\n at [Source: (String)"{,}"; line: 1, column: 2]',
  ],
  ['[-1.5e+3, 0.0]', 'OK ARRAY'],
  [
    '{"a":NaN}',
    'ERR Non-standard token \'NaN\': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at [Source: (String)"{"a":NaN}"; line: 1, column: 9]',
  ],
  [
    '{"a": +1}',
    'ERR Unexpected character (\'+\' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow\n at [Source: (String)"{"a": +1}"; line: 1, column: 8]',
  ],
  [
    '{"\u00e9": \u00e9}',
    "ERR Unrecognized token '\u00e9': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"{\"\u00e9\": \u00e9}\"; line: 1, column: 8]",
  ],
  ['[1]]', 'OK ARRAY'],
  [
    '{"a":{"b":}}',
    "ERR Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"{\"a\":{\"b\":}}\"; line: 1, column: 11]",
  ],
  ['{"\\uD800":1}', 'OK OBJECT'],
  [
    '[.5]',
    "ERR Unexpected character ('.' (code 46)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[.5]\"; line: 1, column: 2]",
  ],
  ['[1,', 'ERR Unexpected end-of-input within/between Array entries\n at [Source: (String)"[1,"; line: 1, column: 4]'],
  [
    '{"a":1,',
    'ERR Unexpected end-of-input within/between Object entries\n at [Source: (String)"{"a":1,"; line: 1, column: 8]',
  ],
  [
    '1ex',
    'ERR Unexpected character (\'x\' (code 120)) in numeric value: Exponent indicator not followed by a digit\n at [Source: (String)"1ex"; line: 1, column: 2]',
  ],
  [
    '-Infinity',
    'ERR Non-standard token \'-Infinity\': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at [Source: (String)"-Infinity"; line: 1, column: 10]',
  ],
  [
    'Infinity',
    'ERR Non-standard token \'Infinity\': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at [Source: (String)"Infinity"; line: 1, column: 9]',
  ],
  [
    '{"a":-Infinity}',
    'ERR Non-standard token \'-Infinity\': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at [Source: (String)"{"a":-Infinity}"; line: 1, column: 15]',
  ],
  [
    '[1}',
    'ERR Unexpected close marker \'}\': expected \']\' (for Array starting at [Source: (String)"[1}"; line: 1, column: 1])\n at [Source: (String)"[1}"; line: 1, column: 3]',
  ],
  [
    '{"a"}',
    'ERR Unexpected character (\'}\' (code 125)): was expecting a colon to separate field name and value\n at [Source: (String)"{"a"}"; line: 1, column: 5]',
  ],
  [
    '{"a":1',
    'ERR Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a":1"; line: 1, column: 1])\n at [Source: (String)"{"a":1"; line: 1, column: 7]',
  ],
  [
    '"abc\\',
    'ERR Unexpected end-of-input in character escape sequence\n at [Source: (String)""abc\\"; line: 1, column: 6]',
  ],
  [
    '["\\u12"]',
    'ERR Unexpected character (\'"\' (code 34)): expected a hex-digit for character escape sequence\n at [Source: (String)"["\\u12"]"; line: 1, column: 7]',
  ],
  [
    '{"a":1.x}',
    'ERR Unexpected character (\'x\' (code 120)) in numeric value: Decimal point not followed by a digit\n at [Source: (String)"{"a":1.x}"; line: 1, column: 7]',
  ],
  [
    '{"a":1ex}',
    'ERR Unexpected character (\'x\' (code 120)) in numeric value: Exponent indicator not followed by a digit\n at [Source: (String)"{"a":1ex}"; line: 1, column: 7]',
  ],
  [
    '{"a":1e+}',
    'ERR Unexpected character (\'}\' (code 125)) in numeric value: Exponent indicator not followed by a digit\n at [Source: (String)"{"a":1e+}"; line: 1, column: 7]',
  ],
  [
    '{"a" : [1, 2 3]}',
    'ERR Unexpected character (\'3\' (code 51)): was expecting comma to separate Array entries\n at [Source: (String)"{"a" : [1, 2 3]}"; line: 1, column: 14]',
  ],
  [
    '[1x]',
    'ERR Unexpected character (\'x\' (code 120)): was expecting comma to separate Array entries\n at [Source: (String)"[1x]"; line: 1, column: 3]',
  ],
  [
    '{"a":1x}',
    'ERR Unexpected character (\'x\' (code 120)): was expecting comma to separate Object entries\n at [Source: (String)"{"a":1x}"; line: 1, column: 7]',
  ],
  [
    '[truex]',
    "ERR Unrecognized token 'truex': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[truex]\"; line: 1, column: 7]",
  ],
  [
    '[t]',
    "ERR Unrecognized token 't': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[t]\"; line: 1, column: 3]",
  ],
  ['{"a":"b" }   x', 'OK OBJECT'],
  ['1 }', 'OK NUMBER'],
  [
    '1}',
    'ERR Unexpected character (\'}\' (code 125)): Expected space separating root-level values\n at [Source: (String)"1}"; line: 1, column: 2]',
  ],
  [
    '{"a":01.5}',
    'ERR Invalid numeric value: Leading zeroes not allowed\n at [Source: (String)"{"a":01.5}"; line: 1, column: 7]',
  ],
  [
    '{"a":-01}',
    'ERR Invalid numeric value: Leading zeroes not allowed\n at [Source: (String)"{"a":-01}"; line: 1, column: 8]',
  ],
  ['[00]', 'ERR Invalid numeric value: Leading zeroes not allowed\n at [Source: (String)"[00]"; line: 1, column: 3]'],
  ['{"a":"\\ud800"}', 'OK OBJECT'],
  [
    '\ufeff{}',
    "ERR Unexpected character ('\ufeff' (code 65279 / 0xfeff)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"\ufeff{}\"; line: 1, column: 1]",
  ],
  [
    '{"a":"x"\u00a0}',
    'ERR Unexpected character (\'\u00a0\' (code 160)): was expecting comma to separate Object entries\n at [Source: (String)"{"a":"x"\u00a0}"; line: 1, column: 9]',
  ],
  [
    '{"a"\n:\n\n tru }',
    "ERR Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"{\"a\"\n:\n\n tru }\"; line: 4, column: 5]",
  ],
  [
    '[\r\n\r\n x]',
    "ERR Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[\r\n\r\n x]\"; line: 3, column: 3]",
  ],
  [
    '[\r\r x]',
    "ERR Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[\r\r x]\"; line: 3, column: 3]",
  ],
  [
    '[\n\r x]',
    "ERR Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"[\n\r x]\"; line: 3, column: 3]",
  ],
  [
    '{"a":[{"b":[{"c":}]}]}',
    'ERR Unexpected character (\'}\' (code 125)): expected a valid value (JSON String, Number, Array, Object or token \'null\', \'true\' or \'false\')\n at [Source: (String)"{"a":[{"b":[{"c":}]}]}"; line: 1, column: 18]',
  ],
  ['{"abc', 'ERR Unexpected end-of-input in field name\n at [Source: (String)"{"abc"; line: 1, column: 6]'],
];

describe('scanJson: Jackson-compatible messages', () => {
  it.each(JACKSON)('%j', (text, expected) => {
    expect(summary(text)).toBe(expected);
  });
});

describe('scanJson: values', () => {
  it('keeps document key order, including integer-like keys', () => {
    const r = scanJson('{"b":1,"2":2,"a":3,"1":4}');
    expect(r.ok && keysOf(r.value as object)).toEqual(['b', '2', 'a', '1']);
  });
  it('keeps the first position and the last value of a duplicate key', () => {
    const r = scanJson('{"a":1,"b":2,"a":3}');
    expect(r.ok && keysOf(r.value as object)).toEqual(['a', 'b']);
    expect(r.ok && (r.value as Record<string, unknown>).a).toBe(3);
  });
  it('treats __proto__ as an ordinary key', () => {
    const r = scanJson('{"__proto__":{"x":1}}');
    expect(r.ok && Object.hasOwn(r.value as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('decodes escapes and numbers', () => {
    const r = scanJson('["\\u00e9\\n\\"\\/", -1.5e+3, 0, true, false, null]');
    expect(r.ok && r.value).toEqual(['é\n"/', -1500, 0, true, false, null]);
  });
  it('ignores content after the root value, as readTree does', () => {
    expect(summary('{} trailing')).toBe('OK OBJECT');
  });
  it(`caps nesting at ${MAX_JSON_DEPTH}`, () => {
    expect(summary('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe('OK ARRAY');
    expect(summary('['.repeat(MAX_JSON_DEPTH + 1))).toMatch(
      /^ERR Document nesting depth \(1001\) exceeds the maximum allowed/,
    );
  });
  it('truncates the source snippet after 500 characters', () => {
    const text = `[${'1,'.repeat(400)}x]`;
    expect(summary(text)).toContain(`"[truncated ${text.length - 500} chars]`);
  });
});
