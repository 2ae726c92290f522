/**
 * Developer tool: replays the recorded GetExecutionHistory expectations of the shared conformance corpus
 * directly against `step()` (no SDK, no service layer). Task outcomes come from the recorded history
 * itself (an "oracle" invoker), so only the interpreter's behaviour is measured.
 *
 *   npx tsx packages/interpreter/scripts/replay.ts [--verbose] [glob-ish filters…]
 *
 * Not shipped (outside src/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMachine } from '../src/compile.js';
import { step } from '../src/step.js';
import type { Command, ExecutionInput, ExecutionSnapshot } from '../src/types.js';

const CORPUS = process.env.CORPUS ?? '/work/shared/conformance/sfn';
const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || args.includes('-v');
const filters = args.filter((a) => !a.startsWith('-'));

type J = any;

const TASK_OUTCOMES = new Set([
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'LambdaFunctionSucceeded',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'ActivitySucceeded',
  'ActivityFailed',
  'ActivityTimedOut',
  'TaskSubmitted',
]);

function subst(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{([^}]+)\}\}/g, (m, k: string) => vars[k] ?? m);
}

function fillMatchers(v: J): J {
  // turn expected values with matchers into concrete values for feeding task outputs
  if (typeof v === 'string')
    return v.replace(/<<uuid:(\d+)>>/g, '00000000-0000-4000-8000-00000000000$1').replace(/<<[^>]+>>/g, 'x');
  if (Array.isArray(v)) return v.map(fillMatchers);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillMatchers(x)]));
  return v;
}

function toText(v: J, python = false): string {
  if (typeof v === 'string') return v;
  return python ? pyJson(v) : JSON.stringify(v);
}

/** Python's json.dumps default separators (", " and ": "), as the Lambda Python runtime writes error documents. */
function pyJson(v: J): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

function parseActual(v: J, outputKey = false, parseOutputs = false): J {
  if (typeof v === 'string') {
    if (v.startsWith('{') || (parseOutputs && outputKey)) {
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => parseActual(x, false, parseOutputs));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, parseActual(x, k === 'output', parseOutputs)]));
  return v;
}

function matchString(exp: string, act: string): boolean {
  if (!exp.includes('<<')) return exp === act;
  const re = exp
    .split(/(<<[^>]*>>)/)
    .map((part) => (part.startsWith('<<') ? '[\\s\\S]+?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`).test(act);
}

function match(exp: J, act: J, path: string, diffs: string[]): void {
  if (typeof exp === 'string' && /^<<[^>]*>>$/.test(exp)) {
    if (act === undefined) diffs.push(`${path}: missing`);
    return;
  }
  if (typeof exp === 'string') {
    if (typeof act !== 'string' || !matchString(exp, act))
      diffs.push(`${path}: expected ${JSON.stringify(exp)} got ${JSON.stringify(act)}`);
    return;
  }
  if (Array.isArray(exp)) {
    if (!Array.isArray(act) || act.length !== exp.length) {
      diffs.push(`${path}: expected array(${exp.length}) got ${JSON.stringify(act)?.slice(0, 300)}`);
      return;
    }
    exp.forEach((x, i) => {
      match(x, act[i], `${path}[${i}]`, diffs);
    });
    return;
  }
  if (exp && typeof exp === 'object') {
    if (!act || typeof act !== 'object' || Array.isArray(act)) {
      diffs.push(`${path}: expected object got ${JSON.stringify(act)?.slice(0, 300)}`);
      return;
    }
    for (const k of new Set([...Object.keys(exp), ...Object.keys(act)])) {
      if (k === 'timestamp') continue;
      if (!(k in exp)) diffs.push(`${path}.${k}: unexpected ${JSON.stringify(act[k])?.slice(0, 200)}`);
      else if (!(k in act)) diffs.push(`${path}.${k}: missing (expected ${JSON.stringify(exp[k])?.slice(0, 200)})`);
      else match(exp[k], act[k], `${path}.${k}`, diffs);
    }
    return;
  }
  if (exp !== act) diffs.push(`${path}: expected ${JSON.stringify(exp)} got ${JSON.stringify(act)}`);
}

function compareEvents(expEvents: J[], actEvents: J[], unordered: boolean, diffs: string[]): void {
  if (!unordered) {
    if (expEvents.length !== actEvents.length) {
      diffs.push(`events: expected ${expEvents.length} got ${actEvents.length}`);
    }
    const n = Math.min(expEvents.length, actEvents.length);
    for (let i = 0; i < n; i++) {
      const before = diffs.length;
      match(expEvents[i], actEvents[i], `[${i}]${expEvents[i].type}`, diffs);
      if (diffs.length > before) return;
    }
    if (expEvents.length !== actEvents.length) {
      diffs.push(
        `extra/missing: exp ${expEvents
          .slice(n)
          .map((e) => e.type)
          .join(',')} act ${actEvents
          .slice(n)
          .map((e: J) => e.type)
          .join(',')}`,
      );
    }
    return;
  }
  const split = (evs: J[]) => {
    const out: (J | J[])[] = [];
    let span: J[] | undefined;
    for (const e of evs) {
      if (span) {
        if (
          ['ParallelStateSucceeded', 'ParallelStateFailed', 'ParallelStateAborted', 'ParallelStateExited'].includes(
            e.type,
          )
        ) {
          out.push(span);
          span = undefined;
          out.push(e);
        } else span.push(e);
      } else {
        out.push(e);
        if (e.type === 'ParallelStateStarted') span = [];
      }
    }
    if (span) out.push(span);
    return out;
  };
  const es = split(expEvents);
  const as = split(actEvents);
  if (es.length !== as.length) {
    diffs.push(`events (spans): expected ${es.length} got ${as.length}`);
    return;
  }
  for (let i = 0; i < es.length; i++) {
    const e = es[i];
    const a = as[i];
    if (Array.isArray(e)) {
      if (!Array.isArray(a) || a.length !== e.length) {
        diffs.push(`span ${i}: expected ${e.length} events got ${Array.isArray(a) ? a.length : 'none'}`);
        return;
      }
      const used = new Set<number>();
      for (const x of e) {
        const strip = ({ id, previousEventId, timestamp, ...rest }: J) => rest;
        const k = a.findIndex((y: J, j: number) => {
          if (used.has(j)) return false;
          const d: string[] = [];
          match(strip(x), strip(y), '', d);
          return d.length === 0;
        });
        if (k < 0) {
          diffs.push(`span ${i}: no match for ${JSON.stringify(x).slice(0, 300)}`);
          return;
        }
        used.add(k);
      }
    } else {
      const before = diffs.length;
      match(e, a, `[${i}]${e.type}`, diffs);
      if (diffs.length > before) return;
    }
  }
}

async function runExecution(
  definition: J,
  inputText: string,
  _vars: Record<string, string>,
  expected: J[] | undefined,
  names: { sm: string; exec: string; arn: string },
  recorded = '',
) {
  const machine = compileMachine(definition, { compatibilityDate: recorded });
  // oracle outcomes, in order
  const outcomes = (expected ?? []).filter((e) => TASK_OUTCOMES.has(e.type));
  let now = 1_700_000_000_000;
  const execInfo = {
    executionArn: names.arn,
    executionName: names.exec,
    stateMachineArn: `arn:aws:states:us-east-1:111111111111:stateMachine:${names.sm}`,
    stateMachineName: names.sm,
    roleArn: 'arn:aws:iam::111111111111:role/statecraft-role',
    startTime: now,
    redriveCount: 0,
    region: 'us-east-1',
    accountId: '111111111111',
  };
  let snap: ExecutionSnapshot | undefined;
  const events: J[] = [];
  const timers = new Map<string, number>();
  const pendingTasks: (Command & { type: 'InvokeTask' })[] = [];
  const inputs: ExecutionInput[] = [{ type: 'Start', at: now, input: inputText, execution: execInfo, seed: 42 }];
  let guard = 0;
  while (guard++ < 10000) {
    const input = inputs.shift();
    if (!input) {
      // respond to a task, else fire the earliest timer
      const task = pendingTasks.shift();
      if (task) {
        const o = outcomes.shift();
        if (!o) {
          inputs.push({ type: 'TaskSucceeded', at: now, taskId: task.taskId, output: JSON.stringify(task.parameters) });
          continue;
        }
        const d = fillMatchers(Object.entries(o).find(([k]) => k.endsWith('EventDetails'))?.[1] ?? {});
        if (o.type === 'TaskSubmitted') {
          inputs.push({ type: 'TaskSubmitted', at: now, taskId: task.taskId, output: toText(d.output) });
          pendingTasks.unshift(task);
        } else if (o.type.endsWith('Succeeded'))
          inputs.push({ type: 'TaskSucceeded', at: now, taskId: task.taskId, output: toText(d.output) });
        else if (o.type.endsWith('Failed'))
          inputs.push({
            type: 'TaskFailed',
            at: now,
            taskId: task.taskId,
            error: d.error,
            cause: d.cause === undefined ? undefined : toText(d.cause, o.type === 'LambdaFunctionFailed'),
          });
        // TimedOut: let the timer fire
        continue;
      }
      if (timers.size === 0) break;
      const [id, at] = [...timers.entries()].sort((a, b) => a[1] - b[1])[0]!;
      timers.delete(id);
      now = Math.max(now, at);
      inputs.push({ type: 'TimerFired', at: now, timerId: id });
      continue;
    }
    const r = await step(machine, snap, input);
    snap = JSON.parse(JSON.stringify(r.snapshot));
    events.push(...r.events);
    for (const c of r.commands) {
      if (c.type === 'StartTimer') timers.set(c.timerId, c.fireAt);
      else if (c.type === 'CancelTimer') timers.delete(c.timerId);
      else if (c.type === 'InvokeTask') pendingTasks.push(c);
      else if (c.type === 'CancelTask') {
        const k = pendingTasks.findIndex((p) => p.taskId === c.taskId);
        if (k >= 0) pendingTasks.splice(k, 1);
      } else if (c.type === 'Continue') inputs.push({ type: 'Continue', at: now });
    }
    if (snap!.status !== 'RUNNING' && inputs.length === 0) break;
  }
  return events;
}

function readPath(obj: J, path: string): J {
  const m = /^\$\.events\[\?\(@\.type=='(\w+)'\)\]\.(\w+)\.(\w+)$/.exec(path);
  if (!m) return undefined;
  const ev = obj.events.find((e: J) => e.type === m[1]);
  return ev?.[m[2]!]?.[m[3]!];
}

async function runCase(file: string): Promise<{ ok: boolean; skipped?: string; diffs: string[] }> {
  const c = JSON.parse(readFileSync(file, 'utf8'));
  const vars: Record<string, string> = {};
  for (const k of Object.keys(c.names ?? {})) vars[`name:${k}`] = `${k}-0a1b2c3d`;
  const machines = new Map<string, J>();
  const execs = new Map<string, { def: J; input: string; sm: string; name: string; arn: string }>();
  const diffs: string[] = [];
  let compared = 0;
  let n = 0;
  for (const s of c.steps) {
    if (!s.call) continue;
    if (s.call === 'CreateStateMachine' && s.input?.definition) {
      const name = subst(s.input.name, vars);
      try {
        machines.set(name, JSON.parse(subst(s.input.definition, vars)));
      } catch {
        return { ok: false, skipped: 'bad definition', diffs };
      }
      if (s.expectError) machines.delete(name);
    } else if (s.call === 'StartExecution' || s.call === 'StartSyncExecution') {
      const smArn = subst(s.input.stateMachineArn, vars);
      const sm = smArn.split(':').pop()!.split('#')[0]!;
      const def = machines.get(sm);
      if (!def || s.expectError) continue;
      const name = s.input.name ? subst(s.input.name, vars) : `exec-${n++}`;
      const arn = `arn:aws:states:us-east-1:111111111111:execution:${sm}:${name}`;
      for (const [v, p] of Object.entries(s.save ?? {})) {
        vars[v] = String(p).startsWith('executionArn|seg') ? name : arn;
      }
      const key = Object.entries(s.save ?? {}).find(([, p]) => p === 'executionArn')?.[0] ?? `__${n}`;
      execs.set(key, { def, input: s.input.input === undefined ? '{}' : subst(s.input.input, vars), sm, name, arn });
    } else if (s.call === 'GetExecutionHistory' && (s.expect || s.expectAt)) {
      const ref = /\{\{(\w+)\}\}/.exec(s.input.executionArn)?.[1];
      const ex = ref ? execs.get(ref) : undefined;
      if (!ex) continue;
      if (JSON.stringify(ex.def).includes('states:startExecution'))
        return { ok: false, skipped: 'nested execution', diffs };
      const expected = s.expect ? JSON.parse(subst(JSON.stringify(s.expect), vars)) : undefined;
      let events: J[];
      try {
        events = await runExecution(
          ex.def,
          ex.input,
          vars,
          expected?.events,
          {
            sm: ex.sm,
            exec: ex.name,
            arn: ex.arn,
          },
          c.source?.recorded,
        );
      } catch (e) {
        diffs.push(`threw: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`);
        return { ok: false, diffs };
      }
      compared++;
      const actual = parseActual({ events }, false, c.compare?.parseOutputStrings === true);
      if (expected) {
        if (s.input.reverseOrder) actual.events.reverse();
        compareEvents(expected.events, actual.events, c.compare?.parallelBranchEventsUnordered === true, diffs);
      } else {
        for (const chk of s.expectAt) {
          const got = readPath(actual, chk.path);
          const exp = JSON.parse(subst(JSON.stringify(chk.value), vars));
          match(exp, typeof got === 'string' ? parseActual(got, true, true) : got, chk.path, diffs);
          if (diffs.length) {
            const raw = readPath({ events }, chk.path);
            if (JSON.stringify(parseActual(raw, true, true)) === JSON.stringify(exp)) diffs.length = 0;
          }
        }
      }
      if (diffs.length) break;
    }
  }
  if (compared === 0) return { ok: false, skipped: 'no history', diffs };
  return { ok: diffs.length === 0, diffs };
}

const areas = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const totals: Record<string, { pass: number; fail: number; skip: number }> = {};
for (const area of areas) {
  for (const f of readdirSync(join(CORPUS, area)).sort()) {
    const id = `${area}/${f.replace(/\.json$/, '')}`;
    if (filters.length && !filters.some((x) => id.includes(x))) continue;
    const r = await runCase(join(CORPUS, area, f));
    totals[area] ??= { pass: 0, fail: 0, skip: 0 };
    const t = totals[area];
    if (r.skipped) t.skip++;
    else if (r.ok) t.pass++;
    else {
      t.fail++;
      console.log(`FAIL ${id}`);
      if (verbose) for (const d of r.diffs.slice(0, 4)) console.log(`   ${d.slice(0, 600)}`);
    }
  }
}
for (const [a, t] of Object.entries(totals)) {
  if (t.pass + t.fail === 0) continue;
  console.log(
    `${a.padEnd(20)} ${t.pass}/${t.pass + t.fail} (${((100 * t.pass) / (t.pass + t.fail)).toFixed(0)}%) skipped ${t.skip}`,
  );
}
