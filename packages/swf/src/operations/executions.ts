/**
 * Executions: start, describe, history, signal, cancel request, terminate, and visibility (list/count).
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_StartWorkflowExecution.html
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_ListOpenWorkflowExecutions.html
 */
import type { Operation, RequestContext } from '@statecraft/engine';
import type { ExecutionConfig, ExecutionState, SwfEvent, TypeRef } from '../model/types.js';
import { C, domainKey, historyStream, swfFault, taskListName, toMs, validationError } from './keys.js';
import { getDomain, swfPage } from './registration.js';
import { executionConfiguration, executionInfo, executionInfo as info, openCounts, renderEvent } from './render.js';
import type { Runtime, TypeRecord, UnitOfWork } from './runtime.js';

/** @internal */
export function unknownExecution(workflowId: unknown, runId?: unknown): Error {
  return runId === undefined
    ? swfFault('UnknownResourceFault', `Unknown execution, workflowId = ${String(workflowId)}`)
    : swfFault(
        'UnknownResourceFault',
        `Unknown execution: WorkflowExecution=[workflowId=${String(workflowId)}, runId=${String(runId)}]`,
      );
}

/** Finds a run by `{workflowId, runId?}` (no runId: the open run). @internal */
export async function findRun(
  uow: UnitOfWork,
  ctx: RequestContext,
  domain: string,
  workflowId: unknown,
  runId: unknown,
) {
  const wid = String(workflowId ?? '');
  if (typeof runId === 'string' && runId !== '') {
    const ex = await uow.loadIn(ctx.region, ctx.accountId, domain, runId);
    if (!ex || ex.state.workflowId !== wid) throw unknownExecution(wid, runId);
    return ex;
  }
  const ex = await uow.findOpen(ctx.region, ctx.accountId, domain, wid);
  if (!ex) throw unknownExecution(wid);
  return ex;
}

function typeLabel(t: TypeRef): string {
  return `WorkflowType=[name=${t.name}, version=${t.version}]`;
}

type Filters = {
  startTimeFilter?: { oldestDate?: unknown; latestDate?: unknown };
  closeTimeFilter?: { oldestDate?: unknown; latestDate?: unknown };
  executionFilter?: { workflowId?: unknown };
  typeFilter?: { name?: unknown; version?: unknown };
  tagFilter?: { tag?: unknown };
  closeStatusFilter?: { status?: unknown };
};

function checkFilters(input: Filters, closed: boolean): void {
  const named: [unknown, string][] = [
    [input.typeFilter, 'WorkflowTypeFilter'],
    [input.tagFilter, 'TagFilter'],
    [input.executionFilter, 'WorkflowExecutionFilter'],
    [input.closeStatusFilter, 'CloseStatusFilter'],
  ];
  const set = named.filter(([v]) => v !== undefined && v !== null).map(([, n]) => n);
  if (set.length > 1) {
    throw validationError(`Cannot specify more than one exclusive filters in the same query: [${set.join(', ')}]`);
  }
  if (closed) {
    const hasStart = input.startTimeFilter !== undefined && input.startTimeFilter !== null;
    const hasClose = input.closeTimeFilter !== undefined && input.closeTimeFilter !== null;
    if (hasStart && hasClose) {
      throw validationError(
        'Cannot specify more than one exclusive filters in the same query: [StartTimeFilter, CloseTimeFilter]',
      );
    }
    if (!hasStart && !hasClose) {
      throw validationError('Either startTimeFilter or closeTimeFilter must be specified');
    }
  }
}

/** Closed runs disappear after the domain's retention period (0 or NONE: kept). */
function expired(s: ExecutionState, retentionDays: string, now: number): boolean {
  const days = Number(retentionDays);
  return (
    s.closeTimestamp !== undefined && Number.isFinite(days) && days > 0 && s.closeTimestamp + days * 86_400_000 <= now
  );
}

function inRange(t: number | undefined, f: { oldestDate?: unknown; latestDate?: unknown } | undefined): boolean {
  if (!f) return true;
  if (t === undefined) return false;
  const oldest = toMs(f.oldestDate);
  const latest = toMs(f.latestDate);
  if (oldest !== undefined && t < oldest) return false;
  if (latest !== undefined && t > latest) return false;
  return true;
}

/** @internal */
export function executionOperations(rt: Runtime): Record<string, Operation> {
  const { store, clock } = rt.deps;

  const select = async (input: Record<string, unknown>, ctx: RequestContext, closed: boolean) => {
    const f = input as Filters;
    checkFilters(f, closed);
    await rt.runDue();
    const rows = await store.transaction(async (tx) => {
      const d = await getDomain(tx, ctx, input.domain);
      const dKey = domainKey(ctx.region, ctx.accountId, d.name);
      const now = clock.now();
      const all = await tx.list<ExecutionState>(C.executions, { prefix: `${dKey}|` });
      return all
        .map((e) => e.value)
        .filter((s) => (closed ? s.status === 'CLOSED' : s.status === 'OPEN'))
        .filter((s) => !expired(s, d.workflowExecutionRetentionPeriodInDays, now))
        .filter((s) => inRange(s.startTimestamp, f.startTimeFilter ?? undefined))
        .filter((s) => inRange(s.closeTimestamp, f.closeTimeFilter ?? undefined))
        .filter((s) => !f.executionFilter || s.workflowId === f.executionFilter.workflowId)
        .filter(
          (s) =>
            !f.typeFilter ||
            (s.workflowType.name === f.typeFilter.name &&
              (f.typeFilter.version === undefined ||
                f.typeFilter.version === null ||
                s.workflowType.version === f.typeFilter.version)),
        )
        .filter((s) => !f.tagFilter || (s.tagList ?? []).includes(f.tagFilter.tag))
        .filter((s) => !f.closeStatusFilter || s.closeStatus === f.closeStatusFilter.status);
    });
    return rows;
  };

  const list = async (input: Record<string, unknown>, ctx: RequestContext, closed: boolean) => {
    const rows = await select(input, ctx, closed);
    const byClose = closed && input.closeTimeFilter !== undefined && input.closeTimeFilter !== null;
    const keyOf = (s: ExecutionState) => (byClose ? s.closeTimestamp! : s.startTimestamp);
    rows.sort((a, b) => keyOf(b) - keyOf(a) || (a.runId < b.runId ? 1 : -1));
    if (input.reverseOrder === true) rows.reverse();
    const { nextPageToken: _t, maximumPageSize: _m, ...binding } = input;
    const page = swfPage(rows, input, { op: closed ? 'closed' : 'open', ...binding }, clock.now());
    return {
      executionInfos: page.items.map(info),
      ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
    };
  };

  return {
    async StartWorkflowExecution(input, ctx) {
      await rt.runDue();
      return rt.run(async (uow) => {
        const d = await getDomain(uow.tx, ctx, input.domain);
        if (d.status === 'DEPRECATED') throw swfFault('DomainDeprecatedFault', d.name);
        const ref = (input.workflowType ?? {}) as TypeRef;
        const t: TypeRecord | undefined = await uow.type(ctx.region, ctx.accountId, d.name, 'workflow', ref);
        if (!t) throw swfFault('UnknownResourceFault', `Unknown type: ${typeLabel(ref)}`);
        if (t.status !== 'REGISTERED') throw swfFault('TypeDeprecatedFault', typeLabel(ref));
        const workflowId = String(input.workflowId);
        if (await uow.findOpen(ctx.region, ctx.accountId, d.name, workflowId)) {
          throw swfFault('WorkflowExecutionAlreadyStartedFault', 'Already Started');
        }
        const def = t.defaults;
        const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
        const taskList = taskListName(input.taskList) ?? taskListName(def.defaultTaskList);
        if (taskList === undefined) throw swfFault('DefaultUndefinedFault', 'taskList');
        const esc = str(input.executionStartToCloseTimeout) ?? str(def.defaultExecutionStartToCloseTimeout);
        if (esc === undefined) throw swfFault('DefaultUndefinedFault', 'executionStartToCloseTimeout');
        const tsc = str(input.taskStartToCloseTimeout) ?? str(def.defaultTaskStartToCloseTimeout);
        if (tsc === undefined) throw swfFault('DefaultUndefinedFault', 'taskStartToCloseTimeout');
        const childPolicy = str(input.childPolicy) ?? str(def.defaultChildPolicy);
        if (childPolicy === undefined) throw swfFault('DefaultUndefinedFault', 'childPolicy');
        const taskPriority = str(input.taskPriority) ?? str(def.defaultTaskPriority);
        const lambdaRole = str(input.lambdaRole) ?? str(def.defaultLambdaRole);
        const config: ExecutionConfig = {
          taskList,
          taskStartToCloseTimeout: tsc,
          executionStartToCloseTimeout: esc,
          childPolicy,
          ...(taskPriority !== undefined ? { taskPriority } : {}),
          ...(lambdaRole !== undefined ? { lambdaRole } : {}),
        };
        const runId = rt.deps.newRunId();
        uow.start({
          region: ctx.region,
          accountId: ctx.accountId,
          domain: d.name,
          workflowId,
          runId,
          workflowType: { name: t.name, version: t.version },
          config,
          ...(typeof input.input === 'string' ? { input: input.input } : {}),
          ...(Array.isArray(input.tagList) ? { tagList: input.tagList } : {}),
        });
        return { runId };
      });
    },

    async DescribeWorkflowExecution(input, ctx) {
      await rt.runDue();
      const s = await store.transaction(async (tx) => {
        const d = await getDomain(tx, ctx, input.domain);
        const e = (input.execution ?? {}) as { workflowId?: unknown; runId?: unknown };
        const key = await tx.get<string>(C.runs, String(e.runId));
        const st = key ? await tx.get<ExecutionState>(C.executions, key) : undefined;
        if (
          !st ||
          st.domain !== d.name ||
          st.region !== ctx.region ||
          st.accountId !== ctx.accountId ||
          st.workflowId !== e.workflowId ||
          expired(st, d.workflowExecutionRetentionPeriodInDays, clock.now())
        ) {
          throw unknownExecution(e.workflowId, e.runId);
        }
        return st;
      });
      return {
        executionInfo: executionInfo(s),
        executionConfiguration: executionConfiguration(s),
        openCounts: openCounts(s),
        ...(s.latestActivityTaskTimestamp !== undefined
          ? { latestActivityTaskTimestamp: new Date(s.latestActivityTaskTimestamp) }
          : {}),
        ...(s.latestExecutionContext !== undefined ? { latestExecutionContext: s.latestExecutionContext } : {}),
      };
    },

    async GetWorkflowExecutionHistory(input, ctx) {
      await rt.runDue();
      const e = (input.execution ?? {}) as { workflowId?: unknown; runId?: unknown };
      const events = await store.transaction(async (tx) => {
        const d = await getDomain(tx, ctx, input.domain);
        const key = await tx.get<string>(C.runs, String(e.runId));
        const st = key ? await tx.get<ExecutionState>(C.executions, key) : undefined;
        if (
          !st ||
          st.domain !== d.name ||
          st.region !== ctx.region ||
          st.accountId !== ctx.accountId ||
          st.workflowId !== e.workflowId ||
          expired(st, d.workflowExecutionRetentionPeriodInDays, clock.now())
        ) {
          throw unknownExecution(e.workflowId, e.runId);
        }
        return tx.readEvents<SwfEvent>(historyStream(st.runId));
      });
      const items = input.reverseOrder === true ? [...events].reverse() : events;
      const page = swfPage(
        items,
        input,
        { op: 'history', runId: e.runId, r: input.reverseOrder === true },
        clock.now(),
      );
      return { events: page.items.map(renderEvent), ...(page.nextToken ? { nextPageToken: page.nextToken } : {}) };
    },

    async SignalWorkflowExecution(input, ctx) {
      await rt.runDue();
      await rt.run(async (uow) => {
        const d = await getDomain(uow.tx, ctx, input.domain);
        const ex = await findRun(uow, ctx, d.name, input.workflowId, input.runId);
        if (!ex.open) throw unknownExecution(input.workflowId, input.runId);
        ex.signal(String(input.signalName), typeof input.input === 'string' ? input.input : undefined, uow.at);
      });
      return {};
    },

    async RequestCancelWorkflowExecution(input, ctx) {
      await rt.runDue();
      await rt.run(async (uow) => {
        const d = await getDomain(uow.tx, ctx, input.domain);
        const ex = await findRun(uow, ctx, d.name, input.workflowId, input.runId);
        if (!ex.open) throw unknownExecution(input.workflowId, input.runId);
        ex.requestCancel(uow.at);
      });
      return {};
    },

    async TerminateWorkflowExecution(input, ctx) {
      await rt.runDue();
      await rt.run(async (uow) => {
        const d = await getDomain(uow.tx, ctx, input.domain);
        const ex = await findRun(uow, ctx, d.name, input.workflowId, input.runId);
        if (!ex.open) throw unknownExecution(input.workflowId, input.runId);
        ex.terminate(uow.at, {
          ...(typeof input.reason === 'string' ? { reason: input.reason } : {}),
          ...(typeof input.details === 'string' ? { details: input.details } : {}),
          ...(typeof input.childPolicy === 'string' ? { childPolicy: input.childPolicy } : {}),
          cause: 'OPERATOR_INITIATED',
        });
      });
      return {};
    },

    ListOpenWorkflowExecutions: (input, ctx) => list(input, ctx, false),
    ListClosedWorkflowExecutions: (input, ctx) => list(input, ctx, true),
    async CountOpenWorkflowExecutions(input, ctx) {
      return { count: (await select(input, ctx, false)).length, truncated: false };
    },
    async CountClosedWorkflowExecutions(input, ctx) {
      return { count: (await select(input, ctx, true)).length, truncated: false };
    },
  };
}
