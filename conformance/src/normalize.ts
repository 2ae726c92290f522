/**
 * Shaping the actual response before comparison (README §4.1, 4.2, 4.4): drop `$metadata` and undefined
 * members, the JSON-in-string rule, `parseOutputStrings`, `sortVariableReferences`.
 */

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** Deep copy of JSON-like data, keeping `Date` and byte arrays, dropping undefined members. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (v instanceof Uint8Array) return new Uint8Array(v) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clone(x);
    return out as T;
  }
  return v;
}

/** The SDK output as compared: without `$metadata`, without undefined members. */
export function sdkShape(output: unknown): Record<string, unknown> {
  const copy = clone((output ?? {}) as Record<string, unknown>);
  delete copy.$metadata;
  return copy;
}

export interface ShapeOptions {
  parseOutputStrings?: boolean;
}

function tryParse(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/**
 * The JSON-in-string rule (one level): every string member or element that starts with `{` and parses as
 * JSON is replaced by the parsed value, which is not walked again. With `parseOutputStrings`, a string under
 * a key named `output` is parsed whatever its first character. Returns a new value.
 */
export function applyJsonInString(value: unknown, options: ShapeOptions = {}): unknown {
  const convert = (s: string, key: string | number | undefined): unknown => {
    if (options.parseOutputStrings && key === 'output') {
      const r = tryParse(s);
      if (r.ok) return r.value;
    }
    if (s.startsWith('{')) {
      const r = tryParse(s);
      if (r.ok) return r.value;
    }
    return s;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => (typeof x === 'string' ? convert(x, i) : walk(x)));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? convert(x, k) : walk(x);
      return out;
    }
    return v;
  };
  return walk(value);
}

/** Sorts every list inside any `variableReferences` member (in place). */
export function sortVariableReferences(value: unknown): void {
  const sortLists = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(sortLists);
      v.sort((a, b) => {
        const x = typeof a === 'string' ? a : JSON.stringify(a);
        const y = typeof b === 'string' ? b : JSON.stringify(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    } else if (isPlainObject(v)) Object.values(v).forEach(sortLists);
  };
  const find = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(find);
    else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'variableReferences') sortLists(x);
        else find(x);
      }
    }
  };
  find(value);
}
