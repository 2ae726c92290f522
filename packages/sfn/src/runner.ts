/**
 * The execution runner: feeds inputs to the pure interpreter one at a time per execution, and writes what a
 * step decides — the new snapshot, its history events, its timers and its work — in one transaction
 * (HOUSE_STYLE rule 4: persist facts, derive state).
 *
 * - **Timers are rows** (`sfn:<executionArn>#<timerId>`). The in-memory scheduler only sleeps until the
 *   earliest row; firing claims the due rows and feeds `TimerFired` in the same transaction, so a timer fires
 *   once, on one node, and a crash before the commit leaves it due.
 * - **Work is rows**: task invocations and `Continue` are items of the `sfn:work` queue, claimed with a lease.
 *   The outcome of an invocation is fed in a transaction that completes the item; when the item was taken
 *   over meanwhile (the lease ran out, another node claimed it), the outcome is dropped. An invocation may
 *   repeat after a crash; a step never does (`expectedNextId`).
 * - Activity tasks and task tokens are written with the step that schedules them.
 * - At start (durable stores) the runner resumes what a previous process left: executions that never took
 *   their first step, work items still claimed, and the timers.
 */
import type { Clock, InvokerRegistry, Scheduler, SerialQueues, TaskCall, TaskOutcome } from '@statecraft/engine';
import { toBase64Url } from '@statecraft/history';
import type { ChildExecution, Command, ExecutionInput, Machine } from '@statecraft/interpreter';
import { compileMachine, readMapRuns, step } from '@statecraft/interpreter';
import type { ClaimedTask, StorageDriver, StorageTx, Unsubscribe } from '@statecraft/storage';
import { ConcurrencyError } from '@statecraft/storage';
import { C, type ExecutionRecord, type TokenRecord } from './records.js';

/** Activity resources: `arn:aws:states:<region>:<account>:activity:<name>`. @internal */
export const ACTIVITY_RE = /^arn:[^:]+:states:[^:]+:\d{12}:activity:[^:]+$/;

/** The task queue of an activity. @internal */
export function activityQueue(activityArn: string): string {
  return `sfn:activity:${activityArn}`;
}

/** The notification channel that wakes GetActivityTask polls of an activity. @internal */
export function activityChannel(activityArn: string): string {
  return `activity:${activityArn}`;
}

/** The queue of task invocations and continuations. @internal */
export const WORK_QUEUE = 'sfn:work';
/** Every Step Functions timer id starts with this (SWF's start with `swf:`). @internal */
export const TIMER_PREFIX = 'sfn:';
/** Notifications: a timer was added (payload `<node> <fireAt>`). @internal */
export const TIMERS_CHANNEL = 'sfn:timers';
/** Notifications: work was queued (payload: the sending node). @internal */
export const WORK_CHANNEL = 'sfn:work';
/** Notifications: an execution closed (payload: its ARN), for StartSyncExecution waiting on another node. @internal */
export const CLOSED_CHANNEL = 'sfn:closed';

/** The row id of an execution's timer. @internal */
export function timerRowId(executionArn: string, timerId: string): string {
  return `${TIMER_PREFIX}${executionArn}#${timerId}`;
}

function workId(executionArn: string, taskId: string): string {
  return `${executionArn}#task:${taskId}`;
}

/** A fresh opaque task token (AWS's are long base64 strings). @internal */
export function createTaskToken(): string {
  const bytes = new Uint8Array(96);
  globalThis.crypto.getRandomValues(bytes);
  return `AQC${toBase64Url(bytes)}`;
}

type InvokeCommand = Extract<Command, { type: 'InvokeTask' }>;

/** On shared stores, records carry a revision, bumped by every step (see `stepIn`). */
type Revisioned = ExecutionRecord & { readonly rev?: number };

interface TimerPayload {
  readonly executionArn: string;
  readonly timerId: string;
}

type WorkPayload =
  | {
      readonly kind: 'invoke';
      readonly executionArn: string;
      readonly cmd: InvokeCommand;
      readonly stateMachineArn: string;
      readonly testCase?: string;
      /** `.waitForTaskToken`: the token, already recorded. */
      readonly token?: string;
    }
  | { readonly kind: 'continue'; readonly executionArn: string }
  /** A new execution's first step, should the node that answered StartExecution die before taking it. */
  | { readonly kind: 'start'; readonly executionArn: string };

/** How long a node holds a work item on a shared store before others may take it over; renewed while working. */
const SHARED_LEASE_MS = 15_000;
/** On a store only this process uses, a claim holds until completed, or until the next start takes it back. */
const SOLO_LEASE_MS = 10 * 365 * 24 * 3600 * 1000;
/** Claims at start on a solo store: as if every lease had run out (their holder is gone). */
const SOLO_RECLAIM_NOW = 2 ** 52;
/** Multi-node fallback for lost notifications: how often the timers and the work queue are checked. */
const FALLBACK_CHECK_MS = 5_000;
const TIMER_BATCH = 100;
const WORK_BATCH = 50;
const MAX_CONFLICT_RETRIES = 20;
/**
 * On shared stores, how long a new execution's start item waits before another node may run the first step
 * in place of the node that answered StartExecution (which normally takes it at once and removes the item).
 */
const START_TAKEOVER_MS = 10_000;

/** The work item id of an execution's first step. */
function startWorkId(executionArn: string): string {
  return `start:${executionArn}`;
}

/**
 * The record of a distributed Map's child execution. Its `stateMachineArn` and `definition` are its parent's
 * *(unverified: AWS may report the Map's `<smName>/<label>` sub-machine and its ItemProcessor)*.
 */
function childRecord(parent: ExecutionRecord, c: ChildExecution): ExecutionRecord {
  return {
    arn: c.executionArn,
    name: c.name,
    stateMachineArn: parent.stateMachineArn,
    stateMachineName: parent.stateMachineName,
    type: 'STANDARD',
    definition: parent.definition,
    roleArn: parent.roleArn,
    input: c.input,
    startDate: c.startDate,
    ...(c.stopDate !== undefined ? { stopDate: c.stopDate } : {}),
    status: c.status,
    snapshot: {
      version: 1,
      status: c.status,
      nextEventId: c.nextEventId,
      ...(c.output !== undefined ? { output: c.output } : {}),
      ...(c.error !== undefined ? { error: c.error } : {}),
      ...(c.cause !== undefined ? { cause: c.cause } : {}),
    },
    redriveCount: 0,
    mapRunArn: c.mapRunArn,
    label: c.label,
    ...(parent.revisionId !== undefined ? { revisionId: parent.revisionId } : {}),
    ...(parent.stateMachineUpdateDate !== undefined ? { stateMachineUpdateDate: parent.stateMachineUpdateDate } : {}),
    ...(parent.loggingConfiguration !== undefined ? { loggingConfiguration: parent.loggingConfiguration } : {}),
    ...(parent.tracingConfiguration !== undefined ? { tracingConfiguration: parent.tracingConfiguration } : {}),
    ...(parent.encryptionConfiguration !== undefined
      ? { encryptionConfiguration: parent.encryptionConfiguration }
      : {}),
  };
}

/** @internal */
export interface RunnerDeps {
  readonly store: StorageDriver;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly queues: SerialQueues;
  readonly invokers: InvokerRegistry;
  readonly region: string;
  readonly accountId: string;
  readonly onError: (err: unknown) => void;
  /** Called after an execution closes (waiters for sync executions, map-run parents...). */
  readonly onClosed?: (record: ExecutionRecord) => void;
  /** Called after an activity task was queued (wakes long polls). */
  readonly onActivityTask?: (activityArn: string) => void;
  /** Run definitions as AWS did on this date (`YYYY-MM-DD`); default: current AWS behaviour. */
  readonly compatibilityDate?: string;
}

/** @internal */
export interface FeedOptions {
  /** Feed a closed execution too (RedriveExecution). */
  readonly reopen?: boolean;
  /**
   * Runs first in the step's transaction, with the execution's record; returning false skips the step (the
   * transaction still commits what `before` wrote). E.g. completing a work item, closing a task token.
   */
  readonly before?: (tx: StorageTx, record: ExecutionRecord) => Promise<boolean>;
  /** Report an interpreter failure to `onError` and skip the step instead of failing the transaction. */
  readonly tolerant?: boolean;
}

/** Takes a step inside the transaction of {@link Runner.transact}. @internal */
export type StepIn = (
  executionArn: string,
  input: ExecutionInput,
  options?: FeedOptions,
) => Promise<ExecutionRecord | undefined>;

/** @internal */
export interface Runner {
  /** Feeds one input to an execution and carries out the resulting commands. */
  feed(executionArn: string, input: ExecutionInput, options?: FeedOptions): Promise<ExecutionRecord | undefined>;
  /**
   * Runs `work` in one store transaction in which executions may take steps (e.g. claim an activity task and
   * record `TaskStarted` at once); carries out their effects after the commit. Retried on write conflicts.
   */
  transact<T>(work: (tx: StorageTx, stepIn: StepIn) => Promise<T>): Promise<T>;
  machineFor(definition: string): Machine;
  /**
   * Inside the transaction that writes a new execution's record: on shared stores, queues its first step for
   * another node to take over should this node die before taking it (the first step removes the item).
   */
  guardStart(tx: StorageTx, executionArn: string, now: number): Promise<void>;
  /**
   * Picks up what the store holds (durable stores): executions that never took their first step, work items
   * whose holder is gone, timers; on shared stores, listens to other nodes and checks periodically.
   */
  start(): Promise<void>;
  /** Drops in-memory caches and pending timers (reset). */
  clear(): void;
  /** Stops listening and checking (shutdown). */
  close(): Promise<void>;
}

/** What a transaction's steps leave to do once it has committed. */
interface Effects {
  earliestTimer: number;
  work: boolean;
  activities: string[];
  cancelled: [string, string][];
  closed: ExecutionRecord[];
}

const newEffects = (): Effects => ({
  earliestTimer: Number.POSITIVE_INFINITY,
  work: false,
  activities: [],
  cancelled: [],
  closed: [],
});

/** @internal */
export function createRunner(deps: RunnerDeps): Runner {
  const { store, clock } = deps;
  const shared = store.capabilities.multipleConnections;
  const notifies = store.capabilities.notify;
  const leaseMs = shared ? SHARED_LEASE_MS : SOLO_LEASE_MS;
  const node = globalThis.crypto.randomUUID();
  const machines = new Map<string, Machine>();
  /** Invocations in flight, by execution then task id: aborted on CancelTask and when the execution closes. */
  const inFlight = new Map<string, Map<string, AbortController>>();
  let generation = 0;
  /** Aborted on close: the periodic check, lease renewals, subscriptions. */
  let lifetime = new AbortController();
  const unsubscribes: Unsubscribe[] = [];

  const abortTasks = (executionArn: string, taskId?: string) => {
    const tasks = inFlight.get(executionArn);
    if (!tasks) return;
    for (const [id, ac] of tasks) {
      if (taskId !== undefined && id !== taskId) continue;
      ac.abort(new Error('[statecraft] The task was cancelled: it timed out, or its execution stopped or closed.'));
      tasks.delete(id);
    }
    if (tasks.size === 0) inFlight.delete(executionArn);
  };

  const machineFor = (definition: string): Machine => {
    let m = machines.get(definition);
    if (!m) {
      m = compileMachine(
        JSON.parse(definition),
        deps.compatibilityDate !== undefined ? { compatibilityDate: deps.compatibilityDate } : {},
      );
      if (machines.size > 1000) machines.clear();
      machines.set(definition, m);
    }
    return m;
  };

  // ---- steps ---------------------------------------------------------------------------------------------

  const closeTokenIn = async (tx: StorageTx, token: string) => {
    const rec = await tx.get<TokenRecord>(C.tokens, token);
    if (!rec || rec.closed) return;
    if (rec.activityArn) await tx.removeTask(activityQueue(rec.activityArn), token);
    await tx.put(C.tokens, token, { ...rec, closed: true });
  };

  /** Writes what an InvokeTask needs: its token and activity task, or a work item for an invoker. */
  /** The call an invoker sees for a Task command. */
  const taskCallOf = (
    executionArn: string,
    cmd: InvokeCommand,
    stateMachineArn: string,
    testCase: string | undefined,
    token: string | undefined,
  ): TaskCall => {
    const parsed = /^arn:[^:]+:states:([^:]+):(\d{12}):/.exec(executionArn);
    return {
      resource: cmd.resource,
      parameters: cmd.parameters,
      executionArn,
      stateMachineArn,
      stateName: cmd.stateName,
      region: parsed?.[1] ?? deps.region,
      accountId: parsed?.[2] ?? deps.accountId,
      attempt: cmd.attempt,
      ...(testCase !== undefined ? { testCase } : {}),
      ...(token !== undefined ? { taskToken: token } : {}),
    };
  };

  const scheduleInvoke = async (tx: StorageTx, fx: Effects, rec: ExecutionRecord, cmd: InvokeCommand, at: number) => {
    const executionArn = rec.arn;
    const callback = cmd.resource.endsWith('.waitForTaskToken');
    const activity = ACTIVITY_RE.test(cmd.resource);
    const token = callback || activity ? (cmd.taskToken ?? createTaskToken()) : undefined;
    if (token !== undefined) {
      const tokenRec: TokenRecord = {
        token,
        executionArn,
        taskId: cmd.taskId,
        kind: activity ? 'activity' : 'callback',
        ...(activity ? { activityArn: cmd.resource } : {}),
        input: JSON.stringify(cmd.parameters ?? {}),
        createdAt: at,
        ...(cmd.heartbeatSeconds !== undefined ? { heartbeatSeconds: cmd.heartbeatSeconds } : {}),
        ...(cmd.timeoutSeconds !== undefined ? { timeoutSeconds: cmd.timeoutSeconds } : {}),
      };
      await tx.put(C.tokens, token, tokenRec);
      // Under a mock test case, an invoker that claims the activity state (the mock configuration, which
      // refuses to mock activities as Step Functions Local does) answers instead of a worker.
      const mocked =
        activity &&
        rec.testCase !== undefined &&
        deps.invokers.find(cmd.resource, taskCallOf(executionArn, cmd, rec.stateMachineArn, rec.testCase, token)) !==
          undefined;
      if (activity && !mocked) {
        await tx.enqueueTask(activityQueue(cmd.resource), { id: token, payload: token, availableAt: 0 });
        if (notifies) await tx.notify(activityChannel(cmd.resource));
        fx.activities.push(cmd.resource);
        return;
      }
    }
    const payload: WorkPayload = {
      kind: 'invoke',
      executionArn,
      cmd,
      stateMachineArn: rec.stateMachineArn,
      ...(rec.testCase !== undefined ? { testCase: rec.testCase } : {}),
      ...(token !== undefined ? { token } : {}),
    };
    await tx.enqueueTask<WorkPayload>(WORK_QUEUE, { id: workId(executionArn, cmd.taskId), payload, availableAt: 0 });
    fx.work = true;
  };

  const stepIn = async (
    tx: StorageTx,
    fx: Effects,
    executionArn: string,
    input: ExecutionInput,
    options: FeedOptions,
  ): Promise<ExecutionRecord | undefined> => {
    const rec = await tx.get<ExecutionRecord>(C.executions, executionArn);
    // A distributed Map's child executions run inside their parent's steps.
    if (!rec || rec.mapRunArn !== undefined) return undefined;
    if (options.before && !(await options.before(tx, rec))) return undefined;
    // The first step runs once: recovery, another node and StartExecution may race for it.
    if (input.type === 'Start' && rec.snapshot) return undefined;
    if (input.type === 'Start' && shared) await tx.removeTask(WORK_QUEUE, startWorkId(executionArn));
    if (rec.snapshot && rec.snapshot.status !== 'RUNNING' && !options.reopen) return undefined;
    const machine = machineFor(rec.definition);
    let result: Awaited<ReturnType<typeof step>>;
    try {
      result = await step(machine, rec.snapshot, input);
    } catch (err) {
      if (!options.tolerant) throw err;
      deps.onError(err);
      return undefined;
    }
    const from = rec.snapshot?.nextEventId ?? 1;
    // On a shared store, also append when the step added no event (a heartbeat): the append checks and locks
    // the stream, and the record's revision, read again under that lock, must still be the one stepped from.
    // Otherwise a concurrent snapshot-only write on another node would be lost.
    const guarded = shared && rec.snapshot !== undefined;
    if (result.events.length > 0 || guarded) await tx.appendEvents(executionArn, from, result.events);
    const rev = (rec as Revisioned).rev ?? 0;
    if (guarded) {
      const again = await tx.get<Revisioned>(C.executions, executionArn);
      if ((again?.rev ?? 0) !== rev) {
        throw new ConcurrencyError(executionArn, from, again?.snapshot?.nextEventId ?? from);
      }
    }
    const closed = result.snapshot.status !== 'RUNNING';
    const reopened = !closed && rec.status !== 'RUNNING';
    const { stopDate: _stop, ...open } = rec;
    const next: ExecutionRecord = {
      ...(reopened ? open : rec),
      snapshot: result.snapshot,
      status: result.snapshot.status,
      ...(closed && rec.status === 'RUNNING' ? { stopDate: input.at } : {}),
      ...(reopened ? { redriveCount: rec.redriveCount + 1, redriveDate: input.at } : {}),
      ...(shared ? { rev: rev + 1 } : {}),
    };
    await tx.put(C.executions, executionArn, next);
    // Map runs of distributed Map states, for DescribeMapRun / ListMapRuns.
    for (const run of readMapRuns(result.snapshot)) await tx.put(C.mapRuns, run.mapRunArn, { ...run });
    // Child executions of distributed Maps: records of their own, listed by map run, with their histories.
    if (result.children !== undefined && rec.type !== 'EXPRESS') {
      for (const c of result.children) {
        await tx.put(C.executions, c.executionArn, childRecord(next, c));
        if (c.events.length > 0) await tx.appendEvents(c.executionArn, c.events[0]!.id, c.events);
      }
    }
    const timersBefore = fx.earliestTimer;
    const workBefore = fx.work;
    for (const cmd of result.commands) {
      switch (cmd.type) {
        case 'StartTimer':
          // A closing step's new timers would only fire into a closed execution.
          if (closed) break;
          await tx.putTimer<TimerPayload>({
            id: timerRowId(executionArn, cmd.timerId),
            fireAt: cmd.fireAt,
            payload: { executionArn, timerId: cmd.timerId },
          });
          if (cmd.fireAt < fx.earliestTimer) fx.earliestTimer = cmd.fireAt;
          break;
        case 'CancelTimer':
          await tx.deleteTimer(timerRowId(executionArn, cmd.timerId));
          break;
        case 'InvokeTask':
          if (!closed) await scheduleInvoke(tx, fx, next, cmd, input.at);
          break;
        case 'CancelTask':
          await tx.removeTask(WORK_QUEUE, workId(executionArn, cmd.taskId));
          if (cmd.taskToken !== undefined) await closeTokenIn(tx, cmd.taskToken);
          fx.cancelled.push([executionArn, cmd.taskId]);
          break;
        case 'Continue':
          if (closed) break;
          await tx.enqueueTask<WorkPayload>(WORK_QUEUE, {
            id: `${executionArn}#continue`,
            payload: { kind: 'continue', executionArn },
            availableAt: 0,
          });
          fx.work = true;
          break;
      }
    }
    if (notifies) {
      if (fx.earliestTimer < timersBefore) await tx.notify(TIMERS_CHANNEL, `${node} ${fx.earliestTimer}`);
      if (fx.work && !workBefore) await tx.notify(WORK_CHANNEL, node);
      if (closed) await tx.notify(CLOSED_CHANNEL, executionArn);
    }
    if (closed) fx.closed.push(next);
    return next;
  };

  const afterCommit = (fx: Effects) => {
    for (const [arn, taskId] of fx.cancelled) abortTasks(arn, taskId);
    for (const arn of fx.activities) deps.onActivityTask?.(arn);
    if (fx.earliestTimer !== Number.POSITIVE_INFINITY) arm(fx.earliestTimer);
    if (fx.work) kickWork();
    for (const rec of fx.closed) {
      abortTasks(rec.arn);
      deps.onClosed?.(rec);
    }
  };

  const transact = async <T>(work: (tx: StorageTx, stepIn: StepIn) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const fx = newEffects();
      try {
        const result = await store.transaction((tx) =>
          work(tx, (arn, input, options = {}) => stepIn(tx, fx, arn, input, options)),
        );
        afterCommit(fx);
        return result;
      } catch (err) {
        // Another node (or connection) stepped the execution first: read it again and step from there.
        if (err instanceof ConcurrencyError && attempt < MAX_CONFLICT_RETRIES) continue;
        throw err;
      }
    }
  };

  const feed = (
    executionArn: string,
    input: ExecutionInput,
    options: FeedOptions = {},
  ): Promise<ExecutionRecord | undefined> => {
    const gen = generation;
    return deps.queues.run(executionArn, async () => {
      if (gen !== generation) return undefined;
      return transact((_tx, stepIn) => stepIn(executionArn, input, options));
    });
  };

  // ---- timers --------------------------------------------------------------------------------------------

  let armedAt: number | undefined;
  let firing: Promise<void> | undefined;
  let fireAgain = false;

  /** Sleeps until `fireAt` unless already sleeping until an earlier time. */
  const arm = (fireAt: number) => {
    if (armedAt !== undefined && armedAt <= fireAt) return;
    armedAt = fireAt;
    const gen = generation;
    deps.scheduler.schedule('sfn:timers', fireAt, () => {
      if (gen !== generation) return;
      armedAt = undefined;
      return fireDue();
    });
  };

  /** Fires every due timer (claimed and fed in one transaction per batch), then sleeps until the next one. */
  const fireDue = (): Promise<void> => {
    if (firing) {
      fireAgain = true;
      return firing;
    }
    const gen = generation;
    const run = async () => {
      try {
        do {
          fireAgain = false;
          for (;;) {
            if (gen !== generation) return;
            const now = clock.now();
            const claimed = await transact(async (tx, stepIn) => {
              const due = await tx.claimDueTimers<TimerPayload>(now, TIMER_BATCH, { idPrefix: TIMER_PREFIX });
              for (const t of due) {
                const { executionArn, timerId } = t.payload;
                await stepIn(executionArn, { type: 'TimerFired', at: now, timerId }, { tolerant: true });
              }
              return due.length;
            });
            if (claimed < TIMER_BATCH) break;
          }
        } while (fireAgain);
        if (gen !== generation) return;
        const next = await store.transaction((tx) => tx.nextTimer<TimerPayload>({ idPrefix: TIMER_PREFIX }));
        if (next) arm(next.fireAt);
      } finally {
        firing = undefined;
      }
    };
    firing = run();
    return firing;
  };

  // ---- work ----------------------------------------------------------------------------------------------

  let draining: Promise<void> | undefined;
  let drainAgain = false;

  const kickWork = () => {
    void drainWork().catch(deps.onError);
  };

  /** Claims available work items and starts them (without waiting for them to finish). */
  const drainWork = (claimNow?: number): Promise<void> => {
    if (draining) {
      drainAgain = true;
      return draining;
    }
    const run = async () => {
      try {
        do {
          drainAgain = false;
          for (;;) {
            const gen = generation;
            const claimed = await store.transaction(async (tx) => {
              const out: ClaimedTask<WorkPayload>[] = [];
              const now = claimNow ?? clock.now();
              for (let i = 0; i < WORK_BATCH; i++) {
                const t = await tx.claimTask<WorkPayload>(WORK_QUEUE, now, { leaseMs });
                if (!t) break;
                out.push(t);
              }
              return out;
            });
            if (gen !== generation) return;
            for (const t of claimed) void process(t).catch(deps.onError);
            if (claimed.length < WORK_BATCH) break;
          }
        } while (drainAgain);
      } finally {
        draining = undefined;
      }
    };
    draining = run();
    return draining;
  };

  /** Completes a work item in a transaction of its own. */
  const complete = (item: ClaimedTask<WorkPayload>) =>
    store.transaction((tx) => tx.completeTask(WORK_QUEUE, item.id, item.claims));

  /** A `before` hook: go on only if this node still holds the item (else another node has taken it over). */
  const completing =
    (item: ClaimedTask<WorkPayload>, token?: string) =>
    async (tx: StorageTx): Promise<boolean> => {
      if (!(await tx.completeTask(WORK_QUEUE, item.id, item.claims))) return false;
      if (token !== undefined) await closeTokenIn(tx, token);
      return true;
    };

  const process = async (item: ClaimedTask<WorkPayload>) => {
    const p = item.payload;
    if (p.kind === 'start') {
      const rec = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, p.executionArn));
      if (rec && !rec.snapshot && rec.status === 'RUNNING') {
        await feed(p.executionArn, startInputOf(rec), { before: completing(item) });
      } else await complete(item);
      return;
    }
    if (p.kind === 'continue') {
      // Yield to the event loop between budget-sized steps of a long execution.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      await feed(p.executionArn, { type: 'Continue', at: clock.now() }, { before: completing(item) });
      return;
    }
    await invoke(item, p);
  };

  /** Keeps a shared-store lease while the work goes on; aborts the work when another node took the item. */
  const holdLease = (item: ClaimedTask<WorkPayload>, work: AbortController): (() => void) => {
    if (!shared) return () => {};
    const stop = new AbortController();
    const onClose = () => stop.abort();
    lifetime.signal.addEventListener('abort', onClose, { once: true });
    void (async () => {
      while (!stop.signal.aborted) {
        if (!(await pause(leaseMs / 3, stop.signal))) return;
        const held = await store.transaction((tx) =>
          tx.renewTask(WORK_QUEUE, item.id, item.claims, clock.now() + leaseMs),
        );
        if (!held) {
          work.abort(new Error('[statecraft] The task was taken over by another node or cancelled.'));
          return;
        }
      }
    })().catch(() => {});
    return () => {
      stop.abort();
      lifetime.signal.removeEventListener('abort', onClose);
    };
  };

  const invoke = async (item: ClaimedTask<WorkPayload>, p: Extract<WorkPayload, { kind: 'invoke' }>) => {
    const { executionArn, cmd, token } = p;
    const rec = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, executionArn));
    if (rec?.status !== 'RUNNING') {
      await complete(item);
      return;
    }
    const callback = cmd.resource.endsWith('.waitForTaskToken');
    const call = taskCallOf(executionArn, cmd, p.stateMachineArn, p.testCase, token);
    const invoker = deps.invokers.find(cmd.resource, call);
    // No service to call for a callback task: the token is all there is; SendTask* answers it.
    if (callback && !invoker) {
      await complete(item);
      return;
    }
    const ac = new AbortController();
    let tasks = inFlight.get(executionArn);
    if (!tasks) {
      tasks = new Map();
      inFlight.set(executionArn, tasks);
    }
    tasks.set(cmd.taskId, ac);
    const release = holdLease(item, ac);
    let submittedSent = false;
    const submitted = (output: unknown) => {
      if (submittedSent || ac.signal.aborted) return;
      submittedSent = true;
      feed(executionArn, {
        type: 'TaskSubmitted',
        at: clock.now(),
        taskId: cmd.taskId,
        output: JSON.stringify(output ?? null),
      }).catch(deps.onError);
    };
    let outcome: TaskOutcome;
    try {
      outcome = invoker
        ? await invoker
            .invoke(call, { signal: ac.signal, now: () => clock.now(), submitted })
            .catch((err: unknown): TaskOutcome => ({ type: 'failed', error: 'States.Runtime', cause: String(err) }))
        : {
            type: 'failed',
            error: 'States.Runtime',
            cause: `[statecraft] No task invoker is configured for resource '${cmd.resource}'. Register a handler (functions, LAMBDA_ENDPOINT, a service *_ENDPOINT) or a mock configuration.`,
          };
    } finally {
      release();
      if (tasks.get(cmd.taskId) === ac) tasks.delete(cmd.taskId);
      if (tasks.size === 0 && inFlight.get(executionArn) === tasks) inFlight.delete(executionArn);
    }
    // Cancelled meanwhile (the step that cancelled it removed the item; a closed execution's stays): drop it.
    if (ac.signal.aborted) {
      await complete(item);
      return;
    }
    if (outcome.submitted !== undefined) submitted(outcome.submitted);
    // The outcome arrives later, through SendTask* on the token; so does a callback task's whose service call
    // succeeded. (A mock configuration answers with the task's final outcome instead.)
    if (outcome.type === 'pending' || (callback && outcome.type === 'succeeded' && call.testCase === undefined)) {
      await complete(item);
      return;
    }
    const at = clock.now();
    await feed(
      executionArn,
      outcome.type === 'succeeded'
        ? { type: 'TaskSucceeded', at, taskId: cmd.taskId, output: JSON.stringify(outcome.output ?? null) }
        : {
            type: 'TaskFailed',
            at,
            taskId: cmd.taskId,
            error: outcome.error,
            ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
          },
      { before: completing(item, token) },
    );
  };

  // ---- start, shared stores ------------------------------------------------------------------------------

  /**
   * Sleeps `ms` on the clock; false, at once, under a clock whose sleeps do not wait (a scaled clock at
   * scale 0), which cannot pace a periodic loop: the loop stops rather than spin.
   */
  const pause = async (ms: number, signal: AbortSignal): Promise<boolean> => {
    const sleep = clock.sleepUntil(clock.now() + ms, signal);
    let slept = false;
    sleep.then(
      () => {
        slept = true;
      },
      () => {},
    );
    for (let i = 0; i < 3; i++) await Promise.resolve();
    if (slept) return false;
    await sleep;
    return true;
  };

  /** The `Start` input of an execution whose record was written but whose first step never ran. */
  const startInputOf = (rec: ExecutionRecord): ExecutionInput => {
    const parsed = /^arn:[^:]+:states:([^:]+):(\d{12}):/.exec(rec.arn);
    return {
      type: 'Start',
      at: rec.startDate,
      input: rec.input,
      seed: Math.floor(Math.random() * 2 ** 31),
      execution: {
        executionArn: rec.arn,
        executionName: rec.name,
        stateMachineArn: rec.stateMachineVersionArn ?? rec.stateMachineArn,
        stateMachineName: rec.stateMachineName,
        roleArn: rec.roleArn,
        startTime: rec.startDate,
        redriveCount: 0,
        region: parsed?.[1] ?? deps.region,
        accountId: parsed?.[2] ?? deps.accountId,
      },
    };
  };

  /** Running executions that have nothing durable to drive them: their first step, or a step cut short. */
  const resumeExecutions = async () => {
    let afterKey: string | undefined;
    for (;;) {
      const page = await store.transaction((tx) =>
        tx.list<ExecutionRecord>(C.executions, { limit: 500, ...(afterKey !== undefined ? { afterKey } : {}) }),
      );
      for (const { value: rec } of page) {
        if (rec.status !== 'RUNNING') continue;
        if (!rec.snapshot) {
          feed(rec.arn, startInputOf(rec)).catch(deps.onError);
        } else if ((rec.snapshot as { queue?: unknown[] }).queue?.length) {
          // Threads ready to run (a step stopped at its budget): Continue is idempotent.
          feed(rec.arn, { type: 'Continue', at: clock.now() }).catch(deps.onError);
        }
      }
      if (page.length < 500) break;
      afterKey = page[page.length - 1]!.key;
    }
  };

  const listen = async () => {
    const signal = lifetime.signal;
    unsubscribes.push(
      await store.subscribe(
        TIMERS_CHANNEL,
        (payload) => {
          const [from, at] = (payload ?? '').split(' ');
          if (from === node) return;
          const fireAt = Number(at);
          if (payload !== undefined && Number.isFinite(fireAt)) arm(fireAt);
          else void fireDue().catch(deps.onError);
        },
        { signal },
      ),
      await store.subscribe(
        WORK_CHANNEL,
        (payload) => {
          if (payload !== node) kickWork();
        },
        { signal },
      ),
    );
    // Lost notifications, leases of nodes that died: look again now and then.
    void (async () => {
      while (!signal.aborted) {
        if (!(await pause(FALLBACK_CHECK_MS, signal))) return;
        await drainWork().catch(deps.onError);
        await fireDue().catch(deps.onError);
      }
    })().catch(() => {});
  };

  let started: Promise<void> | undefined;
  const start = () => {
    started ??= (async () => {
      if (!store.capabilities.durable && !shared) return;
      const signal = lifetime.signal;
      try {
        await store.init();
        if (shared) await listen();
        await resumeExecutions();
        await drainWork(shared ? undefined : SOLO_RECLAIM_NOW);
        await fireDue();
      } catch (err) {
        if (!signal.aborted) throw err; // closed meanwhile: the store may be gone
      }
    })();
    return started;
  };

  const guardStart = async (tx: StorageTx, executionArn: string, now: number) => {
    if (!shared) return; // a solo store's start-up recovery finds executions that never took their first step
    await tx.enqueueTask<WorkPayload>(WORK_QUEUE, {
      id: startWorkId(executionArn),
      payload: { kind: 'start', executionArn },
      availableAt: now + START_TAKEOVER_MS,
    });
  };

  return {
    feed,
    transact,
    machineFor,
    guardStart,
    start,
    clear() {
      generation++;
      machines.clear();
      armedAt = undefined;
    },
    async close() {
      generation++;
      armedAt = undefined;
      lifetime.abort();
      lifetime = new AbortController();
      const subs = unsubscribes.splice(0);
      await Promise.all(subs.map((u) => u().catch(() => {})));
    },
  };
}
