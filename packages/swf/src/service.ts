/**
 * The Amazon SWF service: its 39 operations over a store.
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_Operations.html
 */
import type { Clock, InvokerRegistry, Service } from '@statecraft/engine';
import { createScheduler, createWaiters } from '@statecraft/engine';
import type { StorageDriver } from '@statecraft/storage';
import { createStorageWaiters } from '@statecraft/storage';
import { executionOperations } from './operations/executions.js';
import { registrationOperations } from './operations/registration.js';
import { Runtime } from './operations/runtime.js';
import { taskOperations } from './operations/tasks.js';

/** Options for {@link createSwfService}. @public */
export interface SwfServiceOptions {
  readonly store: StorageDriver;
  readonly clock: Clock;
  /**
   * How long PollForDecisionTask / PollForActivityTask hold when no task is available, in seconds
   * (AWS: 60). The CLI maps `STATECRAFT_SWF_POLL_TIMEOUT` here.
   */
  readonly pollTimeoutSeconds?: number;
  /** Send `taskToken: ""` in empty poll answers (AWS docs) instead of omitting it (what clients expect). */
  readonly emptyTaskToken?: boolean;
  /** Invokers for `ScheduleLambdaFunction` decisions (matched on the function name). */
  readonly invokers?: InvokerRegistry;
  /** Run id generator (default: 45-character base64 ids like AWS's). */
  readonly newRunId?: () => string;
  /** Where background failures are reported (default: console.error). */
  readonly onError?: (err: unknown) => void;
  /**
   * On stores several nodes share (`capabilities.multipleConnections`), how often each node re-checks for
   * due timers besides the `swf:timers` notifications, in seconds (default 5): a notification lost while a
   * connection was re-established, or a node that died mid-firing, delays a timer by at most this much.
   */
  readonly timerRecheckSeconds?: number;
}

/** @public */
export type SwfService = Service;

/** AWS-like run id: 45 characters of base64 (may contain `+` and `/`). */
function defaultRunId(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `2${btoa(s)}`;
}

/** @public */
export function createSwfService(options: SwfServiceOptions): SwfService {
  const { store, clock } = options;
  const onError = options.onError ?? ((err: unknown) => console.error('[statecraft] SWF background failure:', err));
  const scheduler = createScheduler(clock, onError);
  // On PostgreSQL a task enqueued on one node wakes the long polls of every node (LISTEN/NOTIFY): the
  // committing transaction sends it with `tx.notify`. Elsewhere the waiters are in process.
  const storeWakesPolls = store.capabilities.notify;
  const waiters = storeWakesPolls ? createStorageWaiters(store, clock) : createWaiters(clock);
  const rt = new Runtime({
    store,
    clock,
    scheduler,
    waiters,
    storeWakesPolls,
    timerRecheckMs: Math.max(100, (options.timerRecheckSeconds ?? 5) * 1000),
    ...(options.invokers ? { invokers: options.invokers } : {}),
    newRunId: options.newRunId ?? defaultRunId,
    onError,
  });
  const pollTimeoutMs = Math.max(0, (options.pollTimeoutSeconds ?? 60) * 1000);
  // Start-up recovery: timers that fell due while no node ran fire now, not on the first request.
  void rt.start();
  return {
    targetPrefix: 'SimpleWorkflowService',
    operations: {
      ...registrationOperations(store, clock),
      ...executionOperations(rt),
      ...taskOperations(rt, { pollTimeoutMs, emptyTaskToken: options.emptyTaskToken ?? false }),
    },
    async reset() {
      rt.clear();
    },
    async close() {
      await rt.stop();
      scheduler.clear();
    },
  };
}
