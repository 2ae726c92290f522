/**
 * The execution runner: feeds inputs to the pure interpreter one at a time per execution, writes the new
 * snapshot and history events in one transaction, and carries out the commands it returns (timers, task
 * invocations, continuation).
 */
import type { Clock, InvokerRegistry, Scheduler, SerialQueues, TaskCall, TaskOutcome } from '@statecraft/engine';
import type { Command, ExecutionInput, Machine } from '@statecraft/interpreter';
import { compileMachine, readMapRuns, step } from '@statecraft/interpreter';
import type { StorageDriver } from '@statecraft/storage';
import { C, type ExecutionRecord, type TokenRecord } from './records.js';

/** Activity resources: `arn:aws:states:<region>:<account>:activity:<name>`. @internal */
export const ACTIVITY_RE = /^arn:[^:]+:states:[^:]+:\d{12}:activity:[^:]+$/;

/** The task queue of an activity. @internal */
export function activityQueue(activityArn: string): string {
  return `sfn:activity:${activityArn}`;
}

/** A fresh opaque task token (AWS's are long base64 strings). @internal */
export function createTaskToken(): string {
  const bytes = new Uint8Array(96);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `AQC${btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
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
}

/** @internal */
export interface Runner {
  /** Feeds one input to an execution and carries out the resulting commands. */
  feed(executionArn: string, input: ExecutionInput, options?: FeedOptions): Promise<ExecutionRecord | undefined>;
  machineFor(definition: string): Machine;
  /** Drops in-memory caches and pending timers (reset). */
  clear(): void;
}

/** @internal */
export function createRunner(deps: RunnerDeps): Runner {
  const machines = new Map<string, Machine>();
  /** Invocations in flight, by execution then task id: aborted on CancelTask and when the execution closes. */
  const inFlight = new Map<string, Map<string, AbortController>>();
  let generation = 0;

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

  const feed = (
    executionArn: string,
    input: ExecutionInput,
    options: FeedOptions = {},
  ): Promise<ExecutionRecord | undefined> => {
    const gen = generation;
    return deps.queues.run(executionArn, async () => {
      if (gen !== generation) return undefined;
      const record = await deps.store.transaction(async (tx) => {
        const rec = await tx.get<ExecutionRecord>(C.executions, executionArn);
        if (!rec) return undefined;
        if (rec.snapshot && rec.snapshot.status !== 'RUNNING' && !options.reopen) return undefined;
        const machine = machineFor(rec.definition);
        const result = await step(machine, rec.snapshot, input);
        const from = rec.snapshot?.nextEventId ?? 1;
        if (result.events.length > 0) await tx.appendEvents(executionArn, from, result.events);
        const closed = result.snapshot.status !== 'RUNNING';
        const reopened = !closed && rec.status !== 'RUNNING';
        const { stopDate: _stop, ...open } = rec;
        const next: ExecutionRecord = {
          ...(reopened ? open : rec),
          snapshot: result.snapshot,
          status: result.snapshot.status,
          ...(closed && rec.status === 'RUNNING' ? { stopDate: input.at } : {}),
          ...(reopened ? { redriveCount: rec.redriveCount + 1, redriveDate: input.at } : {}),
        };
        await tx.put(C.executions, executionArn, next);
        // Map runs of distributed Map states, for DescribeMapRun / ListMapRuns.
        for (const run of readMapRuns(result.snapshot)) await tx.put(C.mapRuns, run.mapRunArn, { ...run });
        return { next, commands: result.commands };
      });
      if (!record) return undefined;
      for (const cmd of record.commands) carryOut(executionArn, cmd);
      if (record.next.status !== 'RUNNING') {
        for (const cmd of record.commands)
          if (cmd.type === 'StartTimer') deps.scheduler.cancel(`${executionArn}#${cmd.timerId}`);
        abortTasks(executionArn);
        deps.onClosed?.(record.next);
      }
      return record.next;
    });
  };

  const feedLater = (executionArn: string, make: () => ExecutionInput) => {
    feed(executionArn, make()).catch(deps.onError);
  };

  const carryOut = (executionArn: string, cmd: Command) => {
    switch (cmd.type) {
      case 'StartTimer':
        deps.scheduler.schedule(`${executionArn}#${cmd.timerId}`, cmd.fireAt, () =>
          feedLater(executionArn, () => ({ type: 'TimerFired', at: deps.clock.now(), timerId: cmd.timerId })),
        );
        break;
      case 'CancelTimer':
        deps.scheduler.cancel(`${executionArn}#${cmd.timerId}`);
        break;
      case 'Continue':
        setTimeout(() => feedLater(executionArn, () => ({ type: 'Continue', at: deps.clock.now() })), 0);
        break;
      case 'InvokeTask': {
        void carryOutInvoke(executionArn, cmd).catch(deps.onError);
        break;
      }
      case 'CancelTask':
        abortTasks(executionArn, cmd.taskId);
        if (cmd.taskToken !== undefined) void cancelToken(cmd.taskToken).catch(deps.onError);
        break;
    }
  };

  const closeToken = (token: string) => cancelToken(token);
  const cancelToken = async (token: string) => {
    await deps.store.transaction(async (tx) => {
      const rec = await tx.get<TokenRecord>(C.tokens, token);
      if (rec?.activityArn) await tx.removeTask(activityQueue(rec.activityArn), token);
      if (rec) await tx.put(C.tokens, token, { ...rec, closed: true });
    });
  };

  const carryOutInvoke = async (executionArn: string, cmd: Extract<Command, { type: 'InvokeTask' }>) => {
    const rec = await deps.store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, executionArn));
    const parsed = /^arn:[^:]+:states:([^:]+):(\d{12}):/.exec(executionArn);
    const callback = cmd.resource.endsWith('.waitForTaskToken');
    const activity = ACTIVITY_RE.test(cmd.resource);
    const token = callback || activity ? (cmd.taskToken ?? createTaskToken()) : undefined;
    const call: TaskCall = {
      resource: cmd.resource,
      parameters: cmd.parameters,
      executionArn,
      stateMachineArn: rec?.stateMachineArn ?? '',
      stateName: cmd.stateName,
      region: parsed?.[1] ?? deps.region,
      accountId: parsed?.[2] ?? deps.accountId,
      attempt: cmd.attempt,
      ...(rec?.testCase !== undefined ? { testCase: rec.testCase } : {}),
      ...(token !== undefined ? { taskToken: token } : {}),
    };
    if (token !== undefined) {
      const tokenRec: TokenRecord = {
        token,
        executionArn,
        taskId: cmd.taskId,
        kind: activity ? 'activity' : 'callback',
        ...(activity ? { activityArn: cmd.resource } : {}),
        input: JSON.stringify(cmd.parameters ?? {}),
        createdAt: deps.clock.now(),
        ...(cmd.heartbeatSeconds !== undefined ? { heartbeatSeconds: cmd.heartbeatSeconds } : {}),
        ...(cmd.timeoutSeconds !== undefined ? { timeoutSeconds: cmd.timeoutSeconds } : {}),
      };
      await deps.store.transaction(async (tx) => {
        await tx.put(C.tokens, token, tokenRec);
        if (activity) {
          await tx.enqueueTask(activityQueue(cmd.resource), { id: token, payload: token, availableAt: 0 });
        }
      });
      if (activity) {
        deps.onActivityTask?.(cmd.resource);
        return;
      }
    }
    const invoker = deps.invokers.find(cmd.resource, call);
    // No service to call for a callback task: the token is all there is; SendTask* answers it.
    if (callback && !invoker) return;
    const ac = new AbortController();
    let tasks = inFlight.get(executionArn);
    if (!tasks) {
      tasks = new Map();
      inFlight.set(executionArn, tasks);
    }
    tasks.set(cmd.taskId, ac);
    let submittedSent = false;
    const submitted = (output: unknown) => {
      if (submittedSent || ac.signal.aborted) return;
      submittedSent = true;
      feedLater(executionArn, () => ({
        type: 'TaskSubmitted',
        at: deps.clock.now(),
        taskId: cmd.taskId,
        output: JSON.stringify(output ?? null),
      }));
    };
    const outcome: TaskOutcome = invoker
      ? await invoker
          .invoke(call, { signal: ac.signal, now: () => deps.clock.now(), submitted })
          .catch((err: unknown): TaskOutcome => ({ type: 'failed', error: 'States.Runtime', cause: String(err) }))
      : {
          type: 'failed',
          error: 'States.Runtime',
          cause: `[statecraft] No task invoker is configured for resource '${cmd.resource}'. Register a handler (functions, LAMBDA_ENDPOINT, a service *_ENDPOINT) or a mock configuration.`,
        };
    if (tasks.get(cmd.taskId) === ac) tasks.delete(cmd.taskId);
    if (ac.signal.aborted) return; // the task was cancelled meanwhile: its outcome no longer matters
    if (outcome.submitted !== undefined) submitted(outcome.submitted);
    if (outcome.type === 'pending') return;
    // A callback task's service call succeeded: the result arrives later through SendTask* on the token.
    // (A mock configuration answers with the task's final outcome instead.)
    if (callback && outcome.type === 'succeeded' && call.testCase === undefined) return;
    if (token !== undefined) await closeToken(token);
    feedLater(executionArn, () =>
      outcome.type === 'succeeded'
        ? {
            type: 'TaskSucceeded',
            at: deps.clock.now(),
            taskId: cmd.taskId,
            output: JSON.stringify(outcome.output ?? null),
          }
        : {
            type: 'TaskFailed',
            at: deps.clock.now(),
            taskId: cmd.taskId,
            error: outcome.error,
            ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
          },
    );
  };

  return {
    feed,
    machineFor,
    clear() {
      generation++;
      machines.clear();
    },
  };
}
