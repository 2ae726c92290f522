/**
 * The Amazon SWF service: its 39 operations over a store.
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_Operations.html
 */
import type { Clock, InvokerRegistry, Service } from '@statecraft/engine';
import { createScheduler, createWaiters } from '@statecraft/engine';
import type { StorageDriver } from '@statecraft/storage';
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
  const waiters = createWaiters(clock);
  const rt = new Runtime({
    store,
    clock,
    scheduler,
    waiters,
    ...(options.invokers ? { invokers: options.invokers } : {}),
    newRunId: options.newRunId ?? defaultRunId,
    onError,
  });
  const pollTimeoutMs = Math.max(0, (options.pollTimeoutSeconds ?? 60) * 1000);
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
      rt.clear();
      scheduler.clear();
    },
  };
}
