/**
 * Payload templates, compiled once per machine.
 *  - JSONPath: keys ending `.$` take a path, a `$$` path, a variable or an intrinsic call; other values are literal.
 *  - JSONata: any string that is wholly `{% … %}` is an expression, at any depth.
 */
import { ERR, queryError, runtime, StateFailure } from '../errors/state-errors.js';
import { evalIntrinsic, type IntrinsicCall, IntrinsicError, isIntrinsic, parseIntrinsic } from './intrinsics.js';
import { type CompiledPath, compilePath, PathNotFound, readAll, readDefinite } from './json-path.js';
import {
  compileJsonata,
  evalJsonata,
  isJsonataString,
  type JsonataEnv,
  type JsonataExpr,
  QueryError,
} from './jsonata.js';

/** What JSONPath evaluation can see. @internal */
export interface PathEnv {
  readonly input: unknown;
  context(): unknown;
  readonly variables: Readonly<Record<string, unknown>>;
  random(): number;
  uuid(): string;
}

/** @internal */
export type PathTemplate =
  | { readonly k: 'const'; readonly v: unknown }
  | { readonly k: 'path'; readonly path: CompiledPath; readonly field: string }
  | { readonly k: 'fn'; readonly call: IntrinsicCall; readonly field: string }
  | { readonly k: 'obj'; readonly entries: readonly (readonly [string, PathTemplate])[] }
  | { readonly k: 'arr'; readonly items: readonly PathTemplate[] };

/** @internal */
export function compilePathTemplate(value: unknown): PathTemplate {
  if (Array.isArray(value)) {
    const items = value.map(compilePathTemplate);
    if (items.every((x) => x.k === 'const')) return { k: 'const', v: value };
    return { k: 'arr', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries: [string, PathTemplate][] = [];
    let dynamic = false;
    for (const [key, v] of Object.entries(value)) {
      if (key.endsWith('.$') && typeof v === 'string') {
        dynamic = true;
        entries.push([key.slice(0, -2), compileDynamic(v, key)]);
      } else {
        const t = compilePathTemplate(v);
        if (t.k !== 'const') dynamic = true;
        entries.push([key, t]);
      }
    }
    if (!dynamic) return { k: 'const', v: value };
    return { k: 'obj', entries };
  }
  return { k: 'const', v: value };
}

/** A single `.$` value (or a `*Path` field that may hold an intrinsic, like ErrorPath). @internal */
export function compileDynamic(text: string, field: string): PathTemplate {
  if (isIntrinsic(text)) return { k: 'fn', call: parseIntrinsic(text), field };
  return { k: 'path', path: compilePath(text), field };
}

function missingInInput(path: CompiledPath, field: string, env: PathEnv): StateFailure {
  return runtime(
    `The JSONPath '${path.source}' specified for the field '${field}' could not be found in the input '${JSON.stringify(env.input)}'`,
  );
}

/** Reads a path for a payload template / intrinsic argument. @internal */
export function readTemplatePath(path: CompiledPath, field: string, env: PathEnv): unknown {
  let root: unknown;
  if (path.root === '$') root = env.input;
  else if (path.root === '$$') root = env.context();
  else {
    const name = path.root.variable;
    if (!Object.hasOwn(env.variables, name)) {
      throw runtime(
        `The JSONPath '${path.source}' specified for the field '${field}' could not be found in the input '${JSON.stringify(env.input)}'`,
      );
    }
    root = env.variables[name];
  }
  if (!path.definite) return readAll(root, path.segments);
  try {
    return readDefinite(root, path);
  } catch (e) {
    if (e instanceof PathNotFound) throw missingInInput(path, field, env);
    throw e;
  }
}

/** @internal */
export function evalPathTemplate(t: PathTemplate, env: PathEnv): unknown {
  switch (t.k) {
    case 'const':
      return t.v;
    case 'path':
      return readTemplatePath(t.path, t.field, env);
    case 'fn':
      try {
        return evalIntrinsic(t.call, {
          readPath: (p) => readTemplatePath(p, t.field, env),
          random: () => env.random(),
          uuid: () => env.uuid(),
        });
      } catch (e) {
        if (e instanceof IntrinsicError) throw new StateFailure(ERR.IntrinsicFailure, e.message, true);
        throw e;
      }
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of t.entries) out[k] = evalPathTemplate(v, env);
      return out;
    }
    case 'arr':
      return t.items.map((x) => evalPathTemplate(x, env));
  }
}

/**
 * Applies a reference/selection path (InputPath, OutputPath, ItemsPath, *SecondsPath) with AWS's
 * `Invalid path` messages.
 * @internal
 */
export function applyPath(path: CompiledPath, env: PathEnv): unknown {
  let root: unknown;
  if (path.root === '$') root = env.input;
  else if (path.root === '$$') root = env.context();
  else {
    const name = path.root.variable;
    if (!Object.hasOwn(env.variables, name)) {
      throw runtime(`Invalid path '${path.source}' : No results for path: $['${name}']`);
    }
    root = env.variables[name];
  }
  if (!path.definite) return readAll(root, path.segments);
  try {
    return readDefinite(root, path);
  } catch (e) {
    if (e instanceof PathNotFound) throw runtime(`Invalid path '${path.source}' : ${e.message}`);
    throw e;
  }
}

/**
 * Merges `result` into `input` at a ResultPath (reference path; creates missing objects). Copies only the
 * objects on the path (state data is never mutated in place, so the rest is shared). @internal
 */
export function applyResultPath(input: unknown, path: CompiledPath, result: unknown): unknown {
  const segs = path.segments;
  if (segs.length === 0) return result;
  if (typeof input !== 'object' || input === null) throw resultPathFailure(path, input);
  const root = copyNode(input);
  let holder: unknown = root;
  for (let k = 0; k < segs.length; k++) {
    const g = segs[k]!;
    const last = k === segs.length - 1;
    if (g.t === 'name') {
      if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) throw resultPathFailure(path, input);
      const h = holder as Record<string, unknown>;
      if (last) h[g.name] = result;
      else {
        const cur = h[g.name];
        holder = h[g.name] = typeof cur === 'object' && cur !== null ? copyNode(cur) : {};
      }
    } else if (g.t === 'index') {
      if (!Array.isArray(holder) || g.index >= holder.length) throw resultPathFailure(path, input);
      if (last) holder[g.index] = result;
      else {
        const cur: unknown = holder[g.index];
        holder = holder[g.index] = typeof cur === 'object' && cur !== null ? copyNode(cur) : cur;
      }
    }
  }
  return root;
}

function resultPathFailure(path: CompiledPath, input: unknown): StateFailure {
  return runtime(
    `Invalid path '${path.source}': The result path could not be applied to the input '${JSON.stringify(input)}'`,
  );
}

/** A shallow copy of an object or array (insertion order kept). */
function copyNode(v: object): unknown {
  return Array.isArray(v) ? v.slice() : { ...v };
}

// ---------------- JSONata templates ----------------

/** @internal */
export type JsonataTemplate =
  | { readonly k: 'const'; readonly v: unknown }
  | { readonly k: 'expr'; readonly expr: JsonataExpr; readonly field: string }
  | { readonly k: 'obj'; readonly entries: readonly (readonly [string, JsonataTemplate])[] }
  | { readonly k: 'arr'; readonly items: readonly JsonataTemplate[] };

/** @internal */
export function compileJsonataTemplate(value: unknown, field: string): JsonataTemplate {
  if (typeof value === 'string') {
    if (isJsonataString(value)) return { k: 'expr', expr: compileJsonata(value), field };
    return { k: 'const', v: value };
  }
  if (Array.isArray(value)) {
    const items = value.map((x, i) => compileJsonataTemplate(x, `${field}/${i}`));
    if (items.every((x) => x.k === 'const')) return { k: 'const', v: value };
    return { k: 'arr', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, compileJsonataTemplate(v, `${field}/${k}`)] as const);
    if (entries.every(([, t]) => t.k === 'const')) return { k: 'const', v: value };
    return { k: 'obj', entries };
  }
  return { k: 'const', v: value };
}

/** @internal */
export async function evalJsonataTemplate(t: JsonataTemplate, env: JsonataEnv): Promise<unknown> {
  switch (t.k) {
    case 'const':
      return t.v;
    case 'expr':
      try {
        return await evalJsonata(t.expr, env, t.field);
      } catch (e) {
        if (e instanceof QueryError) throw queryError(e.message, e.location ?? null);
        throw e;
      }
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of t.entries) out[k] = await evalJsonataTemplate(v, env);
      return out;
    }
    case 'arr': {
      const out: unknown[] = [];
      for (const x of t.items) out.push(await evalJsonataTemplate(x, env));
      return out;
    }
  }
}
