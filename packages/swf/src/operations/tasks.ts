/**
 * Deciders and activity workers: long polls, responses, heartbeats and pending-task counts.
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_PollForDecisionTask.html
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_RespondDecisionTaskCompleted.html
 */
import type { Operation, RequestContext } from '@statecraft/engine';
import { decodePageToken, encodePageToken } from '@statecraft/history';
import type { Execution } from '../model/execution.js';
import type { SwfEvent, TypeInfoLike, TypeRef } from '../model/types.js';
import { unknownExecution } from './executions.js';
import {
  activityQueue,
  decisionQueue,
  decodeTaskToken,
  domainKey,
  encodeTaskToken,
  historyStream,
  swfFault,
  taskListName,
  validationError,
} from './keys.js';
import { getDomain } from './registration.js';
import { renderEvent } from './render.js';
import type { Runtime, TaskPayload } from './runtime.js';
import { typeInfoLike } from './runtime.js';

/** @internal */
export interface TaskOptions {
  readonly pollTimeoutMs: number;
  readonly emptyTaskToken: boolean;
}

/** DecisionType in the order AWS lists it in its enum constraint message (SWF.md §4). */
const DECISION_TYPES: readonly string[] = [
  'CompleteWorkflowExecution',
  'StartTimer',
  'RequestCancelExternalWorkflowExecution',
  'SignalExternalWorkflowExecution',
  'CancelTimer',
  'RecordMarker',
  'ScheduleActivityTask',
  'ContinueAsNewWorkflowExecution',
  'ScheduleLambdaFunction',
  'FailWorkflowExecution',
  'RequestCancelActivityTask',
  'StartChildWorkflowExecution',
  'CancelWorkflowExecution',
];

/** "Maximum pollers per task list: 1,000" [doc]. */
const MAX_POLLERS = 1000;

const CLOSE_DECISIONS = new Set([
  'CompleteWorkflowExecution',
  'FailWorkflowExecution',
  'CancelWorkflowExecution',
  'ContinueAsNewWorkflowExecution',
]);

/** Required members of each decision's attributes (checked when the attributes are absent altogether). */
const REQUIRED: Record<string, readonly string[]> = {
  ScheduleActivityTask: ['activityType', 'activityId'],
  RequestCancelActivityTask: ['activityId'],
  RecordMarker: ['markerName'],
  StartTimer: ['timerId', 'startToFireTimeout'],
  CancelTimer: ['timerId'],
  SignalExternalWorkflowExecution: ['workflowId', 'signalName'],
  RequestCancelExternalWorkflowExecution: ['workflowId'],
  StartChildWorkflowExecution: ['workflowType', 'workflowId'],
  ScheduleLambdaFunction: ['id', 'name'],
};

function attrsKey(decisionType: string): string {
  return decisionType.charAt(0).toLowerCase() + decisionType.slice(1) + 'DecisionAttributes';
}

/** The whole batch is validated before anything applies (a bad batch is rejected, the token stays valid). */
function validateBatch(decisions: readonly Record<string, unknown>[]): void {
  const problems: string[] = [];
  decisions.forEach((d, i) => {
    const type = String(d?.decisionType);
    if (!DECISION_TYPES.includes(type)) {
      problems.push(
        `Value ${d?.decisionType === undefined || d?.decisionType === null ? 'null' : `'${type}'`} at 'decisions.${i + 1}.member.decisionType' failed to satisfy constraint: ${
          d?.decisionType === undefined || d?.decisionType === null
            ? 'Member must not be null'
            : `Member must satisfy enum value set: [${DECISION_TYPES.join(', ')}]`
        }`,
      );
      return;
    }
    const key = attrsKey(type);
    const a = d?.[key] as Record<string, unknown> | undefined;
    for (const m of REQUIRED[type] ?? []) {
      if (a === undefined || a === null || a[m] === undefined || a[m] === null) {
        problems.push(
          `Value null at 'decisions.${i + 1}.member.${key}.${m}' failed to satisfy constraint: Member must not be null`,
        );
      }
    }
  });
  if (problems.length > 0) {
    throw validationError(
      `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    );
  }
  decisions.forEach((d, i) => {
    if (CLOSE_DECISIONS.has(String(d?.decisionType)) && i !== decisions.length - 1) {
      throw validationError('Close must be last decision in list');
    }
  });
}

interface PollPosition {
  readonly runId: string;
  readonly s: number;
  readonly st: number;
  readonly prev: number;
  readonly upTo: number;
  readonly from: number;
  readonly next: number;
}

/** @internal */
export function taskOperations(rt: Runtime, o: TaskOptions): Record<string, Operation> {
  const { store, clock, waiters } = rt.deps;

  const pollers = new Map<string, number>();
  const longPoll = async <T>(queue: string, signal: AbortSignal | undefined, claim: () => Promise<T | undefined>) => {
    const active = pollers.get(queue) ?? 0;
    if (active >= MAX_POLLERS) {
      throw swfFault('LimitExceededFault', `Too many pollers on this task list (limit ${MAX_POLLERS}).`);
    }
    pollers.set(queue, active + 1);
    try {
      return await holdPoll(queue, signal, claim);
    } finally {
      const left = (pollers.get(queue) ?? 1) - 1;
      if (left <= 0) pollers.delete(queue);
      else pollers.set(queue, left);
    }
  };
  const holdPoll = async <T>(queue: string, signal: AbortSignal | undefined, claim: () => Promise<T | undefined>) => {
    const deadline = clock.now() + o.pollTimeoutMs;
    for (;;) {
      if (signal?.aborted) return undefined;
      await rt.runDue();
      const ac = new AbortController();
      const onAbort = () => ac.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      // Listen before claiming, so an enqueue committed between the claim and the wait still wakes us. On
      // PostgreSQL the waiters hear other nodes' enqueues too (a hint: the claim re-reads the store).
      const wait = waiters.wait(queue, deadline, ac.signal).catch(() => false);
      try {
        // One store transaction claims the task and records it started: handed out once across nodes.
        const got = await claim();
        if (got !== undefined) return got;
        if (clock.now() >= deadline) return undefined;
        await wait;
        if (clock.now() >= deadline) return undefined;
      } finally {
        ac.abort();
        signal?.removeEventListener('abort', onAbort);
      }
    }
  };

  const decisionPage = async (
    pos: PollPosition,
    input: Record<string, unknown>,
    ex: { workflowId: string; runId: string; workflowType: TypeRef },
  ) => {
    const all = await store.transaction((tx) => tx.readEvents<SwfEvent>(historyStream(pos.runId), { limit: pos.upTo }));
    let events = all.filter((e) => e.id >= pos.from && e.id <= pos.upTo);
    if (input.reverseOrder === true) events = events.reverse();
    const size = typeof input.maximumPageSize === 'number' && input.maximumPageSize > 0 ? input.maximumPageSize : 1000;
    const page = events.slice(pos.next, pos.next + size);
    const more = pos.next + size < events.length;
    return {
      taskToken: encodeTaskToken({ kind: 'd', runId: pos.runId, scheduledEventId: pos.s, startedEventId: pos.st }),
      startedEventId: pos.st,
      workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
      workflowType: ex.workflowType,
      events: page.map(renderEvent),
      ...(more
        ? {
            nextPageToken: encodePageToken({
              position: JSON.stringify({ ...pos, next: pos.next + size }),
              binding: `poll:${input.reverseOrder === true}`,
              issuedAt: clock.now(),
            }),
          }
        : {}),
      previousStartedEventId: pos.prev,
    };
  };

  const activityToken = (ex: Execution, scheduledEventId: number, startedEventId: number) =>
    encodeTaskToken({ kind: 'a', runId: ex.state.runId, scheduledEventId, startedEventId });

  /** Loads the run and the started activity a token names. */
  const activityOf = async (uow: Parameters<Parameters<Runtime['run']>[0]>[0], token: unknown) => {
    const tok = decodeTaskToken(token, 'a');
    const ex = await uow.load(tok.runId);
    if (!ex) throw swfFault('UnknownResourceFault', `Unknown activity, scheduledEventId = ${tok.scheduledEventId}`);
    if (!ex.open) throw unknownExecution(ex.state.workflowId, ex.state.runId);
    const a = ex.activityByScheduled(tok.scheduledEventId);
    if (!a || a.startedEventId !== tok.startedEventId) {
      throw swfFault('UnknownResourceFault', `Unknown activity, scheduledEventId = ${tok.scheduledEventId}`);
    }
    return { ex, a };
  };

  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  return {
    async PollForDecisionTask(input, ctx: RequestContext) {
      const d = await store.transaction((tx) => getDomain(tx, ctx, input.domain));
      if (typeof input.nextPageToken === 'string') {
        const body = decodePageToken(input.nextPageToken);
        let pos: PollPosition | undefined;
        try {
          pos =
            body && body.binding === `poll:${input.reverseOrder === true}`
              ? (JSON.parse(String(body.position)) as PollPosition)
              : undefined;
        } catch {}
        if (!pos) throw validationError('Invalid token');
        const st = await rt.run(async (uow) => (await uow.load(pos.runId))?.state);
        if (!st) throw validationError('Invalid token');
        return decisionPage(pos, input, st);
      }
      const tl = taskListName(input.taskList) ?? '';
      const q = decisionQueue(domainKey(ctx.region, ctx.accountId, d.name), tl);
      const identity = str(input.identity);
      const claimed = await longPoll(q, ctx.signal, () =>
        rt.run(async (uow) => {
          for (;;) {
            const task = await uow.tx.claimTask<TaskPayload>(q, uow.at);
            if (!task) return undefined;
            const ex = await uow.load(task.payload.runId);
            if (!ex?.isPollableDecision(task.payload.scheduledEventId)) continue;
            const ids = ex.startDecision(identity, uow.at);
            const s = ex.state;
            return {
              st: { workflowId: s.workflowId, runId: s.runId, workflowType: s.workflowType },
              prev: s.previousStartedEventId,
              ...ids,
            };
          }
        }),
      );
      if (!claimed) {
        return { ...(o.emptyTaskToken ? { taskToken: '' } : {}), startedEventId: 0, previousStartedEventId: 0 };
      }
      const from = input.startAtPreviousStartedEvent === true && claimed.prev > 0 ? claimed.prev : 1;
      return decisionPage(
        {
          runId: claimed.st.runId,
          s: claimed.scheduledEventId,
          st: claimed.startedEventId,
          prev: claimed.prev,
          upTo: claimed.startedEventId,
          from,
          next: 0,
        },
        input,
        claimed.st,
      );
    },

    async RespondDecisionTaskCompleted(input) {
      const tok = decodeTaskToken(input.taskToken, 'd');
      const decisions = (Array.isArray(input.decisions) ? input.decisions : []) as Record<string, unknown>[];
      validateBatch(decisions);
      await rt.runDue();
      await rt.run(async (uow) => {
        const ex = await uow.load(tok.runId);
        if (!ex)
          throw swfFault('UnknownResourceFault', `Unknown decision task, scheduledEventId = ${tok.scheduledEventId}`);
        if (!ex.open) throw unknownExecution(ex.state.workflowId, ex.state.runId);
        if (!ex.isStartedDecision(tok.scheduledEventId, tok.startedEventId)) {
          throw swfFault('UnknownResourceFault', `Unknown decision task, scheduledEventId = ${tok.scheduledEventId}`);
        }
        const s = ex.state;
        const types = new Map<string, TypeInfoLike | undefined>();
        const k = (kind: string, r: TypeRef) => `${kind}|${r?.name}|${r?.version}`;
        for (const dec of decisions) {
          const type = String(dec.decisionType);
          const a = (dec[attrsKey(type)] ?? {}) as Record<string, unknown>;
          let ref: TypeRef | undefined;
          let kind: 'workflow' | 'activity' = 'workflow';
          if (type === 'ScheduleActivityTask') {
            ref = a.activityType as TypeRef;
            kind = 'activity';
          } else if (type === 'StartChildWorkflowExecution') ref = a.workflowType as TypeRef;
          else if (type === 'ContinueAsNewWorkflowExecution') {
            ref = { name: s.workflowType.name, version: str(a.workflowTypeVersion) ?? s.workflowType.version };
          }
          if (ref && !types.has(k(kind, ref))) {
            types.set(k(kind, ref), typeInfoLike(await uow.type(s.region, s.accountId, s.domain, kind, ref)));
          }
        }
        ex.completeDecision(
          {
            decisions,
            ...(str(input.executionContext) !== undefined ? { executionContext: str(input.executionContext)! } : {}),
            ...(taskListName(input.taskList) !== undefined ? { taskList: taskListName(input.taskList)! } : {}),
            ...(str(input.taskListScheduleToStartTimeout) !== undefined
              ? { taskListScheduleToStartTimeout: str(input.taskListScheduleToStartTimeout)! }
              : {}),
          },
          {
            activityType: (r) => types.get(k('activity', r)),
            workflowType: (r) => types.get(k('workflow', r)),
            newRunId: rt.deps.newRunId,
          },
          uow.at,
        );
      });
      return {};
    },

    async PollForActivityTask(input, ctx: RequestContext) {
      const d = await store.transaction((tx) => getDomain(tx, ctx, input.domain));
      const tl = taskListName(input.taskList) ?? '';
      const q = activityQueue(domainKey(ctx.region, ctx.accountId, d.name), tl);
      const identity = str(input.identity);
      const got = await longPoll(q, ctx.signal, () =>
        rt.run(async (uow) => {
          for (;;) {
            const task = await uow.tx.claimTask<TaskPayload>(q, uow.at);
            if (!task) return undefined;
            const ex = await uow.load(task.payload.runId);
            const a = ex?.isPollableActivity(task.payload.scheduledEventId);
            if (!ex || !a) continue;
            const startedEventId = ex.startActivity(a, identity, uow.at);
            return {
              taskToken: activityToken(ex, a.scheduledEventId, startedEventId),
              activityId: a.activityId,
              startedEventId,
              workflowExecution: ex.execution,
              activityType: a.activityType,
              ...(a.input !== undefined ? { input: a.input } : {}),
            };
          }
        }),
      );
      return got ?? { ...(o.emptyTaskToken ? { taskToken: '' } : {}), startedEventId: 0 };
    },

    async RecordActivityTaskHeartbeat(input) {
      await rt.runDue();
      return rt.run(async (uow) => {
        const { ex, a } = await activityOf(uow, input.taskToken);
        return { cancelRequested: ex.heartbeat(a, str(input.details), uow.at) };
      });
    },

    async RespondActivityTaskCompleted(input) {
      await rt.runDue();
      await rt.run(async (uow) => {
        const { ex, a } = await activityOf(uow, input.taskToken);
        ex.activityCompleted(a, str(input.result), uow.at);
      });
      return {};
    },

    async RespondActivityTaskFailed(input) {
      await rt.runDue();
      await rt.run(async (uow) => {
        const { ex, a } = await activityOf(uow, input.taskToken);
        ex.activityFailed(a, str(input.reason), str(input.details), uow.at);
      });
      return {};
    },

    async RespondActivityTaskCanceled(input) {
      await rt.runDue();
      await rt.run(async (uow) => {
        const { ex, a } = await activityOf(uow, input.taskToken);
        ex.activityCanceled(a, str(input.details), uow.at);
      });
      return {};
    },

    async CountPendingDecisionTasks(input, ctx) {
      await rt.runDue();
      return store.transaction(async (tx) => {
        const d = await getDomain(tx, ctx, input.domain);
        const q = decisionQueue(domainKey(ctx.region, ctx.accountId, d.name), taskListName(input.taskList) ?? '');
        return { count: await tx.countTasks(q), truncated: false };
      });
    },

    async CountPendingActivityTasks(input, ctx) {
      await rt.runDue();
      return store.transaction(async (tx) => {
        const d = await getDomain(tx, ctx, input.domain);
        const q = activityQueue(domainKey(ctx.region, ctx.accountId, d.name), taskListName(input.taskList) ?? '');
        return { count: await tx.countTasks(q), truncated: false };
      });
    },
  };
}
