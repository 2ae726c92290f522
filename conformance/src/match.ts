/**
 * The `<<…>>` matchers of expected values (README §2.2; swf/README §4.2): whole-value matchers, and
 * templates — expected strings with embedded matchers, where literal parts match exactly and each matcher
 * matches the shortest non-empty substring that lets the rest of the template match.
 */
import { isIsoDateTime } from './timestamp.js';

/** `sfn`: Step Functions rules; `swf`: SWF rules (timestamps may be epoch-second numbers, refs non-empty). */
export type Mode = 'sfn' | 'swf';

const MATCHER = /<<([^<>]*)>>/g;

/** The kind of a binding matcher key (`uuid:3` → `uuid`, `ref:MapRunArnPart1_0idx` → `ref`). */
function kindOf(key: string): string {
  return key.slice(0, key.indexOf(':'));
}

/** A matcher name inside `<<…>>`, or undefined when the text is not a known matcher. */
export type MatcherName = { type: 'timestamp' } | { type: 'any' } | { type: 'bind'; key: string };

export function parseMatcher(inner: string): MatcherName | undefined {
  if (inner === 'timestamp') return { type: 'timestamp' };
  if (inner === 'any') return { type: 'any' };
  if (/^uuid:.+$/.test(inner) || /^ref:.+$/.test(inner)) return { type: 'bind', key: inner };
  return undefined;
}

/**
 * Values bound by `<<uuid:N>>` / `<<ref:KEY>>` for one case run. A key binds on first occurrence; later
 * occurrences must be the same string; two different keys of one kind must be different strings.
 */
export class Bindings {
  private values = new Map<string, string>();

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  entries(): [string, string][] {
    return [...this.values];
  }

  snapshot(): Map<string, string> {
    return new Map(this.values);
  }

  restore(snapshot: Map<string, string>): void {
    this.values = new Map(snapshot);
  }

  /** The other key of the same kind that already holds `value`, if any. */
  conflict(key: string, value: string): string | undefined {
    const kind = kindOf(key);
    for (const [k, v] of this.values) if (k !== key && v === value && kindOf(k) === kind) return k;
    return undefined;
  }

  /** Binds `key` (or checks it), returning an explanation on failure. */
  bind(key: string, value: string): string | undefined {
    const bound = this.values.get(key);
    if (bound !== undefined) {
      return bound === value ? undefined : `<<${key}>> is bound to ${JSON.stringify(bound)}`;
    }
    const other = this.conflict(key, value);
    if (other !== undefined) return `<<${key}>> would bind the value already bound to <<${other}>>`;
    this.values.set(key, value);
    return undefined;
  }
}

/** True when the string contains at least one known `<<…>>` matcher. */
export function hasMatcher(s: string): boolean {
  if (!s.includes('<<')) return false;
  for (const m of s.matchAll(MATCHER)) if (parseMatcher(m[1]!)) return true;
  return false;
}

/** The matcher when `s` is exactly one matcher (a whole-value matcher). */
export function wholeMatcher(s: string): MatcherName | undefined {
  const m = /^<<([^<>]*)>>$/.exec(s);
  return m ? parseMatcher(m[1]!) : undefined;
}

function isDate(v: unknown): v is Date {
  return v instanceof Date;
}

/** Checks a whole-value matcher against an actual value; returns an explanation on mismatch. */
export function matchWhole(matcher: MatcherName, actual: unknown, bindings: Bindings, mode: Mode): string | undefined {
  if (actual === undefined) return 'value is absent';
  switch (matcher.type) {
    case 'any':
      return undefined;
    case 'timestamp':
      if (isDate(actual)) return Number.isNaN(actual.getTime()) ? 'invalid date' : undefined;
      if (typeof actual === 'string' && isIsoDateTime(actual)) return undefined;
      if (mode === 'swf' && typeof actual === 'number' && Number.isFinite(actual)) return undefined;
      return 'not a timestamp';
    case 'bind':
      if (typeof actual !== 'string') return `not a string (${typeOf(actual)})`;
      if (mode === 'swf' && actual === '') return 'empty string';
      return bindings.bind(matcher.key, actual);
  }
}

type Part = { lit: string } | { m: MatcherName };

export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  let pending = '';
  for (const m of template.matchAll(MATCHER)) {
    const matcher = parseMatcher(m[1]!);
    if (!matcher) continue;
    pending += template.slice(last, m.index);
    if (pending) parts.push({ lit: pending });
    pending = '';
    parts.push({ m: matcher });
    last = m.index! + m[0].length;
  }
  pending += template.slice(last);
  if (pending) parts.push({ lit: pending });
  return parts;
}

const TS_START = /^\d{4}-\d{2}-\d{2}T/;

/**
 * Matches a template against a string. New bindings are committed only when the whole template matches
 * and the distinctness rule holds. Returns an explanation on mismatch.
 */
export function matchTemplate(template: string, actual: string, bindings: Bindings): string | undefined {
  const parts = parseTemplate(template);
  const go = (i: number, pos: number, local: Map<string, string>): Map<string, string> | undefined => {
    if (i === parts.length) return pos === actual.length ? local : undefined;
    const part = parts[i]!;
    if ('lit' in part) {
      return actual.startsWith(part.lit, pos) ? go(i + 1, pos + part.lit.length, local) : undefined;
    }
    const m = part.m;
    if (m.type === 'bind') {
      const bound = bindings.get(m.key) ?? local.get(m.key);
      if (bound !== undefined) {
        return bound !== '' && actual.startsWith(bound, pos) ? go(i + 1, pos + bound.length, local) : undefined;
      }
    }
    if (m.type === 'timestamp' && !TS_START.test(actual.slice(pos, pos + 11))) return undefined;
    // Candidate end positions, shortest first. When the next part is a literal, only ends where it occurs.
    const next = parts[i + 1];
    const ends: number[] = [];
    if (next === undefined) ends.push(actual.length);
    else if ('lit' in next) {
      for (let e = actual.indexOf(next.lit, pos + 1); e !== -1; e = actual.indexOf(next.lit, e + 1)) ends.push(e);
    } else for (let e = pos + 1; e <= actual.length; e++) ends.push(e);
    for (const end of ends) {
      if (end <= pos) continue;
      const candidate = actual.slice(pos, end);
      if (m.type === 'timestamp') {
        if (candidate.length > 40) break;
        if (!isIsoDateTime(candidate)) continue;
        const r = go(i + 1, end, local);
        if (r) return r;
      } else if (m.type === 'any') {
        const r = go(i + 1, end, local);
        if (r) return r;
      } else {
        const r = go(i + 1, end, new Map(local).set(m.key, candidate));
        if (r) return r;
      }
    }
    return undefined;
  };
  const found = go(0, 0, new Map());
  if (!found) return 'does not match the template';
  // Distinctness of the new bindings (against earlier bindings and among themselves), then commit.
  const newOnes = [...found];
  for (const [k, v] of newOnes) {
    const other =
      bindings.conflict(k, v) ?? newOnes.find(([k2, v2]) => k2 !== k && v2 === v && kindOf(k2) === kindOf(k))?.[0];
    if (other !== undefined) return `<<${k}>> would bind the value already bound to <<${other}>>`;
  }
  for (const [k, v] of newOnes) bindings.bind(k, v);
  return undefined;
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  return typeof v;
}
