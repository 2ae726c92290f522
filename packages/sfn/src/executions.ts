/**
 * Executions: StartExecution, StartSyncExecution, DescribeExecution, StopExecution, ListExecutions,
 * GetExecutionHistory, DescribeStateMachineForExecution and RedriveExecution.
 *
 * Express executions run like standard ones but, as on AWS, are neither listed nor describable: their
 * ARNs use the `express` resource type, which the describe operations refuse with `InvalidArn`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
 */
import type { Operation } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import type { HistoryEvent } from '@statecraft/history';
import { executionArn, partitionOf, requireArn } from './arns.js';
import {
  date,
  execDoesNotExist,
  page,
  randomId,
  resourceNotFound,
  type SfnContext,
  smDoesNotExist,
  str,
  tokenOf,
  typeNotSupported,
  validation,
} from './context.js';
import { parseExecutionInput } from './definitions.js';
import { requireValidName } from './names.js';
import {
  type AliasRecord,
  C,
  type ExecutionRecord,
  type MapRunRecord,
  type RevisionFields,
  type StateMachineRecord,
  type VersionRecord,
} from './records.js';
import { configMembers, pickVersion, refOf, variableMembers } from './state-machines.js';

const HISTORY_TOKEN_TTL_MS = 60_000;
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;

/** What an execution runs: the revision of a machine, version or alias at start. */
interface Target {
  readonly sm: StateMachineRecord;
  readonly revision: RevisionFields;
  readonly versionArn?: string;
  readonly aliasArn?: string;
}

function deleting(arn: string): AwsServiceError {
  return new AwsServiceError('StateMachineDeleting', `State machine is being deleted: '${arn}'`);
}

async function resolveTarget(ctx: SfnContext, arn: string): Promise<Target> {
  const ref = refOf(arn);
  return ctx.store.transaction(async (tx) => {
    const sm = await tx.get<StateMachineRecord>(C.stateMachines, ref.baseArn);
    if (!sm) throw smDoesNotExist(arn);
    if (sm.status === 'DELETING') throw deleting(arn);
    if (ref.kind === 'base') return { sm, revision: sm };
    if (ref.kind === 'version') {
      const v = await tx.get<VersionRecord>(C.versions, arn);
      if (!v) throw smDoesNotExist(arn);
      return { sm, revision: v, versionArn: v.arn };
    }
    const alias = await tx.get<AliasRecord>(C.aliases, arn);
    if (!alias) throw resourceNotFound(arn);
    const versionArn = pickVersion(alias.routingConfiguration);
    const v = await tx.get<VersionRecord>(C.versions, versionArn);
    if (!v) throw resourceNotFound(versionArn);
    return { sm, revision: v, versionArn, aliasArn: alias.arn };
  });
}

function redriveMembers(ctx: SfnContext, rec: ExecutionRecord): Record<string, unknown> {
  if (
    rec.mapRunArn !== undefined &&
    (rec.status === 'FAILED' || rec.status === 'TIMED_OUT' || rec.status === 'ABORTED')
  ) {
    return { redriveStatus: 'REDRIVABLE_BY_MAP_RUN' };
  }
  if (rec.status === 'FAILED' || rec.status === 'TIMED_OUT' || rec.status === 'ABORTED') {
    if (rec.stopDate !== undefined && ctx.clock.now() - rec.stopDate > REDRIVE_WINDOW_MS) {
      return {
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution redrive window has expired and cannot be redriven',
      };
    }
    return { redriveStatus: 'REDRIVABLE' };
  }
  return {
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason: `Execution is ${rec.status} and cannot be redriven`,
  };
}

function failedOrAborted(rec: ExecutionRecord): boolean {
  return rec.status === 'FAILED' || rec.status === 'ABORTED';
}

/**
 * Output, error and cause of a closed execution. DescribeExecution reports error and cause for FAILED and
 * ABORTED executions only, not for TIMED_OUT ones (AWS-recorded); StartSyncExecution for every failure.
 */
function outcomeMembers(rec: ExecutionRecord, errorFor: (rec: ExecutionRecord) => boolean): Record<string, unknown> {
  const snap = rec.snapshot;
  const withError = errorFor(rec);
  return {
    ...(rec.status === 'SUCCEEDED' && snap?.output !== undefined
      ? { output: snap.output, outputDetails: { included: true } }
      : {}),
    ...(withError && snap?.error !== undefined ? { error: snap.error } : {}),
    ...(withError && snap?.cause !== undefined ? { cause: snap.cause } : {}),
  };
}

function closedUnsuccessfully(rec: ExecutionRecord): boolean {
  return rec.status !== 'SUCCEEDED' && rec.status !== 'RUNNING';
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

/** Billing of a synchronous express execution: duration rounded up to 100 ms, 64 MB. */
function billing(rec: ExecutionRecord): Record<string, number> {
  const ms = Math.max(0, (rec.stopDate ?? rec.startDate) - rec.startDate);
  return { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil(ms / 100) * 100) };
}

/** @internal */
export function executionOperations(ctx: SfnContext): Record<string, Operation> {
  const { store, clock, runner } = ctx;

  const getExecution = async (arn: string): Promise<ExecutionRecord> => {
    requireArn(arn, ['execution']);
    const rec = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, arn));
    if (!rec || rec.type === 'EXPRESS') throw execDoesNotExist(arn);
    return rec;
  };

  /** Creates the execution record and feeds `Start`. */
  const start = async (
    input: Record<string, unknown>,
    sync: boolean,
    onCreated?: (arn: string) => void,
  ): Promise<ExecutionRecord> => {
    const rawArn = str(input, 'stateMachineArn') ?? '';
    const hash = rawArn.indexOf('#');
    const smArn = hash >= 0 ? rawArn.slice(0, hash) : rawArn;
    const target = await resolveTarget(ctx, smArn);
    const { sm, revision } = target;
    if (sync && revision.type !== 'EXPRESS') throw typeNotSupported();
    const name = str(input, 'name') ?? randomId();
    requireValidName(name);
    const text = str(input, 'input') ?? '{}';
    parseExecutionInput(text);
    const express = revision.type === 'EXPRESS';
    const parsed = refOf(smArn).parsed;
    const arn = express
      ? `arn:${partitionOf(parsed.region)}:states:${parsed.region}:${parsed.accountId}:express:${sm.name}:${name}:${randomId()}`
      : executionArn(parsed.region, parsed.accountId, sm.name, name);
    const now = clock.now();
    const traceHeader = str(input, 'traceHeader');
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
        type: revision.type,
        definition: revision.definition,
        roleArn: revision.roleArn,
        input: text,
        startDate: now,
        status: 'RUNNING',
        redriveCount: 0,
        stateMachineUpdateDate: sm.updateDate ?? sm.creationDate,
        loggingConfiguration: revision.loggingConfiguration,
        tracingConfiguration: revision.tracingConfiguration,
        encryptionConfiguration: revision.encryptionConfiguration,
        ...(revision.revisionId !== undefined ? { revisionId: revision.revisionId } : {}),
        ...(target.versionArn !== undefined ? { stateMachineVersionArn: target.versionArn } : {}),
        ...(target.aliasArn !== undefined ? { stateMachineAliasArn: target.aliasArn } : {}),
        ...(traceHeader !== undefined ? { traceHeader } : {}),
        ...(hash >= 0 ? { testCase: rawArn.slice(hash + 1) } : {}),
      };
      await tx.put(C.executions, arn, rec);
      await runner.guardStart(tx, arn, now);
      return { created: rec, isNew: true };
    });
    if (isNew) {
      onCreated?.(arn);
      await runner.feed(arn, {
        type: 'Start',
        at: now,
        input: text,
        seed: Math.floor(Math.random() * 2 ** 31),
        execution: {
          executionArn: arn,
          executionName: name,
          stateMachineArn: target.versionArn ?? sm.arn,
          stateMachineName: sm.name,
          roleArn: revision.roleArn,
          startTime: now,
          redriveCount: 0,
          region: parsed.region,
          accountId: parsed.accountId,
        },
      });
    }
    return created;
  };

  return {
    async StartExecution(input) {
      const rec = await start(input, false);
      return { executionArn: rec.arn, startDate: date(rec.startDate) };
    },

    async StartSyncExecution(input, rc) {
      let closed: Promise<ExecutionRecord> | undefined;
      let resolveClosed: ((r: ExecutionRecord) => void) | undefined;
      let arnSeen: string | undefined;
      const rec = await start(input, true, (arn) => {
        arnSeen = arn;
        closed = new Promise<ExecutionRecord>((resolve) => {
          resolveClosed = resolve;
          let set = ctx.closeWaiters.get(arn);
          if (!set) {
            set = new Set();
            ctx.closeWaiters.set(arn, set);
          }
          set.add(resolve);
        });
      });
      const current = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, rec.arn));
      let final = current && current.status !== 'RUNNING' ? current : undefined;
      if (!final && closed) {
        const onAbort = () => {
          if (arnSeen && resolveClosed) {
            void runner.feed(arnSeen, { type: 'Stop', at: clock.now() }).catch(ctx.onError);
          }
        };
        rc.signal?.addEventListener('abort', onAbort, { once: true });
        final = await closed;
        rc.signal?.removeEventListener('abort', onAbort);
      }
      if (arnSeen) ctx.closeWaiters.delete(arnSeen);
      const done = final ?? rec;
      await store.transaction(async (tx) => {
        await tx.delete(C.executions, done.arn);
        await tx.deleteStream(done.arn);
      });
      return {
        executionArn: done.arn,
        stateMachineArn: str(input, 'stateMachineArn')?.split('#')[0] ?? done.stateMachineArn,
        name: done.name,
        startDate: date(done.startDate),
        stopDate: date(done.stopDate ?? clock.now()),
        status: done.status,
        ...outcomeMembers(done, closedUnsuccessfully),
        input: done.input,
        inputDetails: { included: true },
        ...(done.traceHeader !== undefined ? { traceHeader: done.traceHeader } : {}),
        billingDetails: billing(done),
      };
    },

    async DescribeExecution(input) {
      const rec = await getExecution(str(input, 'executionArn') ?? '');
      return {
        executionArn: rec.arn,
        stateMachineArn: rec.stateMachineArn,
        name: rec.name,
        status: rec.status,
        startDate: date(rec.startDate),
        ...(rec.stopDate !== undefined ? { stopDate: date(rec.stopDate) } : {}),
        input: rec.input,
        inputDetails: { included: true },
        ...outcomeMembers(rec, failedOrAborted),
        ...(rec.traceHeader !== undefined ? { traceHeader: rec.traceHeader } : {}),
        ...(rec.mapRunArn !== undefined ? { mapRunArn: rec.mapRunArn } : {}),
        ...(rec.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: rec.stateMachineVersionArn } : {}),
        ...(rec.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: rec.stateMachineAliasArn } : {}),
        ...(ctx.describeRedrive
          ? {
              redriveCount: rec.redriveCount,
              ...(rec.redriveDate !== undefined ? { redriveDate: date(rec.redriveDate) } : {}),
              ...redriveMembers(ctx, rec),
            }
          : {}),
      };
    },

    async DescribeStateMachineForExecution(input) {
      const rec = await getExecution(str(input, 'executionArn') ?? '');
      return {
        stateMachineArn: rec.stateMachineArn,
        name: rec.stateMachineName,
        definition: rec.definition,
        roleArn: rec.roleArn,
        updateDate: date(rec.stateMachineUpdateDate ?? rec.startDate),
        ...configMembers(ctx, rec),
        ...(rec.mapRunArn !== undefined ? { mapRunArn: rec.mapRunArn } : {}),
        ...(rec.label !== undefined ? { label: rec.label } : {}),
        ...(rec.revisionId !== undefined ? { revisionId: rec.revisionId } : {}),
        ...variableMembers(rec.definition),
      };
    },

    async ListExecutions(input) {
      const smArn = str(input, 'stateMachineArn');
      const mapRunArn = str(input, 'mapRunArn');
      if (smArn === undefined && mapRunArn === undefined) {
        throw validation('Must provide a StateMachine ARN or MapRun ARN');
      }
      if (smArn !== undefined && mapRunArn !== undefined) {
        throw validation('Only one of StateMachine ARN or MapRun ARN can be provided');
      }
      const status = str(input, 'statusFilter');
      const redriveFilter = str(input, 'redriveFilter');
      let filter: (r: ExecutionRecord) => boolean;
      let prefix: string;
      if (smArn !== undefined) {
        const ref = refOf(smArn);
        const sm = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, ref.baseArn));
        if (!sm) throw smDoesNotExist(smArn);
        if (ref.kind === 'version') {
          const v = await store.transaction((tx) => tx.get<VersionRecord>(C.versions, smArn));
          if (!v) throw smDoesNotExist(smArn);
        } else if (ref.kind === 'alias') {
          const a = await store.transaction((tx) => tx.get<AliasRecord>(C.aliases, smArn));
          if (!a) throw resourceNotFound(smArn);
        }
        if (sm.type === 'EXPRESS') throw typeNotSupported();
        prefix = executionArn(ref.parsed.region, ref.parsed.accountId, sm.name, '');
        filter = (r) =>
          r.stateMachineArn === sm.arn &&
          r.mapRunArn === undefined &&
          (ref.kind === 'base' ||
            (ref.kind === 'version' ? r.stateMachineVersionArn === smArn : r.stateMachineAliasArn === smArn));
      } else {
        requireArn(mapRunArn!, ['mapRun']);
        const run = await store.transaction((tx) => tx.get<MapRunRecord>(C.mapRuns, mapRunArn!));
        if (!run) throw resourceNotFound(mapRunArn!);
        // children are `…:execution:<smName>/<label>:<name>`, the Map Run `…:mapRun:<smName>/<label>:<id>`
        prefix = mapRunArn!.slice(0, mapRunArn!.lastIndexOf(':') + 1).replace(':mapRun:', ':execution:');
        filter = (r) => r.mapRunArn === mapRunArn;
      }
      const all = await store.transaction((tx) =>
        tx.list<ExecutionRecord>(C.executions, prefix ? { prefix } : undefined),
      );
      const items = all
        .map((e) => e.value)
        .filter(
          (r) =>
            r.type !== 'EXPRESS' &&
            filter(r) &&
            (status === undefined || r.status === status) &&
            (redriveFilter === undefined || (redriveFilter === 'REDRIVEN') === r.redriveCount > 0),
        )
        .sort((a, b) => b.startDate - a.startDate || (a.arn < b.arn ? 1 : -1));
      const p = page(ctx, items, input, { op: 'ListExecutions', smArn, mapRunArn, status, redriveFilter });
      return {
        executions: p.items.map((r) => ({
          executionArn: r.arn,
          stateMachineArn: r.stateMachineArn,
          name: r.name,
          status: r.status,
          startDate: date(r.startDate),
          ...(r.stopDate !== undefined ? { stopDate: date(r.stopDate) } : {}),
          ...(r.mapRunArn !== undefined ? { mapRunArn: r.mapRunArn } : {}),
          ...(r.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: r.stateMachineVersionArn } : {}),
          ...(r.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: r.stateMachineAliasArn } : {}),
          ...(ctx.describeRedrive
            ? {
                redriveCount: r.redriveCount,
                ...(r.redriveDate !== undefined ? { redriveDate: date(r.redriveDate) } : {}),
              }
            : {}),
        })),
        ...tokenOf(p),
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
      const p = page(
        ctx,
        events,
        input,
        { op: 'GetExecutionHistory', arn, reverse, includeData },
        HISTORY_TOKEN_TTL_MS,
      );
      return { events: p.items.map((e) => toWireEvent(e, includeData)), ...tokenOf(p) };
    },

    async RedriveExecution(input) {
      const arn = str(input, 'executionArn') ?? '';
      const rec = await getExecution(arn);
      const members = redriveMembers(ctx, rec);
      if (members.redriveStatus !== 'REDRIVABLE') {
        const reason =
          members.redriveStatus === 'REDRIVABLE_BY_MAP_RUN'
            ? 'Execution is a Map Run child execution and can only be redriven by redriving its parent'
            : String(members.redriveStatusReason);
        throw new AwsServiceError('ExecutionNotRedrivable', `Execution Not Redrivable: '${reason}'`);
      }
      const sm = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, rec.stateMachineArn));
      if (!sm) throw smDoesNotExist(rec.stateMachineArn);
      if (sm.status === 'DELETING') throw deleting(rec.stateMachineArn);
      const now = clock.now();
      // The interpreter records ExecutionRedriven and reopens the execution; its states run on the next
      // input (a Continue command), so the execution is RUNNING when RedriveExecution answers, as on AWS.
      const after = await runner.feed(arn, { type: 'Redrive', at: now }, { reopen: true });
      if (after?.status !== 'RUNNING') {
        // The interpreter did not take the redrive (a snapshot without the threads to resume).
        throw new AwsServiceError(
          'ExecutionNotRedrivable',
          "Execution Not Redrivable: 'Execution cannot be redriven: the failed state cannot be resumed'",
        );
      }
      return { redriveDate: date(after.redriveDate ?? now) };
    },
  };
}
