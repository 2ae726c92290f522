/**
 * The interpreter's contract: a pure, asynchronous step function.
 *
 *   step(machine, snapshot | undefined, input) → { snapshot, events, commands, status }
 *
 * Time, randomness and the outside world arrive as inputs (`at`, `seed`, task outcomes, timer firings);
 * effects leave as commands (start/cancel a timer, invoke a task, continue). The engine carries out
 * commands and feeds the results back as further inputs. It is async only because JSONata evaluation is.
 */
import type { HistoryEvent } from '@statecraft/history';

/** Facts about the execution that the context object (`$$`) exposes. @public */
export interface ExecutionInfo {
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string | null;
  /** Epoch ms. */
  readonly startTime: number;
  readonly redriveCount: number;
  /** Epoch ms of the last redrive (`$$.Execution.RedriveTime`); absent until the first one. */
  readonly redriveTime?: number;
  /** Region and account, for ARNs the interpreter builds (map runs, child executions, task events). */
  readonly region: string;
  readonly accountId: string;
}

/** Inputs fed to {@link step}. Every input carries `at`, epoch ms. @public */
export type ExecutionInput =
  | {
      readonly type: 'Start';
      readonly at: number;
      /** The execution input, as JSON text, byte for byte as the user sent it. */
      readonly input: string;
      readonly execution: ExecutionInfo;
      /** Seed for every random value the execution needs (UUIDs, tokens, jitter, $random). */
      readonly seed: number;
    }
  | { readonly type: 'Continue'; readonly at: number }
  | { readonly type: 'TimerFired'; readonly at: number; readonly timerId: string }
  /** An activity worker picked the task up (GetActivityTask). */
  | { readonly type: 'TaskStarted'; readonly at: number; readonly taskId: string; readonly workerName?: string }
  | { readonly type: 'TaskHeartbeat'; readonly at: number; readonly taskId: string }
  /**
   * A `.sync` / `.waitForTaskToken` task's request was accepted (`output` = the service's response, JSON
   * text). Recorded as `TaskSubmitted`; the final outcome arrives later as TaskSucceeded/TaskFailed.
   */
  | { readonly type: 'TaskSubmitted'; readonly at: number; readonly taskId: string; readonly output: string }
  /** `output` is the task's result as JSON text. */
  | { readonly type: 'TaskSucceeded'; readonly at: number; readonly taskId: string; readonly output: string }
  | {
      readonly type: 'TaskFailed';
      readonly at: number;
      readonly taskId: string;
      readonly error: string;
      readonly cause?: string;
    }
  /** StopExecution. */
  | { readonly type: 'Stop'; readonly at: number; readonly error?: string; readonly cause?: string }
  /**
   * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution resumes from the states that did not finish,
   * with the input they had; finished states, Parallel branches and Map iterations are not run again. The
   * step records `ExecutionRedriven` and returns a `Continue` command; the states run on the next input.
   * A closed execution that cannot be redriven (SUCCEEDED, or closed without its threads) ignores it.
   */
  | { readonly type: 'Redrive'; readonly at: number };

/** Effects for the engine to carry out. @public */
export type Command =
  | { readonly type: 'StartTimer'; readonly timerId: string; readonly fireAt: number }
  | { readonly type: 'CancelTimer'; readonly timerId: string }
  | {
      readonly type: 'InvokeTask';
      readonly taskId: string;
      readonly resource: string;
      /** Effective parameters, a JSON value. */
      readonly parameters: unknown;
      readonly stateName: string;
      readonly taskToken?: string;
      /** Zero-based invocation number of this Task state in the execution. */
      readonly attempt: number;
      readonly timeoutSeconds?: number;
      readonly heartbeatSeconds?: number;
    }
  | { readonly type: 'CancelTask'; readonly taskId: string; readonly taskToken?: string }
  /** The step stopped at its work budget; feed `{type: 'Continue'}` to go on. */
  | { readonly type: 'Continue' };

/** @public */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * The whole execution state as plain JSON (versioned). Resuming from a snapshot continues exactly where
 * it stopped. Its inner structure belongs to the interpreter; callers only read the fields below.
 * @public
 */
export interface ExecutionSnapshot {
  readonly version: number;
  readonly status: ExecutionStatus;
  /** The id the next history event will get. */
  readonly nextEventId: number;
  /** Set once the execution has closed. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly [internal: string]: unknown;
}

/**
 * A child execution of a distributed Map (`ExecutionType: STANDARD`) that a step started or changed. The
 * children run inside their parent's snapshot; each keeps a history of its own, numbered from 1.
 * @public
 */
export interface ChildExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly mapRunArn: string;
  /** The Map state's label (or name): the child ARN's `<smName>/<label>` part. */
  readonly label: string;
  /** The input, as JSON text. */
  readonly input: string;
  readonly status: ExecutionStatus;
  /** Epoch ms. */
  readonly startDate: number;
  readonly stopDate?: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** The id the child's next history event will get. */
  readonly nextEventId: number;
  /** The child's new history events in this step, in its own id space (the first one's id is where to append). */
  readonly events: HistoryEvent[];
}

/** @public */
export interface StepResult {
  readonly snapshot: ExecutionSnapshot;
  /** New history events, numbered from the input snapshot's `nextEventId`. */
  readonly events: HistoryEvent[];
  readonly commands: Command[];
  /** Child executions of distributed Maps the step started or changed (absent when none). */
  readonly children?: ChildExecution[];
}

/** @public */
export interface StepOptions {
  /** Upper bound on state transitions per call, so a long loop yields to the event loop. Default 1000. */
  readonly maxTransitions?: number;
}
