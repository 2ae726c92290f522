/**
 * The pure SWF execution machine: inputs (decisions, task claims, responses, signals, timer firings) →
 * history events + commands. Time arrives as `at`; nothing here reads a clock or does I/O.
 *
 * @see https://docs.aws.amazon.com/amazonswf/latest/developerguide/swf-dg-dev-deciders.html
 * "only one decision task can be open at any time for a given workflow execution"
 */
import type { ActivityState, Command, ExecutionState, StartParams, SwfEvent, TypeRef } from './types.js';
import { durationMs, priorityOf } from './types.js';

/** Which timer fired: `workflow`, `decision`, `timer:<id>`, `activity:<scheduledEventId>`, `lambda:<id>`. @public */
export type TimerName = string;

function strip(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * One run, being changed by one unit of work. Mutates its own copy of the state; `events` and `commands`
 * accumulate what happened.
 * @public
 */
export class Execution {
  readonly state: ExecutionState;
  readonly events: SwfEvent[] = [];
  readonly commands: Command[] = [];
  /** Events already stored when this unit of work began. */
  readonly storedCount: number;
  readonly isNew: boolean;

  constructor(state: ExecutionState, isNew = false) {
    this.state = structuredClone(state);
    this.storedCount = isNew ? 0 : state.nextEventId - 1;
    this.isNew = isNew;
  }

  /** Creates a new run: `WorkflowExecutionStarted` + the first `DecisionTaskScheduled`. */
  static start(p: StartParams, at: number): Execution {
    const timeout = durationMs(p.config.executionStartToCloseTimeout);
    const state: ExecutionState = {
      v: 1,
      region: p.region,
      accountId: p.accountId,
      domain: p.domain,
      workflowId: p.workflowId,
      runId: p.runId,
      workflowType: p.workflowType,
      status: 'OPEN',
      startTimestamp: at,
      config: p.config,
      ...(p.tagList !== undefined ? { tagList: p.tagList } : {}),
      ...(p.parent ? { parent: p.parent } : {}),
      cancelRequested: false,
      nextEventId: 1,
      decision: {},
      previousStartedEventId: 0,
      activities: {},
      timers: {},
      children: {},
      lambdas: {},
      signals: {},
      cancels: {},
      deadline: timeout === undefined ? Number.MAX_SAFE_INTEGER : at + timeout,
    };
    const ex = new Execution(state, true);
    ex.emit('WorkflowExecutionStarted', at, {
      input: p.input,
      executionStartToCloseTimeout: p.config.executionStartToCloseTimeout,
      taskStartToCloseTimeout: p.config.taskStartToCloseTimeout,
      childPolicy: p.config.childPolicy,
      taskList: { name: p.config.taskList },
      taskPriority: p.config.taskPriority,
      workflowType: p.workflowType,
      tagList: p.tagList,
      continuedExecutionRunId: p.continuedExecutionRunId,
      parentWorkflowExecution: p.parent ? { workflowId: p.parent.workflowId, runId: p.parent.runId } : undefined,
      parentInitiatedEventId: p.parent ? p.parent.initiatedEventId : 0,
      lambdaRole: p.config.lambdaRole,
    });
    if (timeout !== undefined) ex.commands.push({ type: 'setTimer', name: 'workflow', fireAt: at + timeout });
    ex.scheduleDecision(at);
    return ex;
  }

  get open(): boolean {
    return this.state.status === 'OPEN';
  }

  get execution(): { workflowId: string; runId: string } {
    return { workflowId: this.state.workflowId, runId: this.state.runId };
  }

  /** Appends an event; returns its id. */
  emit(type: string, at: number, attrs: Record<string, unknown>): number {
    const id = this.state.nextEventId++;
    this.events.push({ id, t: at, type, attrs: strip(attrs) });
    return id;
  }

  // ---------------------------------------------------------------- decision tasks

  /** A triggering event happened: schedule a decision task unless one is already scheduled. */
  scheduleDecision(at: number): void {
    const s = this.state;
    if (s.status !== 'OPEN' || s.decision.scheduled) return;
    const taskList = s.sticky?.taskList ?? s.config.taskList;
    const scheduleToStart = s.sticky ? durationMs(s.sticky.scheduleToStart) : undefined;
    const eventId = this.emit('DecisionTaskScheduled', at, {
      taskList: { name: taskList },
      taskPriority: s.config.taskPriority,
      startToCloseTimeout: s.config.taskStartToCloseTimeout,
      scheduleToStartTimeout: s.sticky?.scheduleToStart ?? 'NONE',
    });
    const enqueued = !s.decision.started;
    s.decision.scheduled = {
      eventId,
      taskList,
      at,
      enqueued,
      ...(scheduleToStart !== undefined ? { scheduleToStart } : {}),
    };
    if (enqueued) this.enqueueScheduledDecision(at);
  }

  private enqueueScheduledDecision(at: number): void {
    const sch = this.state.decision.scheduled;
    if (!sch) return;
    sch.enqueued = true;
    this.commands.push({
      type: 'enqueueDecision',
      taskList: sch.taskList,
      scheduledEventId: sch.eventId,
      priority: priorityOf(this.state.config.taskPriority),
      at,
    });
    if (sch.scheduleToStart !== undefined) {
      this.commands.push({ type: 'setTimer', name: 'decision', fireAt: at + sch.scheduleToStart });
    }
  }

  /** Whether a claimed queue entry still names the pollable decision task. */
  isPollableDecision(scheduledEventId: number): boolean {
    const sch = this.state.decision.scheduled;
    return this.open && !!sch && sch.enqueued && sch.eventId === scheduledEventId && !this.state.decision.started;
  }

  /** A decider claimed the task: `DecisionTaskStarted`. */
  startDecision(identity: string | undefined, at: number): { scheduledEventId: number; startedEventId: number } {
    const s = this.state;
    const sch = s.decision.scheduled!;
    const startedEventId = this.emit('DecisionTaskStarted', at, { identity, scheduledEventId: sch.eventId });
    s.decision.scheduled = undefined;
    s.decision.started = { scheduledEventId: sch.eventId, startedEventId, at };
    const stc = durationMs(s.config.taskStartToCloseTimeout);
    if (stc !== undefined) this.commands.push({ type: 'setTimer', name: 'decision', fireAt: at + stc });
    else this.commands.push({ type: 'clearTimer', name: 'decision' });
    return { scheduledEventId: sch.eventId, startedEventId };
  }

  /** Whether a decision token still names the started task. */
  isStartedDecision(scheduledEventId: number, startedEventId: number): boolean {
    const st = this.state.decision.started;
    return this.open && !!st && st.scheduledEventId === scheduledEventId && st.startedEventId === startedEventId;
  }

  /** After the started task completed or timed out: the pending one becomes pollable, else a new one. */
  private afterDecisionTask(at: number, reschedule: boolean): void {
    const s = this.state;
    s.decision.started = undefined;
    if (s.decision.scheduled && !s.decision.scheduled.enqueued) this.enqueueScheduledDecision(at);
    else if (!s.decision.scheduled) {
      this.commands.push({ type: 'clearTimer', name: 'decision' });
      if (reschedule) this.scheduleDecision(at);
    }
  }

  // ---------------------------------------------------------------- activity tasks

  isPollableActivity(scheduledEventId: number): ActivityState | undefined {
    if (!this.open) return undefined;
    const a = this.activityByScheduled(scheduledEventId);
    return a && a.startedEventId === undefined ? a : undefined;
  }

  activityByScheduled(scheduledEventId: number): ActivityState | undefined {
    for (const a of Object.values(this.state.activities)) if (a.scheduledEventId === scheduledEventId) return a;
    return undefined;
  }

  startActivity(a: ActivityState, identity: string | undefined, at: number): number {
    const id = this.emit('ActivityTaskStarted', at, { identity, scheduledEventId: a.scheduledEventId });
    a.startedEventId = id;
    a.startedAt = at;
    this.state.latestActivityTaskTimestamp = at;
    this.armActivity(a, at);
    return id;
  }

  private activityDeadline(a: ActivityState): { at: number; type: string } | undefined {
    const cands: { at: number; type: string }[] = [];
    if (a.startedAt === undefined) {
      if (a.scheduleToStart !== undefined)
        cands.push({ at: a.scheduledAt + a.scheduleToStart, type: 'SCHEDULE_TO_START' });
    } else {
      if (a.heartbeat !== undefined)
        cands.push({ at: (a.lastHeartbeatAt ?? a.startedAt) + a.heartbeat, type: 'HEARTBEAT' });
      if (a.startToClose !== undefined) cands.push({ at: a.startedAt + a.startToClose, type: 'START_TO_CLOSE' });
    }
    if (a.scheduleToClose !== undefined)
      cands.push({ at: a.scheduledAt + a.scheduleToClose, type: 'SCHEDULE_TO_CLOSE' });
    let best: { at: number; type: string } | undefined;
    for (const c of cands) if (!best || c.at < best.at) best = c;
    return best;
  }

  private armActivity(a: ActivityState, _at: number): void {
    const d = this.activityDeadline(a);
    const name = `activity:${a.scheduledEventId}`;
    if (d === undefined) {
      a.deadline = undefined;
      this.commands.push({ type: 'clearTimer', name });
    } else if (a.deadline !== d.at) {
      a.deadline = d.at;
      this.commands.push({ type: 'setTimer', name, fireAt: d.at });
    }
  }

  heartbeat(a: ActivityState, details: string | undefined, at: number): boolean {
    a.lastHeartbeatAt = at;
    if (details !== undefined) a.heartbeatDetails = details;
    this.armActivity(a, at);
    return a.cancelRequested;
  }

  private closeActivity(a: ActivityState): void {
    delete this.state.activities[a.activityId];
    this.commands.push({ type: 'clearTimer', name: `activity:${a.scheduledEventId}` });
  }

  activityCompleted(a: ActivityState, result: string | undefined, at: number): void {
    this.emit('ActivityTaskCompleted', at, {
      result,
      scheduledEventId: a.scheduledEventId,
      startedEventId: a.startedEventId,
    });
    this.state.latestActivityTaskTimestamp = at;
    this.closeActivity(a);
    this.scheduleDecision(at);
  }

  activityFailed(a: ActivityState, reason: string | undefined, details: string | undefined, at: number): void {
    this.emit('ActivityTaskFailed', at, {
      reason,
      details,
      scheduledEventId: a.scheduledEventId,
      startedEventId: a.startedEventId,
    });
    this.state.latestActivityTaskTimestamp = at;
    this.closeActivity(a);
    this.scheduleDecision(at);
  }

  activityCanceled(a: ActivityState, details: string | undefined, at: number): void {
    this.emit('ActivityTaskCanceled', at, {
      details,
      scheduledEventId: a.scheduledEventId,
      startedEventId: a.startedEventId ?? 0,
      latestCancelRequestedEventId: a.latestCancelRequestedEventId,
    });
    this.closeActivity(a);
    this.scheduleDecision(at);
  }

  // ---------------------------------------------------------------- external inputs

  signal(
    signalName: string,
    input: string | undefined,
    at: number,
    external?: { execution: { workflowId: string; runId: string }; initiatedEventId: number },
  ): void {
    this.emit('WorkflowExecutionSignaled', at, {
      signalName,
      input,
      externalWorkflowExecution: external?.execution,
      externalInitiatedEventId: external ? external.initiatedEventId : 0,
    });
    this.scheduleDecision(at);
  }

  requestCancel(
    at: number,
    external?: { execution: { workflowId: string; runId: string }; initiatedEventId: number },
    cause?: string,
  ): void {
    this.emit('WorkflowExecutionCancelRequested', at, {
      externalWorkflowExecution: external?.execution,
      externalInitiatedEventId: external ? external.initiatedEventId : 0,
      cause,
    });
    this.state.cancelRequested = true;
    this.scheduleDecision(at);
  }

  terminate(at: number, o: { reason?: string; details?: string; childPolicy?: string; cause: string }): void {
    const childPolicy = o.childPolicy ?? this.state.config.childPolicy;
    this.emit('WorkflowExecutionTerminated', at, {
      reason: o.reason,
      details: o.details,
      childPolicy,
      cause: o.cause,
    });
    this.close('TERMINATED', at, childPolicy);
    this.notifyParent('ChildWorkflowExecutionTerminated', {});
  }

  /** Closes the run: stops its timers and queued tasks. Open counts stay as they were (AWS-recorded). */
  private close(closeStatus: string, at: number, childPolicy?: string): void {
    const s = this.state;
    s.status = 'CLOSED';
    s.closeStatus = closeStatus;
    s.closeTimestamp = at;
    this.commands.push({ type: 'clearTimer', name: 'workflow' }, { type: 'clearTimer', name: 'decision' });
    for (const t of Object.values(s.timers)) this.commands.push({ type: 'clearTimer', name: `timer:${t.timerId}` });
    for (const a of Object.values(s.activities)) {
      this.commands.push({ type: 'clearTimer', name: `activity:${a.scheduledEventId}` });
      if (a.startedEventId === undefined)
        this.commands.push({ type: 'removeActivity', taskList: a.taskList, scheduledEventId: a.scheduledEventId });
    }
    for (const l of Object.values(s.lambdas)) this.commands.push({ type: 'clearTimer', name: `lambda:${l.id}` });
    if (s.decision.scheduled) {
      this.commands.push({
        type: 'removeDecision',
        taskList: s.decision.scheduled.taskList,
        scheduledEventId: s.decision.scheduled.eventId,
      });
    }
    if (childPolicy && childPolicy !== 'ABANDON') {
      const children = Object.values(s.children)
        .filter((c) => c.runId !== undefined)
        .map((c) => ({ workflowId: c.workflowId, runId: c.runId! }));
      if (children.length > 0) this.commands.push({ type: 'childPolicy', policy: childPolicy, children });
    }
  }

  private notifyParent(eventType: string, attrs: Record<string, unknown>): void {
    const p = this.state.parent;
    if (!p) return;
    this.commands.push({
      type: 'notifyParent',
      parentRunId: p.runId,
      initiatedEventId: p.initiatedEventId,
      eventType,
      attrs: { workflowExecution: this.execution, workflowType: this.state.workflowType, ...attrs },
    });
  }

  // ---------------------------------------------------------------- timers

  /** A timer named by this run fired at `at` (its due time). */
  fire(name: TimerName, at: number): void {
    const s = this.state;
    if (s.status !== 'OPEN') return;
    if (name === 'workflow') {
      if (at < s.deadline) return;
      this.emit('WorkflowExecutionTimedOut', at, { timeoutType: 'START_TO_CLOSE', childPolicy: s.config.childPolicy });
      this.close('TIMED_OUT', at, s.config.childPolicy);
      this.notifyParent('ChildWorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE' });
      return;
    }
    if (name === 'decision') {
      const st = s.decision.started;
      const stc = durationMs(s.config.taskStartToCloseTimeout);
      if (st && stc !== undefined && st.at + stc <= at) {
        this.emit('DecisionTaskTimedOut', at, {
          timeoutType: 'START_TO_CLOSE',
          scheduledEventId: st.scheduledEventId,
          startedEventId: st.startedEventId,
        });
        if (s.sticky) s.sticky = undefined;
        this.afterDecisionTask(at, true);
        return;
      }
      const sch = s.decision.scheduled;
      if (sch?.enqueued && !st && sch.scheduleToStart !== undefined && sch.at + sch.scheduleToStart <= at) {
        this.emit('DecisionTaskTimedOut', at, {
          timeoutType: 'SCHEDULE_TO_START',
          scheduledEventId: sch.eventId,
          startedEventId: 0,
        });
        this.commands.push({ type: 'removeDecision', taskList: sch.taskList, scheduledEventId: sch.eventId });
        s.decision.scheduled = undefined;
        s.sticky = undefined;
        this.scheduleDecision(at);
      }
      return;
    }
    if (name.startsWith('timer:')) {
      const timerId = name.slice(6);
      const t = s.timers[timerId];
      if (!t || t.fireAt > at) return;
      delete s.timers[timerId];
      this.emit('TimerFired', at, { timerId, startedEventId: t.startedEventId });
      this.scheduleDecision(at);
      return;
    }
    if (name.startsWith('activity:')) {
      const a = this.activityByScheduled(Number(name.slice(9)));
      if (!a) return;
      const d = this.activityDeadline(a);
      if (!d) return;
      if (d.at > at) {
        a.deadline = undefined;
        this.armActivity(a, at);
        return;
      }
      this.emit('ActivityTaskTimedOut', at, {
        timeoutType: d.type,
        scheduledEventId: a.scheduledEventId,
        startedEventId: a.startedEventId ?? 0,
        details: d.type === 'HEARTBEAT' ? a.heartbeatDetails : undefined,
      });
      if (a.startedEventId === undefined)
        this.commands.push({ type: 'removeActivity', taskList: a.taskList, scheduledEventId: a.scheduledEventId });
      delete s.activities[a.activityId];
      this.scheduleDecision(at);
      return;
    }
    if (name.startsWith('lambda:')) {
      const l = s.lambdas[name.slice(7)];
      if (!l || l.startedEventId === undefined) return;
      this.emit('LambdaFunctionTimedOut', at, {
        scheduledEventId: l.scheduledEventId,
        startedEventId: l.startedEventId,
        timeoutType: 'START_TO_CLOSE',
      });
      delete s.lambdas[l.id];
      this.scheduleDecision(at);
    }
  }

  // ---------------------------------------------------------------- children and externals (results)

  childStarted(initiatedEventId: number, runId: string, at: number): void {
    const c = this.state.children[String(initiatedEventId)];
    if (!c || !this.open) return;
    c.runId = runId;
    c.startedEventId = this.emit('ChildWorkflowExecutionStarted', at, {
      workflowExecution: { workflowId: c.workflowId, runId },
      workflowType: c.workflowType,
      initiatedEventId,
    });
    this.scheduleDecision(at);
  }

  /** The child continued as new: later events name the new run. */
  childContinued(initiatedEventId: number, runId: string): void {
    const c = this.state.children[String(initiatedEventId)];
    if (c) c.runId = runId;
  }

  startChildFailed(initiatedEventId: number, cause: string, control: string | undefined, at: number): void {
    const c = this.state.children[String(initiatedEventId)];
    if (!c || !this.open) return;
    delete this.state.children[String(initiatedEventId)];
    this.emit('StartChildWorkflowExecutionFailed', at, {
      workflowType: c.workflowType,
      cause,
      workflowId: c.workflowId,
      initiatedEventId,
      decisionTaskCompletedEventId: this.initiatedBy.get(initiatedEventId) ?? 0,
      control,
    });
    this.scheduleDecision(at);
  }

  /** decisionTaskCompletedEventId of child/external initiations made in this unit of work. */
  private readonly initiatedBy = new Map<number, number>();

  childClosed(initiatedEventId: number, eventType: string, attrs: Record<string, unknown>, at: number): void {
    const c = this.state.children[String(initiatedEventId)];
    if (!c || !this.open) return;
    delete this.state.children[String(initiatedEventId)];
    this.emit(eventType, at, { ...attrs, initiatedEventId, startedEventId: c.startedEventId ?? 0 });
    this.scheduleDecision(at);
  }

  externalDone(kind: 'signal' | 'cancel', initiatedEventId: number, runId: string | undefined, at: number): void {
    const map = kind === 'signal' ? this.state.signals : this.state.cancels;
    const e = map[String(initiatedEventId)];
    if (!e || !this.open) return;
    delete map[String(initiatedEventId)];
    if (runId === undefined) {
      this.emit(
        kind === 'signal' ? 'SignalExternalWorkflowExecutionFailed' : 'RequestCancelExternalWorkflowExecutionFailed',
        at,
        {
          workflowId: e.workflowId,
          runId: e.runId,
          cause: 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION',
          initiatedEventId,
          decisionTaskCompletedEventId: e.decisionTaskCompletedEventId,
          control: e.control,
        },
      );
    } else {
      this.emit(
        kind === 'signal' ? 'ExternalWorkflowExecutionSignaled' : 'ExternalWorkflowExecutionCancelRequested',
        at,
        { workflowExecution: { workflowId: e.workflowId, runId }, initiatedEventId },
      );
    }
    this.scheduleDecision(at);
  }

  lambdaStarted(scheduledEventId: number, at: number): void {
    const l = Object.values(this.state.lambdas).find((x) => x.scheduledEventId === scheduledEventId);
    if (!l || !this.open) return;
    l.startedEventId = this.emit('LambdaFunctionStarted', at, { scheduledEventId });
    this.commands.push({ type: 'setTimer', name: `lambda:${l.id}`, fireAt: at + l.startToClose });
  }

  lambdaDone(
    scheduledEventId: number,
    outcome: { ok: true; result?: string } | { ok: false; reason?: string; details?: string },
    at: number,
  ): void {
    const l = Object.values(this.state.lambdas).find((x) => x.scheduledEventId === scheduledEventId);
    if (!l || !this.open || l.startedEventId === undefined) return;
    delete this.state.lambdas[l.id];
    this.commands.push({ type: 'clearTimer', name: `lambda:${l.id}` });
    if (outcome.ok) {
      this.emit('LambdaFunctionCompleted', at, {
        scheduledEventId,
        startedEventId: l.startedEventId,
        result: outcome.result,
      });
    } else {
      this.emit('LambdaFunctionFailed', at, {
        scheduledEventId,
        startedEventId: l.startedEventId,
        reason: outcome.reason,
        details: outcome.details,
      });
    }
    this.scheduleDecision(at);
  }

  // ---------------------------------------------------------------- RespondDecisionTaskCompleted

  /**
   * Completes the started decision task and applies the (already validated) decisions in order.
   * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_RespondDecisionTaskCompleted.html
   */
  completeDecision(
    input: {
      decisions: readonly Record<string, unknown>[];
      executionContext?: string;
      taskList?: string;
      taskListScheduleToStartTimeout?: string;
    },
    ctx: import('./types.js').DecisionContext,
    at: number,
  ): void {
    const s = this.state;
    const st = s.decision.started!;
    const completedId = this.emit('DecisionTaskCompleted', at, {
      executionContext: input.executionContext,
      scheduledEventId: st.scheduledEventId,
      startedEventId: st.startedEventId,
      taskList: input.taskList !== undefined ? { name: input.taskList } : undefined,
      taskListScheduleToStartTimeout: input.taskListScheduleToStartTimeout,
    });
    if (input.executionContext !== undefined) s.latestExecutionContext = input.executionContext;
    s.previousStartedEventId = st.startedEventId;
    if (input.taskList !== undefined && input.taskList !== s.config.taskList) {
      s.sticky = {
        taskList: input.taskList,
        ...(input.taskListScheduleToStartTimeout !== undefined
          ? { scheduleToStart: input.taskListScheduleToStartTimeout }
          : {}),
      };
    } else if (input.taskList !== undefined) {
      s.sticky = undefined;
    }
    // The started task is done; a task scheduled meanwhile stays pending (not yet pollable) until the
    // decisions are applied, so that a closing decision sees it (UNHANDLED_DECISION).
    s.decision.started = undefined;
    const pendingBefore = s.decision.scheduled;
    for (const d of input.decisions) {
      if (s.status !== 'OPEN') break;
      this.applyDecision(d, completedId, ctx, at);
    }
    if (s.status === 'OPEN') {
      if (s.decision.scheduled && !s.decision.scheduled.enqueued) this.enqueueScheduledDecision(at);
      else if (!s.decision.scheduled) this.commands.push({ type: 'clearTimer', name: 'decision' });
    } else if (pendingBefore) {
      this.commands.push({ type: 'clearTimer', name: 'decision' });
    }
  }

  private fail(type: string, at: number, attrs: Record<string, unknown>): undefined {
    this.emit(type, at, attrs);
    this.scheduleDecision(at);
    return undefined;
  }

  private applyDecision(
    d: Record<string, unknown>,
    completedId: number,
    ctx: import('./types.js').DecisionContext,
    at: number,
  ): undefined {
    const s = this.state;
    const type = String(d.decisionType);
    const a = (d[type.charAt(0).toLowerCase() + type.slice(1) + 'DecisionAttributes'] ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
    const tl = (k: string) => {
      const v = a[k] as { name?: unknown } | undefined;
      return typeof v?.name === 'string' ? v.name : undefined;
    };
    const unhandled = () => !!s.decision.scheduled;
    switch (type) {
      case 'ScheduleActivityTask': {
        const activityType = a.activityType as TypeRef;
        const activityId = String(a.activityId);
        const fail = (cause: string) =>
          this.fail('ScheduleActivityTaskFailed', at, {
            activityType,
            activityId,
            cause,
            decisionTaskCompletedEventId: completedId,
          });
        const t = ctx.activityType(activityType);
        if (!t) return fail('ACTIVITY_TYPE_DOES_NOT_EXIST');
        if (t.status !== 'REGISTERED') return fail('ACTIVITY_TYPE_DEPRECATED');
        if (s.activities[activityId]) return fail('ACTIVITY_ID_ALREADY_IN_USE');
        if (Object.keys(s.activities).length >= 1000) return fail('OPEN_ACTIVITIES_LIMIT_EXCEEDED');
        const def = t.defaults;
        const defTl = (def.defaultTaskList as { name?: string } | undefined)?.name;
        const taskList = tl('taskList') ?? defTl;
        if (taskList === undefined) return fail('DEFAULT_TASK_LIST_UNDEFINED');
        const s2c = str('scheduleToCloseTimeout') ?? (def.defaultTaskScheduleToCloseTimeout as string | undefined);
        if (s2c === undefined) return fail('DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED');
        const s2s = str('scheduleToStartTimeout') ?? (def.defaultTaskScheduleToStartTimeout as string | undefined);
        if (s2s === undefined) return fail('DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED');
        const stc = str('startToCloseTimeout') ?? (def.defaultTaskStartToCloseTimeout as string | undefined);
        if (stc === undefined) return fail('DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED');
        const hb = str('heartbeatTimeout') ?? (def.defaultTaskHeartbeatTimeout as string | undefined) ?? 'NONE';
        const taskPriority = str('taskPriority') ?? (def.defaultTaskPriority as string | undefined);
        const scheduledEventId = this.emit('ActivityTaskScheduled', at, {
          activityType,
          activityId,
          input: str('input'),
          control: str('control'),
          scheduleToStartTimeout: s2s,
          scheduleToCloseTimeout: s2c,
          startToCloseTimeout: stc,
          taskList: { name: taskList },
          taskPriority,
          decisionTaskCompletedEventId: completedId,
          heartbeatTimeout: hb,
        });
        const act: ActivityState = {
          activityId,
          activityType,
          scheduledEventId,
          taskList,
          priority: priorityOf(taskPriority),
          ...(str('input') !== undefined ? { input: str('input')! } : {}),
          ...opt('scheduleToStart', durationMs(s2s)),
          ...opt('scheduleToClose', durationMs(s2c)),
          ...opt('startToClose', durationMs(stc)),
          ...opt('heartbeat', durationMs(hb)),
          scheduledAt: at,
          cancelRequested: false,
        };
        s.activities[activityId] = act;
        this.commands.push({
          type: 'enqueueActivity',
          taskList,
          scheduledEventId,
          priority: act.priority,
          at,
        });
        this.armActivity(act, at);
        return;
      }
      case 'RequestCancelActivityTask': {
        const activityId = String(a.activityId);
        const act = s.activities[activityId];
        if (!act) {
          return this.fail('RequestCancelActivityTaskFailed', at, {
            activityId,
            cause: 'ACTIVITY_ID_UNKNOWN',
            decisionTaskCompletedEventId: completedId,
          });
        }
        const reqId = this.emit('ActivityTaskCancelRequested', at, {
          decisionTaskCompletedEventId: completedId,
          activityId,
        });
        act.cancelRequested = true;
        act.latestCancelRequestedEventId = reqId;
        if (act.startedEventId === undefined) {
          this.commands.push({
            type: 'removeActivity',
            taskList: act.taskList,
            scheduledEventId: act.scheduledEventId,
          });
          this.activityCanceled(act, undefined, at);
        }
        return;
      }
      case 'CompleteWorkflowExecution':
      case 'FailWorkflowExecution':
      case 'CancelWorkflowExecution': {
        if (unhandled()) {
          return this.fail(`${type}Failed`, at, {
            cause: 'UNHANDLED_DECISION',
            decisionTaskCompletedEventId: completedId,
          });
        }
        if (type === 'CompleteWorkflowExecution') {
          this.emit('WorkflowExecutionCompleted', at, {
            result: str('result'),
            decisionTaskCompletedEventId: completedId,
          });
          this.close('COMPLETED', at);
          this.notifyParent('ChildWorkflowExecutionCompleted', { result: str('result') });
        } else if (type === 'FailWorkflowExecution') {
          this.emit('WorkflowExecutionFailed', at, {
            reason: str('reason'),
            details: str('details'),
            decisionTaskCompletedEventId: completedId,
          });
          this.close('FAILED', at);
          this.notifyParent('ChildWorkflowExecutionFailed', { reason: str('reason'), details: str('details') });
        } else {
          this.emit('WorkflowExecutionCanceled', at, {
            details: str('details'),
            decisionTaskCompletedEventId: completedId,
          });
          this.close('CANCELED', at);
          this.notifyParent('ChildWorkflowExecutionCanceled', { details: str('details') });
        }
        return;
      }
      case 'ContinueAsNewWorkflowExecution': {
        const fail = (cause: string) =>
          this.fail('ContinueAsNewWorkflowExecutionFailed', at, { cause, decisionTaskCompletedEventId: completedId });
        if (unhandled()) return fail('UNHANDLED_DECISION');
        const workflowType = {
          name: s.workflowType.name,
          version: str('workflowTypeVersion') ?? s.workflowType.version,
        };
        const t = ctx.workflowType(workflowType);
        if (!t) return fail('WORKFLOW_TYPE_DOES_NOT_EXIST');
        if (t.status !== 'REGISTERED') return fail('WORKFLOW_TYPE_DEPRECATED');
        const resolved = resolveStartConfig(a, t.defaults);
        if ('missing' in resolved) return fail(resolved.missing);
        const newRunId = ctx.newRunId();
        this.emit('WorkflowExecutionContinuedAsNew', at, {
          input: str('input'),
          decisionTaskCompletedEventId: completedId,
          newExecutionRunId: newRunId,
          executionStartToCloseTimeout: resolved.config.executionStartToCloseTimeout,
          taskList: { name: resolved.config.taskList },
          taskPriority: resolved.config.taskPriority,
          taskStartToCloseTimeout: resolved.config.taskStartToCloseTimeout,
          childPolicy: resolved.config.childPolicy,
          tagList: a.tagList as unknown[] | undefined,
          workflowType,
          lambdaRole: resolved.config.lambdaRole,
        });
        this.close('CONTINUED_AS_NEW', at);
        this.commands.push({
          type: 'continueAsNew',
          start: {
            region: s.region,
            accountId: s.accountId,
            domain: s.domain,
            workflowId: s.workflowId,
            runId: newRunId,
            workflowType,
            config: resolved.config,
            ...(str('input') !== undefined ? { input: str('input')! } : {}),
            ...(a.tagList !== undefined ? { tagList: a.tagList as unknown[] } : {}),
            ...(s.parent ? { parent: s.parent } : {}),
            continuedExecutionRunId: s.runId,
          },
        });
        return;
      }
      case 'RecordMarker': {
        this.emit('MarkerRecorded', at, {
          markerName: str('markerName'),
          details: str('details'),
          decisionTaskCompletedEventId: completedId,
        });
        return;
      }
      case 'StartTimer': {
        const timerId = String(a.timerId);
        const fail = (cause: string) =>
          this.fail('StartTimerFailed', at, { timerId, cause, decisionTaskCompletedEventId: completedId });
        if (s.timers[timerId]) return fail('TIMER_ID_ALREADY_IN_USE');
        if (Object.keys(s.timers).length >= 1000) return fail('OPEN_TIMERS_LIMIT_EXCEEDED');
        const fireIn = durationMs(str('startToFireTimeout')) ?? 0;
        const startedEventId = this.emit('TimerStarted', at, {
          timerId,
          control: str('control'),
          startToFireTimeout: str('startToFireTimeout'),
          decisionTaskCompletedEventId: completedId,
        });
        s.timers[timerId] = { timerId, startedEventId, fireAt: at + fireIn };
        this.commands.push({ type: 'setTimer', name: `timer:${timerId}`, fireAt: at + fireIn });
        return;
      }
      case 'CancelTimer': {
        const timerId = String(a.timerId);
        const t = s.timers[timerId];
        if (!t) {
          return this.fail('CancelTimerFailed', at, {
            timerId,
            cause: 'TIMER_ID_UNKNOWN',
            decisionTaskCompletedEventId: completedId,
          });
        }
        delete s.timers[timerId];
        this.commands.push({ type: 'clearTimer', name: `timer:${timerId}` });
        this.emit('TimerCanceled', at, {
          timerId,
          startedEventId: t.startedEventId,
          decisionTaskCompletedEventId: completedId,
        });
        return;
      }
      case 'SignalExternalWorkflowExecution': {
        const initiatedEventId = this.emit('SignalExternalWorkflowExecutionInitiated', at, {
          workflowId: str('workflowId'),
          runId: str('runId'),
          signalName: str('signalName'),
          input: str('input'),
          decisionTaskCompletedEventId: completedId,
          control: str('control'),
        });
        s.signals[String(initiatedEventId)] = {
          initiatedEventId,
          decisionTaskCompletedEventId: completedId,
          workflowId: String(a.workflowId),
          ...(str('runId') !== undefined ? { runId: str('runId')! } : {}),
          ...(str('control') !== undefined ? { control: str('control')! } : {}),
        };
        this.commands.push({
          type: 'signalExternal',
          initiatedEventId,
          workflowId: String(a.workflowId),
          ...(str('runId') !== undefined ? { runId: str('runId')! } : {}),
          signalName: String(a.signalName),
          ...(str('input') !== undefined ? { input: str('input')! } : {}),
        });
        return;
      }
      case 'RequestCancelExternalWorkflowExecution': {
        const initiatedEventId = this.emit('RequestCancelExternalWorkflowExecutionInitiated', at, {
          workflowId: str('workflowId'),
          runId: str('runId'),
          decisionTaskCompletedEventId: completedId,
          control: str('control'),
        });
        s.cancels[String(initiatedEventId)] = {
          initiatedEventId,
          decisionTaskCompletedEventId: completedId,
          workflowId: String(a.workflowId),
          ...(str('runId') !== undefined ? { runId: str('runId')! } : {}),
          ...(str('control') !== undefined ? { control: str('control')! } : {}),
        };
        this.commands.push({
          type: 'cancelExternal',
          initiatedEventId,
          workflowId: String(a.workflowId),
          ...(str('runId') !== undefined ? { runId: str('runId')! } : {}),
        });
        return;
      }
      case 'StartChildWorkflowExecution': {
        const workflowType = a.workflowType as TypeRef;
        const workflowId = String(a.workflowId);
        const fail = (cause: string) =>
          this.fail('StartChildWorkflowExecutionFailed', at, {
            workflowType,
            cause,
            workflowId,
            initiatedEventId: 0,
            decisionTaskCompletedEventId: completedId,
            control: str('control'),
          });
        const t = ctx.workflowType(workflowType);
        if (!t) return fail('WORKFLOW_TYPE_DOES_NOT_EXIST');
        if (t.status !== 'REGISTERED') return fail('WORKFLOW_TYPE_DEPRECATED');
        if (Object.keys(s.children).length >= 1000) return fail('OPEN_CHILDREN_LIMIT_EXCEEDED');
        const resolved = resolveStartConfig(a, t.defaults);
        if ('missing' in resolved) return fail(resolved.missing);
        const c = resolved.config;
        const initiatedEventId = this.emit('StartChildWorkflowExecutionInitiated', at, {
          workflowId,
          workflowType,
          control: str('control'),
          input: str('input'),
          executionStartToCloseTimeout: c.executionStartToCloseTimeout,
          taskList: { name: c.taskList },
          taskPriority: c.taskPriority,
          decisionTaskCompletedEventId: completedId,
          childPolicy: c.childPolicy,
          taskStartToCloseTimeout: c.taskStartToCloseTimeout,
          tagList: a.tagList as unknown[] | undefined,
          lambdaRole: c.lambdaRole,
        });
        this.initiatedBy.set(initiatedEventId, completedId);
        s.children[String(initiatedEventId)] = { initiatedEventId, workflowId, workflowType };
        this.commands.push({
          type: 'startChild',
          initiatedEventId,
          start: {
            region: s.region,
            accountId: s.accountId,
            domain: s.domain,
            workflowId,
            runId: ctx.newRunId(),
            workflowType,
            config: c,
            ...(str('input') !== undefined ? { input: str('input')! } : {}),
            ...(a.tagList !== undefined ? { tagList: a.tagList as unknown[] } : {}),
            parent: { workflowId: s.workflowId, runId: s.runId, initiatedEventId },
          },
        });
        return;
      }
      case 'ScheduleLambdaFunction': {
        const id = String(a.id);
        const name = String(a.name);
        if (s.lambdas[id]) {
          return this.fail('ScheduleLambdaFunctionFailed', at, {
            id,
            name,
            cause: 'ID_ALREADY_IN_USE',
            decisionTaskCompletedEventId: completedId,
          });
        }
        const stc = str('startToCloseTimeout') ?? '300';
        const scheduledEventId = this.emit('LambdaFunctionScheduled', at, {
          id,
          name,
          control: str('control'),
          input: str('input'),
          startToCloseTimeout: stc,
          decisionTaskCompletedEventId: completedId,
        });
        if (s.config.lambdaRole === undefined) {
          this.fail('StartLambdaFunctionFailed', at, {
            scheduledEventId,
            cause: 'ASSUME_ROLE_FAILED',
            message: 'The workflow execution has no lambdaRole: Statecraft cannot assume a role to invoke Lambda.',
          });
          return;
        }
        s.lambdas[id] = {
          id,
          name,
          scheduledEventId,
          ...(str('input') !== undefined ? { input: str('input')! } : {}),
          startToClose: durationMs(stc) ?? 300_000,
        };
        this.commands.push({
          type: 'invokeLambda',
          scheduledEventId,
          id,
          name,
          ...(str('input') !== undefined ? { input: str('input')! } : {}),
        });
        return;
      }
    }
  }
}

function opt<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

/**
 * Resolves the run configuration of a start (child, continue-as-new): the request's values, else the type's
 * defaults, else the `DEFAULT_…_UNDEFINED` cause.
 * @internal
 */
export function resolveStartConfig(
  a: Record<string, unknown>,
  defaults: Record<string, unknown>,
): { config: import('./types.js').ExecutionConfig } | { missing: string } {
  const s = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
  const d = (k: string) => (typeof defaults[k] === 'string' ? (defaults[k] as string) : undefined);
  const taskList =
    (a.taskList as { name?: string } | undefined)?.name ??
    (defaults.defaultTaskList as { name?: string } | undefined)?.name;
  const esc = s('executionStartToCloseTimeout') ?? d('defaultExecutionStartToCloseTimeout');
  const tsc = s('taskStartToCloseTimeout') ?? d('defaultTaskStartToCloseTimeout');
  const childPolicy = s('childPolicy') ?? d('defaultChildPolicy');
  if (esc === undefined) return { missing: 'DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED' };
  if (tsc === undefined) return { missing: 'DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED' };
  if (taskList === undefined) return { missing: 'DEFAULT_TASK_LIST_UNDEFINED' };
  if (childPolicy === undefined) return { missing: 'DEFAULT_CHILD_POLICY_UNDEFINED' };
  const taskPriority = s('taskPriority') ?? d('defaultTaskPriority');
  const lambdaRole = s('lambdaRole') ?? d('defaultLambdaRole');
  return {
    config: {
      taskList,
      taskStartToCloseTimeout: tsc,
      executionStartToCloseTimeout: esc,
      childPolicy,
      ...(taskPriority !== undefined ? { taskPriority } : {}),
      ...(lambdaRole !== undefined ? { lambdaRole } : {}),
    },
  };
}
