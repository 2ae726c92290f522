/**
 * Jackson's wording for the first syntax error in a JSON text. Step Functions parses execution input
 * with Jackson and quotes its "original message" (without the `at [Source: …]` suffix) in
 * `InvalidExecutionInput`, e.g. `Unrecognized token 'not': was expecting (JSON String, Number, Array,
 * Object or token 'null', 'true' or 'false')` (AWS-recorded).
 */

const VALID = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

class Fail {
  constructor(readonly message: string) {}
}

function charDesc(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 32) return `(CTRL-CHAR, code ${code})`;
  return `('${c}' (code ${code}))`;
}

/** The message Jackson would give for `text` (which `JSON.parse` rejected). @internal */
export function jacksonError(text: string): string {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const eof = (what: string): never => {
    throw new Fail(`Unexpected end-of-input${what}`);
  };
  const token = (): never => {
    let j = i;
    while (j < text.length && /[A-Za-z0-9_$\-+.]/.test(text[j]!) && j - i < 256) j++;
    const tok = text.slice(i, Math.max(j, i + 1));
    throw new Fail(`Unrecognized token '${tok}': was expecting ${VALID}`);
  };
  const value = (): void => {
    ws();
    if (i >= text.length) eof(': expected a valid value');
    const c = text[i]!;
    if (c === '{') {
      object();
      return;
    }
    if (c === '[') {
      array();
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      number();
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i) && !/[A-Za-z0-9_]/.test(text[i + lit.length] ?? '')) {
        i += lit.length;
        return;
      }
    }
    if (/[A-Za-z]/.test(c)) token();
    throw new Fail(`Unexpected character ${charDesc(c)}: expected a valid value ${VALID}`);
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c.charCodeAt(0) < 32) {
        throw new Fail(
          `Illegal unquoted character (${charDesc(c).slice(1, -1)}): has to be escaped using backslash to be included in string value`,
        );
      }
      i++;
    }
    eof(': was expecting closing quote for a string value');
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-' || m[0] === '') token();
    i += m![0].length;
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (i >= text.length) eof(': expected close marker for Object');
      if (text[i] !== '"') {
        throw new Fail(`Unexpected character ${charDesc(text[i]!)}: was expecting double-quote to start field name`);
      }
      string();
      ws();
      if (i >= text.length) eof(': expected close marker for Object');
      if (text[i] !== ':') {
        throw new Fail(
          `Unexpected character ${charDesc(text[i]!)}: was expecting a colon to separate field name and value`,
        );
      }
      i++;
      value();
      ws();
      if (i >= text.length) eof(': expected close marker for Object');
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] !== ',') {
        throw new Fail(`Unexpected character ${charDesc(text[i]!)}: was expecting comma to separate Object entries`);
      }
      i++;
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (i >= text.length) eof(': expected close marker for Array');
      if (text[i] === ']') {
        i++;
        return;
      }
      if (text[i] !== ',') {
        throw new Fail(`Unexpected character ${charDesc(text[i]!)}: was expecting comma to separate Array entries`);
      }
      i++;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) {
      throw new Fail(`Unexpected character ${charDesc(text[i]!)}: expected end-of-input`);
    }
    return 'Invalid execution input.';
  } catch (err) {
    if (err instanceof Fail) return err.message;
    return 'Invalid execution input.';
  }
}
