/**
 * The 18 intrinsic functions of JSONPath states (`States.Format(...)` etc.), parsed once per machine.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
import { hashText } from './hash.js';
import { type CompiledPath, compilePath, deepEqual } from './json-path.js';

/** @internal */
export type IntrinsicArg =
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'path'; readonly path: CompiledPath }
  | { readonly k: 'call'; readonly call: IntrinsicCall };

/** @internal */
export interface IntrinsicCall {
  readonly name: string;
  readonly args: readonly IntrinsicArg[];
}

/** An intrinsic function failed; becomes `States.IntrinsicFailure` (or `States.Runtime` for paths). @internal */
export class IntrinsicError extends Error {}

/** True when a `.$` value is an intrinsic call rather than a path. @internal */
export function isIntrinsic(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\s*\(/.test(text.trim());
}

/** @internal */
export function parseIntrinsic(text: string): IntrinsicCall {
  const p = new IntrinsicParser(text.trim());
  const call = p.call(0);
  p.ws();
  if (p.i !== p.s.length) throw new SyntaxError(`Invalid intrinsic function: ${text}`);
  return call;
}

class IntrinsicParser {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  call(depth: number): IntrinsicCall {
    const m = /^States\.([A-Za-z0-9]+)\s*\(/.exec(this.s.slice(this.i));
    if (!m) throw new SyntaxError(`Invalid intrinsic function: ${this.s}`);
    this.i += m[0].length;
    const args: IntrinsicArg[] = [];
    this.ws();
    if (this.s[this.i] === ')') {
      this.i++;
      return { name: `States.${m[1]}`, args };
    }
    for (;;) {
      this.ws();
      args.push(this.arg(depth));
      this.ws();
      const ch = this.s[this.i];
      if (ch === ',') {
        this.i++;
        continue;
      }
      if (ch === ')') {
        this.i++;
        break;
      }
      throw new SyntaxError(`Invalid intrinsic function: ${this.s}`);
    }
    return { name: `States.${m[1]}`, args };
  }
  arg(depth: number): IntrinsicArg {
    const s = this.s;
    const ch = s[this.i];
    if (ch === "'") {
      this.i++;
      let out = '';
      while (this.i < s.length && s[this.i] !== "'") {
        if (s[this.i] === '\\') {
          const nx = s[this.i + 1];
          if (nx === "'" || nx === '{' || nx === '}' || nx === '\\') {
            // keep `\{`/`\}` escaped for States.Format, unescape the rest
            out += nx === '{' || nx === '}' ? `\\${nx}` : nx;
            this.i += 2;
            continue;
          }
          throw new SyntaxError(`Invalid escape in intrinsic function: ${s}`);
        }
        out += s[this.i];
        this.i++;
      }
      this.i++;
      return { k: 'lit', v: out };
    }
    if (s.startsWith('States.', this.i)) return { k: 'call', call: this.call(depth + 1) };
    if (ch === '$') {
      // a path runs until a top-level ',' or ')' (brackets and quotes nest)
      const start = this.i;
      let depthB = 0;
      let q: string | undefined;
      while (this.i < s.length) {
        const c = s[this.i]!;
        if (q) {
          if (c === q) q = undefined;
        } else if (c === "'" || c === '"') q = c;
        else if (c === '[' || c === '(') depthB++;
        else if (c === ']' || (c === ')' && depthB > 0)) depthB--;
        else if ((c === ',' || c === ')') && depthB === 0) break;
        this.i++;
      }
      return { k: 'path', path: compilePath(s.slice(start, this.i).trim()) };
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(s.slice(this.i));
    if (!m) throw new SyntaxError(`Invalid intrinsic function argument: ${s}`);
    this.i += m[0].length;
    return { k: 'lit', v: JSON.parse(m[0]) };
  }
}

/** Renders a value the way AWS's Java runtime prints it inside `States.Format`. */
function javaString(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(javaString).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}=${javaString(x)}`)
    .join(', ')}}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function needArgs(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new IntrinsicError(
      `The function '${name}' requires ${min === max ? `exactly ${min}` : `between ${min} and ${max}`} argument${max === 1 ? '' : 's'}, but ${args.length} ${args.length === 1 ? 'was' : 'were'} provided.`,
    );
  }
}

function needInt(name: string, v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new IntrinsicError(`The ${what} argument of '${name}' must be an integer, but was '${JSON.stringify(v)}'.`);
  }
  return v;
}

function needArray(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new IntrinsicError(`The function '${name}' expects an array, but was '${typeName(v)}'.`);
  return v;
}

function needString(name: string, v: unknown): string {
  if (typeof v !== 'string')
    throw new IntrinsicError(`The function '${name}' expects a string, but was '${typeName(v)}'.`);
  return v;
}

function b64encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function b64decode(text: string): string {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  return new TextDecoder().decode(bytes);
}

/** Hooks the evaluator needs from the caller: path reads and randomness. @internal */
export interface IntrinsicEnv {
  readPath(path: CompiledPath): unknown;
  random(): number;
  uuid(): string;
}

/** Evaluates a parsed call. Throws {@link IntrinsicError} for AWS's `States.IntrinsicFailure`. @internal */
export function evalIntrinsic(call: IntrinsicCall, env: IntrinsicEnv): unknown {
  const args = call.args.map((a) =>
    a.k === 'lit' ? a.v : a.k === 'path' ? env.readPath(a.path) : evalIntrinsic(a.call, env),
  );
  const name = call.name;
  switch (name) {
    case 'States.Format': {
      if (args.length < 1) needArgs(name, args, 1, Number.MAX_SAFE_INTEGER);
      const tpl = needString(name, args[0]);
      let n = 1;
      let out = '';
      for (let k = 0; k < tpl.length; k++) {
        const c = tpl[k]!;
        if (c === '\\' && (tpl[k + 1] === '{' || tpl[k + 1] === '}')) {
          out += tpl[k + 1];
          k++;
        } else if (c === '{' && tpl[k + 1] === '}') {
          if (n >= args.length) {
            throw new IntrinsicError(
              `Number of arguments in '${name}' do not match the number of placeholders ('{}') in the format string.`,
            );
          }
          out += javaString(args[n++]);
          k++;
        } else out += c;
      }
      if (n !== args.length) {
        throw new IntrinsicError(
          `Number of arguments in '${name}' do not match the number of placeholders ('{}') in the format string.`,
        );
      }
      return out;
    }
    case 'States.StringToJson': {
      needArgs(name, args, 1);
      const s = needString(name, args[0]);
      if (s.trim() === '') return null;
      try {
        const v = JSON.parse(s);
        return Object.is(v, -0) ? 0 : v;
      } catch {
        throw new IntrinsicError(`The function '${name}' could not parse '${s}' as JSON.`);
      }
    }
    case 'States.JsonToString':
      needArgs(name, args, 1);
      return JSON.stringify(args[0]);
    case 'States.Array':
      return args;
    case 'States.ArrayPartition': {
      needArgs(name, args, 2);
      const arr = needArray(name, args[0]);
      const size = needInt(name, args[1], 'second');
      if (size <= 0) throw new IntrinsicError(`Chunk size must be greater than 0, but was '${size}'.`);
      const out: unknown[][] = [];
      for (let k = 0; k < arr.length; k += size) out.push(arr.slice(k, k + size));
      return out;
    }
    case 'States.ArrayContains': {
      needArgs(name, args, 2);
      const arr = needArray(name, args[0]);
      return arr.some((x) => deepEqual(x, args[1]));
    }
    case 'States.ArrayRange': {
      needArgs(name, args, 3);
      const start = needInt(name, args[0], 'first');
      const end = needInt(name, args[1], 'second');
      const stepN = needInt(name, args[2], 'third');
      if (stepN === 0) throw new IntrinsicError(`The step argument of '${name}' cannot be 0.`);
      const out: number[] = [];
      if (stepN > 0) for (let k = start; k <= end; k += stepN) out.push(k);
      else for (let k = start; k >= end; k += stepN) out.push(k);
      if (out.length > 1000) {
        throw new IntrinsicError(`The function '${name}' cannot create an array with more than 1000 items.`);
      }
      return out;
    }
    case 'States.ArrayGetItem': {
      needArgs(name, args, 2);
      const arr = needArray(name, args[0]);
      const idx = needInt(name, args[1], 'second');
      if (idx < 0 || idx >= arr.length) {
        throw new IntrinsicError(`The index provided '${idx}' in '${name}' is out of bounds.`);
      }
      return arr[idx];
    }
    case 'States.ArrayLength':
      needArgs(name, args, 1);
      return needArray(name, args[0]).length;
    case 'States.ArrayUnique': {
      needArgs(name, args, 1);
      const out: unknown[] = [];
      for (const x of needArray(name, args[0])) if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return out;
    }
    case 'States.Base64Encode': {
      needArgs(name, args, 1);
      const s = needString(name, args[0]);
      if (s.length > 10000) throw new IntrinsicError(`The input to '${name}' exceeds the 10,000 character limit.`);
      return b64encode(s);
    }
    case 'States.Base64Decode': {
      needArgs(name, args, 1);
      const s = needString(name, args[0]);
      if (s.length > 10000) throw new IntrinsicError(`The input to '${name}' exceeds the 10,000 character limit.`);
      try {
        return b64decode(s);
      } catch {
        throw new IntrinsicError(`The function '${name}' could not decode '${s}'.`);
      }
    }
    case 'States.Hash': {
      needArgs(name, args, 2);
      const data = args[0];
      if (data === null || data === undefined) throw new IntrinsicError(`The input to '${name}' cannot be null.`);
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      if (text.length > 10000) throw new IntrinsicError(`The input to '${name}' exceeds the 10,000 character limit.`);
      const alg = needString(name, args[1]);
      const h = hashText(text, alg);
      if (h === undefined) {
        throw new IntrinsicError(
          `The hash algorithm '${alg}' is not supported. Supported algorithms are: MD5, SHA-1, SHA-256, SHA-384, SHA-512.`,
        );
      }
      return h;
    }
    case 'States.JsonMerge': {
      needArgs(name, args, 3);
      const [a, b, deep] = args;
      if (deep !== false)
        throw new IntrinsicError(`The third argument of '${name}' must be false (deep merge is not supported).`);
      if (
        typeof a !== 'object' ||
        a === null ||
        Array.isArray(a) ||
        typeof b !== 'object' ||
        b === null ||
        Array.isArray(b)
      ) {
        throw new IntrinsicError(`The function '${name}' expects two JSON objects.`);
      }
      return { ...(a as object), ...(b as object) };
    }
    case 'States.MathRandom': {
      needArgs(name, args, 2, 3);
      const start = needInt(name, args[0] === undefined ? args[0] : Math.trunc(Number(args[0])), 'first');
      const end = needInt(name, Math.trunc(Number(args[1])), 'second');
      if (args.length === 3) {
        const seed = Number(args[2]);
        // a seeded call is deterministic for its seed
        let x = (seed | 0) ^ 0x9e3779b9;
        x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
        x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
        const r = ((x ^ (x >>> 16)) >>> 0) / 4294967296;
        return start + Math.floor(r * (end - start));
      }
      return start + Math.floor(env.random() * (end - start));
    }
    case 'States.MathAdd': {
      needArgs(name, args, 2);
      const [a, b] = args;
      if (typeof a !== 'number' || typeof b !== 'number') {
        throw new IntrinsicError(`The function '${name}' expects numeric arguments.`);
      }
      return Math.floor(a + 0.5) + Math.floor(b + 0.5);
    }
    case 'States.StringSplit': {
      needArgs(name, args, 2);
      const s = needString(name, args[0]);
      const d = needString(name, args[1]);
      const out: string[] = [];
      let cur = '';
      for (const c of s) {
        if (d.includes(c)) {
          if (cur !== '') out.push(cur);
          cur = '';
        } else cur += c;
      }
      if (cur !== '') out.push(cur);
      return out;
    }
    case 'States.UUID':
      needArgs(name, args, 0);
      return env.uuid();
    default:
      throw new IntrinsicError(`The function '${name}' is not supported.`);
  }
}
