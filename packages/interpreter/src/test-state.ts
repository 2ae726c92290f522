/**
 * TestState: evaluates one state's whole data flow (no history), with a mock or an invoker standing in
 * for the service call, and reports AWS's `inspectionData` for the DEBUG and TRACE levels.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 */
import { type CState, compileMachine } from './compile.js';
import { applyResultPath, evalJsonataTemplate, evalPathTemplate } from './data-flow/template.js';
import { ERR, StateFailure } from './errors/state-errors.js';
import type { Snapshot, Thread } from './state.js';
import { evalRule } from './states/choice.js';
import { Run } from './step.js';

/** @public */
export type InspectionLevel = 'INFO' | 'DEBUG' | 'TRACE';

/** @public */
export interface TestStateOptions {
  /** When set, `definition` is a whole state machine and this state is tested. */
  readonly stateName?: string;
  readonly roleArn?: string | null;
  readonly inspectionLevel?: InspectionLevel;
  /** JSON object text of the variables visible to the state. */
  readonly variables?: string;
  readonly mock?: {
    readonly result?: string;
    readonly errorOutput?: { readonly error?: string; readonly cause?: string };
  };
  readonly stateConfiguration?: { readonly retrierRetryCount?: number; readonly mapIterationFailureCount?: number };
  /** Performs the Task's call when no mock is given. */
  readonly invoke?: (call: {
    readonly resource: string;
    readonly parameters: unknown;
    readonly taskToken?: string;
  }) => Promise<{ readonly output: string } | { readonly error: string; readonly cause?: string }>;
  /** Epoch ms. */
  readonly at: number;
  readonly seed?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Names used in the `express:` context ARNs. */
  readonly executionName?: string;
  readonly stateMachineName?: string;
}

/** @public */
export interface TestStateResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly nextState?: string;
  readonly inspectionData?: Record<string, unknown>;
}

/**
 * Runs one state once. Definition errors are the caller's to report (validate first).
 * @public
 */
export async function testState(
  definition: unknown,
  input: string,
  options: TestStateOptions,
): Promise<TestStateResult> {
  const def = (definition ?? {}) as Record<string, unknown>;
  let raw: Record<string, unknown>;
  let name: string;
  let ql: unknown;
  if (options.stateName !== undefined) {
    raw = ((def.States ?? {}) as Record<string, Record<string, unknown>>)[options.stateName] ?? {};
    name = options.stateName;
    ql = def.QueryLanguage;
  } else {
    raw = def;
    name = 'StateName';
    ql = undefined;
  }
  const machine = compileMachine(
    { StartAt: name, States: { [name]: raw }, ...(ql ? { QueryLanguage: ql } : {}) },
    { compatibilityDate: '2023-01-01' },
  );
  const st = machine.scopes.get('')!.states.get(name)!;
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '111111111111';
  const smName = options.stateMachineName ?? 'TestStateStateMachine';
  const execName = options.executionName ?? 'TestStateExecution';
  let parsedInput: unknown;
  try {
    parsedInput = JSON.parse(input);
  } catch {
    parsedInput = {};
  }
  const thread: Thread = {
    id: 'r',
    scope: '',
    state: name,
    phase: 'enter',
    input: parsedInput,
    first: false,
    firstPrev: 0,
    last: 0,
    entered: 0,
    enteredPrev: 0,
    enteredAt: options.at,
    retryCount: options.stateConfiguration?.retrierRetryCount ?? 0,
  };
  if (options.variables) thread.vars = JSON.parse(options.variables) as Record<string, unknown>;
  const snapshot: Snapshot = {
    version: 1,
    status: 'RUNNING',
    nextEventId: 1,
    info: {
      executionArn: `arn:aws:states:${region}:${account}:express:${smName}:${execName}`,
      executionName: execName,
      stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:${smName}`,
      stateMachineName: smName,
      roleArn: options.roleArn ?? null,
      startTime: options.at,
      redriveCount: 0,
      region,
      accountId: account,
    },
    execInput: parsedInput,
    rng: options.seed ?? 1,
    seq: 0,
    root: 'r',
    threads: { r: thread },
    queue: [],
    tasks: {},
    timers: {},
    invocations: {},
  };
  const run = new Run(machine, snapshot, { type: 'Continue', at: options.at }, {});
  const t = run.s.threads.r!;
  const level = options.inspectionLevel ?? 'INFO';
  const inspect: Record<string, unknown> = {};
  const mockText = options.mock?.result;
  let mockValue: unknown;
  if (mockText !== undefined) mockValue = JSON.parse(mockText);
  const text = (v: unknown): string =>
    v === parsedInput ? input : v === mockValue && mockText !== undefined ? mockText : JSON.stringify(v);
  inspect.input = input;

  const finish = (r: TestStateResult, assigned?: Record<string, unknown>): TestStateResult => {
    const vars = { ...t.vars, ...assigned };
    if (Object.keys(vars).length > 0) inspect.variables = JSON.stringify(vars);
    if (level === 'INFO') return r;
    return { ...r, inspectionData: inspect };
  };

  const fail = async (error: string | undefined, cause: string | undefined): Promise<TestStateResult> => {
    const counts = options.stateConfiguration?.retrierRetryCount ?? 0;
    const details: Record<string, number> = {};
    for (let i = 0; i < st.retry.length; i++) {
      const r = st.retry[i]!;
      if (!matchesError(r.errorEquals, error)) continue;
      details.retryIndex = i;
      if (counts < r.maxAttempts) {
        let delay = r.intervalSeconds * r.backoffRate ** counts;
        if (r.maxDelaySeconds !== undefined) delay = Math.min(delay, r.maxDelaySeconds);
        details.retryBackoffIntervalSeconds = delay;
        inspect.errorDetails = details;
        return finish(withError({ status: 'RETRIABLE' }, error, cause));
      }
      break;
    }
    const errorOutput = { Error: error ?? '', Cause: cause ?? '' };
    for (let i = 0; i < st.catch.length; i++) {
      const c = st.catch[i]!;
      if (!matchesError(c.errorEquals, error)) continue;
      details.catchIndex = i;
      inspect.errorDetails = details;
      let output: unknown;
      let assigned: Record<string, unknown> | undefined;
      if (st.jsonata) {
        assigned = await run.evalAssign(t, st, c.assign, undefined, { errorOutput });
        output = c.output ? await evalJsonataTemplate(c.output, run.jsonataEnv(t, st, { errorOutput })) : errorOutput;
      } else {
        assigned = await run.evalAssign(t, st, c.assign, errorOutput, {});
        output =
          c.resultPath === null
            ? t.input
            : c.resultPath === undefined
              ? errorOutput
              : applyResultPath(t.input, c.resultPath, errorOutput);
      }
      return finish(
        withError({ status: 'CAUGHT_ERROR', output: text(output), nextState: c.next }, error, cause),
        assigned,
      );
    }
    if (Object.keys(details).length > 0) inspect.errorDetails = details;
    return finish(withError({ status: 'FAILED' }, error, cause));
  };

  try {
    return await runState(run, t, st, options, inspect, text, mockValue, finish, fail);
  } catch (e) {
    if (!(e instanceof StateFailure)) throw e;
    if (e.error === ERR.Runtime) return finish(withError({ status: 'FAILED' }, e.error, e.cause));
    return fail(e.error, e.cause);
  }
}

function withError(r: TestStateResult, error: string | undefined, cause: string | undefined): TestStateResult {
  const out: Record<string, unknown> = { ...r };
  if (error !== undefined) out.error = error;
  if (cause !== undefined) out.cause = cause;
  return out as unknown as TestStateResult;
}

function matchesError(list: readonly string[], error: string | undefined): boolean {
  return list.some(
    (e) =>
      e === error ||
      (e === ERR.ALL && error !== ERR.Runtime) ||
      (e === ERR.TaskFailed && error !== ERR.Timeout && error !== ERR.Runtime && error !== ERR.HeartbeatTimeout),
  );
}

async function runState(
  run: Run,
  t: Thread,
  st: CState,
  options: TestStateOptions,
  inspect: Record<string, unknown>,
  text: (v: unknown) => string,
  mockValue: unknown,
  finish: (r: TestStateResult, assigned?: Record<string, unknown>) => TestStateResult,
  fail: (error: string | undefined, cause: string | undefined) => Promise<TestStateResult>,
): Promise<TestStateResult> {
  const ok = (output: unknown, assigned?: Record<string, unknown>, next?: string): TestStateResult => {
    const r: Record<string, unknown> = { status: 'SUCCEEDED', output: text(output) };
    const n = next ?? st.next;
    if (n !== undefined) r.nextState = n;
    return finish(r as unknown as TestStateResult, assigned);
  };
  const mock = options.mock;
  const work = async (params: unknown): Promise<{ result: unknown } | { error?: string; cause?: string }> => {
    if (mock?.errorOutput) return { error: mock.errorOutput.error, cause: mock.errorOutput.cause };
    if (mock?.result !== undefined) return { result: mockValue };
    if (!options.invoke) {
      throw new Error('[statecraft] Failed to test the state: no mock and no invoker. Pass options.invoke or a mock.');
    }
    const r = await options.invoke({ resource: String(st.raw.Resource), parameters: params });
    if ('output' in r) {
      let v: unknown;
      try {
        v = JSON.parse(r.output);
      } catch {
        v = r.output;
      }
      return { result: v };
    }
    return { error: r.error, cause: r.cause };
  };

  if (st.jsonata) {
    const env = () => run.jsonataEnv(t, st, {});
    switch (st.type) {
      case 'Pass':
      case 'Succeed':
      case 'Wait': {
        const assigned = await run.evalAssign(t, st, st.assign, undefined, {});
        const out = st.output ? await evalJsonataTemplate(st.output, env()) : t.input;
        return ok(out, assigned);
      }
      case 'Fail': {
        const e = st.error ? await run.evalDyn(t, st, st.error, env()) : undefined;
        const c = st.cause ? await run.evalDyn(t, st, st.cause, env()) : undefined;
        return finish(withError({ status: 'FAILED' }, e as string | undefined, c as string | undefined));
      }
      case 'Choice': {
        for (const c of st.choices!) {
          if (c.rule.k !== 'cond') continue;
          if ((await evalJsonataTemplate(c.rule.condition, env())) === true) {
            const assigned = await run.evalAssign(t, st, c.assign ?? st.assign, undefined, {});
            const out = c.output ? await evalJsonataTemplate(c.output, env()) : t.input;
            return ok(out, assigned, c.next);
          }
        }
        if (st.default === undefined) return fail(ERR.NoChoiceMatched, 'No Matches!');
        return ok(t.input, await run.evalAssign(t, st, st.assign, undefined, {}), st.default);
      }
      default: {
        let params: unknown = t.input;
        if (st.type === 'Task' || st.type === 'Parallel') {
          params = st.arguments ? await evalJsonataTemplate(st.arguments, env()) : t.input;
          if (st.type === 'Task') inspect.afterArguments = text(params);
        }
        if (st.type === 'Map') {
          inspect.maxConcurrency = st.maxConcurrency ? await run.evalDyn(t, st, st.maxConcurrency, env()) : 0;
          if (st.toleratedFailureCount)
            inspect.toleratedFailureCount = await run.evalDyn(t, st, st.toleratedFailureCount, env());
          if (st.toleratedFailurePercentage) {
            inspect.toleratedFailurePercentage = await run.evalDyn(t, st, st.toleratedFailurePercentage, env());
          }
        }
        const r = await work(params);
        if (!('result' in r)) return fail(r.error, r.cause);
        if (st.type === 'Task') inspect.result = text(r.result);
        const assigned = await run.evalAssign(t, st, st.assign, undefined, { result: r.result });
        const out = st.output
          ? await evalJsonataTemplate(st.output, run.jsonataEnv(t, st, { result: r.result }))
          : r.result;
        return ok(out, assigned);
      }
    }
  }

  // JSONPath
  switch (st.type) {
    case 'Pass': {
      let result: unknown;
      if (st.hasResult) {
        result = st.result;
        inspect.result = text(result);
      } else {
        const selected = run.selectInput(t, st);
        inspect.afterInputPath = text(selected);
        result = st.parameters ? evalPathTemplate(st.parameters, run.pathEnv(t, st, selected)) : selected;
        inspect.afterParameters = text(result);
      }
      inspect.afterResultSelector = text(result);
      const assigned = await run.evalAssign(t, st, st.assign, result, {});
      const merged = run.mergeResult(t, st, result);
      inspect.afterResultPath = text(merged);
      return ok(run.selectOutput(t, st, merged), assigned);
    }
    case 'Succeed':
    case 'Wait': {
      const selected = run.selectInput(t, st);
      inspect.afterInputPath = text(selected);
      const assigned = await run.evalAssign(t, st, st.assign, selected, {});
      return ok(run.selectOutput(t, st, selected), assigned);
    }
    case 'Choice': {
      const selected = run.selectInput(t, st);
      inspect.afterInputPath = text(selected);
      const env = run.pathEnv(t, st, selected);
      let next = st.default;
      let assign = st.assign;
      for (const c of st.choices!) {
        if (evalRule(c.rule, env)) {
          next = c.next;
          if (c.assign) assign = c.assign;
          break;
        }
      }
      if (next === undefined) return fail(ERR.NoChoiceMatched, 'No Matches!');
      const assigned = await run.evalAssign(t, st, assign, selected, {});
      return ok(run.selectOutput(t, st, selected), assigned, next);
    }
    case 'Fail': {
      inspect.afterInputPath = text(t.input);
      const e = st.error ? run.evalDynPath(t, st, st.error, t.input) : undefined;
      const c = st.cause ? run.evalDynPath(t, st, st.cause, t.input) : undefined;
      return finish(withError({ status: 'FAILED' }, e as string | undefined, c as string | undefined));
    }
    default: {
      let params: unknown;
      if (st.type === 'Task') {
        const selected = run.selectInput(t, st);
        inspect.afterInputPath = text(selected);
        params = st.parameters ? evalPathTemplate(st.parameters, run.pathEnv(t, st, selected)) : selected;
        inspect.afterParameters = text(params);
      } else if (st.type === 'Map') {
        const selected = run.selectInput(t, st);
        inspect.afterInputPath = text(selected);
        inspect.maxConcurrency = st.maxConcurrency ? run.evalDynPath(t, st, st.maxConcurrency, t.input) : 0;
        if (st.toleratedFailureCount)
          inspect.toleratedFailureCount = run.evalDynPath(t, st, st.toleratedFailureCount, t.input);
        if (st.toleratedFailurePercentage) {
          inspect.toleratedFailurePercentage = run.evalDynPath(t, st, st.toleratedFailurePercentage, t.input);
        }
        params = selected;
      } else params = t.input;
      const r = await work(params);
      if (!('result' in r)) return fail(r.error, r.cause);
      if (st.type === 'Task') inspect.result = text(r.result);
      const selected = st.resultSelector ? evalPathTemplate(st.resultSelector, run.pathEnv(t, st, r.result)) : r.result;
      inspect.afterResultSelector = text(selected);
      const assigned = await run.evalAssign(t, st, st.assign, selected, {});
      const merged = run.mergeResult(t, st, selected);
      inspect.afterResultPath = text(merged);
      return ok(run.selectOutput(t, st, merged), assigned);
    }
  }
}
