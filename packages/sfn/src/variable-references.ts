/**
 * `variableReferences` of DescribeStateMachine / DescribeStateMachineForExecution: for each state (at any
 * depth), the workflow variables its fields read. JSONPath states read variables through paths (`$name…`)
 * in path fields, `.$` payload fields and intrinsic-function arguments; JSONata states through `$name`
 * inside `{% %}` expressions (`$states` and function-local names excluded).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PATH_FIELDS = new Set([
  'InputPath',
  'OutputPath',
  'ItemsPath',
  'Variable',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
  'MaxItemsPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'ResultPath',
]);

/** Fields holding nested states, which report their own references. */
const NESTED = new Set(['Iterator', 'ItemProcessor', 'Branches']);

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Variables a JSONPath or intrinsic-function text reads. */
function fromPathText(text: string, out: Set<string>): void {
  const re = /(^|[\s,(])\$([A-Za-z_][A-Za-z0-9_]*)/g;
  let masked = '';
  // Ignore the insides of quoted strings in intrinsic arguments.
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quote) {
      masked += '  ';
      i++;
      continue;
    }
    if (c === "'") quote = !quote;
    masked += quote ? ' ' : c;
  }
  for (const m of masked.matchAll(re)) out.add(m[2]!);
}

/** Variables a JSONata expression reads. */
function fromJsonata(expr: string, out: Set<string>): void {
  const masked = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (s) => ' '.repeat(s.length));
  const local = new Set<string>(['states']);
  for (const m of masked.matchAll(/function\s*\(([^)]*)\)/g)) {
    for (const p of m[1]!.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) local.add(p[1]!);
  }
  for (const m of masked.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*:=/g)) local.add(m[1]!);
  for (const m of masked.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
    const name = m[1]!;
    if (m[2] !== undefined || local.has(name)) continue;
    out.add(name);
  }
}

function jsonataOf(v: string): string | undefined {
  const t = v.trim();
  return t.startsWith('{%') && t.endsWith('%}') ? t.slice(2, -2) : undefined;
}

/** Walks one state's own fields (not its nested states). */
function walkValue(value: Json, key: string | undefined, jsonata: boolean, out: Set<string>): void {
  if (typeof value === 'string') {
    const expr = jsonataOf(value);
    if (expr !== undefined) {
      if (jsonata) fromJsonata(expr, out);
      return;
    }
    if (!jsonata && key !== undefined && (key.endsWith('.$') || PATH_FIELDS.has(key) || key.endsWith('Path'))) {
      fromPathText(value, out);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walkValue(v, undefined, jsonata, out);
    return;
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) walkValue(v, k, jsonata, out);
  }
}

function walkStates(states: Record<string, Json>, topLanguage: string, result: Record<string, string[]>): void {
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    const language = typeof state.QueryLanguage === 'string' ? state.QueryLanguage : topLanguage;
    const out = new Set<string>();
    for (const [k, v] of Object.entries(state)) {
      if (NESTED.has(k)) continue;
      walkValue(v, k, language === 'JSONata', out);
    }
    if (out.size > 0) result[name] = [...out].sort();
    for (const k of NESTED) {
      const nested = state[k];
      const scopes = Array.isArray(nested) ? nested : nested !== undefined ? [nested] : [];
      for (const scope of scopes) {
        if (isObject(scope) && isObject(scope.States)) walkStates(scope.States, topLanguage, result);
      }
    }
  }
}

/**
 * The variables each state reads; `undefined` when no state reads any (AWS then omits the member).
 * @internal
 */
export function variableReferences(definition: string): Record<string, string[]> | undefined {
  let root: unknown;
  try {
    root = JSON.parse(definition);
  } catch {
    return undefined;
  }
  if (!isObject(root) || !isObject(root.States)) return undefined;
  const language = typeof root.QueryLanguage === 'string' ? root.QueryLanguage : 'JSONPath';
  const result: Record<string, string[]> = {};
  walkStates(root.States, language, result);
  return Object.keys(result).length > 0 ? result : undefined;
}
