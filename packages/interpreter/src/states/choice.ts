/**
 * JSONPath Choice rules. Type mismatches compare false (never an error); a missing Variable is an error
 * except for `IsPresent`.
 * @see https://states-language.net/spec.html#choice-state
 */
import type { ChoiceRule } from '../compile.js';
import { type CompiledPath, PathNotFound, readAll, readDefinite } from '../data-flow/json-path.js';
import { applyPath, type PathEnv } from '../data-flow/template.js';
import { parseTimestamp } from '../data-flow/timestamp.js';
import { runtime } from '../errors/state-errors.js';

const MISSING = Symbol('missing');

function read(path: CompiledPath, env: PathEnv): unknown {
  let root: unknown;
  if (path.root === '$') root = env.input;
  else if (path.root === '$$') root = env.context();
  else {
    if (!Object.hasOwn(env.variables, path.root.variable)) return MISSING;
    root = env.variables[path.root.variable];
  }
  if (!path.definite) {
    const all = readAll(root, path.segments);
    return all.length === 0 ? MISSING : all;
  }
  try {
    return readDefinite(root, path);
  } catch (e) {
    if (e instanceof PathNotFound) return MISSING;
    throw e;
  }
}

function globMatch(value: string, pattern: string): boolean {
  let re = '^';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === '\\' && k + 1 < pattern.length) {
      re += pattern[k + 1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      k++;
    } else if (c === '*') re += '[\\s\\S]*';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(value);
}

/** @internal */
export function evalRule(rule: ChoiceRule, env: PathEnv): boolean {
  switch (rule.k) {
    case 'and':
      return rule.rules.every((r) => evalRule(r, env));
    case 'or':
      return rule.rules.some((r) => evalRule(r, env));
    case 'not':
      return !evalRule(rule.rule, env);
    case 'cond':
      return false;
    case 'cmp': {
      const v = read(rule.variable, env);
      const op = rule.op;
      if (op === 'IsPresent') return (v !== MISSING) === rule.value;
      if (v === MISSING) {
        throw runtime(
          `Invalid path '${rule.variable.source}': The choice state's condition path references an invalid value.`,
        );
      }
      let expected = rule.value;
      if (rule.valuePath) {
        expected = applyPath(rule.valuePath, env);
      }
      switch (op) {
        case 'IsNull':
          return (v === null) === expected;
        case 'IsNumeric':
          return (typeof v === 'number') === expected;
        case 'IsString':
          return (typeof v === 'string') === expected;
        case 'IsBoolean':
          return (typeof v === 'boolean') === expected;
        case 'IsTimestamp':
          return (parseTimestamp(v) !== undefined) === expected;
        case 'StringEquals':
          return typeof v === 'string' && typeof expected === 'string' && v === expected;
        case 'StringLessThan':
          return typeof v === 'string' && typeof expected === 'string' && v < expected;
        case 'StringGreaterThan':
          return typeof v === 'string' && typeof expected === 'string' && v > expected;
        case 'StringLessThanEquals':
          return typeof v === 'string' && typeof expected === 'string' && v <= expected;
        case 'StringGreaterThanEquals':
          return typeof v === 'string' && typeof expected === 'string' && v >= expected;
        case 'StringMatches':
          return typeof v === 'string' && typeof expected === 'string' && globMatch(v, expected);
        case 'NumericEquals':
          return typeof v === 'number' && typeof expected === 'number' && v === expected;
        case 'NumericLessThan':
          return typeof v === 'number' && typeof expected === 'number' && v < expected;
        case 'NumericGreaterThan':
          return typeof v === 'number' && typeof expected === 'number' && v > expected;
        case 'NumericLessThanEquals':
          return typeof v === 'number' && typeof expected === 'number' && v <= expected;
        case 'NumericGreaterThanEquals':
          return typeof v === 'number' && typeof expected === 'number' && v >= expected;
        case 'BooleanEquals':
          return typeof v === 'boolean' && typeof expected === 'boolean' && v === expected;
        default: {
          if (!op.startsWith('Timestamp')) return false;
          const a = parseTimestamp(v);
          const b = parseTimestamp(expected);
          if (a === undefined || b === undefined) return false;
          switch (op) {
            case 'TimestampEquals':
              return a === b;
            case 'TimestampLessThan':
              return a < b;
            case 'TimestampGreaterThan':
              return a > b;
            case 'TimestampLessThanEquals':
              return a <= b;
            case 'TimestampGreaterThanEquals':
              return a >= b;
          }
          return false;
        }
      }
    }
  }
}
