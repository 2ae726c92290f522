/** Running cases: one case (setup, steps, verdict) and a whole selection with bounded concurrency. */
import type { Diff } from './compare.js';
import { CaseContext, type Failure, type RunOptions, StepFailed, withTimeout } from './context.js';
import { type BuiltFunctions, buildFunctions, loadRawSupport } from './lambda.js';
import { makeNames, Vars } from './placeholders.js';
import { runSfnAwait, runSfnStep } from './sfn-case.js';
import { runSwfStep, SwfState } from './swf-case.js';
import { createInProcess, type Emulator } from './target.js';
import { isAwait, type LambdaFunctionSpec, type LoadedCase } from './types.js';

export type Verdict = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  id: string;
  area: string;
  service: 'sfn' | 'swf';
  verdict: Verdict;
  /** Why skipped, or a one-line failure summary. */
  reason?: string;
  failure?: Failure;
  durationMs: number;
  awsValidated?: boolean;
  trust?: string;
}

export interface RunnerConfig extends RunOptions {
  /** Remote server; in-process emulator per case when absent. */
  remote?: Emulator;
  /**
   * In-process only: the AWS behaviour date the emulator imitates. `recorded` (default): each case's
   * `source.recorded` date, since the expectations are AWS's answers on that date; `current`: today's AWS;
   * or a fixed `YYYY-MM-DD`.
   */
  compatDate?: string;
}

/** The compatibility date for a case under `config.compatDate`, if any. */
export function compatibilityDateFor(c: LoadedCase, compatDate: string | undefined): string | undefined {
  const mode = compatDate ?? 'recorded';
  if (mode === 'current') return undefined;
  if (mode === 'recorded') {
    const recorded = c.data.source?.recorded;
    return typeof recorded === 'string' && /^\d{4}-\d{2}-\d{2}/.test(recorded) ? recorded.slice(0, 10) : undefined;
  }
  return mode;
}

const SUPPORTED = new Set(['lambda', 'mock-config']);

/** Why a case cannot run with this configuration, if it cannot. */
export function skipReason(c: LoadedCase, config: RunnerConfig): string | undefined {
  const requires = c.data.requires ?? [];
  const unknown = requires.filter((r) => !SUPPORTED.has(r));
  if (unknown.length) return `requires ${unknown.join(', ')}, which this runner does not provide`;
  if (config.remote && requires.includes('lambda')) {
    return 'requires local Lambda functions, which only an in-process emulator can be given (run without --endpoint)';
  }
  if (config.remote && requires.includes('mock-config')) {
    return 'requires its mock configuration loaded into the emulator, only possible in-process (run without --endpoint)';
  }
  return undefined;
}

function stepLabel(step: LoadedCase['data']['steps'][number]): string {
  if (isAwait(step)) return `await ${step.await}`;
  return step.expectKey ? `${step.call} (${step.expectKey})` : step.call;
}

export async function runCase(c: LoadedCase, config: RunnerConfig): Promise<CaseResult> {
  const started = Date.now();
  const base = {
    id: c.id,
    area: c.area,
    service: c.service,
    ...(typeof c.data.source?.awsValidated === 'boolean' ? { awsValidated: c.data.source.awsValidated } : {}),
    ...(typeof c.data.source?.trust === 'string' ? { trust: c.data.source.trust } : {}),
  };
  const skip = skipReason(c, config);
  if (skip) return { ...base, verdict: 'skip', reason: skip, durationMs: 0 };

  const vars = new Vars(makeNames(c.data.names));
  let emulator: Emulator | undefined;
  let built: BuiltFunctions | undefined;
  let stepNo = 0;
  let label = 'setup';
  try {
    if (config.remote) emulator = config.remote;
    else {
      const requires = c.data.requires ?? [];
      if (requires.includes('lambda')) {
        built = buildFunctions(
          vars.deep(c.data.lambdaFunctions ?? {}) as Record<string, LambdaFunctionSpec>,
          await loadRawSupport(),
        );
      }
      const compatibilityDate = compatibilityDateFor(c, config.compatDate);
      emulator = await createInProcess({
        ...(compatibilityDate ? { compatibilityDate } : {}),
        ...(built ? { functions: built.functions } : {}),
        ...(requires.includes('mock-config') && c.data.mockConfig !== undefined
          ? { mockConfig: vars.deep(c.data.mockConfig) }
          : {}),
      });
    }
    const ctx = new CaseContext(emulator, vars, config);
    const swfState = new SwfState();
    for (const step of c.data.steps) {
      stepNo++;
      label = stepLabel(step);
      if (isAwait(step)) {
        if (c.service !== 'sfn') throw new StepFailed(`await steps are not part of the SWF format`);
        await runSfnAwait(ctx, step);
      } else if (c.service === 'sfn') await runSfnStep(ctx, c.data, step);
      else await runSwfStep(ctx, c.data, step, swfState);
    }
    return { ...base, verdict: 'pass', durationMs: Date.now() - started };
  } catch (e) {
    const message = e instanceof StepFailed ? e.message : `runner error: ${(e as Error)?.stack ?? String(e)}`;
    const diffs: Diff[] | undefined = e instanceof StepFailed ? e.diffs : undefined;
    return {
      ...base,
      verdict: 'fail',
      reason: `step ${stepNo} ${label}: ${message.split('\n')[0]}`,
      failure: { step: stepNo, label, message, ...(diffs ? { diffs } : {}) },
      durationMs: Date.now() - started,
    };
  } finally {
    built?.dispose();
    if (emulator && !config.remote) {
      await withTimeout(emulator.close(), 10_000, 'close').catch(() => undefined);
    }
  }
}

/** Runs cases with at most `concurrency` at once; `onResult` sees each result as it completes. */
export async function runAll(
  cases: LoadedCase[],
  config: RunnerConfig,
  concurrency: number,
  onResult?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const caseCap = config.timeoutMs * 4 + 60_000;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= cases.length) return;
      const c = cases[i]!;
      const started = Date.now();
      let r: CaseResult;
      try {
        r = await withTimeout(runCase(c, config), caseCap, `case ${c.id}`);
      } catch (e) {
        r = {
          id: c.id,
          area: c.area,
          service: c.service,
          verdict: 'fail',
          reason: `runner error: ${(e as Error).message}`,
          failure: { step: 0, label: 'case', message: (e as Error).message },
          durationMs: Date.now() - started,
        };
      }
      results[i] = r;
      onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, cases.length)) }, worker));
  return results;
}
