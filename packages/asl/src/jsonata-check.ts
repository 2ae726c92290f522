/**
 * Static checks of JSONata expressions, as Step Functions performs them when a definition is created:
 * the expression must parse (JSONata 2.0.6), and it may not read the context item at the top level
 * (Step Functions evaluates expressions without one; data is reached through `$states`).
 *
 * Only parsing is done here; nothing is ever evaluated.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

import jsonata from 'jsonata';

/** True when `value` is a JSONata expression string: it starts with `{%` and ends with `%}`. @public */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The body of a `{% … %}` string. @public */
export function jsonataBody(value: string): string {
  return value.slice(2, -2);
}

/** Outcome of {@link checkJsonata}. @public */
export type JsonataCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'invalid'; readonly message: string }
  | { readonly ok: false; readonly kind: 'unsupported'; readonly message: string };

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly [key: string]: unknown;
}

/** Properties whose expressions are evaluated against something other than the enclosing context. */
const RELATIVE_KEYS = new Set(['predicate', 'stages', 'group', 'body', 'terms', 'pattern', 'update', 'delete']);

/** Maximum expression length parsed; longer bodies are parsed too, but the walk is bounded by node count. */
const MAX_NODES = 100_000;

/**
 * Parses a JSONata expression body (without the `{% %}` delimiters) and looks for top-level references.
 * Never throws.
 * @public
 */
export function checkJsonata(body: string): JsonataCheck {
  let ast: AstNode;
  try {
    ast = jsonata(body).ast() as AstNode;
  } catch (e) {
    const message =
      e && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string'
        ? (e as { message: string }).message
        : 'Invalid JSONata expression';
    // A stack overflow in the recursive-descent parser means the expression is nested too deeply.
    if (e instanceof RangeError) return { ok: false, kind: 'invalid', message: 'Expression is nested too deeply' };
    return { ok: false, kind: 'invalid', message };
  }
  const reference = findTopLevelReference(ast);
  if (reference !== undefined) {
    const message =
      reference === '$$'
        ? "Reference to '$$' is not supported."
        : `Reference to '${reference}' at the top level is not supported.`;
    return { ok: false, kind: 'unsupported', message };
  }
  return { ok: true };
}

function findTopLevelReference(root: AstNode): string | undefined {
  const stack: Array<{ node: unknown; top: boolean }> = [{ node: root, top: true }];
  let visited = 0;
  while (stack.length > 0) {
    if (++visited > MAX_NODES) return undefined;
    const { node, top } = stack.pop()!;
    if (Array.isArray(node)) {
      for (let k = node.length - 1; k >= 0; k--) stack.push({ node: node[k], top });
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const n = node as AstNode;
    if (top && n.type === 'variable' && n.value === '$') return '$$';
    if (n.type === 'path' && Array.isArray(n.steps)) {
      const [first, ...rest] = n.steps;
      if (top && first && first.type === 'name' && typeof first.value === 'string') return first.value;
      if (first) stack.push({ node: first, top });
      for (const step of rest) stack.push({ node: step, top: false });
      for (const [key, child] of Object.entries(n)) {
        if (key !== 'steps' && child && typeof child === 'object') stack.push({ node: child, top: false });
      }
      continue;
    }
    if (top && n.type === 'name' && typeof n.value === 'string') return n.value;
    for (const [key, child] of Object.entries(n)) {
      if (!child || typeof child !== 'object') continue;
      stack.push({ node: child, top: top && !RELATIVE_KEYS.has(key) && !(n.type === 'lambda' && key === 'body') });
    }
  }
  return undefined;
}
