/**
 * The Step Functions service: its operations over a store, driving the interpreter through the runner.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */
import type { Clock, InvokerRegistry, Operation, RequestContext, Scheduler, Service } from '@statecraft/engine';
import { AwsServiceError, createInvokerRegistry, createScheduler, createSerialQueues } from '@statecraft/engine';
import type { HistoryEvent } from '@statecraft/history';
import { bindingOf, paginate } from '@statecraft/history';
import type { StorageDriver } from '@statecraft/storage';
import { executionArn, parseArn, requireArn, stateMachineArn } from './arns.js';
import { checkDefinition, parseExecutionInput } from './definitions.js';
import { requireValidName } from './names.js';
import { C, type ExecutionRecord, type StateMachineRecord } from './records.js';
import { createRunner } from './runner.js';

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
}

/** The Step Functions service. @public */
export interface SfnService extends Service {
  readonly scheduler: Scheduler;
  readonly invokers: InvokerRegistry;
}

const DEFAULT_LOGGING = { level: 'OFF', includeExecutionData: false } as const;
const DEFAULT_TRACING = { enabled: false } as const;
const HISTORY_TOKEN_TTL_MS = 60_000;

function str(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

function date(ms: number): Date {
  return new Date(ms);
}

function invalidToken(): AwsServiceError {
  return new AwsServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
}

function smDoesNotExist(arn: string): AwsServiceError {
  return new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
}

function execDoesNotExist(arn: string): AwsServiceError {
  return new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
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
  const runner = createRunner({
    store,
    clock,
    scheduler,
    queues,
    invokers,
    region: options.region,
    accountId: options.accountId,
    onError,
  });

  const getStateMachine = async (arn: string): Promise<StateMachineRecord> => {
    requireArn(arn, ['stateMachine']);
    const rec = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, arn));
    if (!rec) throw smDoesNotExist(arn);
    return rec;
  };

  const getExecution = async (arn: string): Promise<ExecutionRecord> => {
    requireArn(arn, ['execution', 'express']);
    const rec = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, arn));
    if (!rec) throw execDoesNotExist(arn);
    return rec;
  };

  const redrive = (rec: ExecutionRecord): Record<string, unknown> => {
    if (rec.status === 'FAILED' || rec.status === 'TIMED_OUT' || rec.status === 'ABORTED') {
      return { redriveStatus: 'REDRIVABLE' };
    }
    return {
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: `Execution is ${rec.status} and cannot be redriven`,
    };
  };

  const operations: Record<string, Operation> = {
    async CreateStateMachine(input, ctx) {
      const name = str(input, 'name') ?? '';
      requireValidName(name);
      const definition = str(input, 'definition') ?? '';
      checkDefinition(definition);
      const type = (str(input, 'type') ?? 'STANDARD') as 'STANDARD' | 'EXPRESS';
      const arn = stateMachineArn(ctx.region, ctx.accountId, name);
      const roleArn = str(input, 'roleArn') ?? '';
      const loggingConfiguration = (input.loggingConfiguration as Record<string, unknown>) ?? DEFAULT_LOGGING;
      const tracingConfiguration = (input.tracingConfiguration as Record<string, unknown>) ?? DEFAULT_TRACING;
      return store.transaction(async (tx) => {
        const existing = await tx.get<StateMachineRecord>(C.stateMachines, arn);
        if (existing) {
          // AWS: creating the same machine again (same definition, role and type) is idempotent.
          if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) {
            return { stateMachineArn: arn, creationDate: date(existing.creationDate) };
          }
          throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
        }
        const rec: StateMachineRecord = {
          arn,
          name,
          definition,
          roleArn,
          type,
          creationDate: clock.now(),
          loggingConfiguration: { ...DEFAULT_LOGGING, ...loggingConfiguration },
          tracingConfiguration: { ...DEFAULT_TRACING, ...tracingConfiguration },
        };
        await tx.put(C.stateMachines, arn, rec);
        return { stateMachineArn: arn, creationDate: date(rec.creationDate) };
      });
    },

    async DescribeStateMachine(input) {
      const rec = await getStateMachine(str(input, 'stateMachineArn') ?? '');
      return {
        stateMachineArn: rec.arn,
        name: rec.name,
        status: 'ACTIVE',
        definition: rec.definition,
        roleArn: rec.roleArn,
        type: rec.type,
        creationDate: date(rec.creationDate),
        loggingConfiguration: rec.loggingConfiguration,
        tracingConfiguration: rec.tracingConfiguration,
        ...(rec.revisionId ? { revisionId: rec.revisionId } : {}),
        ...(rec.description !== undefined ? { description: rec.description } : {}),
      };
    },

    async ListStateMachines(input, ctx) {
      const all = await store.transaction((tx) => tx.list<StateMachineRecord>(C.stateMachines));
      const mine = all
        .map((e) => e.value)
        .filter((r) => {
          const p = parseArn(r.arn);
          return p?.region === ctx.region && p.accountId === ctx.accountId;
        });
      const page = paginate(mine, {
        maxResults: input.maxResults as number | undefined,
        nextToken: str(input, 'nextToken'),
        binding: bindingOf({ op: 'ListStateMachines', region: ctx.region, account: ctx.accountId }),
        now: clock.now(),
      });
      if ('problem' in page) throw invalidToken();
      return {
        stateMachines: page.items.map((r) => ({
          stateMachineArn: r.arn,
          name: r.name,
          type: r.type,
          creationDate: date(r.creationDate),
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },

    async DeleteStateMachine(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      requireArn(arn, ['stateMachine']);
      // AWS answers success for a machine that does not exist (recorded).
      await store.transaction((tx) => tx.delete(C.stateMachines, arn));
      return {};
    },

    async StartExecution(input, ctx) {
      const rawArn = str(input, 'stateMachineArn') ?? '';
      const hash = rawArn.indexOf('#');
      const smArn = hash >= 0 ? rawArn.slice(0, hash) : rawArn;
      const sm = await getStateMachine(smArn);
      const name = str(input, 'name') ?? randomId();
      requireValidName(name);
      const text = str(input, 'input') ?? '{}';
      parseExecutionInput(text);
      const arn = executionArn(ctx.region, ctx.accountId, sm.name, name);
      const now = clock.now();
      const { created, isNew } = await store.transaction(async (tx) => {
        const existing = await tx.get<ExecutionRecord>(C.executions, arn);
        if (existing) {
          // Idempotent for the same name and input while the execution runs (STANDARD).
          if (existing.input === text && existing.status === 'RUNNING') return { created: existing, isNew: false };
          throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
        }
        const rec: ExecutionRecord = {
          arn,
          name,
          stateMachineArn: sm.arn,
          stateMachineName: sm.name,
          definition: sm.definition,
          roleArn: sm.roleArn,
          input: text,
          startDate: now,
          status: 'RUNNING',
          redriveCount: 0,
          ...(str(input, 'traceHeader') !== undefined ? { traceHeader: str(input, 'traceHeader') } : {}),
          ...(hash >= 0 ? { testCase: rawArn.slice(hash + 1) } : {}),
        };
        await tx.put(C.executions, arn, rec);
        return { created: rec, isNew: true };
      });
      if (isNew) {
        await runner.feed(arn, {
          type: 'Start',
          at: now,
          input: text,
          seed: Math.floor(Math.random() * 2 ** 31),
          execution: {
            executionArn: arn,
            executionName: name,
            stateMachineArn: sm.arn,
            stateMachineName: sm.name,
            roleArn: sm.roleArn,
            startTime: now,
            redriveCount: 0,
            region: ctx.region,
            accountId: ctx.accountId,
          },
        });
      }
      return { executionArn: arn, startDate: date(created.startDate) };
    },

    async DescribeExecution(input) {
      const rec = await getExecution(str(input, 'executionArn') ?? '');
      const snap = rec.snapshot;
      return {
        executionArn: rec.arn,
        stateMachineArn: rec.stateMachineArn,
        name: rec.name,
        status: rec.status,
        startDate: date(rec.startDate),
        ...(rec.stopDate !== undefined ? { stopDate: date(rec.stopDate) } : {}),
        input: rec.input,
        inputDetails: { included: true },
        ...(rec.status === 'SUCCEEDED' && snap?.output !== undefined
          ? { output: snap.output, outputDetails: { included: true } }
          : {}),
        ...(snap?.error !== undefined && rec.status !== 'SUCCEEDED' ? { error: snap.error } : {}),
        ...(snap?.cause !== undefined && rec.status !== 'SUCCEEDED' ? { cause: snap.cause } : {}),
        ...(rec.traceHeader !== undefined ? { traceHeader: rec.traceHeader } : {}),
        redriveCount: rec.redriveCount,
        ...redrive(rec),
      };
    },

    async ListExecutions(input, ctx) {
      const smArn = str(input, 'stateMachineArn');
      const mapRunArn = str(input, 'mapRunArn');
      if (smArn === undefined && mapRunArn === undefined) {
        throw new AwsServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN', {
          namespace: 'com.amazon.coral.validate',
        });
      }
      const sm = await getStateMachine(smArn ?? '');
      const status = str(input, 'statusFilter');
      const prefix = `${executionArn(ctx.region, ctx.accountId, sm.name, '')}`;
      const all = await store.transaction((tx) => tx.list<ExecutionRecord>(C.executions, { prefix }));
      const items = all
        .map((e) => e.value)
        .filter((r) => r.stateMachineArn === sm.arn && (status === undefined || r.status === status))
        .sort((a, b) => b.startDate - a.startDate);
      const page = paginate(items, {
        maxResults: input.maxResults as number | undefined,
        nextToken: str(input, 'nextToken'),
        binding: bindingOf({ op: 'ListExecutions', sm: sm.arn, status }),
        now: clock.now(),
      });
      if ('problem' in page) throw invalidToken();
      return {
        executions: page.items.map((r) => ({
          executionArn: r.arn,
          stateMachineArn: r.stateMachineArn,
          name: r.name,
          status: r.status,
          startDate: date(r.startDate),
          ...(r.stopDate !== undefined ? { stopDate: date(r.stopDate) } : {}),
          redriveCount: r.redriveCount,
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },

    async StopExecution(input) {
      const arn = str(input, 'executionArn') ?? '';
      const rec = await getExecution(arn);
      if (rec.status === 'RUNNING') {
        const error = str(input, 'error');
        const cause = str(input, 'cause');
        await runner.feed(arn, {
          type: 'Stop',
          at: clock.now(),
          ...(error !== undefined ? { error } : {}),
          ...(cause !== undefined ? { cause } : {}),
        });
      }
      const after = await getExecution(arn);
      return { stopDate: date(after.stopDate ?? clock.now()) };
    },

    async GetExecutionHistory(input) {
      const arn = str(input, 'executionArn') ?? '';
      await getExecution(arn);
      const reverse = input.reverseOrder === true;
      const includeData = input.includeExecutionData !== false;
      const events = await store.transaction((tx) => tx.readEvents<HistoryEvent>(arn));
      if (reverse) events.reverse();
      const page = paginate(events, {
        maxResults: input.maxResults as number | undefined,
        nextToken: str(input, 'nextToken'),
        binding: bindingOf({ op: 'GetExecutionHistory', arn, reverse, includeData }),
        now: clock.now(),
        ttlMs: HISTORY_TOKEN_TTL_MS,
      });
      if ('problem' in page) throw invalidToken();
      return {
        events: page.items.map((e) => toWireEvent(e, includeData)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
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
      await queues.idle();
    },
    async close() {
      scheduler.clear();
      runner.clear();
    },
  };
}

function toWireEvent(e: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...e, timestamp: new Date(e.timestamp) };
  if (!includeData) {
    for (const [k, v] of Object.entries(out)) {
      if (k.endsWith('EventDetails') && v && typeof v === 'object') {
        const { input: _i, output: _o, ...rest } = v as Record<string, unknown>;
        out[k] = rest;
      }
    }
  }
  return out;
}

export type { RequestContext };
