/**
 * `{{…}}` substitutions (README §2.1): `{{name:X}}` resource names generated once per case run from the
 * `names` patterns (`{uid}` → 8 fresh lowercase hex characters), and `{{VAR}}` values saved by `save`.
 */
import { randomBytes } from 'node:crypto';

const TOKEN = /\{\{(name:[A-Za-z0-9_.-]+|[A-Za-z_][A-Za-z0-9_]*)\}\}/g;

export class UnknownVariableError extends Error {}

const used = new Set<string>();

/** 8 lowercase hex characters, unique within this process. */
export function freshUid(): string {
  for (;;) {
    const uid = randomBytes(4).toString('hex');
    if (!used.has(uid)) {
      used.add(uid);
      return uid;
    }
  }
}

/** Resolves every `names` pattern: each `{uid}` is replaced by a fresh unique uid. */
export function makeNames(patterns: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, pattern] of Object.entries(patterns ?? {})) out[k] = pattern.replace(/\{uid\}/g, () => freshUid());
  return out;
}

/** Variables of one case run. */
export class Vars {
  constructor(
    readonly names: Record<string, string>,
    readonly saved: Record<string, unknown> = {},
  ) {}

  lookup(token: string): string {
    if (token.startsWith('name:')) {
      const key = token.slice(5);
      // A token without a `names` entry: generate a name so the run can go on (the corpus always lists them).
      this.names[key] ??= `${key}-${freshUid()}`;
      return this.names[key]!;
    }
    if (!Object.hasOwn(this.saved, token)) throw new UnknownVariableError(`{{${token}}} was never saved`);
    const v = this.saved[token];
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  /** Substitutes in a string. */
  str(s: string): string {
    if (!s.includes('{{')) return s;
    return s.replace(TOKEN, (_, token: string) => this.lookup(token));
  }

  /** Substitutes in every string value and object key, returning a new value. */
  deep<T>(v: T): T {
    if (typeof v === 'string') return this.str(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.deep(x)) as T;
    if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.str(k)] = this.deep(x);
      return out as T;
    }
    return v;
  }
}

/**
 * Reads a `save` path from a response: a dotted path (`executionArn`, `a.b[0].c`), optionally followed by
 * `|seg:N` — the N-th `:`-separated segment of that string (negative N counts from the end).
 */
export function readSavePath(response: unknown, spec: string): unknown {
  const [path, modifier] = spec.split('|', 2) as [string, string | undefined];
  let v: unknown = response;
  for (const part of path.split('.').flatMap((p) => p.split(/\[(\d+)\]/).filter((x) => x !== ''))) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  if (modifier === undefined) return v;
  const m = /^seg:(-?\d+)$/.exec(modifier);
  if (!m) throw new Error(`unsupported save modifier ${modifier}`);
  if (typeof v !== 'string') return undefined;
  const segs = v.split(':');
  const n = Number(m[1]);
  return segs[n < 0 ? segs.length + n : n];
}
