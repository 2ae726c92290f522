/**
 * An iterative, bounded JSON reader that reports syntax errors the way Step Functions does.
 *
 * Step Functions reads definitions with Jackson (`ObjectMapper.readTree`), and its
 * `INVALID_JSON_DESCRIPTION` diagnostics carry Jackson's message and location verbatim, e.g.
 * `Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`
 * `\n at [Source: (String)"not a definition"; line: 1, column: 4]` (AWS-recorded). This reader follows
 * Jackson's default `JsonParser` features: strict RFC 8259 syntax (no comments, single quotes, `NaN` or
 * trailing commas), duplicate keys allowed (last value wins, first position kept), and content after the
 * first root value ignored (`readTree` does not enable `FAIL_ON_TRAILING_TOKENS`).
 *
 * It never recurses, never throws, and caps nesting at Jackson's `StreamReadConstraints` default of 1000.
 *
 * @internal
 */

/** A parsed JSON value. Objects have a null prototype; their key order is recorded in {@link keyOrder}. @public */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A parsed JSON object. @public */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON syntax error with Jackson's message and location. @internal */
export interface JsonSyntaxError {
  /** Jackson's exception message, including the `\n at [Source: …]` suffix. */
  readonly message: string;
  /** `[Source: (String)"…"; line: L, column: C]`. */
  readonly location: string;
  readonly line: number;
  readonly column: number;
}

/** Result of {@link scanJson}. @internal */
export type ScanResult =
  | { readonly ok: true; readonly value: JsonValue | undefined }
  | { readonly ok: false; readonly error: JsonSyntaxError };

/** Jackson 2.15+ `StreamReadConstraints.DEFAULT_MAX_DEPTH`. @internal */
export const MAX_JSON_DEPTH = 1000;

const MAX_CONTENT_SNIPPET = 500;
const MAX_ERROR_TOKEN_LENGTH = 256;
const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/**
 * Key order of every object produced by {@link scanJson}. JavaScript objects list integer-like keys
 * first; Jackson keeps insertion order, and diagnostics follow it.
 * @internal
 */
export const keyOrder: WeakMap<object, string[]> = new WeakMap();

/** The keys of a JSON object in document order. @internal */
export function keysOf(obj: object): string[] {
  return keyOrder.get(obj) ?? Object.keys(obj);
}

class JsonError {
  constructor(
    readonly message: string,
    readonly index: number,
  ) {}
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly container: JsonObject | JsonValue[];
  readonly keys: string[] | undefined;
  readonly startIndex: number;
  key: string | undefined;
}

function isIdentifierPart(code: number): boolean {
  // Approximation of Java's Character.isJavaIdentifierPart for the characters that matter here.
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    (code > 127 && /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}\p{Sc}]/u.test(String.fromCharCode(code)))
  );
}

function isIdentifierStart(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    (code > 127 && /[\p{L}\p{Nl}\p{Pc}\p{Sc}]/u.test(String.fromCharCode(code)))
  );
}

function charDesc(code: number): string {
  if (code < 32 || (code >= 127 && code <= 159)) return `(CTRL-CHAR, code ${code})`;
  const ch = String.fromCharCode(code);
  if (code > 255) return `'${ch}' (code ${code} / 0x${code.toString(16)})`;
  return `'${ch}' (code ${code})`;
}

/** Parses JSON text like Jackson's `readTree`. Never throws. @internal */
export function scanJson(text: string): ScanResult {
  const scanner = new Scanner(text);
  try {
    return { ok: true, value: scanner.readRoot() };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, error: scanner.toSyntaxError(e) };
    // Defensive: the scanner has no recursion, so this is unexpected; still never throw.
    return { ok: false, error: scanner.toSyntaxError(new JsonError('Unexpected parser failure', text.length)) };
  }
}

class Scanner {
  private i = 0;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  /** `[Source: (String)"…"; line: L, column: C]` for a character offset (Jackson columns are 1-based). */
  locationAt(index: number): { desc: string; line: number; column: number } {
    const { text } = this;
    let line = 1;
    let rowStart = 0;
    const end = Math.min(index, text.length);
    for (let k = 0; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 10) {
        line++;
        rowStart = k + 1;
      } else if (c === 13) {
        line++;
        if (k + 1 < end && text.charCodeAt(k + 1) === 10) k++;
        rowStart = k + 1;
      }
    }
    const column = index - rowStart + 1;
    return { desc: `[Source: ${this.sourceDesc()}; line: ${line}, column: ${column}]`, line, column };
  }

  sourceDesc(): string {
    const { text } = this;
    if (text.length <= MAX_CONTENT_SNIPPET) return `(String)"${text}"`;
    return `(String)"${text.slice(0, MAX_CONTENT_SNIPPET)}"[truncated ${text.length - MAX_CONTENT_SNIPPET} chars]`;
  }

  toSyntaxError(e: JsonError): JsonSyntaxError {
    const loc = this.locationAt(e.index);
    return { message: `${e.message}\n at ${loc.desc}`, location: loc.desc, line: loc.line, column: loc.column };
  }

  private fail(message: string, index = this.i): never {
    throw new JsonError(message, index);
  }

  /** Skips whitespace; returns the next char code (consumed) or -1 at end. */
  private nextNonWs(): number {
    const { text, n } = this;
    while (this.i < n) {
      const c = text.charCodeAt(this.i++);
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (c < 32)
        this.fail(
          `Illegal character (${charDesc(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`,
        );
      return c;
    }
    return -1;
  }

  private reportInvalidToken(matched: string): never {
    let token = matched;
    while (this.i < this.n && token.length < MAX_ERROR_TOKEN_LENGTH) {
      const c = this.text.charCodeAt(this.i);
      if (!isIdentifierPart(c)) break;
      token += this.text[this.i];
      this.i++;
    }
    if (token.length >= MAX_ERROR_TOKEN_LENGTH && this.i < this.n && isIdentifierPart(this.text.charCodeAt(this.i))) {
      token += '...';
    }
    this.fail(`Unrecognized token '${token}': was expecting ${VALID_VALUES}`);
  }

  private matchKeyword(word: string): void {
    // The first character has been consumed; Jackson's `_matchToken` reports the part matched so far.
    for (let k = 1; k < word.length; k++) {
      if (this.i >= this.n || this.text[this.i] !== word[k]) this.reportInvalidToken(word.slice(0, k));
      this.i++;
    }
    if (this.i < this.n && isIdentifierPart(this.text.charCodeAt(this.i))) this.reportInvalidToken(word);
  }

  private readString(inName: boolean): string {
    const { text, n } = this;
    let out = '';
    let chunkStart = this.i;
    while (true) {
      if (this.i >= n) {
        this.fail(
          inName
            ? 'Unexpected end-of-input in field name'
            : 'Unexpected end-of-input: was expecting closing quote for a string value',
        );
      }
      const c = text.charCodeAt(this.i++);
      if (c === 34) {
        out += text.slice(chunkStart, this.i - 1);
        return out;
      }
      if (c === 92) {
        out += text.slice(chunkStart, this.i - 1);
        if (this.i >= n) this.fail('Unexpected end-of-input in character escape sequence');
        const e = text.charCodeAt(this.i++);
        switch (e) {
          case 34:
            out += '"';
            break;
          case 92:
            out += '\\';
            break;
          case 47:
            out += '/';
            break;
          case 98:
            out += '\b';
            break;
          case 102:
            out += '\f';
            break;
          case 110:
            out += '\n';
            break;
          case 114:
            out += '\r';
            break;
          case 116:
            out += '\t';
            break;
          case 117: {
            let v = 0;
            for (let k = 0; k < 4; k++) {
              if (this.i >= n) this.fail('Unexpected end-of-input in character escape sequence');
              const h = text.charCodeAt(this.i++);
              const d = h >= 48 && h <= 57 ? h - 48 : h >= 65 && h <= 70 ? h - 55 : h >= 97 && h <= 102 ? h - 87 : -1;
              if (d < 0)
                this.fail(
                  `Unexpected character (${charDesc(h)}): expected a hex-digit for character escape sequence`,
                  this.i - 1,
                );
              v = (v << 4) | d;
            }
            out += String.fromCharCode(v);
            break;
          }
          default:
            this.fail(`Unrecognized character escape ${charDesc(e)}`, this.i - 1);
        }
        chunkStart = this.i;
        continue;
      }
      if (c < 32) {
        this.fail(
          `Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in ${inName ? 'name' : 'string value'}`,
          this.i - 1,
        );
      }
    }
  }

  private readNumber(first: number, root: boolean): number {
    const { text, n } = this;
    const start = this.i - 1;
    const isDigit = (k: number) => k < n && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57;
    if (first === 45) {
      if (this.i >= n) this.fail('Unexpected end-of-inputNo digit following sign');
      if (text.startsWith('Infinity', this.i)) {
        this.i += 8;
        this.fail("Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
      }
      const c = text.charCodeAt(this.i);
      if (c < 48 || c > 57) {
        this.fail(
          `Unexpected character (${charDesc(c)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`,
        );
      }
      this.i++;
    }
    // this.i is just past the first digit.
    if (text.charCodeAt(this.i - 1) === 48 && isDigit(this.i))
      this.fail('Invalid numeric value: Leading zeroes not allowed');
    while (isDigit(this.i)) this.i++;
    if (this.i < n && text.charCodeAt(this.i) === 46) {
      const dot = this.i;
      this.i++;
      if (!isDigit(this.i)) {
        const bad = this.i < n ? text.charCodeAt(this.i) : 46;
        this.fail(
          `Unexpected character (${charDesc(bad)}) in numeric value: Decimal point not followed by a digit`,
          dot,
        );
      }
      while (isDigit(this.i)) this.i++;
    }
    if (this.i < n && (text.charCodeAt(this.i) === 101 || text.charCodeAt(this.i) === 69)) {
      const e = this.i;
      this.i++;
      if (this.i < n && (text.charCodeAt(this.i) === 43 || text.charCodeAt(this.i) === 45)) this.i++;
      if (!isDigit(this.i)) {
        if (this.i >= n) this.fail('Unexpected end-of-inputexpected a digit for number exponent');
        this.fail(
          `Unexpected character (${charDesc(text.charCodeAt(this.i))}) in numeric value: Exponent indicator not followed by a digit`,
          e,
        );
      }
      while (isDigit(this.i)) this.i++;
    }
    if (root && this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
        this.fail(`Unexpected character (${charDesc(c)}): Expected space separating root-level values`);
      }
    }
    return Number(text.slice(start, this.i));
  }

  /**
   * Reads a scalar or opens a container. Returns `{ value }` for scalars or a new frame for containers.
   */
  private readValueStart(c: number, _inArray: boolean, depth: number): { value: JsonValue } | { frame: Frame } {
    switch (c) {
      case 34:
        return { value: this.readString(false) };
      case 123: {
        if (depth + 1 > MAX_JSON_DEPTH) {
          this.fail(
            `Document nesting depth (${depth + 1}) exceeds the maximum allowed (${MAX_JSON_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
          );
        }
        const obj = Object.create(null) as JsonObject;
        const keys: string[] = [];
        keyOrder.set(obj, keys);
        return { frame: { kind: 'object', container: obj, keys, startIndex: this.i - 1, key: undefined } };
      }
      case 91: {
        if (depth + 1 > MAX_JSON_DEPTH) {
          this.fail(
            `Document nesting depth (${depth + 1}) exceeds the maximum allowed (${MAX_JSON_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
          );
        }
        return { frame: { kind: 'array', container: [], keys: undefined, startIndex: this.i - 1, key: undefined } };
      }
      case 116:
        this.matchKeyword('true');
        return { value: true };
      case 102:
        this.matchKeyword('false');
        return { value: false };
      case 110:
        this.matchKeyword('null');
        return { value: null };
      case 45:
        return { value: this.readNumber(c, depth === 0) };
      default: {
        if (c >= 48 && c <= 57) return { value: this.readNumber(c, depth === 0) };
        const at = this.i - 1;
        if (c === 78 && this.text.startsWith('aN', this.i)) {
          this.i += 2;
          this.fail("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
        }
        if (c === 73 && this.text.startsWith('nfinity', this.i)) {
          this.i += 7;
          this.fail("Non-standard token 'Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
        }
        if (c === 43) {
          this.fail(
            `Unexpected character (${charDesc(c)}) in numeric value: JSON spec does not allow numbers to have plus signs: enable \`JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS\` to allow`,
            this.i,
          );
        }
        if (isIdentifierStart(c)) this.reportInvalidToken(String.fromCharCode(c));
        this.fail(`Unexpected character (${charDesc(c)}): expected a valid value ${VALID_VALUES}`, at);
      }
    }
  }

  private eofInContainer(frame: Frame): never {
    const loc = this.locationAt(frame.startIndex);
    const marker = frame.kind === 'object' ? 'Object' : 'Array';
    this.fail(`Unexpected end-of-input: expected close marker for ${marker} (start marker at ${loc.desc})`);
  }

  readRoot(): JsonValue | undefined {
    const first = this.nextNonWs();
    if (first === -1) return undefined;
    if (first === 93 || first === 125) {
      // Jackson's root context starts at line 1, column 0, and names the other bracket as expected.
      this.fail(
        `Unexpected close marker '${String.fromCharCode(first)}': expected '${first === 93 ? '}' : ']'}' (for root starting at [Source: ${this.sourceDesc()}; line: 1, column: 0])`,
        this.i - 1,
      );
    }
    const start = this.readValueStart(first, false, 0);
    if ('value' in start) return start.value;
    const stack: Frame[] = [start.frame];
    const root = start.frame.container;
    // Each loop iteration handles the position after an opening bracket or after a completed value.
    let justOpened = true;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const kindName = frame.kind === 'object' ? 'Object' : 'Array';
      let c = this.nextNonWs();
      if (c === -1) this.eofInContainer(frame);
      const close = frame.kind === 'object' ? 125 : 93;
      if (c === close) {
        stack.pop();
        justOpened = false;
        const parent = stack[stack.length - 1];
        if (parent) this.attach(parent, frame.container);
        continue;
      }
      if (c === 93 || c === 125) {
        const expected = frame.kind === 'object' ? '}' : ']';
        const loc = this.locationAt(frame.startIndex);
        this.fail(
          `Unexpected close marker '${String.fromCharCode(c)}': expected '${expected}' (for ${kindName} starting at ${loc.desc})`,
          this.i - 1,
        );
      }
      if (!justOpened) {
        if (c !== 44) {
          this.fail(
            `Unexpected character (${charDesc(c)}): was expecting comma to separate ${kindName} entries`,
            this.i - 1,
          );
        }
        c = this.nextNonWs();
        if (c === -1) this.fail(`Unexpected end-of-input within/between ${kindName} entries`);
      }
      justOpened = false;
      if (frame.kind === 'object') {
        if (c !== 34)
          this.fail(
            `Unexpected character (${charDesc(c)}): was expecting double-quote to start field name`,
            this.i - 1,
          );
        frame.key = this.readString(true);
        const colon = this.nextNonWs();
        if (colon === -1) this.fail('Unexpected end-of-input within/between Object entries');
        if (colon !== 58) {
          this.fail(
            `Unexpected character (${charDesc(colon)}): was expecting a colon to separate field name and value`,
            this.i - 1,
          );
        }
        c = this.nextNonWs();
        if (c === -1) this.fail('Unexpected end-of-input within/between Object entries');
      }
      const next = this.readValueStart(c, frame.kind === 'array', stack.length);
      if ('value' in next) {
        this.attach(frame, next.value);
      } else {
        stack.push(next.frame);
        justOpened = true;
      }
    }
    return root as JsonValue;
  }

  private attach(frame: Frame, value: JsonValue): void {
    if (frame.kind === 'array') {
      (frame.container as JsonValue[]).push(value);
      return;
    }
    const obj = frame.container as JsonObject;
    const key = frame.key as string;
    if (!Object.hasOwn(obj, key)) frame.keys!.push(key);
    obj[key] = value;
  }
}
