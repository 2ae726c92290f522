/**
 * Activities and task tokens: CreateActivity, DescribeActivity, DeleteActivity, ListActivities,
 * GetActivityTask (long poll), SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.
 *
 * The runner queues an activity task (and records its token) when an execution reaches an activity Task
 * state; `.waitForTaskToken` tasks record their token the same way. Workers answer through the token.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-activities.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
import type { Operation } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import type { StorageTx } from '@statecraft/storage';
import { activityArn, parseArn, requireArn } from './arns.js';
import { date, page, type SfnContext, str, tokenOf } from './context.js';
import { jsonErrorMessage } from './definitions.js';
import { requireValidName } from './names.js';
import { type ActivityRecord, C, type ExecutionRecord, type TokenRecord } from './records.js';
import { activityChannel, activityQueue } from './runner.js';
import { deleteTags, putTags, type Tag } from './tags.js';

const MAX_TOKEN_LENGTH = 2048;

function activityDoesNotExist(arn: string): AwsServiceError {
  return new AwsServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
}

function taskTimedOut(): AwsServiceError {
  return new AwsServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
}

/** @internal */
export function activityOperations(ctx: SfnContext): Record<string, Operation> {
  const { store, clock, runner } = ctx;

  const getActivity = async (arn: string): Promise<ActivityRecord> => {
    requireArn(arn, ['activity']);
    const rec = await store.transaction((tx) => tx.get<ActivityRecord>(C.activities, arn));
    if (!rec) throw activityDoesNotExist(arn);
    return rec;
  };

  /** Finds the open task behind a token, with AWS's errors for the other cases. */
  const openTask = async (token: string): Promise<TokenRecord> => {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new AwsServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
    }
    const rec = await store.transaction((tx) => tx.get<TokenRecord>(C.tokens, token));
    if (!rec) throw new AwsServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
    if (rec.closed) throw taskTimedOut();
    const exec = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, rec.executionArn));
    if (!exec) throw new AwsServiceError('TaskDoesNotExist', `Task Does Not Exist: '${token}'`);
    if (exec.status !== 'RUNNING') throw taskTimedOut();
    return rec;
  };

  /** A feed's `before` hook: closes the token in the step's transaction, unless another answer closed it first. */
  const closing =
    (token: string) =>
    async (tx: StorageTx): Promise<boolean> => {
      const cur = await tx.get<TokenRecord>(C.tokens, token);
      if (!cur || cur.closed) return false;
      await tx.put(C.tokens, token, { ...cur, closed: true });
      if (cur.activityArn) await tx.removeTask(activityQueue(cur.activityArn), token);
      return true;
    };

  /** A subscription taken before polling, so no wake-up falls between a claim and the wait. */
  const listenFirst = (channel: string) => {
    const ac = new AbortController();
    let wakeUp: (() => void) | undefined;
    const state = {
      woken: false,
      async wait(deadline: number, signal?: AbortSignal): Promise<void> {
        if (state.woken) return;
        const stop = new AbortController();
        const onAbort = () => stop.abort(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await Promise.race([
            new Promise<void>((resolve) => {
              wakeUp = resolve;
            }),
            clock.sleepUntil(deadline, stop.signal),
          ]);
        } finally {
          wakeUp = undefined;
          signal?.removeEventListener('abort', onAbort);
          stop.abort();
        }
        if (signal?.aborted) throw signal.reason;
      },
      stop: () => ac.abort(),
    };
    // Drivers register the listener synchronously; a failure to listen leaves the poll to its deadline.
    store
      .subscribe(
        channel,
        () => {
          state.woken = true;
          wakeUp?.();
        },
        { signal: ac.signal },
      )
      .catch(() => {});
    return state;
  };

  return {
    async CreateActivity(input, rc) {
      const name = str(input, 'name') ?? '';
      requireValidName(name);
      const arn = activityArn(rc.region, rc.accountId, name);
      const tags = Array.isArray(input.tags) ? (input.tags as Tag[]) : [];
      const encryptionConfiguration = (input.encryptionConfiguration as Record<string, unknown> | undefined) ?? {
        type: 'AWS_OWNED_KEY',
      };
      return store.transaction(async (tx) => {
        const existing = await tx.get<ActivityRecord>(C.activities, arn);
        // AWS: CreateActivity is idempotent (same name → the same activity).
        if (existing) return { activityArn: arn, creationDate: date(existing.creationDate) };
        const rec: ActivityRecord = { arn, name, creationDate: clock.now(), encryptionConfiguration };
        await tx.put(C.activities, arn, rec);
        await putTags(tx, arn, tags);
        return { activityArn: arn, creationDate: date(rec.creationDate) };
      });
    },

    async DescribeActivity(input) {
      const rec = await getActivity(str(input, 'activityArn') ?? '');
      return {
        activityArn: rec.arn,
        name: rec.name,
        creationDate: date(rec.creationDate),
        ...(ctx.describeEncryption ? { encryptionConfiguration: rec.encryptionConfiguration } : {}),
      };
    },

    async DeleteActivity(input) {
      const arn = str(input, 'activityArn') ?? '';
      requireArn(arn, ['activity']);
      await store.transaction(async (tx) => {
        await tx.delete(C.activities, arn);
        await deleteTags(tx, arn);
      });
      return {};
    },

    async ListActivities(input, rc) {
      const all = await store.transaction((tx) => tx.list<ActivityRecord>(C.activities));
      const mine = all
        .map((e) => e.value)
        .filter((r) => {
          const p = parseArn(r.arn);
          return p?.region === rc.region && p.accountId === rc.accountId;
        })
        .sort((a, b) => a.creationDate - b.creationDate || (a.name < b.name ? -1 : 1));
      const p = page(ctx, mine, input, { op: 'ListActivities', region: rc.region, account: rc.accountId });
      return {
        activities: p.items.map((r) => ({ activityArn: r.arn, name: r.name, creationDate: date(r.creationDate) })),
        ...tokenOf(p),
      };
    },

    async GetActivityTask(input, rc) {
      const arn = str(input, 'activityArn') ?? '';
      await getActivity(arn);
      const workerName = str(input, 'workerName');
      const deadline = clock.now() + ctx.activityPollMs;
      // Across nodes, listen before the first claim: a task queued on another node between an empty claim
      // and the start of the wait still wakes this poll.
      const wake = store.capabilities.notify ? listenFirst(activityChannel(arn)) : undefined;
      try {
        for (;;) {
          if (rc.signal?.aborted) return {};
          if (wake) wake.woken = false;
          // Claim the task and record TaskStarted in one transaction: a crash cannot lose a task between them.
          const claimed = await runner.transact(async (tx, stepIn) => {
            for (;;) {
              const task = await tx.claimTask<string>(activityQueue(arn), clock.now());
              if (!task) return undefined;
              const token = await tx.get<TokenRecord>(C.tokens, task.payload);
              if (!token || token.closed) continue;
              const exec = await tx.get<ExecutionRecord>(C.executions, token.executionArn);
              if (exec?.status !== 'RUNNING') continue;
              const now = clock.now();
              const started: TokenRecord = { ...token, startedAt: now };
              await tx.put(C.tokens, token.token, started);
              await stepIn(token.executionArn, {
                type: 'TaskStarted',
                at: now,
                taskId: token.taskId,
                ...(workerName !== undefined ? { workerName } : {}),
              });
              return started;
            }
          });
          if (claimed) return { taskToken: claimed.token, input: claimed.input };
          if (clock.now() >= deadline) return {};
          try {
            if (wake) await wake.wait(deadline, rc.signal);
            else await ctx.waiters.wait(activityChannel(arn), deadline, rc.signal);
          } catch {
            return {};
          }
        }
      } finally {
        wake?.stop();
      }
    },

    async SendTaskSuccess(input) {
      const token = str(input, 'taskToken') ?? '';
      const output = str(input, 'output') ?? '';
      const rec = await openTask(token);
      try {
        JSON.parse(output);
      } catch {
        throw new AwsServiceError('InvalidOutput', `Invalid Output: '${jsonErrorMessage(output)}'`);
      }
      // Closing the token and feeding the outcome commit together: a crash between them cannot strand the task.
      await runner.feed(
        rec.executionArn,
        { type: 'TaskSucceeded', at: clock.now(), taskId: rec.taskId, output },
        { before: closing(token) },
      );
      return {};
    },

    async SendTaskFailure(input) {
      const token = str(input, 'taskToken') ?? '';
      const rec = await openTask(token);
      const error = str(input, 'error');
      const cause = str(input, 'cause');
      await runner.feed(
        rec.executionArn,
        {
          type: 'TaskFailed',
          at: clock.now(),
          taskId: rec.taskId,
          error: error ?? '',
          ...(cause !== undefined ? { cause } : {}),
        },
        { before: closing(token) },
      );
      return {};
    },

    async SendTaskHeartbeat(input) {
      const token = str(input, 'taskToken') ?? '';
      const rec = await openTask(token);
      const now = clock.now();
      await runner.feed(
        rec.executionArn,
        { type: 'TaskHeartbeat', at: now, taskId: rec.taskId },
        {
          before: async (tx) => {
            const cur = await tx.get<TokenRecord>(C.tokens, token);
            if (!cur || cur.closed) return false;
            await tx.put(C.tokens, token, { ...cur, lastHeartbeat: now });
            return true;
          },
        },
      );
      return {};
    },
  };
}
