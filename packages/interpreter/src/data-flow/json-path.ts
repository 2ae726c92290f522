/**
 * A small JSONPath engine with Jayway semantics (the library AWS Step Functions runs): a *definite* path
 * (only names and indexes) yields one value or fails with Jayway's message; an *indefinite* path (wildcard,
 * slice, union, deep scan, filter) yields a list, empty when nothing matches.
 *
 * Paths are compiled once per machine; evaluation is a plain walk.
 */

/** @internal */
export type Segment =
  | { readonly t: 'name'; readonly name: string }
  | { readonly t: 'index'; readonly index: number }
  | { readonly t: 'wild' }
  | { readonly t: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly t: 'union'; readonly keys: readonly (string | number)[] }
  | { readonly t: 'deep'; readonly name?: string }
  | { readonly t: 'filter'; readonly expr: FilterExpr }
  | { readonly t: 'fn'; readonly name: string };

type FilterExpr =
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'path'; readonly root: '@' | '$'; readonly path: CompiledPath }
  | { readonly k: 'bin'; readonly op: string; readonly l: FilterExpr; readonly r: FilterExpr }
  | { readonly k: 'not'; readonly e: FilterExpr }
  | { readonly k: 'regex'; readonly re: RegExp };

/** @internal */
export interface CompiledPath {
  readonly source: string;
  /** `$`, `$$` (context object) or a variable name. */
  readonly root: '$' | '$$' | { readonly variable: string };
  readonly segments: readonly Segment[];
  readonly definite: boolean;
}

/** Thrown when a definite path does not resolve. `message` is Jayway's text. @internal */
export class PathNotFound extends Error {}

const cache = new Map<string, CompiledPath>();

/** @internal */
export function compilePath(source: string): CompiledPath {
  let c = cache.get(source);
  if (!c) {
    c = new Parser(source).parsePath();
    if (cache.size > 5000) cache.clear();
    cache.set(source, c);
  }
  return c;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg = 'Invalid path'): never {
    throw new SyntaxError(`${msg}: ${this.s}`);
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  parsePath(): CompiledPath {
    const s = this.s.trim();
    let root: CompiledPath['root'];
    this.i = 0;
    if (s.startsWith('$$')) {
      root = '$$';
      this.i = 2;
    } else if (s.startsWith('$')) {
      const m = /^\$([\p{L}_][\p{L}\p{N}_]*)/u.exec(s);
      if (m) {
        root = { variable: m[1]! };
        this.i = m[0].length;
      } else {
        root = '$';
        this.i = 1;
      }
    } else if (s.startsWith('@')) {
      root = '$';
      this.i = 1;
    } else {
      this.fail();
    }
    const segments = this.segments(s.length);
    const definite = segments.every((g) => g.t === 'name' || g.t === 'index');
    return { source: this.s, root, segments, definite };
  }

  segments(end: number, stopAtOp = false): Segment[] {
    const out: Segment[] = [];
    const s = this.s;
    while (this.i < end) {
      const ch = s[this.i];
      if (ch === '.') {
        if (s[this.i + 1] === '.') {
          this.i += 2;
          if (s[this.i] === '[') {
            const seg = this.bracket();
            if (seg.t === 'name') out.push({ t: 'deep', name: seg.name });
            else if (seg.t === 'wild') out.push({ t: 'deep' });
            else {
              out.push({ t: 'deep' });
              out.push(seg);
            }
          } else if (s[this.i] === '*') {
            this.i++;
            out.push({ t: 'deep' });
          } else out.push({ t: 'deep', name: this.name() });
        } else {
          this.i++;
          if (s[this.i] === '*') {
            this.i++;
            out.push({ t: 'wild' });
          } else if (s[this.i] === '[') {
            out.push(this.bracket());
          } else {
            const n = this.name();
            if (s[this.i] === '(' && s[this.i + 1] === ')') {
              this.i += 2;
              out.push({ t: 'fn', name: n });
            } else out.push({ t: 'name', name: n });
          }
        }
      } else if (ch === '[') {
        out.push(this.bracket());
      } else if (stopAtOp) {
        break;
      } else if (ch !== undefined && /\s/.test(ch)) {
        this.i++;
      } else {
        this.fail();
      }
    }
    return out;
  }

  name(): string {
    const start = this.i;
    while (this.i < this.s.length && !'.[]()=!<>&|, \t'.includes(this.s[this.i]!)) this.i++;
    if (this.i === start) this.fail();
    return this.s.slice(start, this.i);
  }

  quoted(): string {
    const q = this.s[this.i]!;
    this.i++;
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      // Jayway unescapes only the quote character itself; other backslashes are literal
      if (this.s[this.i] === '\\' && this.s[this.i + 1] === q) {
        this.i++;
      }
      out += this.s[this.i];
      this.i++;
    }
    if (this.s[this.i] !== q) this.fail();
    this.i++;
    return out;
  }

  bracket(): Segment {
    const s = this.s;
    this.i++; // [
    this.ws();
    if (s[this.i] === '?') {
      this.i++;
      this.ws();
      if (s[this.i] !== '(') this.fail();
      this.i++;
      const expr = this.orExpr();
      this.ws();
      if (s[this.i] !== ')') this.fail();
      this.i++;
      this.ws();
      if (s[this.i] !== ']') this.fail();
      this.i++;
      return { t: 'filter', expr };
    }
    if (s[this.i] === '*') {
      this.i++;
      this.ws();
      if (s[this.i] !== ']') this.fail();
      this.i++;
      return { t: 'wild' };
    }
    const keys: (string | number)[] = [];
    let slice: (number | undefined)[] | undefined;
    for (;;) {
      this.ws();
      const ch = s[this.i];
      if (ch === "'" || ch === '"') keys.push(this.quoted());
      else {
        const m = /^(-?\d*)\s*(?::\s*(-?\d*)\s*(?::\s*(-?\d*))?)?/.exec(s.slice(this.i));
        if (!m || m[0] === '') this.fail();
        this.i += m[0].length;
        if (m[0].includes(':')) {
          const num = (x?: string) => (x === undefined || x === '' ? undefined : Number(x));
          slice = [num(m[1]), num(m[2]), num(m[3])];
        } else keys.push(Number(m[1]));
      }
      this.ws();
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (s[this.i] === ']') {
        this.i++;
        break;
      }
      this.fail();
    }
    if (slice) return { t: 'slice', start: slice[0], end: slice[1], step: slice[2] };
    if (keys.length === 1) {
      const k = keys[0]!;
      return typeof k === 'number' ? { t: 'index', index: k } : { t: 'name', name: k };
    }
    return { t: 'union', keys };
  }

  // ---- filter expressions ----
  orExpr(): FilterExpr {
    let l = this.andExpr();
    for (;;) {
      this.ws();
      if (this.s.startsWith('||', this.i)) {
        this.i += 2;
        l = { k: 'bin', op: '||', l, r: this.andExpr() };
      } else return l;
    }
  }

  andExpr(): FilterExpr {
    let l = this.cmpExpr();
    for (;;) {
      this.ws();
      if (this.s.startsWith('&&', this.i)) {
        this.i += 2;
        l = { k: 'bin', op: '&&', l, r: this.cmpExpr() };
      } else return l;
    }
  }

  cmpExpr(): FilterExpr {
    const l = this.unary();
    this.ws();
    for (const op of ['==', '!=', '<=', '>=', '=~', '<', '>', ' in ', ' nin ']) {
      if (this.s.startsWith(op, this.i)) {
        this.i += op.length;
        this.ws();
        return { k: 'bin', op: op.trim(), l, r: this.unary() };
      }
    }
    return l;
  }

  unary(): FilterExpr {
    this.ws();
    const s = this.s;
    const ch = s[this.i];
    if (ch === '!') {
      this.i++;
      return { k: 'not', e: this.unary() };
    }
    if (ch === '(') {
      this.i++;
      const e = this.orExpr();
      this.ws();
      if (s[this.i] !== ')') this.fail();
      this.i++;
      return e;
    }
    if (ch === '@' || ch === '$') {
      this.i++;
      const segments = this.segments(s.length, true);
      const definite = segments.every((g) => g.t === 'name' || g.t === 'index' || g.t === 'fn');
      return { k: 'path', root: ch, path: { source: '', root: '$', segments, definite } };
    }
    if (ch === "'" || ch === '"') return { k: 'lit', v: this.quoted() };
    if (ch === '/') {
      const m = /^\/((?:\\.|[^/])*)\/([a-z]*)/.exec(s.slice(this.i));
      if (!m) this.fail();
      this.i += m[0].length;
      return { k: 'regex', re: new RegExp(m[1]!, m[2]) };
    }
    if (ch === '[') {
      // array literal
      const m = /^\[[^\]]*\]/.exec(s.slice(this.i));
      if (!m) this.fail();
      this.i += m[0].length;
      return { k: 'lit', v: JSON.parse(m[0].replace(/'/g, '"')) };
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(s.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    return { k: 'lit', v: JSON.parse(m[0]) };
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Jayway's rendering of a definite path: `$['a'][0]`. @internal */
export function jaywayPath(segments: readonly Segment[], upTo = segments.length): string {
  let out = '$';
  for (let k = 0; k < upTo; k++) {
    const g = segments[k]!;
    if (g.t === 'name') out += `['${g.name}']`;
    else if (g.t === 'index') out += `[${g.index}]`;
  }
  return out;
}

/**
 * Evaluates a definite path and returns the value, or throws {@link PathNotFound} with Jayway's message.
 * @internal
 */
export function readDefinite(root: unknown, path: CompiledPath): unknown {
  let cur = root;
  const segs = path.segments;
  for (let k = 0; k < segs.length; k++) {
    const g = segs[k]!;
    const last = k === segs.length - 1;
    if (g.t === 'name') {
      if (isObject(cur) && hasOwn.call(cur, g.name)) {
        cur = cur[g.name];
        continue;
      }
      if (last) throw new PathNotFound(`No results for path: ${jaywayPath(segs)}`);
      throw new PathNotFound(`Missing property in path ${jaywayPath(segs, k + 1)}`);
    }
    if (g.t === 'index') {
      if (Array.isArray(cur)) {
        const idx = g.index < 0 ? cur.length + g.index : g.index;
        if (idx >= 0 && idx < cur.length) {
          cur = cur[idx];
          continue;
        }
      }
      throw new PathNotFound(`No results for path: ${jaywayPath(segs)}`);
    }
  }
  return cur;
}

/** All matches of a path (definite or not), in document order. @internal */
export function readAll(root: unknown, segments: readonly Segment[], rootDoc: unknown = root): unknown[] {
  let cur: unknown[] = [root];
  for (const g of segments) {
    const next: unknown[] = [];
    for (const v of cur) step(v, g, next, rootDoc);
    cur = next;
  }
  return cur;
}

function step(v: unknown, g: Segment, out: unknown[], rootDoc: unknown): void {
  switch (g.t) {
    case 'name':
      if (isObject(v) && hasOwn.call(v, g.name)) out.push(v[g.name]);
      return;
    case 'index':
      if (Array.isArray(v)) {
        const idx = g.index < 0 ? v.length + g.index : g.index;
        if (idx >= 0 && idx < v.length) out.push(v[idx]);
      }
      return;
    case 'wild':
      if (Array.isArray(v)) out.push(...v);
      else if (isObject(v)) out.push(...Object.values(v));
      return;
    case 'slice': {
      if (!Array.isArray(v)) return;
      const n = v.length;
      const stepN = g.step ?? 1;
      const norm = (x: number | undefined, d: number) =>
        x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x);
      const a = norm(g.start, 0);
      const b = norm(g.end, n);
      for (let k = a; k < b; k += stepN > 0 ? stepN : 1) out.push(v[k]);
      return;
    }
    case 'union':
      for (const key of g.keys) {
        if (typeof key === 'number') step(v, { t: 'index', index: key }, out, rootDoc);
        else step(v, { t: 'name', name: key }, out, rootDoc);
      }
      return;
    case 'deep': {
      const walk = (x: unknown) => {
        if (g.name === undefined) {
          if (Array.isArray(x)) {
            for (const e of x) {
              out.push(e);
              walk(e);
            }
          } else if (isObject(x)) {
            for (const e of Object.values(x)) {
              out.push(e);
              walk(e);
            }
          }
          return;
        }
        if (isObject(x)) {
          if (hasOwn.call(x, g.name)) out.push(x[g.name]);
          for (const e of Object.values(x)) walk(e);
        } else if (Array.isArray(x)) for (const e of x) walk(e);
      };
      walk(v);
      return;
    }
    case 'filter': {
      const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
      for (const item of items) if (truthy(evalFilter(g.expr, item, rootDoc))) out.push(item);
      return;
    }
    case 'fn': {
      if (g.name === 'length') {
        if (Array.isArray(v)) out.push(v.length);
        else if (typeof v === 'string') out.push(v.length);
        else if (isObject(v)) out.push(Object.keys(v).length);
      }
      return;
    }
  }
}

const MISSING = Symbol('missing');

function evalFilter(e: FilterExpr, item: unknown, rootDoc: unknown): unknown {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'regex':
      return e.re;
    case 'path': {
      const base = e.root === '@' ? item : rootDoc;
      const r = readAll(base, e.path.segments, rootDoc);
      if (e.path.definite) return r.length ? r[0] : MISSING;
      return r;
    }
    case 'not':
      return !truthy(evalFilter(e.e, item, rootDoc));
    case 'bin': {
      if (e.op === '&&') return truthy(evalFilter(e.l, item, rootDoc)) && truthy(evalFilter(e.r, item, rootDoc));
      if (e.op === '||') return truthy(evalFilter(e.l, item, rootDoc)) || truthy(evalFilter(e.r, item, rootDoc));
      const l = evalFilter(e.l, item, rootDoc);
      const r = evalFilter(e.r, item, rootDoc);
      if (l === MISSING || r === MISSING) return e.op === '!=' ? l !== r : false;
      switch (e.op) {
        case '==':
          return deepEqual(l, r);
        case '!=':
          return !deepEqual(l, r);
        case '<':
          return cmp(l, r) === -1;
        case '<=':
          return cmp(l, r) !== undefined && cmp(l, r)! <= 0;
        case '>':
          return cmp(l, r) === 1;
        case '>=':
          return cmp(l, r) !== undefined && cmp(l, r)! >= 0;
        case '=~':
          return typeof l === 'string' && r instanceof RegExp && r.test(l);
        case 'in':
          return Array.isArray(r) && r.some((x) => deepEqual(x, l));
        case 'nin':
          return Array.isArray(r) && !r.some((x) => deepEqual(x, l));
      }
      return false;
    }
  }
}

function cmp(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function truthy(v: unknown): boolean {
  if (v === MISSING) return false;
  if (Array.isArray(v)) return v.length > 0;
  return v !== false && v !== null && v !== undefined;
}

/** Deep JSON equality (numbers by value). @internal */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!hasOwn.call(b, k) || !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}
