/**
 * JSONata (`{% … %}`) evaluation the way Step Functions runs it: JSONata 2.0.6, `$states` bound, no data
 * root, AWS's added functions (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import jsonata from 'jsonata';
import { hashText } from './hash.js';

/** A failure while evaluating: becomes `States.QueryEvaluationError`. @internal */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly location: string | undefined,
  ) {
    super(message);
  }
}

/** A compiled `{% %}` expression. @internal */
export interface JsonataExpr {
  /** The expression text between `{%` and `%}`, trimmed (as AWS quotes it in causes). */
  readonly text: string;
  readonly compiled: jsonata.Expression | undefined;
  readonly syntaxError?: string;
}

const cache = new Map<string, JsonataExpr>();

/** Whether a string is a JSONata expression: the *whole* string is `{% … %}`. @internal */
export function isJsonataString(s: string): boolean {
  return s.startsWith('{%') && s.endsWith('%}') && s.length >= 4;
}

/** @internal */
export function compileJsonata(source: string): JsonataExpr {
  let e = cache.get(source);
  if (e) return e;
  const text = source.slice(2, -2).trim();
  try {
    e = { text, compiled: jsonata(text) };
  } catch (err) {
    const x = err as { code?: string; message?: string };
    e = { text, compiled: undefined, syntaxError: `${x.code ? `${x.code}: ` : ''}${x.message ?? String(err)}` };
  }
  if (cache.size > 5000) cache.clear();
  cache.set(source, e);
  return e;
}

/** Per-evaluation environment. @internal */
export interface JsonataEnv {
  /** `$states`. */
  readonly states: Record<string, unknown>;
  /** Visible variables. */
  readonly variables: Record<string, unknown>;
  random(): number;
  uuid(): string;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isFunctionValue(v: unknown): boolean {
  return (
    typeof v === 'function' ||
    (typeof v === 'object' &&
      v !== null &&
      ((v as { _jsonata_lambda?: boolean })._jsonata_lambda === true ||
        (v as { _jsonata_function?: boolean })._jsonata_function === true))
  );
}

/** Copies a JSONata result into plain JSON (sequences → arrays, no functions, no undefined members). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) if (x !== undefined && !isFunctionValue(x)) out.push(plain(x));
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined && !isFunctionValue(x)) out[k] = plain(x);
    return out;
  }
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  return v;
}

function awsFunctions(env: JsonataEnv): Record<string, unknown> {
  return {
    partition: (arr: unknown, size: unknown) => {
      if (!Array.isArray(arr)) throw new Error('The first argument of $partition must be an array.');
      if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
        throw new Error('The second argument of $partition must be a positive integer.');
      }
      const out: unknown[][] = [];
      for (let k = 0; k < arr.length; k += size) out.push(arr.slice(k, k + size));
      return out;
    },
    range: (start: unknown, end: unknown, step: unknown) => {
      if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number' || step === 0) {
        throw new Error('The arguments of $range must be numbers and the step must not be 0.');
      }
      const out: number[] = [];
      if (step > 0) for (let k = start; k <= end; k += step) out.push(k);
      else for (let k = start; k >= end; k += step) out.push(k);
      if (out.length > 1000) throw new Error('$range cannot create an array with more than 1000 items.');
      return out;
    },
    hash: (value: unknown, alg: unknown) => {
      if (value === undefined || value === null) throw new Error('The first argument of $hash cannot be null.');
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const h = hashText(text, String(alg));
      if (h === undefined) throw new Error(`The hash algorithm '${String(alg)}' is not supported.`);
      return h;
    },
    random: (seed?: unknown) => {
      if (seed !== undefined) {
        let x = Number(seed) | 0;
        x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
        x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
        return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
      }
      return env.random();
    },
    uuid: () => env.uuid(),
    parse: (text: unknown) => {
      if (typeof text !== 'string') throw new Error('The argument of $parse must be a string.');
      return JSON.parse(text);
    },
    eval: undefined,
  };
}

/**
 * Evaluates an expression; `field` names it in causes (`Output`, `Arguments/FunctionName`, `Items`).
 * Throws {@link QueryError} on undefined or function results and on JSONata errors.
 * @internal
 */
export async function evalJsonata(expr: JsonataExpr, env: JsonataEnv, field: string): Promise<unknown> {
  const where = `The JSONata expression '${expr.text}' specified for the field '${field}'`;
  if (!expr.compiled) throw new QueryError(`${where} threw an error during evaluation. ${expr.syntaxError}`, field);
  let result: unknown;
  try {
    result = await expr.compiled.evaluate(undefined, {
      ...env.variables,
      ...awsFunctions(env),
      states: env.states,
    });
  } catch (err) {
    const x = err as { code?: string; message?: string };
    throw new QueryError(
      `${where} threw an error during evaluation. ${x.code ? `${x.code}: ` : ''}${x.message ?? String(err)}`,
      field,
    );
  }
  if (result === undefined) throw new QueryError(`${where} returned nothing (undefined).`, field);
  if (isFunctionValue(result)) throw new QueryError(`${where} returned an unsupported result type.`, field);
  return plain(result);
}

/** The cause for a result of the wrong type. @internal */
export function wrongTypeCause(expr: JsonataExpr, field: string, expected: string, value: unknown): string {
  return `The JSONata expression '${expr.text}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${typeOf(value)}' for value: ${JSON.stringify(value)}`;
}
