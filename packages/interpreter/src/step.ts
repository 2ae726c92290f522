/**
 * The step function: feeds one input to an execution and runs every thread (top level, Parallel
 * branches, Map iterations) until all of them wait for the outside world, recording AWS's history events.
 * Threads run depth first in a deterministic order; time and randomness come only from the inputs.
 */
import type { HistoryEvent } from '@statecraft/history';
import { detailsMemberOf } from '@statecraft/history';
import type { AssignSpec, Catcher, CState, Dyn, Machine, Scope } from './compile.js';
import type { JsonataEnv } from './data-flow/jsonata.js';
import { wrongTypeCause } from './data-flow/jsonata.js';
import type { JsonataTemplate, PathTemplate } from './data-flow/template.js';
import {
  applyPath,
  applyResultPath,
  evalJsonataTemplate,
  evalPathTemplate,
  type PathEnv,
} from './data-flow/template.js';
import { isoTime, parseTimestamp } from './data-flow/timestamp.js';
import { causePrefix, ERR, queryError, runtime, StateFailure } from './errors/state-errors.js';
import { nextRandom, tokenFrom, uuidFrom } from './random.js';
import {
  type ChildRun,
  childExecutionArn,
  childName,
  type Frame,
  type MapRunRecord,
  type ReaderProgress,
  type Snapshot,
  type TaskRecord,
  type Thread,
} from './state.js';
import { evalRule } from './states/choice.js';
import {
  type ChildMeta,
  type ChildResult,
  readerLimit,
  readItems,
  transformResults,
  utf8Length,
  writePlan,
} from './states/map-io.js';
import type {
  ChildExecution,
  Command,
  ExecutionInput,
  ExecutionSnapshot,
  ExecutionStatus,
  StepOptions,
  StepResult,
} from './types.js';

const NOT_TRUNCATED = { truncated: false } as const;
/** Event types AWS records without a details member (AWS-recorded histories). */
const NO_DETAILS = new Set([
  'LambdaFunctionStarted',
  'MapRunSucceeded',
  'MapRunFailed',
  'MapRunAborted',
  'MapStateSucceeded',
  'MapStateFailed',
  'MapStateAborted',
  'ParallelStateStarted',
  'ParallelStateSucceeded',
  'ParallelStateFailed',
  'ParallelStateAborted',
  'TaskStateAborted',
  'WaitStateAborted',
  'PassStateAborted',
]);
/** AWS's history limit for a standard execution. */
const HISTORY_LIMIT = 25000;
/** AWS's payload limit: 256 KiB of UTF-8. */
export const PAYLOAD_LIMIT = 262144;
/** Texts up to this many UTF-16 units are within {@link PAYLOAD_LIMIT} bytes (≤ 3 bytes a unit): no count needed. */
const PAYLOAD_CHARS = PAYLOAD_LIMIT / 3;

/** @public */
export async function step(
  machine: Machine,
  snapshot: ExecutionSnapshot | undefined,
  input: ExecutionInput,
  options: StepOptions = {},
): Promise<StepResult> {
  const run = new Run(machine, snapshot as Snapshot | undefined, input, options);
  await run.go();
  if (run.childOut.size === 0) return { snapshot: run.s, events: run.events, commands: run.commands };
  const children: ChildExecution[] = [];
  for (const [c, o] of run.childOut) children.push({ ...o, nextEventId: c.nextEventId });
  return { snapshot: run.s, events: run.events, commands: run.commands, children };
}

/** What a step reports of a child execution (`nextEventId` is filled in at the end). */
type ChildOut = { -readonly [K in keyof ChildExecution]: ChildExecution[K] };

/** @internal */
export class Run {
  s!: Snapshot;
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  readonly at: number;
  private budget: number;
  private pendingStarted: [string, TaskRecord, CState][] = [];

  constructor(
    readonly machine: Machine,
    snapshot: Snapshot | undefined,
    readonly input: ExecutionInput,
    options: StepOptions,
  ) {
    this.at = input.at;
    this.budget = options.maxTransitions ?? 1000;
    if (snapshot) this.s = cloneSnapshot(snapshot);
  }

  // ------------------------------------------------------------------ plumbing

  emit(type: string, prev: number, details?: Record<string, unknown>, member?: string): number {
    if (this.hidden) return this.sink ? this.emitTo(this.sink, type, prev, details, member) : prev;
    const id = this.s.nextEventId++;
    const ev: Record<string, unknown> = { timestamp: this.at, type, id, previousEventId: prev };
    if (details && !(NO_DETAILS.has(type) && isEmpty(details))) ev[member ?? detailsMember(type)] = details;
    this.events.push(ev as HistoryEvent);
    return id;
  }

  /** Records an event in a child execution's own history (ids from 1). */
  emitTo(c: ChildRun, type: string, prev: number, details?: Record<string, unknown>, member?: string): number {
    const id = c.nextEventId++;
    const ev: Record<string, unknown> = { timestamp: this.at, type, id, previousEventId: prev };
    if (details && !(NO_DETAILS.has(type) && isEmpty(details))) ev[member ?? detailsMember(type)] = details;
    this.outOf(c).events.push(ev as HistoryEvent);
    return id;
  }

  /** Child executions started or changed in this step. */
  readonly childOut = new Map<ChildRun, ChildOut>();

  outOf(c: ChildRun): ChildOut {
    let o = this.childOut.get(c);
    if (!o) {
      o = {
        executionArn: c.arn,
        name: c.name,
        mapRunArn: c.mapRunArn,
        label: c.label,
        input: c.input,
        status: 'RUNNING',
        startDate: c.startDate,
        nextEventId: c.nextEventId,
        events: [],
      };
      this.childOut.set(c, o);
    }
    return o;
  }

  /**
   * Starts the child execution of a distributed Map iteration (STANDARD children only: EXPRESS ones are not
   * kept, as AWS neither lists nor describes them): `ExecutionStarted` in its own history, which the thread
   * and the threads inside it write to. Child names are UUIDs derived from the Map Run, the item index and
   * the redrive count, so the parent's random sequence is not drawn from. A child aborted with its Map or its
   * parent ends with `ExecutionAborted` after its states' `…Aborted` events *(unverified for children)*.
   */
  openChild(frame: Frame, st: CState, thread: Thread, index: number, prev: number): void {
    if (frame.mapRunArn === undefined || st.executionType === 'EXPRESS') return;
    const attempt = this.s.info.redriveCount;
    const arn = childExecutionArn(frame.mapRunArn, index, attempt);
    const input = JSON.stringify(thread.input) ?? 'null';
    const outer = this.sink;
    const run: ChildRun = {
      arn,
      name: childName(frame.mapRunArn, index, attempt),
      mapRunArn: frame.mapRunArn,
      label: st.label ?? st.name,
      input,
      startDate: this.at,
      nextEventId: 1,
      prev,
      top: outer ? outer.top : prev,
    };
    this.s.childRuns ??= {};
    this.s.childRuns[arn] = run;
    thread.child = arn;
    thread.firstPrev = 0;
    thread.last = 0;
    const details: Record<string, unknown> = { input, inputDetails: NOT_TRUNCATED };
    if (this.s.info.roleArn !== null) details.roleArn = this.s.info.roleArn;
    this.emitTo(run, 'ExecutionStarted', 0, details);
  }

  /**
   * Closes a child execution with its last event (`ExecutionSucceeded/Failed/Aborted`).
   * @returns the event that stands for the child in its parent's history.
   */
  endChild(
    c: ChildRun,
    status: ExecutionStatus,
    prev: number,
    details: Record<string, unknown>,
    extra: { output?: string; error?: string; cause?: string },
  ): number {
    const type =
      status === 'SUCCEEDED' ? 'ExecutionSucceeded' : status === 'FAILED' ? 'ExecutionFailed' : 'ExecutionAborted';
    this.emitTo(c, type, prev, details);
    const o = this.outOf(c);
    o.status = status;
    o.stopDate = this.at;
    if (extra.output !== undefined) o.output = extra.output;
    if (extra.error !== undefined) o.error = extra.error;
    if (extra.cause !== undefined) o.cause = extra.cause;
    if (this.s.childRuns) delete this.s.childRuns[c.arn];
    return c.prev;
  }

  /** The child execution a distributed Map iteration's root thread runs as, if it has one. */
  childOf(t: Thread): ChildRun | undefined {
    return t.isolated && t.child !== undefined ? this.s.childRuns?.[t.child] : undefined;
  }

  random(): number {
    const [st, v] = nextRandom(this.s.rng);
    this.s.rng = st;
    return v;
  }

  /** {@link random} as a function value. */
  get rand(): () => number {
    return () => this.random();
  }

  uuid(): string {
    return uuidFrom(this.rand);
  }

  newId(prefix: string): string {
    this.s.seq += 1;
    return `${prefix}${this.s.seq}`;
  }

  scopeOf(t: Thread): Scope {
    return this.machine.scopes.get(t.scope)!;
  }

  stateOf(t: Thread): CState {
    const st = this.scopeOf(t).states.get(t.state);
    if (!st) throw new Error(`[statecraft] Failed to run state '${t.state}': it is not in the definition.`);
    return st;
  }

  variables(t: Thread): Record<string, unknown> {
    const chain: Thread[] = [];
    let cur: Thread | undefined = t;
    while (cur) {
      chain.push(cur);
      if (cur.isolated || !cur.parent) break;
      cur = this.s.threads[cur.parent];
    }
    if (chain.length === 1) return t.vars ?? NO_VARIABLES;
    const out: Record<string, unknown> = {};
    for (let k = chain.length - 1; k >= 0; k--) Object.assign(out, chain[k]!.vars);
    return out;
  }

  context(t: Thread, st: CState, extra?: { token?: string; item?: { Index: number; Value: unknown } }): unknown {
    const info = this.s.info;
    const state: Record<string, unknown> = { Name: st.name, EnteredTime: isoTime(t.enteredAt) };
    // AWS shows RetryCount in the states that can retry (Task, Parallel, Map)
    if (st.type === 'Task' || st.type === 'Parallel' || st.type === 'Map') state.RetryCount = t.retryCount;
    const ctx: Record<string, unknown> = {
      Execution: {
        Id: info.executionArn,
        Input: this.s.execInput,
        StartTime: isoTime(info.startTime),
        Name: info.executionName,
        RoleArn: info.roleArn,
        ...(this.machine.compat.noRedriveCount ? {} : { RedriveCount: info.redriveCount }),
        ...(info.redriveTime !== undefined ? { RedriveTime: isoTime(info.redriveTime) } : {}),
      },
      StateMachine: { Id: info.stateMachineArn, Name: info.stateMachineName },
      State: state,
    };
    if (extra?.token !== undefined) ctx.Task = { Token: extra.token };
    if (extra?.item) ctx.Map = { Item: extra.item };
    return ctx;
  }

  pathEnv(
    t: Thread,
    st: CState,
    input: unknown,
    extra?: { token?: string; item?: { Index: number; Value: unknown } },
  ): PathEnv {
    return new RunPathEnv(this, t, st, input, extra);
  }

  jsonataEnv(
    t: Thread,
    st: CState,
    states: { result?: unknown; errorOutput?: unknown; input?: unknown },
    extra?: { token?: string; item?: { Index: number; Value: unknown } },
  ): JsonataEnv {
    let ctx: unknown;
    const s: Record<string, unknown> = { input: states.input ?? t.input };
    Object.defineProperty(s, 'context', {
      enumerable: true,
      get: () => {
        ctx ??= this.context(t, st, extra);
        return ctx;
      },
    });
    if ('result' in states) s.result = states.result;
    if ('errorOutput' in states) s.errorOutput = states.errorOutput;
    return {
      states: s,
      variables: this.variables(t),
      random: () => this.random(),
      uuid: () => this.uuid(),
    };
  }

  // ------------------------------------------------------------------ entry

  async go(): Promise<void> {
    const input = this.input;
    if (input.type === 'Start') {
      if (this.s) throw new Error('[statecraft] Failed to start: the execution has already started. Feed Start once.');
      this.start(input);
    } else if (!this.s) {
      throw new Error('[statecraft] Failed to step: no snapshot. Feed a Start input first.');
    } else if (input.type === 'Redrive') {
      if (!this.redrive()) return;
    } else if (this.s.status !== 'RUNNING') {
      return;
    } else {
      switch (input.type) {
        case 'Continue':
          break;
        case 'Stop':
          this.stop(input.error, input.cause);
          return;
        case 'TimerFired':
          await this.timerFired(input.timerId);
          break;
        case 'TaskStarted':
          this.taskStarted(input.taskId, input.workerName);
          break;
        case 'TaskHeartbeat':
          this.taskHeartbeat(input.taskId);
          break;
        case 'TaskSubmitted':
          this.taskSubmitted(input.taskId, input.output);
          break;
        case 'TaskSucceeded':
          await this.taskSucceeded(input.taskId, input.output);
          break;
        case 'TaskFailed':
          await this.taskFailed(input.taskId, input.error, input.cause);
          break;
      }
    }
    await this.loop();
  }

  start(input: Extract<ExecutionInput, { type: 'Start' }>): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.input);
    } catch {
      parsed = {};
    }
    const rootId = 'r';
    this.s = {
      version: 1,
      status: 'RUNNING',
      nextEventId: 1,
      info: input.execution,
      execInput: parsed,
      rng: input.seed | 0,
      seq: 0,
      root: rootId,
      threads: {},
      queue: [rootId],
      tasks: {},
      timers: {},
      invocations: {},
    };
    const details: Record<string, unknown> = { input: input.input, inputDetails: NOT_TRUNCATED };
    if (input.execution.roleArn !== null) details.roleArn = input.execution.roleArn;
    this.emit('ExecutionStarted', 0, details);
    this.s.threads[rootId] = this.newThread(rootId, '', undefined, undefined, parsed, 0);
    this.s.threads[rootId]!.inputText = input.input;
    this.startExecutionTimer();
  }

  startExecutionTimer(): void {
    if (this.machine.timeoutSeconds === undefined) return;
    const timerId = 'exec-timeout';
    this.s.timers[timerId] = [this.s.root, 'exec'];
    this.commands.push({ type: 'StartTimer', timerId, fireAt: this.at + this.machine.timeoutSeconds * 1000 });
  }

  /**
   * RedriveExecution. AWS reruns the states that have an `…Entered` event without its `…Exited` when the
   * execution closed, with the input they had; states that finished, and the finished branches and
   * iterations of a Parallel or Map state, are not run again. The execution timeout starts over.
   * The unfinished states are entered again after `ExecutionRedriven` *(event order unverified)*; the
   * states run on the next input (a `Continue` command), so the redrive itself never closes the execution.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
   * @returns whether the execution was redriven.
   */
  redrive(): boolean {
    const saved = this.s.stopped;
    const status = this.s.status;
    // AWS: the history must leave room for ExecutionRedriven and at least one more event
    if (!saved || status === 'RUNNING' || status === 'SUCCEEDED' || this.s.nextEventId >= HISTORY_LIMIT - 1) {
      return false;
    }
    const threads = structuredClone(saved);
    const root = threads[this.s.root];
    if (!root) return false;
    this.s.status = 'RUNNING';
    delete this.s.output;
    delete this.s.error;
    delete this.s.cause;
    delete this.s.stopped;
    const info = { ...this.s.info, redriveCount: this.s.info.redriveCount + 1, redriveTime: this.at };
    this.s.info = info;
    const id = this.emit('ExecutionRedriven', this.lastEventId(), { redriveCount: info.redriveCount });
    this.s.threads = {};
    this.s.queue = [root.id];
    this.s.tasks = {};
    this.s.timers = {};
    detachChildren(root, threads);
    this.revive(root, id);
    this.startExecutionTimer();
    this.budget = 0;
    return true;
  }

  /** Puts a thread of a redriven execution back, to enter its current state again (first event after `prev`). */
  revive(t: Thread, prev: number): void {
    t.task = undefined;
    t.timer = undefined;
    t.out = undefined;
    t.eff = undefined;
    t.retryCounts = undefined;
    t.inputText = undefined;
    t.reader = undefined;
    t.writer = undefined;
    if (t.frame) {
      t.redo = t.frame;
      t.frame = undefined;
    }
    t.phase = 'enter';
    t.first = true;
    t.firstPrev = prev;
    const outer = !t.isolated && t.parent !== undefined ? this.s.threads[t.parent]?.child : undefined;
    if (outer !== undefined) t.child = outer;
    this.s.threads[t.id] = t;
  }

  newThread(
    id: string,
    scope: string,
    parent: string | undefined,
    index: number | undefined,
    input: unknown,
    firstPrev: number,
    isolated = false,
  ): Thread {
    const hidden = isolated || (parent !== undefined && this.s.threads[parent]?.hidden === true);
    const t: Thread = {
      id,
      scope,
      state: this.machine.scopes.get(scope)!.startAt,
      phase: 'enter',
      input,
      first: true,
      firstPrev,
      last: firstPrev,
      entered: 0,
      enteredPrev: 0,
      enteredAt: this.at,
      retryCount: 0,
    };
    if (parent !== undefined) (t as { parent?: string }).parent = parent;
    if (index !== undefined) (t as { index?: number }).index = index;
    if (isolated) (t as { isolated?: boolean }).isolated = true;
    if (hidden) t.hidden = true;
    const outer = !isolated && parent !== undefined ? this.s.threads[parent]?.child : undefined;
    if (outer !== undefined) t.child = outer;
    return t;
  }

  /**
   * AWS ends a standard execution whose history reaches 25,000 events: event 25,000 is an
   * `ExecutionFailed` (`States.Runtime`). Events past it are dropped.
   */
  checkHistoryLimit(): void {
    if (this.s.status !== 'RUNNING' || this.s.nextEventId <= HISTORY_LIMIT) return;
    const drop = this.s.nextEventId - HISTORY_LIMIT;
    this.events.splice(this.events.length - drop, drop);
    this.s.nextEventId = HISTORY_LIMIT;
    this.focus(undefined);
    this.failExecution(
      ERR.Runtime,
      'The execution reached the maximum number of history events (25000).',
      HISTORY_LIMIT - 1,
    );
  }

  async loop(): Promise<void> {
    for (;;) {
      this.checkHistoryLimit();
      if (this.s.status !== 'RUNNING') break;
      if (this.deferred.length > 0) {
        await this.deferred.shift()!();
        continue;
      }
      if (this.s.queue.length === 0) break;
      if (this.budget <= 0) {
        this.flushStarted();
        this.commands.push({ type: 'Continue' });
        return;
      }
      const id = this.s.queue.shift()!;
      const t = this.s.threads[id];
      if (t?.phase !== 'enter') continue;
      await this.runThread(t);
    }
    this.focus(undefined);
    this.flushStarted();
    this.checkHistoryLimit();
  }

  /** True while emitting for a thread inside a distributed Map (child executions keep their own history). */
  hidden = false;

  /** The child execution the focused thread records its events in (when {@link hidden}). */
  sink: ChildRun | undefined;

  focus(t: Thread | undefined): void {
    this.hidden = t?.hidden === true;
    this.sink = this.hidden && t?.child !== undefined ? this.s.childRuns?.[t.child] : undefined;
  }

  async runThread(t: Thread): Promise<void> {
    this.focus(t);
    while (this.s.status === 'RUNNING' && this.s.threads[t.id] === t && t.phase === 'enter') {
      if (this.budget <= 0) {
        this.s.queue.unshift(t.id);
        return;
      }
      this.budget--;
      await this.enterState(t);
    }
  }

  /** Emits TaskStarted/LambdaFunctionStarted for tasks scheduled in this step. */
  flushStarted(): void {
    const list = this.pendingStarted;
    this.pendingStarted = [];
    for (const [threadId, task, st] of list) {
      const t = this.s.threads[threadId];
      if (!t || t.task !== task || task.started) continue;
      this.focus(t);
      task.started = true;
      const ri = st.resourceInfo!;
      if (ri.kind === 'lambda') t.last = this.emit('LambdaFunctionStarted', t.last);
      else t.last = this.emit('TaskStarted', t.last, { resourceType: ri.resourceType, resource: ri.resource });
      if (task.heartbeatSeconds !== undefined && !task.heartbeatTimer) this.startHeartbeat(t, task);
    }
  }

  // ------------------------------------------------------------------ states

  async enterState(t: Thread): Promise<void> {
    const st = this.stateOf(t);
    t.enteredPrev = t.first ? t.firstPrev : t.last;
    t.first = false;
    t.enteredAt = this.at;
    t.retryCounts = undefined;
    t.retryCount = 0;
    t.eff = undefined;
    const text = t.inputText ?? JSON.stringify(t.input);
    t.inputText = undefined;
    t.entered = this.emit(ENTERED[st.type], t.enteredPrev, {
      name: st.name,
      input: text,
      inputDetails: NOT_TRUNCATED,
    });
    t.last = t.entered;
    try {
      await this.execState(t, st);
    } catch (e) {
      if (e instanceof StateFailure) await this.handleFailure(t, st, e);
      else throw e;
    }
  }

  async execState(t: Thread, st: CState): Promise<void> {
    switch (st.type) {
      case 'Pass':
        return this.execPass(t, st);
      case 'Succeed':
      case 'Wait': {
        let out: unknown;
        if (st.jsonata) out = st.output ? await evalJsonataTemplate(st.output, this.jsonataEnv(t, st, {})) : t.input;
        else out = this.selectOutput(t, st, this.selectInput(t, st));
        if (st.type === 'Succeed') return this.exitState(t, st, out, t.last);
        return this.execWait(t, st, out);
      }
      case 'Fail':
        return this.execFail(t, st);
      case 'Choice':
        return this.execChoice(t, st);
      case 'Task':
        return this.execTask(t, st);
      case 'Parallel':
        return this.execParallel(t, st);
      case 'Map':
        return this.execMap(t, st);
    }
  }

  selectInput(t: Thread, st: CState): unknown {
    if (st.inputPath === null) return {};
    if (st.inputPath === undefined) return t.input;
    return applyPath(st.inputPath, this.pathEnv(t, st, t.input));
  }

  selectOutput(t: Thread, st: CState, value: unknown): unknown {
    if (st.outputPath === null) return {};
    if (st.outputPath === undefined) return value;
    return applyPath(st.outputPath, this.pathEnv(t, st, value));
  }

  async evalAssign(
    t: Thread,
    st: CState,
    spec: AssignSpec | undefined,
    jsonPathInput: unknown,
    states: { result?: unknown; errorOutput?: unknown },
  ): Promise<Record<string, unknown> | undefined> {
    if (!spec) return undefined;
    if (spec.lang === 'path')
      return evalPathTemplate(spec.t, this.pathEnv(t, st, jsonPathInput)) as Record<string, unknown>;
    return (await evalJsonataTemplate(spec.t, this.jsonataEnv(t, st, states))) as Record<string, unknown>;
  }

  async execPass(t: Thread, st: CState): Promise<void> {
    if (st.jsonata) {
      const assigned = await this.evalAssign(t, st, st.assign, undefined, {});
      const out = st.output ? await evalJsonataTemplate(st.output, this.jsonataEnv(t, st, {})) : t.input;
      return this.exitState(t, st, out, t.last, assigned);
    }
    const selected = this.selectInput(t, st);
    const eff = st.parameters ? evalPathTemplate(st.parameters, this.pathEnv(t, st, selected)) : selected;
    const result = st.hasResult ? st.result : eff;
    if (st.hasResult && jsonSize(result) > PAYLOAD_LIMIT) {
      throw new StateFailure(ERR.DataLimitExceeded, dataLimitCause(st.name));
    }
    const assigned = await this.evalAssign(t, st, st.assign, result, {});
    const merged = this.mergeResult(t, st, result);
    return this.exitState(
      t,
      st,
      this.selectOutput(t, st, merged),
      t.last,
      assigned,
      undefined,
      this.mergedText(t, st, result, merged),
    );
  }

  /** JSON texts of the state data this step serialised, so a merge can extend them instead of starting over. */
  readonly texts = new WeakMap<object, string>();

  /**
   * The JSON text of `merged` (= `t.input` with `result` added at a one-key ResultPath) built from the input's
   * text, when that equals `JSON.stringify(merged)`: no OutputPath, a new non-index key (appended last).
   */
  mergedText(t: Thread, st: CState, result: unknown, merged: unknown): string | undefined {
    if (st.outputPath !== undefined || !st.resultPath || merged === t.input) return undefined;
    const segs = st.resultPath.segments;
    if (segs.length !== 1) return undefined;
    const g = segs[0]!;
    const input = t.input;
    if (g.t !== 'name' || typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
    const key = g.name;
    if (Object.hasOwn(input, key) || key === '__proto__' || INDEX_KEY.test(key)) return undefined;
    const base = this.texts.get(input);
    const value = JSON.stringify(result);
    if (base === undefined || value === undefined) return undefined;
    return `${base.length > 2 ? `${base.slice(0, -1)},` : '{'}${JSON.stringify(key)}:${value}}`;
  }

  mergeResult(t: Thread, st: CState, result: unknown): unknown {
    if (st.resultPath === null) return t.input;
    if (st.resultPath === undefined) return result;
    return applyResultPath(t.input, st.resultPath, result);
  }

  async execFail(t: Thread, st: CState): Promise<void> {
    let error: unknown;
    let cause: unknown;
    if (st.jsonata) {
      const env = this.jsonataEnv(t, st, {});
      error = st.error ? await this.evalDyn(t, st, st.error, env) : undefined;
      cause = st.cause ? await this.evalDyn(t, st, st.cause, env) : undefined;
    } else {
      error = st.error ? this.evalDynPath(t, st, st.error, t.input) : undefined;
      cause = st.cause ? this.evalDynPath(t, st, st.cause, t.input) : undefined;
    }
    const e =
      error === undefined || error === null ? undefined : typeof error === 'string' ? error : JSON.stringify(error);
    const c =
      cause === undefined || cause === null ? undefined : typeof cause === 'string' ? cause : JSON.stringify(cause);
    await this.threadFailed(t, e, c, t.entered);
  }

  evalDynPath(t: Thread, st: CState, d: Dyn, input: unknown): unknown {
    switch (d.k) {
      case 'lit':
        return d.v;
      case 'tpl':
        return evalPathTemplate(d.t, this.pathEnv(t, st, input));
      case 'path':
        return applyPath(d.path, this.pathEnv(t, st, input));
      default:
        return undefined;
    }
  }

  async evalDyn(t: Thread, st: CState, d: Dyn, env: JsonataEnv): Promise<unknown> {
    if (d.k === 'jsonata') return evalJsonataTemplate(d.t, env);
    if (d.k === 'lit') return d.v;
    return this.evalDynPath(t, st, d, t.input);
  }

  async execChoice(t: Thread, st: CState): Promise<void> {
    if (st.jsonata) {
      const env = this.jsonataEnv(t, st, {});
      for (const c of st.choices!) {
        if (c.rule.k !== 'cond') continue;
        const v = await evalJsonataTemplate(c.rule.condition, env);
        if (typeof v !== 'boolean') {
          const expr = c.rule.condition.k === 'expr' ? c.rule.condition.expr : undefined;
          throw queryError(
            expr
              ? wrongTypeCause(expr, 'Condition', 'boolean', v)
              : `The Condition field must be a boolean, but was: ${JSON.stringify(v)}`,
            'Condition',
          );
        }
        if (v) {
          const assigned = await this.evalAssign(t, st, c.assign ?? st.assign, undefined, {});
          const out = c.output
            ? await evalJsonataTemplate(c.output, env)
            : st.output
              ? await evalJsonataTemplate(st.output, env)
              : t.input;
          return this.exitState(t, st, out, t.last, assigned, c.next);
        }
      }
      if (st.default === undefined) throw new StateFailure(ERR.NoChoiceMatched, `No Matches!`);
      const assigned = await this.evalAssign(t, st, st.assign, undefined, {});
      const out = st.output ? await evalJsonataTemplate(st.output, env) : t.input;
      return this.exitState(t, st, out, t.last, assigned, st.default);
    }
    const selected = this.selectInput(t, st);
    const env = this.pathEnv(t, st, selected);
    let next = st.default;
    let assign = st.assign;
    for (const c of st.choices!) {
      if (evalRule(c.rule, env)) {
        next = c.next;
        if (c.assign) assign = c.assign;
        break;
      }
    }
    if (next === undefined) {
      throw new StateFailure(ERR.NoChoiceMatched, `No Matches!`);
    }
    const assigned = await this.evalAssign(t, st, assign, selected, {});
    return this.exitState(t, st, this.selectOutput(t, st, selected), t.last, assigned, next);
  }

  async execWait(t: Thread, st: CState, out: unknown): Promise<void> {
    let fireAt = this.at;
    if (st.seconds) {
      let secs: unknown;
      if (st.seconds.k === 'path') {
        const env = this.pathEnv(t, st, t.input);
        let v: unknown;
        try {
          v = applyPath(st.seconds.path, env);
        } catch {
          throw runtime(`The SecondsPath parameter does not reference an input value: ${st.seconds.path.source}`);
        }
        if (typeof v !== 'number' || !Number.isInteger(v)) {
          throw runtime(
            `The SecondsPath parameter cannot be parsed as a long value: ${st.seconds.path.source} == ${typeof v === 'string' ? v : JSON.stringify(v)}`,
          );
        }
        if (v < 0)
          throw runtime(`The SecondsPath parameter references a negative value: ${st.seconds.path.source} == ${v}`);
        secs = v;
      } else if (st.seconds.k === 'jsonata') {
        secs = await evalJsonataTemplate(st.seconds.t, this.jsonataEnv(t, st, {}));
        if (typeof secs !== 'number' || !Number.isInteger(secs) || secs < 0) {
          const expr = st.seconds.t.k === 'expr' ? st.seconds.t.expr : undefined;
          throw queryError(
            expr
              ? wrongTypeCause(expr, 'Seconds', 'integer', secs)
              : `The Seconds field must be a non-negative integer.`,
            'Seconds',
          );
        }
      } else secs = st.seconds.k === 'lit' ? st.seconds.v : undefined;
      const n = Number(secs);
      if (n >= 2 ** 31) throw runtime('Wait state delay is too long.');
      fireAt = this.at + n * 1000;
    } else if (st.timestamp) {
      let ts: unknown;
      if (st.timestamp.k === 'path') {
        ts = applyPath(st.timestamp.path, this.pathEnv(t, st, t.input));
        const ms = parseTimestamp(ts);
        if (ms === undefined) {
          throw runtime(
            `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${st.timestamp.path.source} == ${typeof ts === 'string' ? ts : JSON.stringify(ts)}`,
          );
        }
        fireAt = ms;
      } else {
        ts =
          st.timestamp.k === 'jsonata'
            ? await evalJsonataTemplate(st.timestamp.t, this.jsonataEnv(t, st, {}))
            : st.timestamp.k === 'lit'
              ? st.timestamp.v
              : undefined;
        const ms = parseTimestamp(ts);
        if (ms === undefined) {
          throw queryError(
            `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof ts === 'string' ? ts : JSON.stringify(ts)}`,
            'Timestamp',
          );
        }
        fireAt = ms;
      }
      if (fireAt - this.at >= 2 ** 31 * 1000) throw runtime('Wait state delay is too long.');
    }
    const assigned = await this.evalAssign(t, st, st.assign, st.jsonata ? undefined : t.input, {});
    if (fireAt <= this.at) return this.exitState(t, st, out, t.last, assigned);
    const timerId = this.newId(`${t.id}:wait:`);
    this.s.timers[timerId] = [t.id, 'wait'];
    t.timer = timerId;
    t.out = assigned ? { out, assigned } : { out };
    t.phase = 'wait';
    this.commands.push({ type: 'StartTimer', timerId, fireAt: Math.ceil(fireAt) });
  }

  // ------------------------------------------------------------------ exit & transitions

  exitState(
    t: Thread,
    st: CState,
    output: unknown,
    prev: number,
    assigned?: Record<string, unknown>,
    next?: string,
    outputText?: string,
  ): void {
    const text = outputText ?? JSON.stringify(output);
    if (text !== undefined && text.length > PAYLOAD_CHARS && utf8Length(text) > PAYLOAD_LIMIT) {
      // AWS: a state output over 256 KiB fails the state with States.DataLimitExceeded. Cause as for a Pass
      // state's Result (ASL.md §16); for other states *(unverified)*.
      throw new StateFailure(ERR.DataLimitExceeded, dataLimitCause(st.name));
    }
    if (typeof output === 'object' && output !== null && text !== undefined) this.texts.set(output, text);
    const details: Record<string, unknown> = { name: st.name, output: text, outputDetails: NOT_TRUNCATED };
    if (assigned) {
      const av: Record<string, string> = {};
      for (const [k, v] of Object.entries(assigned)) av[k] = JSON.stringify(v);
      details.assignedVariables = av;
      details.assignedVariablesDetails = NOT_TRUNCATED;
      t.vars = { ...t.vars, ...assigned };
    }
    const exited = this.emit(EXITED[st.type], prev, details);
    t.last = exited;
    const target = next ?? st.next;
    if (st.type === 'Succeed' || (target === undefined && st.end)) {
      this.threadSucceeded(t, output, exited, text);
      return;
    }
    t.state = target!;
    t.input = output;
    // the next state's input event shows the same text
    if (text !== undefined) t.inputText = text;
    t.phase = 'enter';
  }

  threadSucceeded(t: Thread, output: unknown, lastEvent: number, outputText?: string): void {
    if (!t.parent) {
      const text = outputText ?? JSON.stringify(output);
      this.emit('ExecutionSucceeded', lastEvent, { output: text, outputDetails: NOT_TRUNCATED });
      this.close('SUCCEEDED', { output: text });
      return;
    }
    const run = this.childOf(t);
    if (run) {
      const text = outputText ?? JSON.stringify(output);
      lastEvent = this.endChild(
        run,
        'SUCCEEDED',
        lastEvent,
        { output: text, outputDetails: NOT_TRUNCATED },
        { output: text },
      );
    }
    const parent = this.s.threads[t.parent]!;
    const frame = parent.frame!;
    this.focus(parent);
    delete this.s.threads[t.id];
    const index = t.index!;
    frame.children[index] = null;
    frame.results[index] = output;
    frame.remaining--;
    if (frame.kind === 'parallel') {
      frame.lastEvent = lastEvent;
      if (frame.remaining === 0) this.parallelDone(parent);
      return;
    }
    const pst = this.stateOf(parent);
    if (!pst.distributed) {
      frame.lastEvent = this.emit('MapIterationSucceeded', lastEvent, { index, name: pst.name });
    }
    frame.running = (frame.running ?? 1) - 1;
    this.startIterations(parent, pst, lastEvent);
    if (frame.remaining === 0) this.mapDone(parent, pst, lastEvent);
  }

  close(status: Snapshot['status'], extra: { output?: string; error?: string; cause?: string }): void {
    this.s.status = status;
    if (extra.output !== undefined) this.s.output = extra.output;
    if (extra.error !== undefined) this.s.error = extra.error;
    if (extra.cause !== undefined) this.s.cause = extra.cause;
    for (const timerId of Object.keys(this.s.timers)) this.commands.push({ type: 'CancelTimer', timerId });
    for (const [taskId, threadId] of Object.entries(this.s.tasks)) {
      const tk = this.s.threads[threadId]?.task;
      this.commands.push(
        tk?.token ? { type: 'CancelTask', taskId, taskToken: tk.token } : { type: 'CancelTask', taskId },
      );
    }
    this.s.timers = {};
    this.s.tasks = {};
    if (this.s.childRuns) {
      // child executions still running end with their parent
      for (const c of Object.values(this.s.childRuns)) this.endChild(c, 'ABORTED', 0, {}, {});
      delete this.s.childRuns;
    }
    if (status !== 'SUCCEEDED') this.s.stopped = this.s.threads;
    this.s.threads = {};
    this.s.queue = [];
    for (const mr of this.s.mapRuns ?? []) {
      if (mr.status === 'RUNNING') {
        mr.status = status === 'SUCCEEDED' ? 'SUCCEEDED' : 'ABORTED';
        mr.stopDate = this.at;
      }
    }
  }

  failExecution(error: string | undefined, cause: string | undefined, prev: number): void {
    const details: Record<string, unknown> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    const sink = this.hidden ? this.sink : undefined;
    if (sink) {
      // a child execution fails, and with it the execution
      this.endChild(sink, 'FAILED', prev, details, { error, cause });
      prev = sink.top;
    }
    this.focus(undefined);
    this.emit('ExecutionFailed', prev, details);
    this.close('FAILED', { error, cause });
  }

  stop(error?: string, cause?: string): void {
    const root = this.s.threads[this.s.root];
    if (root) this.emitAborted(root);
    this.focus(undefined);
    const details: Record<string, unknown> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    this.emit('ExecutionAborted', 0, details);
    this.close('ABORTED', { error, cause });
  }

  /**
   * StopExecution: records `…StateAborted` for the states still running (innermost first), with
   * `MapIterationAborted` after each aborted inline iteration and `MapRunAborted` for a distributed Map,
   * as in AWS's failure histories (§17.2). Threads are kept for a redrive.
   * Each aborted event follows the state's last event *(unverified)*.
   * @returns the id of the last event recorded for the thread, if any.
   */
  emitAborted(t: Thread): number | undefined {
    this.focus(t);
    const st = this.stateOf(t);
    if (t.phase === 'children' && t.frame) {
      const frame = t.frame;
      let last = frame.lastEvent;
      frame.children.forEach((childId, index) => {
        const child = childId ? this.s.threads[childId] : undefined;
        if (!child) return;
        const e = this.emitAborted(child) ?? child.last;
        this.focus(t);
        if (frame.kind === 'map' && !st.distributed)
          last = this.emit('MapIterationAborted', e, { index, name: st.name });
        else if (!child.hidden) last = e;
      });
      if (st.distributed) last = this.emit('MapRunAborted', last, {});
      return this.emit(`${st.type}StateAborted`, last, {});
    }
    if (t.phase === 'task' || t.phase === 'wait' || t.phase === 'retry' || t.phase === 'children') {
      // a distributed Map stopped while its ItemReader/ResultWriter runs: its Map Run is aborted too
      const run = t.phase === 'task' && st.type === 'Map' ? (t.frame?.mapRun ?? t.reader?.mapRun) : undefined;
      const last = run !== undefined ? this.emit('MapRunAborted', t.last, {}) : t.last;
      return this.emit(`${st.type}StateAborted`, last, {});
    }
    return undefined;
  }

  // ------------------------------------------------------------------ failures

  async handleFailure(t: Thread, st: CState, f: StateFailure): Promise<void> {
    const cause = f.prefixed && f.cause !== undefined ? causePrefix(st.name, t.entered) + f.cause : f.cause;
    let failId = t.last;
    if (f.location !== undefined) {
      const details: Record<string, unknown> = { error: f.error, cause };
      if (f.location !== null) details.location = f.location;
      details.state = st.name;
      failId = this.emit('EvaluationFailed', st.type === 'Wait' ? t.entered : t.enteredPrev, details);
      t.last = failId;
    }
    if (f.error === ERR.Runtime) {
      this.failExecution(f.error, cause, failId);
      return;
    }
    await this.stateError(t, st, f.error, cause, failId);
  }

  async stateError(
    t: Thread,
    st: CState,
    error: string | undefined,
    cause: string | undefined,
    failId: number,
  ): Promise<void> {
    t.last = failId;
    t.task = undefined;
    for (let i = 0; i < st.retry.length; i++) {
      const r = st.retry[i]!;
      if (!matches(r.errorEquals, error)) continue;
      t.retryCounts ??= st.retry.map(() => 0);
      const attempts = t.retryCounts[i] ?? 0;
      if (attempts >= r.maxAttempts) break;
      t.retryCounts[i] = attempts + 1;
      t.retryCount++;
      let delay = r.intervalSeconds * r.backoffRate ** attempts;
      if (r.maxDelaySeconds !== undefined) delay = Math.min(delay, r.maxDelaySeconds);
      if (r.jitter) delay = this.random() * delay;
      const timerId = this.newId(`${t.id}:retry:`);
      this.s.timers[timerId] = [t.id, 'retry'];
      t.timer = timerId;
      t.phase = 'retry';
      this.commands.push({ type: 'StartTimer', timerId, fireAt: this.at + Math.round(delay * 1000) });
      return;
    }
    if (st.type === 'Map' || st.type === 'Parallel') {
      failId = this.emit(`${st.type}StateFailed`, failId, {});
      t.last = failId;
      if (st.type === 'Map' && t.frame?.mapRun !== undefined) this.finishMapRun(t.frame, 'FAILED');
    }
    const frame = t.frame;
    t.frame = undefined;
    const errorOutput = { Error: error ?? '', Cause: cause ?? '' };
    for (const c of st.catch) {
      if (!matches(c.errorEquals, error)) continue;
      await this.catchWith(t, st, c, errorOutput, failId);
      return;
    }
    // Uncaught: the frame tells a redrive which branches/iterations to run again.
    if (frame) t.frame = frame;
    await this.threadFailed(t, error, cause, failId);
  }

  async catchWith(
    t: Thread,
    st: CState,
    c: Catcher,
    errorOutput: { Error: string; Cause: string },
    failId: number,
  ): Promise<void> {
    try {
      let output: unknown;
      let assigned: Record<string, unknown> | undefined;
      if (st.jsonata) {
        assigned = await this.evalAssign(t, st, c.assign, undefined, { errorOutput });
        output = c.output ? await evalJsonataTemplate(c.output, this.jsonataEnv(t, st, { errorOutput })) : errorOutput;
      } else {
        assigned = await this.evalAssign(t, st, c.assign, errorOutput, {});
        if (c.resultPath === null) output = t.input;
        else if (c.resultPath === undefined) output = errorOutput;
        else output = applyResultPath(t.input, c.resultPath, errorOutput);
      }
      this.exitState(t, st, output, failId, assigned, c.next);
    } catch (e) {
      if (!(e instanceof StateFailure)) throw e;
      const cause = e.prefixed && e.cause !== undefined ? causePrefix(st.name, t.entered) + e.cause : e.cause;
      this.failExecution(e.error, cause, failId);
    }
  }

  async threadFailed(t: Thread, error: string | undefined, cause: string | undefined, failId: number): Promise<void> {
    if (!t.parent) {
      this.failExecution(error, cause, failId);
      return;
    }
    const run = this.childOf(t);
    if (run) {
      const d: Record<string, unknown> = {};
      if (error !== undefined) d.error = error;
      if (cause !== undefined) d.cause = cause;
      failId = this.endChild(run, 'FAILED', failId, d, { error, cause });
    }
    const parent = this.s.threads[t.parent]!;
    const frame = parent.frame!;
    this.focus(parent);
    const pst = this.stateOf(parent);
    const index = t.index!;
    delete this.s.threads[t.id];
    frame.children[index] = null;
    markDead(frame, index, t);
    if (frame.kind === 'map') {
      if (!pst.distributed) this.emit('MapIterationFailed', failId, { index, name: pst.name });
      frame.failures = (frame.failures ?? 0) + 1;
      frame.running = (frame.running ?? 1) - 1;
      frame.remaining--;
      const total = frame.items!.length;
      const tolerated =
        (frame.toleratedCount !== undefined && frame.failures <= frame.toleratedCount) ||
        (frame.toleratedPercentage !== undefined &&
          (frame.failures / Math.max(total, 1)) * 100 <= frame.toleratedPercentage);
      if (tolerated) {
        frame.results[index] = { Error: error, Cause: cause };
        this.startIterations(parent, pst, failId);
        if (frame.remaining === 0) this.mapDone(parent, pst, failId);
        return;
      }
      this.flushStarted();
      this.abortChildren(parent, failId);
      if (frame.toleratedCount !== undefined || frame.toleratedPercentage !== undefined) {
        error = ERR.ExceedToleratedFailureThreshold;
        cause = 'The specified tolerated failure threshold was exceeded';
      }
      if (pst.distributed) failId = this.emit('MapRunFailed', failId, {});
    } else {
      this.flushStarted();
      this.abortChildren(parent, failId);
    }
    await this.stateError(parent, pst, error, cause, failId);
    this.resume(parent);
  }

  resume(t: Thread): void {
    if (t.phase === 'enter' && this.s.threads[t.id] === t && !this.s.queue.includes(t.id)) this.s.queue.unshift(t.id);
  }

  /** Aborts every running child of a Parallel/Map frame (recursively), emitting AWS's `…Aborted` events. */
  abortChildren(t: Thread, prev: number): void {
    const frame = t.frame;
    if (!frame) return;
    const st = this.stateOf(t);
    frame.children.forEach((childId, index) => {
      if (!childId) return;
      const child = this.s.threads[childId];
      if (!child) return;
      markDead(frame, index, child);
      this.focus(child);
      const run = this.childOf(child);
      this.abortThread(child, run ? child.last : prev);
      if (run) this.endChild(run, 'ABORTED', 0, {}, {});
      this.focus(t);
      if (frame.kind === 'map' && !st.distributed) this.emit('MapIterationAborted', prev, { index, name: st.name });
      frame.children[index] = null;
    });
  }

  abortThread(t: Thread, prev: number): void {
    const st = this.stateOf(t);
    if (t.phase === 'children') {
      this.abortChildren(t, prev);
      this.emit(`${st.type}StateAborted`, prev, {});
    } else if (t.phase === 'task' || t.phase === 'wait' || t.phase === 'retry') {
      this.emit(`${st.type}StateAborted`, prev, {});
    }
    this.dropThread(t);
  }

  dropThread(t: Thread): void {
    if (t.timer) {
      delete this.s.timers[t.timer];
      this.commands.push({ type: 'CancelTimer', timerId: t.timer });
    }
    if (t.task) this.cancelTask(t, t.task);
    delete this.s.threads[t.id];
    this.s.queue = this.s.queue.filter((x) => x !== t.id);
  }

  cancelTask(_t: Thread, task: TaskRecord): void {
    for (const timerId of [task.timeoutTimer, task.heartbeatTimer]) {
      if (timerId && this.s.timers[timerId]) {
        delete this.s.timers[timerId];
        this.commands.push({ type: 'CancelTimer', timerId });
      }
    }
    if (this.s.tasks[task.id]) {
      delete this.s.tasks[task.id];
      this.commands.push(
        task.token
          ? { type: 'CancelTask', taskId: task.id, taskToken: task.token }
          : { type: 'CancelTask', taskId: task.id },
      );
    }
  }

  // ------------------------------------------------------------------ Task

  async execTask(t: Thread, st: CState): Promise<void> {
    const ri = st.resourceInfo!;
    const token = ri.callback || ri.sync || ri.kind === 'activity' ? tokenFrom(this.rand) : undefined;
    let params: unknown;
    let timeout: number | undefined;
    let heartbeat: number | undefined;
    let credentials: unknown;
    if (st.jsonata) {
      const env = this.jsonataEnv(t, st, {}, { token });
      params = st.arguments ? await evalJsonataTemplate(st.arguments, env) : t.input;
      timeout = st.timeoutSeconds ? await this.numberField(t, st, st.timeoutSeconds, env, 'TimeoutSeconds') : undefined;
      heartbeat = st.heartbeatSeconds
        ? await this.numberField(t, st, st.heartbeatSeconds, env, 'HeartbeatSeconds')
        : undefined;
      if (st.credentials) credentials = await evalJsonataTemplate(st.credentials as never, env);
    } else {
      const selected = this.selectInput(t, st);
      const env = this.pathEnv(t, st, selected, { token });
      params = st.parameters ? evalPathTemplate(st.parameters, env) : selected;
      timeout = st.timeoutSeconds ? (this.evalDynPath(t, st, st.timeoutSeconds, t.input) as number) : undefined;
      heartbeat = st.heartbeatSeconds ? (this.evalDynPath(t, st, st.heartbeatSeconds, t.input) as number) : undefined;
      if (st.credentials) credentials = evalPathTemplate(st.credentials as never, env);
    }
    t.eff = { params, timeout, heartbeat, token, credentials };
    this.schedule(t, st);
  }

  async numberField(t: Thread, st: CState, d: Dyn, env: JsonataEnv, field: string): Promise<number> {
    const v = await this.evalDyn(t, st, d, env);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      const expr = d.k === 'jsonata' && d.t.k === 'expr' ? d.t.expr : undefined;
      throw queryError(
        expr ? wrongTypeCause(expr, field, 'integer', v) : `The ${field} field must be a positive integer.`,
        field,
      );
    }
    return v;
  }

  schedule(t: Thread, st: CState): void {
    const ri = st.resourceInfo!;
    const eff = t.eff as {
      params: unknown;
      timeout?: number;
      heartbeat?: number;
      token?: string;
      credentials?: unknown;
    };
    const taskId = this.newId('task-');
    const task: TaskRecord = { id: taskId, started: false, submitted: false };
    if (eff.token !== undefined) (task as { token?: string }).token = eff.token;
    if (eff.heartbeat !== undefined) task.heartbeatSeconds = eff.heartbeat;
    const paramsText = JSON.stringify(eff.params);
    if (paramsText !== undefined && paramsText.length > PAYLOAD_CHARS && utf8Length(paramsText) > PAYLOAD_LIMIT) {
      // AWS: "after Parameters processing, the input of a state is larger than the payload size quota"
      // fails with States.DataLimitExceeded; cause text *(unverified)*.
      throw new StateFailure(
        ERR.DataLimitExceeded,
        `The state/task '${st.name}' has an input with a size exceeding the maximum number of bytes service limit.`,
      );
    }
    t.task = task;
    t.phase = 'task';
    this.s.tasks[taskId] = t.id;
    if (ri.kind === 'service') {
      const d: Record<string, unknown> = {
        resourceType: ri.resourceType,
        resource: ri.resource,
        region: this.s.info.region,
        parameters: paramsText,
      };
      if (eff.timeout !== undefined) d.timeoutInSeconds = eff.timeout;
      if (eff.heartbeat !== undefined) d.heartbeatInSeconds = eff.heartbeat;
      if (eff.credentials !== undefined) d.taskCredentials = taskCredentials(eff.credentials);
      t.last = this.emit('TaskScheduled', t.last, d);
    } else {
      const d: Record<string, unknown> = { resource: ri.resource, input: paramsText, inputDetails: NOT_TRUNCATED };
      if (eff.timeout !== undefined) d.timeoutInSeconds = eff.timeout;
      if (eff.heartbeat !== undefined) d.heartbeatInSeconds = eff.heartbeat;
      if (eff.credentials !== undefined) d.taskCredentials = taskCredentials(eff.credentials);
      t.last = this.emit(ri.kind === 'lambda' ? 'LambdaFunctionScheduled' : 'ActivityScheduled', t.last, d);
    }
    const attempt = this.s.invocations[st.name] ?? 0;
    this.s.invocations[st.name] = attempt + 1;
    const cmd: Record<string, unknown> = {
      type: 'InvokeTask',
      taskId,
      resource: String(st.raw.Resource),
      parameters: eff.params,
      stateName: st.name,
      attempt,
    };
    if (eff.token !== undefined) cmd.taskToken = eff.token;
    if (eff.timeout !== undefined) cmd.timeoutSeconds = eff.timeout;
    if (eff.heartbeat !== undefined) cmd.heartbeatSeconds = eff.heartbeat;
    this.commands.push(cmd as Command);
    if (eff.timeout !== undefined) {
      const timerId = this.newId(`${t.id}:timeout:`);
      this.s.timers[timerId] = [t.id, 'timeout'];
      task.timeoutTimer = timerId;
      this.commands.push({ type: 'StartTimer', timerId, fireAt: this.at + eff.timeout * 1000 });
    }
    if (ri.kind !== 'activity') this.pendingStarted.push([t.id, task, st]);
  }

  startHeartbeat(t: Thread, task: TaskRecord): void {
    if (task.heartbeatTimer) {
      delete this.s.timers[task.heartbeatTimer];
      this.commands.push({ type: 'CancelTimer', timerId: task.heartbeatTimer });
    }
    const timerId = this.newId(`${t.id}:heartbeat:`);
    this.s.timers[timerId] = [t.id, 'heartbeat'];
    task.heartbeatTimer = timerId;
    this.commands.push({ type: 'StartTimer', timerId, fireAt: this.at + task.heartbeatSeconds! * 1000 });
  }

  taskOf(taskId: string): [Thread, TaskRecord, CState] | undefined {
    const threadId = this.s.tasks[taskId];
    if (!threadId) return undefined;
    const t = this.s.threads[threadId];
    if (!t?.task || t.task.id !== taskId) return undefined;
    this.focus(t);
    return [t, t.task, this.stateOf(t)];
  }

  taskStarted(taskId: string, workerName?: string): void {
    const found = this.taskOf(taskId);
    if (!found) return;
    const [t, task, st] = found;
    if (task.started) return;
    task.started = true;
    if (st.resourceInfo!.kind === 'activity') {
      const d: Record<string, unknown> = {};
      if (workerName !== undefined) d.workerName = workerName;
      t.last = this.emit('ActivityStarted', t.last, d);
    } else if (st.resourceInfo!.kind === 'lambda') t.last = this.emit('LambdaFunctionStarted', t.last);
    else
      t.last = this.emit('TaskStarted', t.last, {
        resourceType: st.resourceInfo!.resourceType,
        resource: st.resourceInfo!.resource,
      });
    if (task.heartbeatSeconds !== undefined) this.startHeartbeat(t, task);
  }

  taskHeartbeat(taskId: string): void {
    const found = this.taskOf(taskId);
    if (!found) return;
    const [t, task] = found;
    if (task.heartbeatSeconds !== undefined) this.startHeartbeat(t, task);
  }

  taskSubmitted(taskId: string, output: string): void {
    const found = this.taskOf(taskId);
    if (!found) return;
    const [t, task, st] = found;
    if (task.io) return;
    this.ensureStarted(t, task, st);
    if (task.submitted) return;
    task.submitted = true;
    const ri = st.resourceInfo!;
    t.last = this.emit('TaskSubmitted', t.last, {
      resourceType: ri.resourceType,
      resource: ri.resource,
      output,
      outputDetails: NOT_TRUNCATED,
    });
  }

  ensureStarted(t: Thread, task: TaskRecord, st: CState): void {
    if (task.started) return;
    this.pendingStarted = this.pendingStarted.filter(([, tk]) => tk !== task);
    this.taskStarted(task.id);
    void t;
    void st;
  }

  async taskSucceeded(taskId: string, outputText: string): Promise<void> {
    const found = this.taskOf(taskId);
    if (!found) return;
    const [t, task, st] = found;
    if (task.io) return this.ioSucceeded(t, task, st, outputText);
    const ri = st.resourceInfo!;
    this.ensureStarted(t, task, st);
    if ((ri.sync || ri.callback) && !task.submitted) this.taskSubmitted(taskId, '{}');
    this.cancelTask(t, task);
    t.task = undefined;
    let result: unknown;
    try {
      result = JSON.parse(outputText);
    } catch {
      result = outputText;
    }
    const name =
      ri.kind === 'service' ? 'TaskSucceeded' : ri.kind === 'lambda' ? 'LambdaFunctionSucceeded' : 'ActivitySucceeded';
    const d: Record<string, unknown> =
      ri.kind === 'service' ? { resourceType: ri.resourceType, resource: ri.resource } : {};
    if (utf8Length(outputText) > PAYLOAD_LIMIT) {
      d.output = '';
      d.outputDetails = { truncated: true };
      t.last = this.emit(name, t.last, d);
      const who = ri.kind === 'lambda' ? ri.resource : ri.kind === 'service' ? ri.resourceType : st.name;
      await this.stateError(t, st, ERR.DataLimitExceeded, dataLimitCause(who), t.last);
      this.resume(t);
      return;
    }
    d.output = outputText;
    d.outputDetails = NOT_TRUNCATED;
    t.last = this.emit(name, t.last, d);
    await this.finishWork(t, st, result);
    this.resume(t);
  }

  async taskFailed(taskId: string, error: string, cause?: string): Promise<void> {
    const found = this.taskOf(taskId);
    if (!found) return;
    const [t, task, st] = found;
    if (task.io) return this.ioFailed(t, task, st, error, cause);
    const ri = st.resourceInfo!;
    this.ensureStarted(t, task, st);
    this.cancelTask(t, task);
    t.task = undefined;
    const d: Record<string, unknown> =
      ri.kind === 'service' ? { resourceType: ri.resourceType, resource: ri.resource } : {};
    d.error = error;
    if (cause !== undefined) d.cause = cause;
    const name =
      ri.kind === 'service' ? 'TaskFailed' : ri.kind === 'lambda' ? 'LambdaFunctionFailed' : 'ActivityFailed';
    const failId = this.emit(name, t.last, d);
    await this.stateError(t, st, error, cause, failId);
    this.resume(t);
  }

  async taskTimedOut(t: Thread, st: CState, error: string): Promise<void> {
    const task = t.task!;
    const ri = st.resourceInfo!;
    this.flushStarted();
    this.cancelTask(t, task);
    t.task = undefined;
    const d: Record<string, unknown> =
      ri.kind === 'service' ? { resourceType: ri.resourceType, resource: ri.resource } : {};
    d.error = error;
    const name =
      ri.kind === 'service' ? 'TaskTimedOut' : ri.kind === 'lambda' ? 'LambdaFunctionTimedOut' : 'ActivityTimedOut';
    const failId = this.emit(name, t.last, d);
    await this.stateError(t, st, error, undefined, failId);
    this.resume(t);
  }

  /** ResultSelector → Assign → ResultPath → OutputPath (JSONPath) or Assign/Output (JSONata), then exit. */
  async finishWork(t: Thread, st: CState, result: unknown, prev = t.last): Promise<void> {
    try {
      if (st.jsonata) {
        const assigned = await this.evalAssign(t, st, st.assign, undefined, { result });
        const out = st.output ? await evalJsonataTemplate(st.output, this.jsonataEnv(t, st, { result })) : result;
        this.exitState(t, st, out, prev, assigned);
        return;
      }
      const selected = st.resultSelector ? evalPathTemplate(st.resultSelector, this.pathEnv(t, st, result)) : result;
      const assigned = await this.evalAssign(t, st, st.assign, selected, {});
      const merged = this.mergeResult(t, st, selected);
      const text = this.mergedText(t, st, selected, merged);
      this.exitState(t, st, this.selectOutput(t, st, merged), prev, assigned, undefined, text);
    } catch (e) {
      if (e instanceof StateFailure) await this.handleFailure(t, st, e);
      else throw e;
    }
  }

  // ------------------------------------------------------------------ timers

  async timerFired(timerId: string): Promise<void> {
    const entry = this.s.timers[timerId];
    if (!entry) return;
    delete this.s.timers[timerId];
    const [threadId, kind] = entry;
    if (kind === 'exec') {
      this.flushStarted();
      this.focus(undefined);
      this.emit('ExecutionTimedOut', this.lastEventId(), { error: ERR.Timeout });
      this.close('TIMED_OUT', { error: ERR.Timeout });
      return;
    }
    const t = this.s.threads[threadId];
    if (!t) return;
    this.focus(t);
    const st = this.stateOf(t);
    switch (kind) {
      case 'wait': {
        if (t.timer !== timerId) return;
        t.timer = undefined;
        const o = t.out as { out: unknown; assigned?: Record<string, unknown> };
        t.out = undefined;
        try {
          this.exitState(t, st, o.out, t.last, o.assigned);
        } catch (e) {
          if (e instanceof StateFailure) await this.handleFailure(t, st, e);
          else throw e;
        }
        this.resume(t);
        return;
      }
      case 'retry': {
        if (t.timer !== timerId) return;
        t.timer = undefined;
        try {
          await this.retryWork(t, st);
        } catch (e) {
          if (e instanceof StateFailure) await this.handleFailure(t, st, e);
          else throw e;
        }
        this.resume(t);
        return;
      }
      case 'timeout':
        if (t.task?.timeoutTimer !== timerId) return;
        t.task.timeoutTimer = undefined;
        await this.taskTimedOut(t, st, ERR.Timeout);
        return;
      case 'heartbeat':
        if (t.task?.heartbeatTimer !== timerId) return;
        t.task.heartbeatTimer = undefined;
        await this.taskTimedOut(t, st, ERR.HeartbeatTimeout);
        return;
    }
  }

  lastEventId(): number {
    return this.s.nextEventId - 1;
  }

  async retryWork(t: Thread, st: CState): Promise<void> {
    switch (st.type) {
      case 'Task':
        // Parameters are evaluated again: `$$.State.RetryCount` changes (AWS-recorded)
        await this.execTask(t, st);
        return;
      case 'Parallel':
        this.startParallel(t, st);
        return;
      case 'Map':
        await this.startMap(t, st);
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ Parallel

  async execParallel(t: Thread, st: CState): Promise<void> {
    let eff: unknown;
    if (st.jsonata) eff = st.arguments ? await evalJsonataTemplate(st.arguments, this.jsonataEnv(t, st, {})) : t.input;
    else {
      const selected = this.selectInput(t, st);
      eff = st.parameters ? evalPathTemplate(st.parameters, this.pathEnv(t, st, selected)) : selected;
    }
    t.eff = eff;
    this.startParallel(t, st);
  }

  startParallel(t: Thread, st: CState): void {
    const started = this.emit('ParallelStateStarted', t.last, {});
    t.last = started;
    const branches = st.branches!;
    const frame: Frame = {
      kind: 'parallel',
      children: [],
      results: new Array(branches.length).fill(null),
      remaining: branches.length,
      lastEvent: started,
    };
    t.frame = frame;
    t.phase = 'children';
    const redo = t.redo;
    t.redo = undefined;
    const ids: string[] = [];
    branches.forEach((scope, i) => {
      const old = redo?.dead?.[i];
      if (redo && !old) {
        // finished in the attempt before the redrive: keep its output
        frame.children.push(null);
        frame.results[i] = redo.results[i];
        frame.remaining--;
        return;
      }
      let id: string;
      if (old) {
        id = old.id;
        this.revive(old, started);
      } else {
        id = this.newId(`${t.id}.p`);
        this.s.threads[id] = this.newThread(id, scope, t.id, i, t.eff, started);
      }
      frame.children.push(id);
      ids.push(id);
    });
    if (frame.remaining === 0) {
      this.parallelDone(t);
      return;
    }
    this.s.queue.unshift(...ids);
  }

  parallelDone(t: Thread): void {
    const frame = t.frame!;
    const st = this.stateOf(t);
    this.emit('ParallelStateSucceeded', frame.lastEvent, {});
    t.frame = undefined;
    const result = frame.results;
    const prev = frame.lastEvent;
    this.deferred.push(async () => {
      this.focus(t);
      await this.finishWork(t, st, result, prev);
      this.resume(t);
    });
  }

  deferred: (() => Promise<void>)[] = [];

  // ------------------------------------------------------------------ Map

  async execMap(t: Thread, st: CState): Promise<void> {
    let items: unknown;
    let mapInput: unknown;
    if (st.itemReader) {
      // the items come from S3 once the state has started (MapStateStarted.length is 0, ASL.md §17.1)
      mapInput = st.jsonata ? t.input : this.selectInput(t, st);
    } else if (st.jsonata) {
      const env = this.jsonataEnv(t, st, {});
      if (st.items) {
        items = await evalJsonataTemplate(st.items, env);
        if (!Array.isArray(items)) {
          const expr = st.items.k === 'expr' ? st.items.expr : undefined;
          throw queryError(
            expr
              ? wrongTypeCause(expr, 'Items', 'array', items)
              : `Map state input must be an array but was: ${JSON.stringify(items)}`,
            'Items',
          );
        }
      } else {
        items = t.input;
        if (!Array.isArray(items))
          throw queryError(`Map state input must be an array but was: ${JSON.stringify(items)}`, null);
      }
      mapInput = t.input;
    } else {
      mapInput = this.selectInput(t, st);
      items = st.itemsPath ? applyPath(st.itemsPath, this.pathEnv(t, st, mapInput)) : mapInput;
      if (!Array.isArray(items)) {
        throw runtime(`Reference path "${st.itemsPath?.source ?? '$'}" must point to array.`);
      }
    }
    const env = st.jsonata ? this.jsonataEnv(t, st, {}) : undefined;
    const maxConcurrency = st.maxConcurrency
      ? await this.mapNumber(t, st, st.maxConcurrency, env, 'MaxConcurrency', false)
      : 0;
    t.eff = { items, mapInput, maxConcurrency };
    await this.startMap(t, st);
  }

  async mapNumber(
    t: Thread,
    st: CState,
    d: Dyn,
    env: JsonataEnv | undefined,
    field: string,
    float: boolean,
  ): Promise<number> {
    if (d.k === 'path') {
      let v = applyPath(d.path, this.pathEnv(t, st, t.input));
      // AWS parses numeric strings ("1") like numbers
      if (typeof v === 'string' && (float ? /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/ : /^\s*-?\d+\s*$/).test(v))
        v = Number(v);
      const ok = typeof v === 'number' && (float || Number.isInteger(v));
      if (!ok) {
        const shown = typeof v === 'string' ? v : JSON.stringify(v);
        throw runtime(
          `The ${field}Path field refers to value "${shown}" which is not a valid ${float ? 'float' : 'integer'}: ${d.path.source}`,
        );
      }
      return v as number;
    }
    const v = d.k === 'jsonata' ? await evalJsonataTemplate(d.t, env!) : d.k === 'lit' ? d.v : undefined;
    if (typeof v !== 'number' || (!float && !Number.isInteger(v))) {
      const expr = d.k === 'jsonata' && d.t.k === 'expr' ? d.t.expr : undefined;
      throw queryError(
        expr ? wrongTypeCause(expr, field, float ? 'number' : 'integer', v) : `The ${field} field must be a number.`,
        field,
      );
    }
    return v;
  }

  async startMap(t: Thread, st: CState): Promise<void> {
    const eff = t.eff as { items?: unknown[]; mapInput: unknown; maxConcurrency: number };
    const started = this.emit('MapStateStarted', t.last, { length: eff.items?.length ?? 0 });
    t.last = started;
    const env = st.jsonata ? this.jsonataEnv(t, st, {}) : undefined;
    let toleratedCount: number | undefined;
    let toleratedPercentage: number | undefined;
    if (st.toleratedFailureCount) {
      toleratedCount = await this.mapNumber(t, st, st.toleratedFailureCount, env, 'ToleratedFailureCount', false);
      if (toleratedCount < 0) throw runtime('ToleratedFailureCount cannot be negative.');
    }
    if (st.toleratedFailurePercentage) {
      toleratedPercentage = await this.mapNumber(
        t,
        st,
        st.toleratedFailurePercentage,
        env,
        'ToleratedFailurePercentage',
        true,
      );
      if (toleratedPercentage < 0 || toleratedPercentage > 100)
        throw runtime('ToleratedFailurePercentage must be between 0 and 100.');
    }
    const progress: ReaderProgress = { started, toleratedCount, toleratedPercentage, limit: 0 };
    if (st.itemReader) return this.startReader(t, st, progress);
    await this.runItems(t, st, eff.items ?? [], progress);
  }

  /**
   * Starts the iterations of a Map over its items (from its input or its ItemReader): batches them, opens
   * the frame and, for a distributed Map, the Map Run (already open when an ItemReader read the items).
   */
  async runItems(t: Thread, st: CState, read: unknown[], progress: ReaderProgress): Promise<void> {
    const eff = t.eff as { mapInput: unknown; maxConcurrency: number };
    const { started, toleratedCount, toleratedPercentage } = progress;
    let items = read;
    if (st.itemBatcher) items = await this.batch(t, st, items);
    const frame: Frame = {
      kind: 'map',
      children: new Array(items.length).fill(null),
      results: new Array(items.length).fill(null),
      remaining: items.length,
      lastEvent: started,
      items,
      mapInput: eff.mapInput,
      nextIndex: 0,
      maxConcurrency: eff.maxConcurrency,
      running: 0,
      failures: 0,
    };
    if (toleratedCount !== undefined) frame.toleratedCount = toleratedCount;
    if (toleratedPercentage !== undefined) frame.toleratedPercentage = toleratedPercentage;
    const redo = t.redo;
    t.redo = undefined;
    if (redo?.items?.length === items.length) {
      frame.redo = { results: redo.results, dead: redo.dead ?? {}, nextIndex: redo.nextIndex ?? 0 };
    }
    t.frame = frame;
    t.phase = 'children';
    if (st.distributed) {
      if (progress.mapRun !== undefined) {
        frame.mapRun = progress.mapRun;
        frame.mapRunArn = progress.mapRunArn!;
        const rec = this.s.mapRuns?.[progress.mapRun];
        if (rec) {
          rec.itemCounts = counts(items.length);
          rec.executionCounts = counts(items.length);
        }
        frame.lastEvent = progress.runStarted!;
      } else {
        const [index, arn] = this.openMapRun(st, eff.maxConcurrency, progress, items.length);
        frame.mapRunArn = arn;
        frame.mapRun = index;
        t.last = this.emit('MapRunStarted', t.last, { mapRunArn: arn });
        frame.lastEvent = t.last;
      }
    }
    if (items.length === 0) {
      this.mapDone(t, st, started);
      return;
    }
    this.startIterations(t, st, started);
    // a redrive whose iterations had all finished
    if (frame.remaining === 0 && t.frame === frame && this.s.status === 'RUNNING') this.mapDone(t, st, started);
  }

  /** Records a Map Run (distributed Map). @returns its index in `mapRuns` and its ARN. */
  openMapRun(st: CState, maxConcurrency: number, progress: ReaderProgress, total: number): [number, string] {
    const arn = this.mapRunArn(st);
    this.s.mapRuns ??= [];
    const rec: MapRunRecord = {
      mapRunArn: arn,
      stateName: st.name,
      executionArn: this.s.info.executionArn,
      status: 'RUNNING',
      startDate: this.at,
      maxConcurrency,
      toleratedFailurePercentage: progress.toleratedPercentage ?? 0,
      toleratedFailureCount: progress.toleratedCount ?? 0,
      itemCounts: counts(total),
      executionCounts: counts(total),
      executionType: st.executionType ?? 'STANDARD',
    };
    if (st.label !== undefined) (rec as { label?: string }).label = st.label;
    return [this.s.mapRuns.push(rec) - 1, arn];
  }

  // ------------------------------------------------------------------ Map: ItemReader / ResultWriter

  /**
   * ItemReader: evaluates the request (`Parameters` against the effective input / JSONata `Arguments`) and
   * `MaxItems(Path)`, then asks the S3 invoker (`InvokeTask` with the reader's Resource, named after the
   * Map state). A distributed Map opens its Map Run first: the reader runs inside it, as AWS records
   * `MapRunStarted` before a reader failure's `MapRunFailed` *(event order from an emulator fitted to AWS
   * recordings; unverified)*. The reader records no task events in the parent history *(unverified)*.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
   */
  async startReader(t: Thread, st: CState, progress: ReaderProgress): Promise<void> {
    const r = st.itemReader!;
    const eff = t.eff as { mapInput: unknown; maxConcurrency: number };
    let p = progress;
    if (st.distributed) {
      const [index, arn] = this.openMapRun(st, eff.maxConcurrency, p, 0);
      t.last = this.emit('MapRunStarted', t.last, { mapRunArn: arn });
      p = { ...p, mapRun: index, mapRunArn: arn, runStarted: t.last };
    }
    t.reader = p;
    let params: unknown;
    try {
      let maxItems: number | undefined;
      if (st.jsonata) {
        const env = this.jsonataEnv(t, st, {});
        params = r.parameters ? await evalJsonataTemplate(r.parameters as JsonataTemplate, env) : {};
        if (r.maxItems) maxItems = await this.mapNumber(t, st, r.maxItems, env, 'MaxItems', false);
      } else {
        params = r.parameters ? evalPathTemplate(r.parameters as PathTemplate, this.pathEnv(t, st, eff.mapInput)) : {};
        if (r.maxItems) maxItems = await this.mapNumber(t, st, r.maxItems, undefined, 'MaxItems', false);
      }
      t.reader = { ...p, limit: readerLimit(maxItems) };
    } catch (e) {
      if (e instanceof StateFailure) this.mapRunFailed(t, e);
      throw e;
    }
    this.invokeIo(t, st, 'reader', r.resource, params);
  }

  /** Emits the InvokeTask of a Map's S3 call; the outcome returns as TaskSucceeded/TaskFailed. */
  invokeIo(t: Thread, st: CState, io: 'reader' | 'writer', resource: string, parameters: unknown): void {
    const taskId = this.newId('task-');
    // `started`: there is no TaskStarted to record
    t.task = { id: taskId, started: true, submitted: false, io };
    t.phase = 'task';
    this.s.tasks[taskId] = t.id;
    const attempt = this.s.invocations[st.name] ?? 0;
    this.s.invocations[st.name] = attempt + 1;
    this.commands.push({ type: 'InvokeTask', taskId, resource, parameters, stateName: st.name, attempt });
  }

  /** A distributed Map's reader/writer failed: `MapRunFailed {error, cause}`, the Map Run FAILED. */
  mapRunFailed(t: Thread, f: StateFailure): void {
    const run = t.frame?.mapRun ?? t.reader?.mapRun;
    if (run === undefined || f.error === ERR.Runtime || f.location !== undefined) return;
    const d: Record<string, unknown> = { error: f.error };
    if (f.cause !== undefined) d.cause = f.cause;
    t.last = this.emit('MapRunFailed', t.last, d);
    const rec = this.s.mapRuns?.[run];
    if (rec && rec.status === 'RUNNING') {
      rec.status = 'FAILED';
      rec.stopDate = this.at;
    }
  }

  async ioSucceeded(t: Thread, task: TaskRecord, st: CState, outputText: string): Promise<void> {
    this.cancelTask(t, task);
    t.task = undefined;
    let result: unknown;
    try {
      result = JSON.parse(outputText);
    } catch {
      result = outputText;
    }
    try {
      if (task.io === 'reader') {
        const progress = t.reader!;
        let items = readItems(st.itemReader!, result);
        if (items.length > progress.limit) items = items.slice(0, progress.limit);
        t.reader = undefined;
        await this.runItems(t, st, items, progress);
      } else {
        const w = t.writer!;
        const [next, ...rest] = w.puts;
        if (next) {
          t.writer = { ...w, puts: rest };
          this.invokeIo(t, st, 'writer', st.resultWriter!.resource!, next);
        } else {
          t.writer = undefined;
          t.phase = 'children';
          const rec = t.frame?.mapRun !== undefined ? this.s.mapRuns?.[t.frame.mapRun] : undefined;
          if (rec) {
            rec.itemCounts.resultsWritten = w.count;
            rec.executionCounts.resultsWritten = w.count;
          }
          this.mapDone(t, st, w.prev, w);
        }
      }
    } catch (e) {
      if (!(e instanceof StateFailure)) throw e;
      if (task.io === 'reader') this.mapRunFailed(t, e);
      t.reader = undefined;
      await this.handleFailure(t, st, e);
    }
    this.resume(t);
  }

  /** The S3 call failed: `States.ItemReaderFailed` / `States.ResultWriterFailed`, cause = the service error. */
  async ioFailed(t: Thread, task: TaskRecord, st: CState, error: string, cause?: string): Promise<void> {
    this.cancelTask(t, task);
    t.task = undefined;
    const f = new StateFailure(task.io === 'reader' ? ERR.ItemReaderFailed : ERR.ResultWriterFailed, cause ?? error);
    this.mapRunFailed(t, f);
    t.reader = undefined;
    t.writer = undefined;
    await this.stateError(t, st, f.error, f.cause, t.last);
    this.resume(t);
  }

  /**
   * ResultWriter with a Resource: lays out the result files and the manifest (`writePlan`) and writes them
   * one `s3:putObject` at a time; the Map then succeeds with `{MapRunArn, ResultWriterDetails}`. The objects
   * are written before `MapRunSucceeded` (the Map Run counts `resultsWritten`) *(unverified)*.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
   */
  async startWriter(t: Thread, st: CState, prev: number): Promise<void> {
    this.focus(t);
    const w = st.resultWriter!;
    const frame = t.frame!;
    try {
      let request: unknown;
      if (st.jsonata) {
        request = w.parameters
          ? await evalJsonataTemplate(w.parameters as JsonataTemplate, this.jsonataEnv(t, st, {}))
          : {};
      } else {
        request = w.parameters
          ? evalPathTemplate(w.parameters as PathTemplate, this.pathEnv(t, st, frame.mapInput))
          : {};
      }
      const req = (request ?? {}) as { Bucket?: unknown; Prefix?: unknown };
      if (typeof req.Bucket !== 'string' || (req.Prefix !== undefined && typeof req.Prefix !== 'string')) {
        // *(unverified)* cause text
        throw new StateFailure(ERR.ResultWriterFailed, 'The ResultWriter parameters must name a Bucket and a Prefix.');
      }
      const runId = frame.mapRunArn ? frame.mapRunArn.slice(frame.mapRunArn.lastIndexOf(':') + 1) : this.uuid();
      const plan = writePlan(
        w,
        { Bucket: req.Bucket, Prefix: (req.Prefix as string | undefined) ?? '' },
        runId,
        frame.mapRunArn,
        childResults(frame),
        this.childMeta(t, st, frame),
      );
      const [first, ...rest] = plan.puts;
      t.writer = { puts: rest, result: plan.result, prev, count: frame.items!.length };
      this.invokeIo(t, st, 'writer', w.resource!, first);
    } catch (e) {
      if (!(e instanceof StateFailure)) throw e;
      this.mapRunFailed(t, e);
      await this.handleFailure(t, st, e);
    }
    this.resume(t);
  }

  /** The children of a finished Map for its ResultWriter: a distributed Map's STANDARD children by their names. */
  childMeta(t: Thread, st: CState, frame: Frame): ChildMeta {
    const info = this.s.info;
    const label = st.label ?? st.name;
    const base = `arn:aws:states:${info.region}:${info.accountId}`;
    return {
      executionArnPrefix: `${base}:execution:${info.stateMachineName}/${label}:`,
      stateMachineArn: `${base}:stateMachine:${info.stateMachineName}/${label}`,
      startDate: t.enteredAt,
      stopDate: this.at,
      name:
        st.distributed && frame.mapRunArn !== undefined && st.executionType !== 'EXPRESS'
          ? (index) => childName(frame.mapRunArn!, index, info.redriveCount)
          : () => this.uuid(),
    };
  }

  mapRunArn(st: CState): string {
    const info = this.s.info;
    const label = st.label ?? st.name;
    return `arn:aws:states:${info.region}:${info.accountId}:mapRun:${info.stateMachineName}/${label}:${this.uuid()}`;
  }

  async batch(t: Thread, st: CState, items: unknown[]): Promise<unknown[]> {
    const b = st.itemBatcher!;
    const env = st.jsonata ? this.jsonataEnv(t, st, {}) : undefined;
    const maxItems = b.maxItems ? await this.mapNumber(t, st, b.maxItems, env, 'MaxItemsPerBatch', false) : undefined;
    const maxBytes = b.maxBytes
      ? await this.mapNumber(t, st, b.maxBytes, env, 'MaxInputBytesPerBatch', false)
      : undefined;
    let batchInput: unknown;
    if (b.batchInput) {
      batchInput = st.jsonata
        ? await evalJsonataTemplate(b.batchInput as never, env!)
        : evalPathTemplate(b.batchInput as never, this.pathEnv(t, st, t.input));
    }
    const out: unknown[] = [];
    let cur: unknown[] = [];
    let bytes = 0;
    const flush = () => {
      if (cur.length === 0) return;
      const o: Record<string, unknown> = {};
      if (batchInput !== undefined) o.BatchInput = batchInput;
      o.Items = cur;
      out.push(o);
      cur = [];
      bytes = 0;
    };
    for (const item of items) {
      const size = jsonSize(item);
      if (
        (maxItems !== undefined && cur.length >= maxItems) ||
        (maxBytes !== undefined && bytes + size > maxBytes && cur.length > 0)
      )
        flush();
      cur.push(item);
      bytes += size;
    }
    flush();
    return out;
  }

  /** Starts iterations up to MaxConcurrency. `prev` is the event the new MapIterationStarted events point at. */
  startIterations(t: Thread, st: CState, prev: number): void {
    const frame = t.frame;
    if (frame?.kind !== 'map') return;
    const items = frame.items!;
    const limit = frame.maxConcurrency && frame.maxConcurrency > 0 ? frame.maxConcurrency : Number.POSITIVE_INFINITY;
    const ids: string[] = [];
    const redo = frame.redo;
    while (frame.nextIndex! < items.length && frame.running! < limit) {
      const index = frame.nextIndex!++;
      if (redo && index < redo.nextIndex && !redo.dead[index]) {
        // finished in the attempt before the redrive: keep its output
        frame.results[index] = redo.results[index];
        frame.remaining--;
        continue;
      }
      frame.running!++;
      const id = this.startIteration(t, st, index, prev);
      if (id) ids.push(id);
      else return;
    }
    this.s.queue.unshift(...ids);
  }

  startIteration(t: Thread, st: CState, index: number, prev: number): string | undefined {
    const frame = t.frame!;
    const old = frame.redo?.dead[index];
    if (old) {
      const first = st.distributed ? prev : this.emit('MapIterationStarted', prev, { index, name: st.name });
      this.revive(old, first);
      if (st.distributed) this.openChild(frame, st, old, index, prev);
      frame.children[index] = old.id;
      return old.id;
    }
    const value = frame.items![index];
    const item = { Index: index, Value: value };
    let input: unknown = value;
    const sel = st.itemSelector;
    try {
      if (sel && !st.itemBatcher) {
        if (st.jsonata) {
          // evaluated synchronously below through a deferred promise; JSONata selectors are rare in hot paths
          input = { __jsonataSelector: true };
        } else input = evalPathTemplate(sel as never, this.pathEnv(t, st, frame.mapInput, { item }));
      }
    } catch (e) {
      if (e instanceof StateFailure) {
        const cause = e.prefixed && e.cause !== undefined ? causePrefix(st.name, t.entered) + e.cause : e.cause;
        // not started: a redrive starts it
        frame.nextIndex = index;
        frame.running = (frame.running ?? 1) - 1;
        this.failExecution(e.error, cause, prev);
        return undefined;
      }
      throw e;
    }
    const first = st.distributed ? prev : this.emit('MapIterationStarted', prev, { index, name: st.name });
    const id = this.newId(`${t.id}.m`);
    const child = this.newThread(id, st.processor!, t.id, index, input, first, st.distributed);
    child.item = item;
    this.s.threads[id] = child;
    frame.children[index] = id;
    const deferredInput = sel && st.jsonata && !st.itemBatcher;
    if (st.distributed && !deferredInput) this.openChild(frame, st, child, index, prev);
    if (deferredInput) {
      child.phase = 'retry';
      this.deferred.push(async () => {
        this.focus(t);
        try {
          child.input = await evalJsonataTemplate(
            sel as never,
            this.jsonataEnv(t, st, { input: frame.mapInput }, { item }),
          );
          child.phase = 'enter';
          if (st.distributed) this.openChild(frame, st, child, index, prev);
          // already queued by startIterations, in item order
        } catch (e) {
          if (e instanceof StateFailure) {
            const cause = e.prefixed && e.cause !== undefined ? causePrefix(st.name, t.entered) + e.cause : e.cause;
            this.failExecution(e.error, cause, first);
          } else throw e;
        }
      });
    }
    return id;
  }

  /** The Map's iterations are done (`written`: its ResultWriter has written the results). */
  mapDone(t: Thread, st: CState, prev: number, written?: { readonly result: unknown }): void {
    const frame = t.frame!;
    const writer = st.resultWriter;
    if (writer?.resource !== undefined && !written) {
      t.phase = 'task';
      this.deferred.push(() => this.startWriter(t, st, prev));
      return;
    }
    let last = frame.kind === 'map' && !st.distributed && frame.items!.length > 0 ? frame.lastEvent : prev;
    let exitPrev = last;
    if (st.distributed) {
      const runEvent = this.emit('MapRunSucceeded', frame.lastEvent, {});
      this.finishMapRun(frame, 'SUCCEEDED');
      exitPrev = this.machine.compat.mapExitAfterMapRunSucceeded ? runEvent : frame.lastEvent; // MapRunStarted
      last = runEvent;
      this.emit('MapStateSucceeded', last, {});
    } else {
      this.emit('MapStateSucceeded', last, {});
    }
    t.frame = undefined;
    const result = written
      ? written.result
      : writer
        ? transformResults(writer, childResults(frame), this.childMeta(t, st, frame))
        : frame.results;
    this.deferred.push(async () => {
      this.focus(t);
      await this.finishWork(t, st, result, exitPrev);
      this.resume(t);
    });
  }

  finishMapRun(frame: Frame, status: 'SUCCEEDED' | 'FAILED'): void {
    const rec = this.s.mapRuns?.[frame.mapRun!];
    if (!rec) return;
    rec.status = status;
    rec.stopDate = this.at;
    const total = frame.items!.length;
    const failed = frame.failures ?? 0;
    const succeeded = status === 'SUCCEEDED' ? total - failed : total - failed - frame.remaining;
    for (const c of [rec.itemCounts, rec.executionCounts]) {
      c.pending = 0;
      c.running = 0;
      c.succeeded = Math.max(0, succeeded);
      c.failed = failed;
      c.aborted = status === 'FAILED' ? Math.max(0, frame.remaining) : 0;
      c.total = total;
    }
  }

  async drainDeferred(): Promise<void> {
    while (this.deferred.length > 0) {
      const d = this.deferred.shift()!;
      await d();
    }
  }
}

/**
 * Copies what a step may mutate (threads, frames, tables) and shares the rest: parsed values (inputs,
 * items, results) are never mutated in place, so a big Map's items are not copied on every step.
 */
function cloneSnapshot(s: Snapshot): Snapshot {
  const threads: Record<string, Thread> = {};
  for (const [id, t] of Object.entries(s.threads)) {
    const c: Thread = { ...t };
    if (t.task) c.task = { ...t.task };
    if (t.retryCounts) c.retryCounts = [...t.retryCounts];
    if (t.frame) {
      c.frame = { ...t.frame, children: [...t.frame.children], results: [...t.frame.results] };
      if (t.frame.dead) c.frame.dead = { ...t.frame.dead };
    }
    threads[id] = c;
  }
  const out: Snapshot = {
    ...s,
    threads,
    queue: [...s.queue],
    tasks: { ...s.tasks },
    timers: { ...s.timers },
    invocations: { ...s.invocations },
  };
  if (s.childRuns) {
    const runs: Record<string, ChildRun> = {};
    for (const [k, c] of Object.entries(s.childRuns)) runs[k] = { ...c };
    out.childRuns = runs;
  }
  if (s.mapRuns) {
    out.mapRuns = s.mapRuns.map((r) => ({
      ...r,
      itemCounts: { ...r.itemCounts },
      executionCounts: { ...r.executionCounts },
    }));
  }
  return out;
}

/** A finished Map's children for its ResultWriter: failed ones (tolerated) are those in `frame.dead`. */
function childResults(frame: Frame): ChildResult[] {
  const dead = frame.dead ?? {};
  const items = frame.items ?? [];
  return frame.results.map((r, index) => {
    if (dead[index]) {
      const e = (r ?? {}) as { Error?: string; Cause?: string };
      const c: { -readonly [K in keyof ChildResult]: ChildResult[K] } = {
        index,
        status: 'FAILED',
        input: items[index],
      };
      if (e.Error !== undefined) c.error = e.Error;
      if (e.Cause !== undefined) c.cause = e.Cause;
      return c;
    }
    return { index, status: 'SUCCEEDED', input: items[index], output: r };
  });
}

/** Records a child that failed, was aborted or is being redriven: a redrive runs it again. */
function markDead(frame: Frame, index: number, child: Thread): void {
  frame.dead ??= {};
  frame.dead[index] = child;
}

/** Moves the unfinished children of a closed execution's Parallel/Map frames into `frame.dead`, recursively. */
function detachChildren(t: Thread, threads: Record<string, Thread>): void {
  const frame = t.frame;
  if (!frame) return;
  frame.children.forEach((id, i) => {
    const child = id ? threads[id] : undefined;
    if (child) markDead(frame, i, child);
    frame.children[i] = null;
  });
  for (const child of Object.values(frame.dead ?? {})) detachChildren(child, threads);
}

function counts(total: number) {
  return { pending: total, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total, resultsWritten: 0 };
}

function matches(errorEquals: readonly string[], error: string | undefined): boolean {
  for (const e of errorEquals) {
    if (e === error) return true;
    // States.Runtime is never matched by a wildcard. States.DataLimitExceeded from a Task result IS caught by
    // States.ALL: AWS-recorded, contradicting AWS's docs, which call it terminal (ASL.md §7; recordings win).
    if (e === ERR.ALL && error !== ERR.Runtime) return true;
    if (e === ERR.TaskFailed && error !== ERR.Timeout && error !== ERR.Runtime && error !== ERR.HeartbeatTimeout) {
      return true;
    }
  }
  return false;
}

const MEMBERS = new Map<string, string>();

function detailsMember(type: string): string {
  let m = MEMBERS.get(type);
  if (m === undefined) {
    m = detailsMemberOf(type);
    MEMBERS.set(type, m);
  }
  return m;
}

function isEmpty(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

const STATE_TYPES = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
/** `<Type>StateEntered` / `<Type>StateExited` by state type (built once, not per event). */
const ENTERED = Object.fromEntries(STATE_TYPES.map((x) => [x, `${x}StateEntered`])) as Record<CState['type'], string>;
const EXITED = Object.fromEntries(STATE_TYPES.map((x) => [x, `${x}StateExited`])) as Record<CState['type'], string>;
/** Keys JavaScript orders before the others (array indices). */
const INDEX_KEY = /^(0|[1-9]\d*)$/;
const NO_VARIABLES: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** The JSONPath environment of a state: the context object is built on first use. */
class RunPathEnv implements PathEnv {
  private ctx: unknown;
  readonly variables: Readonly<Record<string, unknown>>;

  constructor(
    private readonly run: Run,
    private readonly t: Thread,
    private readonly st: CState,
    readonly input: unknown,
    private readonly extra: { token?: string; item?: { Index: number; Value: unknown } } | undefined,
  ) {
    this.variables = run.variables(t);
  }

  context(): unknown {
    if (this.ctx === undefined) this.ctx = this.run.context(this.t, this.st, this.extra);
    return this.ctx;
  }

  random(): number {
    return this.run.random();
  }

  uuid(): string {
    return this.run.uuid();
  }
}

/** `The state/task '<who>' returned a result with a size exceeding …` (ASL.md §16). */
function dataLimitCause(who: string): string {
  return `The state/task '${who}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

function jsonSize(v: unknown): number {
  return utf8Length(JSON.stringify(v) ?? '');
}

/** `Credentials {RoleArn}` as the history shows it: `taskCredentials {roleArn}`. */
function taskCredentials(c: unknown): unknown {
  if (c && typeof c === 'object' && 'RoleArn' in c) return { roleArn: (c as { RoleArn: unknown }).RoleArn };
  return c;
}
