/**
 * Grammar of the JSONPath strings the Amazon States Language accepts.
 *
 * - A **Path** is a Jayway-style JSONPath (`$`, `.name`, `['name']`, `[0]`, `[*]`, `..name`, `[1:3]`,
 *   `[0,1]`, `[?(@.x > 1)]`, …). Step Functions evaluates paths with Jayway JsonPath.
 * - A **reference path** selects a single node: only `.name`, `['name']` and `[n]` segments.
 *
 * A path is rooted at `$` (state data), `$$` (the context object) or `$name` (a variable).
 *
 * @see https://states-language.net/spec.html#path
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */

/** Where a path starts. @public */
export type PathRoot =
  | { readonly kind: 'data' }
  | { readonly kind: 'context' }
  | { readonly kind: 'variable'; readonly name: string };

/** One step of a parsed path. @public */
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'descendant'; readonly name: string | null }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'union'; readonly items: readonly (string | number)[] }
  | { readonly kind: 'filter'; readonly expression: string }
  | { readonly kind: 'script'; readonly expression: string }
  | { readonly kind: 'function'; readonly name: string };

/** A parsed path. @public */
export interface ParsedPath {
  readonly text: string;
  readonly root: PathRoot;
  readonly segments: readonly PathSegment[];
  /** True when every segment is `field` or non-negative `index`: the path selects at most one node. */
  readonly isReferencePath: boolean;
}

/** Result of {@link parsePath}. @public */
export type PathParseResult =
  | { readonly ok: true; readonly path: ParsedPath }
  | { readonly ok: false; readonly error: string };

const VARIABLE_NAME = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]*/u;

/** Maximum length this parser accepts; longer strings are rejected without scanning. @internal */
const MAX_PATH_LENGTH = 1 << 20;

/**
 * Parses a JSONPath string as used in ASL (`InputPath`, `"x.$"` values, `Variable`, …). Pure; never throws.
 * @public
 */
export function parsePath(text: string): PathParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'a path must be a string' };
  if (text.length > MAX_PATH_LENGTH) return { ok: false, error: 'path is too long' };
  if (!text.startsWith('$')) return { ok: false, error: "a path must start with '$'" };
  let i = 1;
  let root: PathRoot;
  if (text[1] === '$') {
    root = { kind: 'context' };
    i = 2;
  } else {
    const m = VARIABLE_NAME.exec(text.slice(1));
    if (m) {
      root = { kind: 'variable', name: m[0] };
      i = 1 + m[0].length;
    } else {
      root = { kind: 'data' };
    }
  }
  const segments: PathSegment[] = [];
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '.') {
      if (text[i + 1] === '.') {
        // Deep scan: `..name`, `..*` or `..[…]`.
        i += 2;
        if (text[i] === '*') {
          segments.push({ kind: 'descendant', name: null });
          i++;
          continue;
        }
        if (text[i] === '[') {
          segments.push({ kind: 'descendant', name: null });
          continue;
        }
        const end = propertyEnd(text, i);
        if (end === i) return { ok: false, error: `path '${text}' has an empty property after '..'` };
        segments.push({ kind: 'descendant', name: text.slice(i, end) });
        i = end;
        continue;
      }
      i++;
      if (text[i] === '*') {
        segments.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const end = propertyEnd(text, i);
      if (end === i) return { ok: false, error: `path '${text}' has an empty property name` };
      const name = text.slice(i, end);
      if (text[end] === '(' && text[end + 1] === ')' && end + 2 === n) {
        segments.push({ kind: 'function', name });
        i = end + 2;
        continue;
      }
      if (text[end] === '(') return { ok: false, error: `path '${text}' has an unexpected '('` };
      segments.push({ kind: 'field', name });
      i = end;
      continue;
    }
    if (c === '[') {
      const parsed = parseBracket(text, i);
      if (!parsed.ok) return parsed;
      segments.push(parsed.segment);
      i = parsed.end;
      continue;
    }
    return { ok: false, error: `path '${text}' has an unexpected character '${c}' at position ${i}` };
  }
  const isReferencePath = segments.every((s) => s.kind === 'field' || (s.kind === 'index' && s.index >= 0));
  return { ok: true, path: { text, root, segments, isReferencePath } };
}

function propertyEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.' || c === '[' || c === '(' || c === ')' || c === ']' || c === "'" || c === '"' || /\s/.test(c)) break;
    i++;
  }
  return i;
}

type BracketResult = { ok: true; segment: PathSegment; end: number } | { ok: false; error: string };

function parseBracket(text: string, start: number): BracketResult {
  // text[start] === '['
  const n = text.length;
  let i = start + 1;
  const skipWs = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipWs();
  const bad = (why: string): BracketResult => ({ ok: false, error: `path '${text}': ${why}` });
  if (i >= n) return bad('unterminated bracket');
  const c = text[i]!;
  if (c === '?' || c === '(') {
    // Filter `[?(…)]` or script `[(…)]`: scan to the matching ')' then expect ']'.
    const isFilter = c === '?';
    if (isFilter) {
      i++;
      if (text[i] !== '(') return bad("a filter must be written '[?(…)]'");
    }
    const exprStart = i;
    let depth = 0;
    let quote: string | null = null;
    for (; i < n; i++) {
      const ch = text[i]!;
      if (quote) {
        if (ch === '\\') i++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (i >= n) return bad('unterminated expression');
    const expression = text.slice(exprStart + 1, i);
    i++;
    skipWs();
    if (text[i] !== ']') return bad("expected ']' after the expression");
    if (expression.trim() === '') return bad('empty expression');
    return {
      ok: true,
      segment: isFilter ? { kind: 'filter', expression } : { kind: 'script', expression },
      end: i + 1,
    };
  }
  if (c === '*') {
    i++;
    skipWs();
    if (text[i] !== ']') return bad("expected ']' after '*'");
    return { ok: true, segment: { kind: 'wildcard' }, end: i + 1 };
  }
  if (c === "'" || c === '"') {
    const items: string[] = [];
    while (true) {
      const q = text[i];
      if (q !== "'" && q !== '"') return bad('expected a quoted property name');
      i++;
      let name = '';
      while (i < n && text[i] !== q) {
        if (text[i] === '\\' && i + 1 < n) {
          name += text[i + 1];
          i += 2;
          continue;
        }
        name += text[i];
        i++;
      }
      if (i >= n) return bad('unterminated quoted property name');
      i++;
      items.push(name);
      skipWs();
      if (text[i] === ',') {
        i++;
        skipWs();
        continue;
      }
      if (text[i] === ']') break;
      return bad("expected ']' after a quoted property name");
    }
    const segment: PathSegment = items.length === 1 ? { kind: 'field', name: items[0]! } : { kind: 'union', items };
    return { ok: true, segment, end: i + 1 };
  }
  // Numbers: index, union of indexes, or slice.
  const close = text.indexOf(']', i);
  if (close < 0) return bad('unterminated bracket');
  const body = text.slice(i, close).replace(/\s+/g, '');
  if (/^-?\d+$/.test(body)) return { ok: true, segment: { kind: 'index', index: Number(body) }, end: close + 1 };
  if (/^-?\d+(,-?\d+)+$/.test(body)) {
    return { ok: true, segment: { kind: 'union', items: body.split(',').map(Number) }, end: close + 1 };
  }
  const slice = /^(-?\d+)?:(-?\d+)?(?::(-?\d+))?$/.exec(body);
  if (slice) {
    const segment: { kind: 'slice'; start?: number; end?: number; step?: number } = { kind: 'slice' };
    if (slice[1] !== undefined) segment.start = Number(slice[1]);
    if (slice[2] !== undefined) segment.end = Number(slice[2]);
    if (slice[3] !== undefined) segment.step = Number(slice[3]);
    return { ok: true, segment, end: close + 1 };
  }
  return bad(`invalid bracket expression '[${text.slice(i, close)}]'`);
}

/** True when `text` is a valid Path. @public */
export function isPath(text: string): boolean {
  return parsePath(text).ok;
}

/** True when `text` is a valid reference path (selects a single node). @public */
export function isReferencePath(text: string): boolean {
  const r = parsePath(text);
  return r.ok && r.path.isReferencePath;
}
