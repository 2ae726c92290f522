/**
 * `variableReferences`: which workflow variables each state reads, as `DescribeStateMachine` and
 * `DescribeStateMachineForExecution` report them (state name → sorted variable names; states that read
 * none are left out). Nested states (Map item processors, Parallel branches) are listed by their own names.
 *
 * JSONPath states read variables through `$name` paths in path fields, `.$` values of payload templates
 * and `Assign`, intrinsic function arguments and Choice rules. JSONata states read them as `$name` inside
 * `{% %}` expressions; `$states`, function calls and names bound inside the expression are not
 * variables.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeStateMachine.html
 */

import jsonata from 'jsonata';
import { type IntrinsicArgument, parseIntrinsic } from './intrinsics.js';
import { type JsonObject, type JsonValue, keysOf } from './json-scanner.js';
import { isJsonataExpression, jsonataBody } from './jsonata-check.js';
import type { StateMachineDefinition } from './model.js';
import { parsePath } from './paths.js';

const PATH_FIELDS = new Set([
  'InputPath',
  'OutputPath',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
  'ErrorPath',
  'CausePath',
  'Variable',
  'MaxItemsPath',
  'MaxItemsPerBatchPath',
  'MaxInputBytesPerBatchPath',
]);

/** Fields that hold nested state machines or plain names rather than data-flow values. */
const SKIP_FIELDS = new Set([
  'Type',
  'Comment',
  'QueryLanguage',
  'Next',
  'Default',
  'End',
  'Resource',
  'ErrorEquals',
  'Result',
]);

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Variable names each state reads. Accepts a parsed definition (or any JSON object of that shape).
 * Pure; never throws.
 * @public
 */
export function variableReferences(definition: StateMachineDefinition | JsonObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const root = definition as unknown as JsonObject;
  const machineJsonata = root.QueryLanguage === 'JSONata';
  const containers: JsonObject[] = [root];
  while (containers.length > 0) {
    const container = containers.pop()!;
    const states = container.States;
    if (!isObject(states)) continue;
    for (const name of keysOf(states)) {
      const st = states[name];
      if (!isObject(st)) continue;
      const jsonataState = Object.hasOwn(st, 'QueryLanguage') ? st.QueryLanguage === 'JSONata' : machineJsonata;
      const found = new Set<string>();
      for (const key of keysOf(st)) {
        const value = st[key];
        if (key === 'Branches' && Array.isArray(value)) {
          for (const b of value) if (isObject(b)) containers.push(b);
          continue;
        }
        if ((key === 'ItemProcessor' || key === 'Iterator') && isObject(value)) {
          containers.push(value);
          continue;
        }
        if (SKIP_FIELDS.has(key)) continue;
        if (jsonataState) collectJsonata(value, found);
        else collectJsonPath(key, value, found);
      }
      if (found.size > 0) out[name] = [...found].sort();
    }
  }
  return out;
}

function addPath(text: unknown, found: Set<string>): void {
  if (typeof text !== 'string') return;
  if (text.startsWith('States.')) {
    const r = parseIntrinsic(text);
    if (r.ok) addArgs(r.call.args, found);
    return;
  }
  const r = parsePath(text);
  if (r.ok && r.path.root.kind === 'variable') found.add(r.path.root.name);
}

function addArgs(args: readonly IntrinsicArgument[], found: Set<string>): void {
  for (const arg of args) {
    if (arg.kind === 'path' && arg.path.root.kind === 'variable') found.add(arg.path.root.name);
    else if (arg.kind === 'call') addArgs(arg.call.args, found);
  }
}

/** JSONPath: path fields, `.$` values at any depth, and Choice rules. */
function collectJsonPath(key: string, value: JsonValue | undefined, found: Set<string>): void {
  const stack: Array<{ key: string; value: JsonValue | undefined }> = [{ key, value }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (PATH_FIELDS.has(item.key) || item.key.endsWith('.$') || /Path$/.test(item.key)) {
      if (typeof item.value === 'string') {
        addPath(item.value, found);
        continue;
      }
    }
    const v = item.value;
    if (Array.isArray(v)) for (const e of v) stack.push({ key: '', value: e });
    else if (isObject(v)) for (const k of keysOf(v)) stack.push({ key: k, value: v[k] });
  }
}

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

/** JSONata: `$name` variables of every `{% %}` string, minus `$states`, functions and local bindings. */
function collectJsonata(value: JsonValue | undefined, found: Set<string>): void {
  const stack: Array<JsonValue | undefined> = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (isJsonataExpression(v)) for (const name of jsonataVariables(jsonataBody(v))) found.add(name);
    } else if (Array.isArray(v)) stack.push(...v);
    else if (isObject(v)) for (const k of keysOf(v)) if (!SKIP_FIELDS.has(k)) stack.push(v[k]);
  }
}

function jsonataVariables(body: string): string[] {
  let ast: AstNode;
  try {
    ast = jsonata(body).ast() as AstNode;
  } catch {
    return [];
  }
  const used = new Set<string>();
  const bound = new Set<string>();
  const stack: unknown[] = [ast];
  let budget = 100_000;
  while (stack.length > 0 && budget-- > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const n = node as AstNode;
    if (n.type === 'bind' && isObject(n.lhs as JsonValue) && (n.lhs as AstNode).type === 'variable') {
      bound.add(String((n.lhs as AstNode).value));
    }
    if (n.type === 'lambda' && Array.isArray(n.arguments)) {
      for (const a of n.arguments as AstNode[]) bound.add(String(a.value));
    }
    if ((n.type === 'function' || n.type === 'partial') && (n.procedure as AstNode | undefined)?.type === 'variable') {
      // `$sum(…)`: a function call, not a variable read — but its arguments may read variables.
      stack.push(n.arguments);
      continue;
    }
    if (n.type === 'variable' && typeof n.value === 'string') used.add(n.value);
    for (const child of Object.values(n)) if (child && typeof child === 'object') stack.push(child);
  }
  return [...used].filter((name) => name !== '' && name !== '$' && name !== 'states' && !bound.has(name));
}
