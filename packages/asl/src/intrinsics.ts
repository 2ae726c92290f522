/**
 * Parser for JSONPath intrinsic function calls (`States.Format('{}', $.x)`), with the arity and
 * argument-kind rules of the 18 functions Step Functions provides.
 *
 * Grammar: `States.<Name>(<arg>, …)`; an argument is a single-quoted string (escapes `\'`, `\{`, `\}`,
 * `\\`; a lone `\` is an error), a number, `null`, `true`, `false`, a path (`$…`, `$$…`, `$var…`) or a
 * nested call.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */

import { type ParsedPath, parsePath } from './paths.js';

/** An intrinsic function argument. @public */
export type IntrinsicArgument =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'path'; readonly path: ParsedPath }
  | { readonly kind: 'call'; readonly call: IntrinsicCall };

/** A parsed intrinsic function call. @public */
export interface IntrinsicCall {
  /** Full name, e.g. `States.Format`. */
  readonly name: IntrinsicFunctionName;
  readonly args: readonly IntrinsicArgument[];
}

/** The 18 intrinsic functions. @public */
export const IntrinsicFunctionName = {
  Format: 'States.Format',
  StringToJson: 'States.StringToJson',
  JsonToString: 'States.JsonToString',
  Array: 'States.Array',
  ArrayPartition: 'States.ArrayPartition',
  ArrayContains: 'States.ArrayContains',
  ArrayRange: 'States.ArrayRange',
  ArrayGetItem: 'States.ArrayGetItem',
  ArrayLength: 'States.ArrayLength',
  ArrayUnique: 'States.ArrayUnique',
  Base64Encode: 'States.Base64Encode',
  Base64Decode: 'States.Base64Decode',
  Hash: 'States.Hash',
  JsonMerge: 'States.JsonMerge',
  MathRandom: 'States.MathRandom',
  MathAdd: 'States.MathAdd',
  StringSplit: 'States.StringSplit',
  UUID: 'States.UUID',
} as const;
/** @public */
export type IntrinsicFunctionName = (typeof IntrinsicFunctionName)[keyof typeof IntrinsicFunctionName];

/** Result of {@link parseIntrinsic}. @public */
export type IntrinsicParseResult =
  | { readonly ok: true; readonly call: IntrinsicCall }
  | { readonly ok: false; readonly error: string };

/** Maximum nesting of calls (`States.Array(States.Array(…))`). @internal */
export const MAX_INTRINSIC_DEPTH = 10;

type ArgKind = 'string' | 'number' | 'boolean' | 'any';
interface Signature {
  readonly min: number;
  readonly max: number;
  /** Literal kind accepted at each position (the last entry repeats); paths and calls are always accepted. */
  readonly kinds: readonly ArgKind[];
}

const SIGNATURES: Readonly<Record<IntrinsicFunctionName, Signature>> = {
  'States.Format': { min: 1, max: Number.POSITIVE_INFINITY, kinds: ['string', 'any'] },
  'States.StringToJson': { min: 1, max: 1, kinds: ['string'] },
  'States.JsonToString': { min: 1, max: 1, kinds: ['any'] },
  'States.Array': { min: 0, max: Number.POSITIVE_INFINITY, kinds: ['any'] },
  'States.ArrayPartition': { min: 2, max: 2, kinds: ['any', 'number'] },
  'States.ArrayContains': { min: 2, max: 2, kinds: ['any', 'any'] },
  'States.ArrayRange': { min: 3, max: 3, kinds: ['number', 'number', 'number'] },
  'States.ArrayGetItem': { min: 2, max: 2, kinds: ['any', 'number'] },
  'States.ArrayLength': { min: 1, max: 1, kinds: ['any'] },
  'States.ArrayUnique': { min: 1, max: 1, kinds: ['any'] },
  'States.Base64Encode': { min: 1, max: 1, kinds: ['string'] },
  'States.Base64Decode': { min: 1, max: 1, kinds: ['string'] },
  'States.Hash': { min: 2, max: 2, kinds: ['any', 'string'] },
  'States.JsonMerge': { min: 3, max: 3, kinds: ['any', 'any', 'boolean'] },
  'States.MathRandom': { min: 2, max: 3, kinds: ['number', 'number', 'number'] },
  'States.MathAdd': { min: 2, max: 2, kinds: ['number', 'number'] },
  'States.StringSplit': { min: 2, max: 2, kinds: ['string', 'string'] },
  'States.UUID': { min: 0, max: 0, kinds: [] },
};

const NAMES = new Set<string>(Object.values(IntrinsicFunctionName));

/** True when `text` looks like an intrinsic call (`States.` prefix), whether or not it is valid. @public */
export function looksLikeIntrinsic(text: string): boolean {
  return typeof text === 'string' && /^States\.[A-Za-z0-9]*\s*\(/.test(text);
}

class IntrinsicError {
  constructor(readonly message: string) {}
}

/**
 * Parses an intrinsic function call and checks arity and literal argument kinds. Pure; never throws.
 * @public
 */
export function parseIntrinsic(text: string): IntrinsicParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'an intrinsic function call must be a string' };
  if (text.length > 1 << 20) return { ok: false, error: 'intrinsic function call is too long' };
  const p = new IntrinsicParser(text);
  try {
    const call = p.parseCall(1);
    p.skipWs();
    if (p.i !== text.length) throw new IntrinsicError(`unexpected '${text[p.i]}' after the call at position ${p.i}`);
    return { ok: true, call };
  } catch (e) {
    if (e instanceof IntrinsicError) return { ok: false, error: e.message };
    return { ok: false, error: 'invalid intrinsic function call' };
  }
}

class IntrinsicParser {
  i = 0;
  constructor(readonly text: string) {}

  skipWs(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  parseCall(depth: number): IntrinsicCall {
    if (depth > MAX_INTRINSIC_DEPTH) throw new IntrinsicError('intrinsic functions are nested too deeply');
    const m = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.i, this.i + 64));
    if (!m) throw new IntrinsicError(`expected an intrinsic function name at position ${this.i}`);
    const name = m[0];
    if (!NAMES.has(name)) throw new IntrinsicError(`unknown intrinsic function '${name}'`);
    this.i += name.length;
    if (this.text[this.i] !== '(') throw new IntrinsicError(`expected '(' after '${name}'`);
    this.i++;
    const args: IntrinsicArgument[] = [];
    this.skipWs();
    if (this.text[this.i] === ')') {
      this.i++;
    } else {
      while (true) {
        this.skipWs();
        args.push(this.parseArg(depth));
        this.skipWs();
        const c = this.text[this.i];
        if (c === ',') {
          this.i++;
          continue;
        }
        if (c === ')') {
          this.i++;
          break;
        }
        throw new IntrinsicError(
          c === undefined ? `missing ')' to close '${name}('` : `unexpected '${c}' in arguments of '${name}'`,
        );
      }
    }
    const fn = name as IntrinsicFunctionName;
    checkSignature(fn, args);
    return { name: fn, args };
  }

  parseArg(depth: number): IntrinsicArgument {
    const { text } = this;
    const c = text[this.i];
    if (c === undefined) throw new IntrinsicError('missing argument');
    if (c === "'") return { kind: 'string', value: this.parseString() };
    if (c === '$') {
      const start = this.i;
      this.scanPathEnd();
      const raw = text.slice(start, this.i).trimEnd();
      const r = parsePath(raw);
      if (!r.ok) throw new IntrinsicError(r.error);
      return { kind: 'path', path: r.path };
    }
    if (text.startsWith('States.', this.i)) return { kind: 'call', call: this.parseCall(depth + 1) };
    const rest = text.slice(this.i, this.i + 400);
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.i += num[0].length;
      return { kind: 'number', value: Number(num[0]) };
    }
    for (const [word, arg] of [
      ['null', { kind: 'null' }],
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
    ] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest[word.length] ?? '')) {
        this.i += word.length;
        return arg;
      }
    }
    throw new IntrinsicError(`invalid argument at position ${this.i}`);
  }

  parseString(): string {
    const { text } = this;
    this.i++; // opening quote
    let out = '';
    while (this.i < text.length) {
      const c = text[this.i]!;
      if (c === '\\') {
        const e = text[this.i + 1];
        if (e === "'" || e === '{' || e === '}' || e === '\\') {
          out += e;
          this.i += 2;
          continue;
        }
        throw new IntrinsicError(`invalid escape sequence in string literal at position ${this.i}`);
      }
      if (c === "'") {
        this.i++;
        return out;
      }
      out += c;
      this.i++;
    }
    throw new IntrinsicError('unterminated string literal');
  }

  /** Advances to the ',' or ')' that ends a path argument (brackets and quotes nest). */
  scanPathEnd(): void {
    const { text } = this;
    let depth = 0;
    let quote: string | null = null;
    for (; this.i < text.length; this.i++) {
      const c = text[this.i]!;
      if (quote) {
        if (c === '\\') this.i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || (c === ')' && depth > 0)) depth--;
      else if ((c === ',' || c === ')') && depth === 0) return;
    }
  }
}

function checkSignature(name: IntrinsicFunctionName, args: readonly IntrinsicArgument[]): void {
  const sig = SIGNATURES[name];
  if (args.length < sig.min || args.length > sig.max) {
    const expected =
      sig.min === sig.max
        ? `${sig.min}`
        : sig.max === Number.POSITIVE_INFINITY
          ? `at least ${sig.min}`
          : `${sig.min} to ${sig.max}`;
    throw new IntrinsicError(`${name} takes ${expected} argument(s) but ${args.length} were given`);
  }
  args.forEach((arg, index) => {
    const kind = sig.kinds[Math.min(index, sig.kinds.length - 1)] ?? 'any';
    if (kind === 'any' || arg.kind === 'path' || arg.kind === 'call') return;
    if (arg.kind !== kind) {
      throw new IntrinsicError(`argument ${index + 1} of ${name} must be a ${kind} or a path, not a ${arg.kind}`);
    }
  });
}
