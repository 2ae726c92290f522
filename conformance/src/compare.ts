/**
 * Recursive comparison of an expected value (after `{{…}}` substitution) with an actual value (after
 * shaping): objects by key set, arrays in order, scalars by type and value, strings exactly or through
 * matchers; optional multiset comparison of Parallel branch events (README §4.3, 4.4).
 */
import { type Bindings, hasMatcher, type Mode, matchTemplate, matchWhole, typeOf, wholeMatcher } from './match.js';

export const ABSENT: unique symbol = Symbol('absent');

export interface Diff {
  path: string;
  expected: unknown;
  actual: unknown;
  message?: string;
}

export interface CompareOptions {
  mode: Mode;
  parallelBranchEventsUnordered?: boolean;
  /** Stop collecting after this many differences (default 50). */
  maxDiffs?: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

const SPAN_END = new Set([
  'ParallelStateSucceeded',
  'ParallelStateFailed',
  'ParallelStateAborted',
  'ParallelStateExited',
]);

type Segment = { kind: 'one'; index: number } | { kind: 'span'; start: number; end: number };

/** Splits an events list into single events and Parallel branch spans (not recursive). */
export function segmentEvents(events: unknown[]): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  const typeAt = (k: number) => (isPlainObject(events[k]) ? (events[k] as Record<string, unknown>).type : undefined);
  while (i < events.length) {
    segs.push({ kind: 'one', index: i });
    if (typeAt(i) === 'ParallelStateStarted') {
      let j = i + 1;
      while (j < events.length && !SPAN_END.has(typeAt(j) as string)) j++;
      segs.push({ kind: 'span', start: i + 1, end: j });
      i = j;
    } else i++;
  }
  return segs;
}

function withoutIds(e: unknown): unknown {
  if (!isPlainObject(e)) return e;
  const { id: _id, previousEventId: _p, ...rest } = e;
  return rest;
}

export class Comparator {
  readonly diffs: Diff[] = [];
  private readonly max: number;

  constructor(
    private readonly bindings: Bindings,
    private readonly options: CompareOptions,
  ) {
    this.max = options.maxDiffs ?? 50;
  }

  /** Compares and returns the differences found (empty when equal). */
  compare(expected: unknown, actual: unknown, path = '$'): Diff[] {
    const start = this.diffs.length;
    this.cmp(expected, actual, path);
    return this.diffs.slice(start);
  }

  private add(d: Diff): void {
    if (this.diffs.length < this.max) this.diffs.push(d);
  }

  private full(): boolean {
    return this.diffs.length >= this.max;
  }

  private cmp(exp: unknown, act: unknown, path: string): void {
    if (this.full()) return;
    if (typeof exp === 'string') {
      const whole = wholeMatcher(exp);
      if (whole) {
        const why = matchWhole(whole, act, this.bindings, this.options.mode);
        if (why) this.add({ path, expected: exp, actual: act, message: why });
        return;
      }
      if (typeof act !== 'string') {
        this.add({ path, expected: exp, actual: act, message: `expected a string, got ${typeOf(act)}` });
        return;
      }
      if (hasMatcher(exp)) {
        const why = matchTemplate(exp, act, this.bindings);
        if (why) this.add({ path, expected: exp, actual: act, message: why });
      } else if (exp !== act) this.add({ path, expected: exp, actual: act });
      return;
    }
    if (Array.isArray(exp)) {
      if (!Array.isArray(act)) {
        this.add({ path, expected: exp, actual: act, message: `expected an array, got ${typeOf(act)}` });
        return;
      }
      if (this.options.parallelBranchEventsUnordered && path.endsWith('.events')) {
        this.cmpEvents(exp, act, path);
        return;
      }
      const n = Math.min(exp.length, act.length);
      if (exp.length !== act.length) {
        this.add({
          path,
          expected: `${exp.length} elements`,
          actual: `${act.length} elements`,
          message: `length ${act.length}, expected ${exp.length}`,
        });
      }
      for (let i = 0; i < n; i++) this.cmp(exp[i], act[i], `${path}[${i}]`);
      return;
    }
    if (isPlainObject(exp)) {
      if (!isPlainObject(act)) {
        this.add({ path, expected: exp, actual: act, message: `expected an object, got ${typeOf(act)}` });
        return;
      }
      for (const k of Object.keys(exp)) {
        if (!Object.hasOwn(act, k) || act[k] === undefined) {
          this.add({ path: keyPath(path, k), expected: exp[k], actual: ABSENT, message: 'missing' });
        } else this.cmp(exp[k], act[k], keyPath(path, k));
      }
      for (const k of Object.keys(act)) {
        if (!Object.hasOwn(exp, k) && act[k] !== undefined) {
          this.add({ path: keyPath(path, k), expected: ABSENT, actual: act[k], message: 'unexpected' });
        }
      }
      return;
    }
    // Scalars: numbers, booleans, null.
    if (typeof exp !== typeof act || exp !== act) {
      if (typeof exp === 'number' && typeof act === 'number' && Number.isNaN(exp) && Number.isNaN(act)) return;
      this.add({ path, expected: exp, actual: act === undefined ? ABSENT : act });
    }
  }

  /** Trial comparison: no diff recorded, bindings rolled back on mismatch. */
  private matches(exp: unknown, act: unknown): boolean {
    const snap = this.bindings.snapshot();
    const probe = new Comparator(this.bindings, { ...this.options, maxDiffs: 1 });
    probe.cmp(exp, act, '$');
    if (probe.diffs.length === 0) return true;
    this.bindings.restore(snap);
    return false;
  }

  private cmpEvents(exp: unknown[], act: unknown[], path: string): void {
    const es = segmentEvents(exp);
    const as = segmentEvents(act);
    const n = Math.min(es.length, as.length);
    for (let s = 0; s < n && !this.full(); s++) {
      const e = es[s]!;
      const a = as[s]!;
      if (e.kind === 'one' && a.kind === 'one') {
        this.cmp(exp[e.index], act[a.index], `${path}[${a.index}]`);
        continue;
      }
      if (e.kind === 'span' && a.kind === 'span') {
        this.cmpSpan(exp.slice(e.start, e.end), act.slice(a.start, a.end), a.start, path);
        continue;
      }
      const at = a.kind === 'one' ? a.index : a.start;
      this.add({
        path: `${path}[${at}]`,
        expected: e.kind === 'span' ? 'a parallel branch span' : exp[e.index],
        actual: a.kind === 'span' ? 'a parallel branch span' : act[a.index],
        message: 'event sequence diverges (parallel spans do not line up)',
      });
      return;
    }
    if (es.length !== as.length) {
      this.add({ path, expected: `${exp.length} events`, actual: `${act.length} events`, message: 'length differs' });
    }
  }

  private cmpSpan(exp: unknown[], act: unknown[], offset: number, path: string): void {
    const where = `${path}[${offset}..${offset + act.length - 1}]`;
    const e = exp.map(withoutIds);
    const a = act.map(withoutIds);
    if (e.length !== a.length) {
      const count = (l: unknown[]) => {
        const m = new Map<string, number>();
        for (const x of l) {
          const t = String(isPlainObject(x) ? x.type : typeOf(x));
          m.set(t, (m.get(t) ?? 0) + 1);
        }
        return [...m].map(([t, c]) => `${t}×${c}`).join(', ');
      };
      this.add({
        path: where,
        expected: count(e),
        actual: count(a),
        message: `parallel span has ${a.length} events, expected ${e.length}`,
      });
      return;
    }
    // Backtracking search for a perfect matching; candidates pre-filtered by event type.
    const typeOfEvent = (x: unknown) => (isPlainObject(x) ? x.type : undefined);
    const used = new Array<boolean>(a.length).fill(false);
    let budget = 200_000;
    const search = (i: number): boolean => {
      if (i === e.length) return true;
      for (let j = 0; j < a.length; j++) {
        if (used[j] || typeOfEvent(e[i]) !== typeOfEvent(a[j])) continue;
        if (--budget < 0) return false;
        const snap = this.bindings.snapshot();
        if (this.matches(e[i], a[j])) {
          used[j] = true;
          if (search(i + 1)) return true;
          used[j] = false;
        }
        this.bindings.restore(snap);
      }
      return false;
    };
    const snap = this.bindings.snapshot();
    if (search(0)) return;
    this.bindings.restore(snap);
    // Diagnose: first pair every expected event that has a partner (greedily), then report the first
    // expected event left over against the left-over actual event of its type with the fewest differences.
    used.fill(false);
    const unmatched: number[] = [];
    for (let i = 0; i < e.length; i++) {
      const j = a.findIndex((x, k) => !used[k] && typeOfEvent(x) === typeOfEvent(e[i]) && this.matches(e[i], x));
      if (j >= 0) used[j] = true;
      else unmatched.push(i);
    }
    const i = unmatched[0];
    if (i === undefined) {
      this.add({
        path: where,
        expected: 'a matching',
        actual: 'none found',
        message: 'parallel span: no perfect matching',
      });
      return;
    }
    let best: { k: number; diffs: Diff[] } | undefined;
    for (let k = 0; k < a.length; k++) {
      if (used[k] || typeOfEvent(a[k]) !== typeOfEvent(e[i])) continue;
      const s2 = this.bindings.snapshot();
      const probe = new Comparator(this.bindings, { ...this.options, maxDiffs: 20 });
      probe.cmp(e[i], a[k], `${path}[${offset + k}]`);
      this.bindings.restore(s2);
      if (!best || probe.diffs.length < best.diffs.length) best = { k, diffs: probe.diffs };
    }
    if (!best) {
      this.add({
        path: where,
        expected: e[i],
        actual: ABSENT,
        message: `parallel span: no ${String(typeOfEvent(e[i]))} event left to match`,
      });
    } else {
      for (const d of best.diffs) this.add({ ...d, message: `parallel span (unordered): ${d.message ?? 'differs'}` });
    }
  }
}

/** One-shot helper. */
export function compareValues(expected: unknown, actual: unknown, bindings: Bindings, options: CompareOptions): Diff[] {
  return new Comparator(bindings, options).compare(expected, actual);
}
