/**
 * Task invokers: how a Task state reaches the outside. The interpreter only emits `InvokeTask` commands;
 * the engine finds the invoker whose `matches(resource)` is true and feeds the outcome back.
 */

/** A call to make. @public */
export interface TaskCall {
  /** The Task's `Resource`, as written. */
  readonly resource: string;
  /** The effective parameters (JSON value). */
  readonly parameters: unknown;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateName: string;
  /** The task token, for `.waitForTaskToken` and activities. */
  readonly taskToken?: string;
  readonly region: string;
  readonly accountId: string;
  /** Zero-based invocation number of this Task state in the execution (retries and re-visits count). */
  readonly attempt: number;
  /** Step Functions Local mock test case (`#TestCase` suffix), when given. */
  readonly testCase?: string;
}

/** What an invocation came to. @public */
export type TaskOutcome = (
  | { readonly type: 'succeeded'; readonly output: unknown }
  | { readonly type: 'failed'; readonly error: string; readonly cause?: string }
  /** The outcome arrives later (activity, `.waitForTaskToken`): through SendTask* on the token. */
  | { readonly type: 'pending' }
) & {
  /** The submission response, when the invoker did not report it through `ctx.submitted`. */
  readonly submitted?: unknown;
};

/** @public */
export interface InvokeContext {
  /** Aborted when the task no longer matters (timed out, execution stopped or closed). */
  readonly signal: AbortSignal;
  now(): number;
  /**
   * Reports that a `.sync`/`.waitForTaskToken` task was submitted (the service accepted the call), with the
   * service's response; recorded as `TaskSubmitted` before the final outcome. Call at most once.
   */
  submitted?(output: unknown): void;
}

/** @public */
export interface TaskInvoker {
  readonly name: string;
  matches(resource: string, call?: TaskCall): boolean;
  invoke(call: TaskCall, ctx: InvokeContext): Promise<TaskOutcome>;
}

/** An ordered list of invokers; the first that matches wins. @public */
export interface InvokerRegistry {
  register(invoker: TaskInvoker, options?: { first?: boolean }): void;
  find(resource: string, call?: TaskCall): TaskInvoker | undefined;
  readonly invokers: readonly TaskInvoker[];
}

/** @public */
export function createInvokerRegistry(initial: readonly TaskInvoker[] = []): InvokerRegistry {
  const list: TaskInvoker[] = [...initial];
  return {
    register(invoker, options) {
      if (options?.first) list.unshift(invoker);
      else list.push(invoker);
    },
    find(resource, call) {
      return list.find((i) => i.matches(resource, call));
    },
    get invokers() {
      return list;
    },
  };
}
