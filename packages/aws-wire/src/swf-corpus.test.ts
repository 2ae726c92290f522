/**
 * Replays the recorded SWF corpus (`../shared/conformance/swf`, see its README) against an in-process
 * Statecraft: raw awsJson1_0 requests through `handle(Request)`, with the recording's legacy wire form
 * (Coral target prefix, `application/json; charset=UTF-8`). A lightweight twin of the project's conformance
 * runner so the SWF package can be measured on its own; skipped when the corpus is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@statecraft/engine';
import { describe, expect, it } from 'vitest';
import { createStatecraft, type Statecraft } from './statecraft.js';

const CORPUS = join(import.meta.dirname, '../../../../shared/conformance/swf/simpleflow');
const cases = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.json')) : [];

type Json = unknown;
interface Step {
  call: string;
  input: Record<string, Json>;
  expect?: Json;
  expectVariants?: Record<string, Json>;
  save?: Record<string, string>;
  saveVariants?: Record<string, Record<string, string>>;
  poll?: { untilTask?: boolean; timeoutSeconds?: number; select?: { workflowId: string } };
  ignorePaths?: string[];
  expectError?: { name: string; message?: string };
}
interface Case {
  id: string;
  names: Record<string, string>;
  ignorePaths?: string[];
  steps: Step[];
}

function substitute(value: Json, names: Record<string, string>, vars: Record<string, Json>): Json {
  if (typeof value === 'string') {
    const whole = /^\{\{([A-Za-z0-9_]+)\}\}$/.exec(value);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    return value
      .replace(/\{\{name:([A-Za-z0-9_]+)\}\}/g, (_, n: string) => names[n] ?? `{{name:${n}}}`)
      .replace(/\{\{([A-Za-z0-9_]+)\}\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, names, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, names, vars)]));
  }
  return value;
}

/** Removes the members named by simple JSONPaths (`$.a.b`, `$..name`). */
function strip(value: Json, paths: readonly string[]): Json {
  let v = structuredClone(value);
  for (const p of paths) {
    const deep = p.startsWith('$..');
    const segs = p.replace(/^\$\.\.?/, '').split('.');
    const walk = (node: Json, i: number, anywhere: boolean): void => {
      if (Array.isArray(node)) {
        for (const n of node) walk(n, i, anywhere);
        return;
      }
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, Json>;
      const seg = segs[i]!;
      if (seg in o) {
        if (i === segs.length - 1) delete o[seg];
        else walk(o[seg], i + 1, false);
      }
      if (anywhere) for (const c of Object.values(o)) walk(c, i, true);
    };
    if (!deep && segs.length === 1 && segs[0] === '') v = undefined;
    else walk(v, 0, deep);
  }
  return v;
}

class Matcher {
  refs = new Map<string, string>();
  match(exp: Json, act: Json, path: string, out: string[]): void {
    if (typeof exp === 'string' && exp === '<<timestamp>>') {
      if (typeof act !== 'number') out.push(`${path}: expected timestamp, got ${JSON.stringify(act)}`);
      return;
    }
    if (typeof exp === 'string' && exp.startsWith('<<ref:')) {
      const key = exp.slice(6, -2);
      if (typeof act !== 'string' || act === '')
        return void out.push(`${path}: expected ref ${key}, got ${JSON.stringify(act)}`);
      const bound = this.refs.get(key);
      if (bound === undefined) {
        for (const [k, v] of this.refs) if (v === act) out.push(`${path}: ref ${key} equals ref ${k}`);
        this.refs.set(key, act);
      } else if (bound !== act) out.push(`${path}: ref ${key} was ${bound}, got ${act}`);
      return;
    }
    if (Array.isArray(exp)) {
      if (!Array.isArray(act) || act.length !== exp.length) {
        out.push(
          `${path}: expected array of ${exp.length}, got ${Array.isArray(act) ? act.length : JSON.stringify(act)}`,
        );
        if (!Array.isArray(act)) return;
      }
      for (const [i, e] of exp.entries()) this.match(e, (act as Json[])[i], `${path}[${i}]`, out);
      return;
    }
    if (exp && typeof exp === 'object') {
      if (!act || typeof act !== 'object') {
        out.push(`${path}: expected object, got ${JSON.stringify(act)}`);
        return;
      }
      const e = exp as Record<string, Json>;
      const a = act as Record<string, Json>;
      for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
        if (!(k in e)) out.push(`${path}.${k}: unexpected ${JSON.stringify(a[k]).slice(0, 200)}`);
        else if (!(k in a)) out.push(`${path}.${k}: missing (expected ${JSON.stringify(e[k]).slice(0, 200)})`);
        else this.match(e[k], a[k], `${path}.${k}`, out);
      }
      return;
    }
    if (exp !== act) out.push(`${path}: expected ${JSON.stringify(exp)}, got ${JSON.stringify(act)}`);
  }
}

async function call(sc: Statecraft, op: string, body: Json): Promise<{ status: number; json: any }> {
  const res = await sc.handle(
    new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: {
        'x-amz-target': `com.amazonaws.swf.service.model.SimpleWorkflowService.${op}`,
        'content-type': 'application/json; charset=UTF-8',
        'content-encoding': 'amz-1.0',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/swf/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : JSON.parse(text) };
}

/** Runs one case; returns the first failing step's problems (empty when the case passes). */
export async function replayCase(c: Case): Promise<string[]> {
  const clock = new ManualClock({ autoAdvance: true });
  const sc = createStatecraft({ clock });
  const uid = Math.random().toString(16).slice(2, 10).padEnd(8, '0');
  const names = Object.fromEntries(Object.entries(c.names).map(([k, v]) => [k, v.replace('{uid}', uid)]));
  const vars: Record<string, Json> = {};
  const kept: { workflowId: string; res: any }[] = [];
  const m = new Matcher();
  let variant: string | undefined;
  try {
    for (const [i, step] of c.steps.entries()) {
      const input = substitute(step.input, names, vars) as Record<string, Json>;
      let res: { status: number; json: any };
      const select = step.poll?.select
        ? (substitute(step.poll.select, names, vars) as { workflowId: string })
        : undefined;
      const keptIdx = select ? kept.findIndex((k) => k.workflowId === select.workflowId) : -1;
      if (keptIdx >= 0) {
        res = { status: 200, json: kept.splice(keptIdx, 1)[0]!.res };
      } else {
        for (let tries = 0; ; tries++) {
          res = await call(sc, step.call, input);
          if (!step.poll?.untilTask || res.status !== 200) break;
          if (res.json.taskToken) {
            const wid = res.json.workflowExecution?.workflowId;
            if (select && wid !== select.workflowId) {
              kept.push({ workflowId: wid, res: res.json });
              continue;
            }
            break;
          }
          if (tries > 50) break;
        }
      }
      const problems: string[] = [];
      if (step.expectError) {
        if (res.status === 200) problems.push(`expected error ${step.expectError.name}`);
      } else if (res.status !== 200) {
        problems.push(`HTTP ${res.status}: ${JSON.stringify(res.json)}`);
      } else {
        const ignore = [...(c.ignorePaths ?? []), ...(step.ignorePaths ?? [])];
        const candidates: [string | undefined, Json][] = [];
        if (variant === undefined || !step.expectVariants?.[variant]) candidates.push([undefined, step.expect ?? {}]);
        for (const [k, v] of Object.entries(step.expectVariants ?? {})) {
          if (variant === undefined || variant === k) candidates.push([k, v]);
        }
        let best: string[] | undefined;
        for (const [k, exp] of candidates) {
          const trial = new Matcher();
          trial.refs = new Map(m.refs);
          const out: string[] = [];
          trial.match(strip(substitute(exp, names, vars), ignore), strip(res.json, ignore), '$', out);
          if (out.length === 0) {
            m.refs = trial.refs;
            if (k !== undefined) variant = k;
            best = [];
            break;
          }
          best ??= out;
        }
        problems.push(...(best ?? []));
      }
      const save = (variant && step.saveVariants?.[variant]) || step.save;
      for (const [k, p] of Object.entries(save ?? {})) {
        vars[k] = p.split('.').reduce<any>((o, s) => o?.[s], res.json);
      }
      if (problems.length > 0) return [`step ${i} ${step.call}:`, ...problems.slice(0, 12)];
    }
    return [];
  } finally {
    await sc.close();
  }
}

describe.skipIf(cases.length === 0)('SWF corpus replay (shared/conformance/swf)', () => {
  it.each(cases)('%s', async (file) => {
    const c = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Case;
    expect(await replayCase(c)).toEqual([]);
  });
});
