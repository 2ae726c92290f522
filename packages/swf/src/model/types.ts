/**
 * The SWF execution model: the serialisable snapshot of one workflow run, its history events and the
 * commands the pure model hands to the operations layer. Plain JSON data only.
 */

/** `{name, version}` of a workflow or activity type. @public */
export interface TypeRef {
  readonly name: string;
  readonly version: string;
}

/** A history event as stored: `id` is the eventId, `t` epoch ms. @public */
export interface SwfEvent {
  readonly id: number;
  readonly t: number;
  readonly type: string;
  readonly attrs: Record<string, unknown>;
}

/** Resolved execution configuration (what DescribeWorkflowExecution reports). @public */
export interface ExecutionConfig {
  readonly taskList: string;
  readonly taskStartToCloseTimeout: string;
  readonly executionStartToCloseTimeout: string;
  readonly childPolicy: string;
  readonly taskPriority?: string;
  readonly lambdaRole?: string;
}

/** @public */
export interface ActivityState {
  readonly activityId: string;
  readonly activityType: TypeRef;
  readonly scheduledEventId: number;
  startedEventId?: number;
  readonly taskList: string;
  readonly priority: number;
  readonly input?: string;
  readonly scheduleToStart?: number;
  readonly scheduleToClose?: number;
  readonly startToClose?: number;
  readonly heartbeat?: number;
  readonly scheduledAt: number;
  startedAt?: number;
  lastHeartbeatAt?: number;
  heartbeatDetails?: string;
  cancelRequested: boolean;
  latestCancelRequestedEventId?: number;
  /** Armed deadline (the timer that is set for this activity). */
  deadline?: number;
}

/** @public */
export interface ChildState {
  readonly initiatedEventId: number;
  readonly workflowId: string;
  readonly workflowType: TypeRef;
  runId?: string;
  startedEventId?: number;
}

/** @public */
export interface TimerState {
  readonly timerId: string;
  readonly startedEventId: number;
  readonly fireAt: number;
}

/** @public */
export interface LambdaState {
  readonly id: string;
  readonly name: string;
  readonly scheduledEventId: number;
  startedEventId?: number;
  readonly input?: string;
  readonly startToClose: number;
}

/** A pending SignalExternal / RequestCancelExternal. @public */
export interface ExternalState {
  readonly initiatedEventId: number;
  readonly decisionTaskCompletedEventId: number;
  readonly workflowId: string;
  readonly runId?: string;
  readonly control?: string;
}

/** @public */
export interface DecisionTaskState {
  /** A scheduled, not yet started task. */
  scheduled?: {
    eventId: number;
    taskList: string;
    at: number;
    /** False while another task is started: not pollable until that one completes or times out. */
    enqueued: boolean;
    scheduleToStart?: number;
  };
  started?: { scheduledEventId: number; startedEventId: number; at: number };
}

/** The snapshot of one run. @public */
export interface ExecutionState {
  readonly v: 1;
  readonly region: string;
  readonly accountId: string;
  readonly domain: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: TypeRef;
  status: 'OPEN' | 'CLOSED';
  closeStatus?: string;
  readonly startTimestamp: number;
  closeTimestamp?: number;
  readonly config: ExecutionConfig;
  readonly tagList?: readonly unknown[];
  parent?: { workflowId: string; runId: string; initiatedEventId: number };
  cancelRequested: boolean;
  nextEventId: number;
  decision: DecisionTaskState;
  previousStartedEventId: number;
  sticky?: { taskList: string; scheduleToStart?: string };
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  children: Record<string, ChildState>;
  lambdas: Record<string, LambdaState>;
  signals: Record<string, ExternalState>;
  cancels: Record<string, ExternalState>;
  latestActivityTaskTimestamp?: number;
  latestExecutionContext?: string;
  /** Workflow START_TO_CLOSE deadline (epoch ms). */
  readonly deadline: number;
  /**
   * Storage revision, bumped on every write of the snapshot (optimistic concurrency for snapshot-only
   * changes such as heartbeats). Not part of the model: the operations layer keeps it.
   */
  rev?: number;
}

/** Effects the operations layer carries out after (or inside) the transaction. @public */
export type Command =
  | { type: 'enqueueDecision'; taskList: string; scheduledEventId: number; priority: number; at: number }
  | { type: 'removeDecision'; taskList: string; scheduledEventId: number }
  | { type: 'enqueueActivity'; taskList: string; scheduledEventId: number; priority: number; at: number }
  | { type: 'removeActivity'; taskList: string; scheduledEventId: number }
  | { type: 'setTimer'; name: string; fireAt: number }
  | { type: 'clearTimer'; name: string }
  | { type: 'startChild'; initiatedEventId: number; start: StartParams }
  | {
      type: 'signalExternal';
      initiatedEventId: number;
      workflowId: string;
      runId?: string;
      signalName: string;
      input?: string;
    }
  | { type: 'cancelExternal'; initiatedEventId: number; workflowId: string; runId?: string }
  | {
      type: 'notifyParent';
      parentRunId: string;
      initiatedEventId: number;
      eventType: string;
      attrs: Record<string, unknown>;
    }
  | { type: 'childPolicy'; policy: string; children: { workflowId: string; runId: string }[] }
  | { type: 'continueAsNew'; start: StartParams }
  | { type: 'invokeLambda'; scheduledEventId: number; id: string; name: string; input?: string };

/** Everything needed to start a run (root, child or continued). @public */
export interface StartParams {
  readonly region: string;
  readonly accountId: string;
  readonly domain: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: TypeRef;
  readonly config: ExecutionConfig;
  readonly input?: string;
  readonly tagList?: readonly unknown[];
  readonly parent?: { workflowId: string; runId: string; initiatedEventId: number };
  readonly continuedExecutionRunId?: string;
}

/** A registered type as the decision engine sees it. @public */
export interface TypeInfoLike {
  readonly status: 'REGISTERED' | 'DEPRECATED';
  readonly defaults: Record<string, unknown>;
}

/** Lookups the decision engine needs (pre-loaded by the operations layer). @public */
export interface DecisionContext {
  activityType(ref: TypeRef): TypeInfoLike | undefined;
  workflowType(ref: TypeRef): TypeInfoLike | undefined;
  newRunId(): string;
}

/** Parses a duration string: seconds → ms; `NONE`/absent → undefined (unlimited). @public */
export function durationMs(value: string | undefined): number | undefined {
  if (value === undefined || value === 'NONE') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n * 1000 : undefined;
}

/** Parses a task priority string (default 0). @public */
export function priorityOf(value: string | undefined): number {
  const n = value === undefined ? 0 : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : 0;
}

/** `WorkflowExecutionStarted` → `workflowExecutionStartedEventAttributes`. @public */
export function attributesKeyOf(eventType: string): string {
  return eventType.charAt(0).toLowerCase() + eventType.slice(1) + 'EventAttributes';
}
