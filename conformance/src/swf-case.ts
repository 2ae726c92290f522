/** Replays one SWF case (swf/README §2–4): polls with `untilTask`/`select`, variants, per-step ignorePaths. */
import { Comparator, type Diff } from './compare.js';
import { type CallResult, type CaseContext, StepFailed, sleep } from './context.js';
import { removePath } from './jsonpath.js';
import { clone, sdkShape } from './normalize.js';
import { readSavePath } from './placeholders.js';
import type { CallStep, CaseFile } from './types.js';

/** Per-case SWF state: the fixed variant, decision tasks kept aside for other executions. */
export class SwfState {
  variant: string | undefined;
  variantFixed = false;
  readonly kept = new Map<string, Record<string, unknown>[]>();
}

async function poll(
  ctx: CaseContext,
  step: CallStep,
  input: Record<string, unknown>,
  state: SwfState,
): Promise<CallResult> {
  const p = step.poll!;
  const wid = p.select?.workflowId !== undefined ? ctx.vars.str(p.select.workflowId) : undefined;
  if (wid !== undefined) {
    const kept = state.kept.get(wid);
    if (kept?.length) return { ok: true, output: kept.shift()! };
  }
  const deadline = Date.now() + (p.timeoutSeconds ?? 30) * 1000;
  for (;;) {
    const r = await ctx.send('swf', step.call, input);
    if (!r.ok) return r;
    const token = r.output.taskToken;
    if (typeof token === 'string' && token !== '') {
      const got = (r.output.workflowExecution as { workflowId?: string } | undefined)?.workflowId;
      if (wid === undefined || got === wid) return r;
      const list = state.kept.get(got ?? '') ?? [];
      list.push(r.output);
      state.kept.set(got ?? '', list);
      continue;
    }
    if (!p.untilTask || Date.now() >= deadline) return r;
    await sleep(ctx.options.pollMs);
  }
}

function tryCompare(ctx: CaseContext, expected: unknown, actual: unknown): Diff[] {
  const snap = ctx.bindings.snapshot();
  const diffs = new Comparator(ctx.bindings, { mode: 'swf' }).compare(expected, actual);
  if (diffs.length) ctx.bindings.restore(snap);
  return diffs;
}

export async function runSwfStep(ctx: CaseContext, data: CaseFile, step: CallStep, state: SwfState): Promise<void> {
  const input = ctx.vars.deep(step.input ?? {});
  const result = step.poll ? await poll(ctx, step, input, state) : await ctx.send('swf', step.call, input);
  if (step.expectError) {
    if (result.ok) throw new StepFailed(`expected error ${step.expectError.name ?? '(any)'}, but the call succeeded`);
    const diffs: Diff[] = [];
    if (step.expectError.name !== undefined && step.expectError.name !== result.error.name) {
      diffs.push({ path: 'error.name', expected: step.expectError.name, actual: result.error.name });
    }
    if (step.expectError.message !== undefined && ctx.vars.str(step.expectError.message) !== result.error.message) {
      diffs.push({ path: 'error.message', expected: step.expectError.message, actual: result.error.message });
    }
    if (diffs.length) throw new StepFailed('error differs', diffs);
    return;
  }
  if (!result.ok) throw new StepFailed(`unexpected error ${result.error.name}: ${result.error.message}`);

  const ignore = [...(data.ignorePaths ?? []), ...(step.ignorePaths ?? [])];
  const actual = sdkShape(result.output);
  for (const p of ignore) removePath(actual, p);
  const prepare = (exp: unknown) => {
    const e = clone(ctx.vars.deep(exp));
    for (const p of ignore) removePath(e, p);
    return e;
  };

  if (step.expect !== undefined) {
    let diffs: Diff[];
    if (state.variantFixed) {
      const exp = state.variant !== undefined ? (step.expectVariants?.[state.variant] ?? step.expect) : step.expect;
      diffs = tryCompare(ctx, prepare(exp), actual);
    } else {
      diffs = tryCompare(ctx, prepare(step.expect), actual);
      if (step.expectVariants) {
        if (diffs.length === 0) state.variantFixed = true;
        else {
          for (const [name, exp] of Object.entries(step.expectVariants)) {
            if (tryCompare(ctx, prepare(exp), actual).length === 0) {
              state.variant = name;
              state.variantFixed = true;
              diffs = [];
              break;
            }
          }
        }
      }
    }
    if (diffs.length) {
      // Re-run against the recorded expectation to keep its bindings' explanation in the report.
      throw new StepFailed(
        step.expectVariants && !state.variantFixed
          ? 'response matches neither the recording nor a variant'
          : 'response differs',
        diffs,
      );
    }
  }

  const save = (state.variant !== undefined ? step.saveVariants?.[state.variant] : undefined) ?? step.save ?? {};
  for (const [name, spec] of Object.entries(save)) {
    const v = readSavePath(result.output, spec);
    if (v === undefined) throw new StepFailed(`save ${name}: nothing at '${spec}' in the response`);
    ctx.vars.saved[name] = v;
  }
}
