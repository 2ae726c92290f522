/**
 * The Step Functions service: its 37 operations over a store, driving the interpreter through the runner.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */
import { validateDefinition } from '@statecraft/asl';
import type { Clock, InvokerRegistry, Operation, RequestContext, Scheduler, Service } from '@statecraft/engine';
import { createInvokerRegistry, createScheduler, createSerialQueues, createWaiters } from '@statecraft/engine';
import { readChildExecutionArns, readMapRuns } from '@statecraft/interpreter';
import type { StorageDriver } from '@statecraft/storage';
import { createStorageWaiters } from '@statecraft/storage';
import { activityOperations } from './activities.js';
import { num, type SfnContext, str } from './context.js';
import { executionOperations } from './executions.js';
import { mapRunOperations } from './map-runs.js';
import { C, type ExecutionRecord, type StateMachineRecord } from './records.js';
import { CLOSED_CHANNEL, createRunner, type Runner } from './runner.js';
import { purgeStateMachine, runningExecutionsOf, stateMachineOperations } from './state-machines.js';
import { tagOperations } from './tags.js';
import { testStateOperation } from './test-state.js';

/** Options for {@link createSfnService}. @public */
export interface SfnServiceOptions {
  readonly store: StorageDriver;
  readonly clock: Clock;
  readonly invokers?: InvokerRegistry;
  /** Default region and account (a request's own region, from its signature, wins). */
  readonly region: string;
  readonly accountId: string;
  /** Where background failures go (default: console.error). */
  readonly onError?: (err: unknown) => void;
  /**
   * How long GetActivityTask holds a poll with no task, in seconds (AWS: 60). Default: the environment
   * variable `STATECRAFT_ACTIVITY_POLL_TIMEOUT`, else 60.
   */
  readonly activityPollTimeoutSeconds?: number;
  /**
   * Whether DescribeStateMachine, DescribeStateMachineForExecution and DescribeActivity report
   * `encryptionConfiguration` (`{"type":"AWS_OWNED_KEY"}` by default), as AWS does since it added
   * customer managed keys in 2024. Default true; false reproduces the older responses.
   */
  readonly describeEncryptionConfiguration?: boolean;
  /**
   * Behave as AWS did on this date (`YYYY-MM-DD`), for tests pinned to older recordings. AWS changed, over
   * time: the `encryptionConfiguration` member of Describe* (absent before its 2024 launch; this option
   * places it at 2024-10-01), the `previousEventId` of a distributed Map's `MapStateExited` (before
   * 2024-11-01), and redrive (launched 2023-11-15: `$$.Execution.RedriveCount`, `redriveCount`/`redriveStatus`
   * of executions). Default: current AWS behaviour.
   */
  readonly compatibilityDate?: string;
  /**
   * How many closed executions are kept (records and histories); the oldest closed ones are removed beyond
   * it, so a long-running emulator's memory stays bounded. AWS keeps closed executions for 90 days.
   * Default: 10,000 on a store that is not durable (memory), unbounded on durable stores.
   */
  readonly maxClosedExecutions?: number;
}

/** First date (by {@link SfnServiceOptions.compatibilityDate}) on which Describe* report encryptionConfiguration. */
const ENCRYPTION_CONFIGURATION_SINCE = '2024-10-01';
/** AWS launched execution redrive on 2023-11-15: executions report redrive members from then on. */
const REDRIVE_SINCE = '2023-11-15';

/** The Step Functions service. @public */
export interface SfnService extends Service {
  readonly scheduler: Scheduler;
  readonly invokers: InvokerRegistry;
}

function envPollSeconds(): number | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const raw = env?.STATECRAFT_ACTIVITY_POLL_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Creates the Step Functions service.
 * @public
 */
export function createSfnService(options: SfnServiceOptions): SfnService {
  const { store, clock } = options;
  const onError = options.onError ?? ((err: unknown) => console.error('[statecraft] sfn background failure:', err));
  const scheduler = createScheduler(clock, onError);
  const queues = createSerialQueues();
  const invokers = options.invokers ?? createInvokerRegistry();
  // GetActivityTask long polls: a store that notifies across nodes wakes a poll on node A when node B queues
  // a task (the runner notifies in the transaction that queues it); otherwise in-process waiters do.
  const crossNode = store.capabilities.notify;
  const waiters = crossNode ? createStorageWaiters(store, clock) : createWaiters(clock);
  const closeWaiters = new Map<string, Set<(rec: ExecutionRecord) => void>>();
  let unsubscribeClosed: (() => Promise<void>) | undefined;

  const maxClosed = options.maxClosedExecutions ?? (store.capabilities.durable ? Number.POSITIVE_INFINITY : 10_000);
  /** Closed executions in closing order (this process's view), for the retention bound. */
  let closedOrder: string[] = [];
  let closedHead = 0;
  const retain = (arn: string) => {
    if (!Number.isFinite(maxClosed)) return;
    closedOrder.push(arn);
    const excess = closedOrder.length - closedHead - maxClosed;
    if (excess <= 0) return;
    const expired = closedOrder.slice(closedHead, closedHead + excess);
    closedHead += excess;
    if (closedHead > 4096 && closedHead * 2 > closedOrder.length) {
      closedOrder = closedOrder.slice(closedHead);
      closedHead = 0;
    }
    void store
      .transaction(async (tx) => {
        for (const old of expired) {
          // with its map runs and their child executions
          const rec = await tx.get<ExecutionRecord>(C.executions, old);
          if (rec?.snapshot) {
            for (const child of readChildExecutionArns(rec.snapshot)) {
              await tx.delete(C.executions, child);
              await tx.deleteStream(child);
            }
            for (const run of readMapRuns(rec.snapshot)) await tx.delete(C.mapRuns, run.mapRunArn);
          }
          await tx.delete(C.executions, old);
          await tx.deleteStream(old);
        }
      })
      .catch(onError);
  };

  const onClosed = (rec: ExecutionRecord) => {
    if (rec.type !== 'EXPRESS') retain(rec.arn);
    const set = closeWaiters.get(rec.arn);
    if (set) {
      for (const resolve of set) resolve(rec);
    } else if (rec.type === 'EXPRESS') {
      // Express executions leave nothing to describe behind them.
      void store
        .transaction(async (tx) => {
          await tx.delete(C.executions, rec.arn);
          await tx.deleteStream(rec.arn);
        })
        .catch(onError);
    }
    void (async () => {
      const sm = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, rec.stateMachineArn));
      if (sm?.status === 'DELETING' && (await runningExecutionsOf(ctx, sm.arn)) === 0) {
        await purgeStateMachine(ctx, sm.arn);
      }
    })().catch(onError);
  };

  const runner: Runner = createRunner({
    store,
    clock,
    scheduler,
    queues,
    invokers,
    region: options.region,
    accountId: options.accountId,
    onError,
    onClosed,
    onActivityTask: (arn) => {
      if (!crossNode) waiters.notify(`activity:${arn}`);
    },
    ...(options.compatibilityDate !== undefined ? { compatibilityDate: options.compatibilityDate } : {}),
  });

  const ctx: SfnContext = {
    store,
    clock,
    runner,
    scheduler,
    invokers,
    waiters,
    region: options.region,
    accountId: options.accountId,
    onError,
    activityPollMs: (options.activityPollTimeoutSeconds ?? envPollSeconds() ?? 60) * 1000,
    describeEncryption:
      options.describeEncryptionConfiguration ??
      (options.compatibilityDate === undefined || options.compatibilityDate >= ENCRYPTION_CONFIGURATION_SINCE),
    describeRedrive: options.compatibilityDate === undefined || options.compatibilityDate >= REDRIVE_SINCE,
    closeWaiters,
  };

  // Durable or shared stores: pick up what a previous process (or a node that died) left, then keep the timers
  // and work queue going. Starts at once: timers must fire without a request coming in.
  void runner.start().catch(onError);
  if (crossNode) {
    // StartSyncExecution waiting here for an execution another node closed.
    void store
      .subscribe(CLOSED_CHANNEL, (arn) => {
        if (arn === undefined || !closeWaiters.has(arn)) return;
        void store
          .transaction((tx) => tx.get<ExecutionRecord>(C.executions, arn))
          .then((rec) => {
            if (rec && rec.status !== 'RUNNING') for (const resolve of closeWaiters.get(arn) ?? []) resolve(rec);
          })
          .catch(onError);
      })
      .then((off) => {
        unsubscribeClosed = off;
      })
      .catch(onError);
  }

  const operations: Record<string, Operation> = {
    ...stateMachineOperations(ctx),
    ...executionOperations(ctx),
    ...activityOperations(ctx),
    ...mapRunOperations(ctx),
    ...tagOperations(ctx),
    TestState: testStateOperation(ctx),

    async ValidateStateMachineDefinition(input) {
      const type = str(input, 'type') === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
      const severity = str(input, 'severity') === 'WARNING' ? 'WARNING' : 'ERROR';
      const maxResults = num(input, 'maxResults');
      const result = validateDefinition(str(input, 'definition') ?? '', {
        type,
        severity,
        ...(maxResults !== undefined ? { maxResults } : {}),
      });
      return { result: result.result, diagnostics: result.diagnostics, truncated: result.truncated };
    },
  };

  return {
    targetPrefix: 'AWSStepFunctions',
    operations,
    scheduler,
    invokers,
    async reset() {
      scheduler.clear();
      runner.clear();
      closeWaiters.clear();
      closedOrder = [];
      closedHead = 0;
      await queues.idle();
    },
    async close() {
      scheduler.clear();
      runner.clear();
      await runner.close();
      await unsubscribeClosed?.().catch(() => {});
      closeWaiters.clear();
    },
  };
}

export type { RequestContext };
