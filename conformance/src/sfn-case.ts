/** Replays one Step Functions case (README §3, §4). */
import { Comparator, type Diff } from './compare.js';
import { type CaseContext, StepFailed, sleep } from './context.js';
import { removePath, select } from './jsonpath.js';
import { hasMatcher, matchTemplate } from './match.js';
import { applyJsonInString, clone, sdkShape, sortVariableReferences } from './normalize.js';
import { readSavePath } from './placeholders.js';
import type { AwaitStep, CallStep, CaseFile } from './types.js';

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

interface HistoryEvent {
  type?: string;
  executionFailedEventDetails?: { error?: string; cause?: string };
  executionTimedOutEventDetails?: { error?: string; cause?: string };
  executionAbortedEventDetails?: { error?: string; cause?: string };
}

export async function runSfnStep(ctx: CaseContext, data: CaseFile, step: CallStep): Promise<void> {
  const input = ctx.vars.deep(step.input ?? {});
  const result = await ctx.send('sfn', step.call, input);
  const cmpOpts = {
    mode: 'sfn' as const,
    parallelBranchEventsUnordered: !!data.compare?.parallelBranchEventsUnordered,
  };

  if (step.expectError) {
    if (result.ok) {
      throw new StepFailed(`expected error ${step.expectError.name ?? '(any)'}, but the call succeeded`, [
        { path: '$', expected: step.expectError, actual: sdkShape(result.output) },
      ]);
    }
    const diffs: Diff[] = [];
    const { name, message } = step.expectError;
    if (name !== undefined) {
      const exp = ctx.vars.str(name);
      if (exp !== result.error.name) diffs.push({ path: 'error.name', expected: exp, actual: result.error.name });
    }
    if (message !== undefined) {
      const exp = ctx.vars.str(message);
      const why = hasMatcher(exp)
        ? matchTemplate(exp, result.error.message, ctx.bindings)
        : exp === result.error.message
          ? undefined
          : '';
      if (why !== undefined) {
        diffs.push({
          path: 'error.message',
          expected: exp,
          actual: result.error.message,
          ...(why ? { message: why } : {}),
        });
      }
    }
    if (diffs.length) throw new StepFailed('error differs', diffs);
    return;
  }
  if (!result.ok) throw new StepFailed(`unexpected error ${result.error.name}: ${result.error.message}`);

  const actual = applyJsonInString(sdkShape(result.output), { parseOutputStrings: !!data.compare?.parseOutputStrings });
  if (data.compare?.sortVariableReferences) sortVariableReferences(actual);
  for (const p of data.ignorePaths ?? []) removePath(actual, p);

  const comparator = new Comparator(ctx.bindings, cmpOpts);
  if (step.expect !== undefined) {
    const expected = clone(ctx.vars.deep(step.expect));
    if (data.compare?.sortVariableReferences) sortVariableReferences(expected);
    for (const p of data.ignorePaths ?? []) removePath(expected, p);
    comparator.compare(expected, actual);
  }
  for (const check of step.expectAt ?? []) {
    const path = ctx.vars.str(check.path);
    const found = select(actual, path);
    if (found.length !== 1) {
      comparator.diffs.push({
        path,
        expected: ctx.vars.deep(check.value),
        actual: found.length === 0 ? 'nothing at this path' : `${found.length} values at this path`,
        message: found.length === 0 ? 'missing' : 'ambiguous',
      });
      continue;
    }
    comparator.compare(ctx.vars.deep(check.value), found[0]!.value, path);
  }
  if (comparator.diffs.length) throw new StepFailed('response differs', comparator.diffs);

  for (const [name, spec] of Object.entries(step.save ?? {})) {
    const v = readSavePath(result.output, spec);
    if (v === undefined) throw new StepFailed(`save ${name}: nothing at '${spec}' in the response`);
    ctx.vars.saved[name] = v;
  }
}

async function history(ctx: CaseContext, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const r = await ctx.send('sfn', 'GetExecutionHistory', {
      executionArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    if (!r.ok) throw new StepFailed(`GetExecutionHistory failed: ${r.error.name}: ${r.error.message}`);
    events.push(...((r.output.events as HistoryEvent[]) ?? []));
    nextToken = r.output.nextToken as string | undefined;
  } while (nextToken);
  return events;
}

async function describeStatus(ctx: CaseContext, executionArn: string): Promise<string | undefined> {
  const r = await ctx.send('sfn', 'DescribeExecution', { executionArn });
  return r.ok ? (r.output.status as string) : undefined;
}

function describeEnd(e: HistoryEvent | undefined): string {
  if (!e) return 'no events';
  const d = e.executionFailedEventDetails ?? e.executionTimedOutEventDetails ?? e.executionAbortedEventDetails;
  const cause = d?.cause && d.cause.length > 200 ? `${d.cause.slice(0, 200)}…` : d?.cause;
  return d ? `${e.type} (error ${JSON.stringify(d.error)}, cause ${JSON.stringify(cause)})` : String(e.type);
}

/** Polls until `check` returns a verdict; `undefined` means "not yet". */
async function pollUntil(
  ctx: CaseContext,
  what: string,
  check: () => Promise<string | true | undefined>,
): Promise<void> {
  const deadline = Date.now() + ctx.options.timeoutMs;
  let last = 'no answer';
  for (;;) {
    const v = await check();
    if (v === true) return;
    if (v !== undefined) last = v;
    if (Date.now() >= deadline)
      throw new StepFailed(`${what}: timed out after ${Math.round(ctx.options.timeoutMs / 1000)} s (${last})`);
    await sleep(ctx.options.pollMs);
  }
}

export async function runSfnAwait(ctx: CaseContext, step: AwaitStep): Promise<void> {
  const arn = step.executionArn ? ctx.vars.str(step.executionArn) : '';
  const terminal = async (): Promise<HistoryEvent[] | string> => {
    // DescribeExecution is the cheap gate; the history decides (its last event must be terminal).
    const status = await describeStatus(ctx, arn);
    if (status === 'RUNNING') return 'status RUNNING';
    const events = await history(ctx, arn);
    const lastEvent = events[events.length - 1];
    if (lastEvent?.type && TERMINAL.has(lastEvent.type)) return events;
    return `last event ${lastEvent?.type ?? 'none'}`;
  };
  switch (step.await) {
    case 'ExecutionDone':
      return pollUntil(ctx, 'ExecutionDone', async () => {
        const r = await terminal();
        return typeof r === 'string' ? r : true;
      });
    case 'ExecutionSucceeded':
      return pollUntil(ctx, 'ExecutionSucceeded', async () => {
        const r = await terminal();
        if (typeof r === 'string') return r;
        const lastEvent = r[r.length - 1];
        if (lastEvent?.type === 'ExecutionSucceeded') return true;
        throw new StepFailed(`execution ended with ${describeEnd(lastEvent)}`);
      });
    case 'ExecutionStarted':
      return pollUntil(ctx, 'ExecutionStarted', async () => {
        const events = await history(ctx, arn);
        return events.some((e) => e.type === 'ExecutionStarted') ? true : 'no ExecutionStarted';
      });
    case 'HistoryEvent':
      return pollUntil(ctx, `HistoryEvent ${step.eventType}`, async () => {
        const events = await history(ctx, arn);
        return events.some((e) => e.type === step.eventType) ? true : `no ${step.eventType}`;
      });
    case 'ExecutionAborted':
      return pollUntil(ctx, 'ExecutionAborted', async () => {
        const status = await describeStatus(ctx, arn);
        if (status === 'ABORTED') return true;
        if (status && status !== 'RUNNING') throw new StepFailed(`execution ended with status ${status}`);
        return `status ${status ?? 'unknown'}`;
      });
    case 'ListedStatus': {
      const stateMachineArn = ctx.vars.str(step.stateMachineArn ?? '');
      return pollUntil(ctx, `ListedStatus ${step.status}`, async () => {
        let nextToken: string | undefined;
        do {
          const r = await ctx.send('sfn', 'ListExecutions', {
            stateMachineArn,
            statusFilter: step.status,
            ...(nextToken ? { nextToken } : {}),
          });
          if (!r.ok) return `ListExecutions failed: ${r.error.name}`;
          const list = (r.output.executions as { executionArn?: string; status?: string }[]) ?? [];
          if (list.some((e) => e.executionArn === arn && e.status === step.status)) return true;
          nextToken = r.output.nextToken as string | undefined;
        } while (nextToken);
        return 'not listed';
      });
    }
    default:
      throw new StepFailed(`unknown await '${step.await}'`);
  }
}
