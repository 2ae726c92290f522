/**
 * The SWF runtime: units of work over the store. A unit of work loads the runs it touches, feeds inputs to
 * their pure {@link Execution} machines, carries cross-run commands (child starts, signals, parent
 * notifications, child policies, continue-as-new) through the other runs, then writes every run's events,
 * snapshot, queued tasks and timers in the same store transaction. After the commit it arms the scheduler,
 * wakes long polls and starts Lambda invocations.
 *
 * Durability and several nodes on one store:
 * - Optimistic concurrency: every write of a run goes through its history stream's `expectedNextId` (an
 *   empty append when only the snapshot changes, e.g. a heartbeat), and on stores several nodes share the
 *   snapshot's revision is re-checked after that append has locked the stream, so neither events nor
 *   snapshot-only changes are lost to a concurrent writer. Conflicts roll back and re-run the unit of work.
 * - Timers are store rows: {@link Runtime.start} fires the due ones and arms the next at start-up; each is
 *   claimed once across nodes (`claimDueTimers`). A commit that sets a timer notifies `swf:timers` so the
 *   other nodes re-arm; they also re-check periodically in case a notification was lost.
 * - Task-list wake-ups are sent with `tx.notify` inside the committing transaction.
 */
import type { Clock, InvokerRegistry, Scheduler } from '@statecraft/engine';
import type { StorageDriver, StorageTx, Unsubscribe } from '@statecraft/storage';
import { ConcurrencyError } from '@statecraft/storage';
import { Execution } from '../model/execution.js';
import type { ExecutionState, StartParams, TypeInfoLike, TypeRef } from '../model/types.js';
import {
  activityQueue,
  C,
  decisionQueue,
  domainKey,
  executionKey,
  historyStream,
  openKey,
  timerId,
  typeKey,
  workflowIdStream,
} from './keys.js';

/** History size limit per run. @internal */
export const MAX_HISTORY_EVENTS = 25_000;

/** Store notification channel announcing a newly set SWF timer (payload: its `fireAt`). @internal */
export const TIMERS_CHANNEL = 'swf:timers';

/** Every SWF timer id starts with this (see `timerId`); SFN keeps its own under `sfn:`. */
const TIMER_PREFIX = 'swf:';

/** Due timers fired per transaction. */
const TIMER_BATCH = 100;

/** Units of work re-run this often on write conflicts (several pollers racing for one run's tasks). */
const MAX_ATTEMPTS = 50;

/** PostgreSQL serialization failure and deadlock: the transaction rolled back and may simply be re-run. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

function isWriteConflict(err: unknown): boolean {
  if (err instanceof ConcurrencyError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** A stored workflow or activity type. @internal */
export interface TypeRecord {
  readonly kind: 'workflow' | 'activity';
  readonly name: string;
  readonly version: string;
  readonly status: 'REGISTERED' | 'DEPRECATED';
  readonly description?: string;
  readonly creationDate: number;
  readonly deprecationDate?: number;
  readonly defaults: Record<string, unknown>;
}

/** A queued decision or activity task. @internal */
export interface TaskPayload {
  readonly runId: string;
  readonly scheduledEventId: number;
}

interface TimerPayload {
  readonly runId: string;
  readonly name: string;
}

/**
 * Long-poll waiters: the engine's in-process ones, or `createStorageWaiters` on stores whose notifications
 * reach other nodes. @internal
 */
export interface PollWaiters {
  wait(channel: string, deadline: number, signal?: AbortSignal): Promise<boolean>;
  notify(channel: string): void | Promise<void>;
}

/** @internal */
export interface RuntimeDeps {
  readonly store: StorageDriver;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly waiters: PollWaiters;
  /**
   * The waiters hear the store's notifications (`tx.notify` in the committing transaction wakes them, on
   * every node), so nothing is left to notify after the commit.
   */
  readonly storeWakesPolls: boolean;
  /** How often nodes sharing the store re-check for due timers, in case a `swf:timers` notification was lost. */
  readonly timerRecheckMs: number;
  readonly invokers?: InvokerRegistry;
  readonly newRunId: () => string;
  readonly onError: (err: unknown) => void;
}

interface PostCommit {
  notify: Set<string>;
  arm: number[];
  lambdas: { runId: string; scheduledEventId: number; name: string; input?: string; ex: ExecutionState }[];
}

/** @internal */
export class UnitOfWork {
  private readonly machines = new Map<string, Execution>();
  private readonly cursors = new Map<Execution, number>();
  /** The stored snapshot of each loaded run, as JSON and revision: unchanged runs are not written. */
  private readonly loaded = new Map<Execution, { json: string; rev: number }>();
  /** Runs ever opened per workflowId (see `workflowIdStream`), as read before looking for an open run. */
  private readonly opened = new Map<string, number>();

  constructor(
    readonly tx: StorageTx,
    readonly rt: Runtime,
    readonly at: number,
  ) {}

  /** Loads a run by runId (any domain). */
  async load(runId: string): Promise<Execution | undefined> {
    const cached = this.machines.get(runId);
    if (cached) return cached;
    const key = await this.tx.get<string>(C.runs, runId);
    if (key === undefined) return undefined;
    const state = await this.tx.get<ExecutionState>(C.executions, key);
    if (!state) return undefined;
    const ex = new Execution(state);
    this.loaded.set(ex, { json: JSON.stringify(state), rev: state.rev ?? 0 });
    this.machines.set(runId, ex);
    return ex;
  }

  /** Loads a run of a domain by runId. */
  async loadIn(region: string, accountId: string, domain: string, runId: string): Promise<Execution | undefined> {
    const ex = await this.load(runId);
    if (!ex) return undefined;
    const s = ex.state;
    return s.region === region && s.accountId === accountId && s.domain === domain ? ex : undefined;
  }

  /** The open run of a workflowId in a domain. */
  async findOpen(
    region: string,
    accountId: string,
    domain: string,
    workflowId: string,
  ): Promise<Execution | undefined> {
    for (const ex of this.machines.values()) {
      const s = ex.state;
      if (
        ex.open &&
        s.workflowId === workflowId &&
        s.domain === domain &&
        s.region === region &&
        s.accountId === accountId
      )
        return ex;
    }
    const oKey = openKey(domainKey(region, accountId, domain), workflowId);
    // Read before the open record: a run another node opens after this read makes our own open conflict.
    if (!this.opened.has(oKey)) this.opened.set(oKey, await this.tx.countEvents(workflowIdStream(oKey)));
    const runId = await this.tx.get<string>(C.open, oKey);
    if (runId === undefined) return undefined;
    const ex = await this.load(runId);
    return ex?.open ? ex : undefined;
  }

  async type(region: string, accountId: string, domain: string, kind: 'workflow' | 'activity', ref: TypeRef) {
    if (typeof ref?.name !== 'string' || typeof ref?.version !== 'string') return undefined;
    return this.tx.get<TypeRecord>(C.types, typeKey(domainKey(region, accountId, domain), kind, ref.name, ref.version));
  }

  add(ex: Execution): void {
    this.machines.set(ex.state.runId, ex);
  }

  /** Starts a new run: its events, timers and first decision task. */
  start(p: StartParams, at = this.at): Execution {
    const ex = Execution.start(p, at);
    this.add(ex);
    return ex;
  }

  /** Carries out cross-run commands until none is left. */
  async drain(): Promise<void> {
    for (let progress = true; progress; ) {
      progress = false;
      for (const ex of [...this.machines.values()]) {
        // "If the history of a workflow execution grows beyond 25,000 events, it is terminated" [doc].
        if (ex.open && ex.state.nextEventId - 1 >= MAX_HISTORY_EVENTS) {
          ex.terminate(this.at, { cause: 'EVENT_LIMIT_EXCEEDED' });
        }
        let i = this.cursors.get(ex) ?? 0;
        while (i < ex.commands.length) {
          const cmd = ex.commands[i++]!;
          this.cursors.set(ex, i);
          progress = true;
          await this.carryOut(ex, cmd);
        }
      }
    }
  }

  private async carryOut(ex: Execution, cmd: Execution['commands'][number]): Promise<void> {
    const at = this.at;
    const s = ex.state;
    switch (cmd.type) {
      case 'startChild': {
        const running = await this.findOpen(s.region, s.accountId, s.domain, cmd.start.workflowId);
        if (running) {
          ex.startChildFailed(cmd.initiatedEventId, 'WORKFLOW_ALREADY_RUNNING', undefined, at);
          return;
        }
        this.start(cmd.start, at);
        ex.childStarted(cmd.initiatedEventId, cmd.start.runId, at);
        return;
      }
      case 'continueAsNew': {
        this.start(cmd.start, at);
        const parent = cmd.start.parent;
        if (parent) (await this.load(parent.runId))?.childContinued(parent.initiatedEventId, cmd.start.runId);
        return;
      }
      case 'signalExternal':
      case 'cancelExternal': {
        const target = cmd.runId
          ? await this.loadIn(s.region, s.accountId, s.domain, cmd.runId)
          : await this.findOpen(s.region, s.accountId, s.domain, cmd.workflowId);
        const ok = target?.open && target.state.workflowId === cmd.workflowId;
        if (ok && target) {
          const external = { execution: ex.execution, initiatedEventId: cmd.initiatedEventId };
          if (cmd.type === 'signalExternal') target.signal(cmd.signalName, cmd.input, at, external);
          else target.requestCancel(at, external);
        }
        ex.externalDone(
          cmd.type === 'signalExternal' ? 'signal' : 'cancel',
          cmd.initiatedEventId,
          ok ? target!.state.runId : undefined,
          at,
        );
        return;
      }
      case 'notifyParent': {
        const parent = await this.load(cmd.parentRunId);
        parent?.childClosed(cmd.initiatedEventId, cmd.eventType, cmd.attrs, at);
        return;
      }
      case 'childPolicy': {
        for (const c of cmd.children) {
          const child = await this.load(c.runId);
          if (!child?.open) continue;
          if (cmd.policy === 'TERMINATE') child.terminate(at, { cause: 'CHILD_POLICY_APPLIED' });
          else if (cmd.policy === 'REQUEST_CANCEL') child.requestCancel(at, undefined, 'CHILD_POLICY_APPLIED');
        }
        return;
      }
      case 'invokeLambda':
        ex.lambdaStarted(cmd.scheduledEventId, at);
        return;
      default:
        return;
    }
  }

  /** Writes every touched run. Returns what to do after the transaction commits. */
  async commit(): Promise<PostCommit> {
    await this.drain();
    const post: PostCommit = { notify: new Set(), arm: [], lambdas: [] };
    const tx = this.tx;
    let minFireAt: number | undefined;
    for (const ex of this.machines.values()) {
      const before = this.loaded.get(ex);
      if (
        !ex.isNew &&
        ex.events.length === 0 &&
        ex.commands.length === 0 &&
        before !== undefined &&
        before.json === JSON.stringify(ex.state)
      ) {
        continue; // Only read.
      }
      const s = ex.state;
      const dKey = domainKey(s.region, s.accountId, s.domain);
      // Also when no event is added (a heartbeat): the append checks (and, on PostgreSQL, locks) the stream,
      // so this write and any other of the run are serialised.
      if (ex.events.length > 0 || !ex.isNew) {
        await tx.appendEvents(historyStream(s.runId), ex.storedCount + 1, ex.events);
      }
      if (ex.isNew) await tx.put(C.runs, s.runId, executionKey(dKey, s.runId));
      else if (this.rt.deps.store.capabilities.multipleConnections) await this.checkRevision(ex, before?.rev ?? 0);
      s.rev = (before?.rev ?? 0) + 1;
      await this.putState(ex);
      const oKey = openKey(dKey, s.workflowId);
      if (ex.isNew) {
        const seen = this.opened.get(oKey) ?? (await tx.countEvents(workflowIdStream(oKey)));
        const marker: { id: number; runId: string } = { id: seen + 1, runId: s.runId };
        await tx.appendEvents(workflowIdStream(oKey), seen + 1, [marker]);
        this.opened.set(oKey, seen + 1);
      }
      if (s.status === 'OPEN') {
        if (ex.isNew) await tx.put(C.open, oKey, s.runId);
      } else if ((await tx.get<string>(C.open, oKey)) === s.runId) {
        await tx.delete(C.open, oKey);
      }
      for (const cmd of ex.commands) {
        switch (cmd.type) {
          case 'enqueueDecision':
          case 'enqueueActivity': {
            const q =
              cmd.type === 'enqueueDecision' ? decisionQueue(dKey, cmd.taskList) : activityQueue(dKey, cmd.taskList);
            await tx.enqueueTask<TaskPayload>(q, {
              id: `${s.runId}:${cmd.scheduledEventId}`,
              payload: { runId: s.runId, scheduledEventId: cmd.scheduledEventId },
              availableAt: cmd.at,
              priority: cmd.priority,
            });
            if (!post.notify.has(q)) await tx.notify(q);
            post.notify.add(q);
            break;
          }
          case 'removeDecision':
            await tx.removeTask(decisionQueue(dKey, cmd.taskList), `${s.runId}:${cmd.scheduledEventId}`);
            break;
          case 'removeActivity':
            await tx.removeTask(activityQueue(dKey, cmd.taskList), `${s.runId}:${cmd.scheduledEventId}`);
            break;
          case 'setTimer':
            await tx.putTimer<TimerPayload>({
              id: timerId(s.runId, cmd.name),
              fireAt: cmd.fireAt,
              payload: { runId: s.runId, name: cmd.name },
            });
            post.arm.push(cmd.fireAt);
            minFireAt = minFireAt === undefined ? cmd.fireAt : Math.min(minFireAt, cmd.fireAt);
            break;
          case 'clearTimer':
            await tx.deleteTimer(timerId(s.runId, cmd.name));
            break;
          case 'invokeLambda':
            if (s.status === 'OPEN') {
              post.lambdas.push({
                runId: s.runId,
                scheduledEventId: cmd.scheduledEventId,
                name: cmd.name,
                ...(cmd.input !== undefined ? { input: cmd.input } : {}),
                ex: s,
              });
            }
            break;
          default:
            break;
        }
      }
    }
    // Other nodes re-arm their schedulers for the earliest new timer (one notification per commit).
    if (minFireAt !== undefined && this.rt.deps.store.capabilities.notify) {
      await tx.notify(TIMERS_CHANNEL, String(minFireAt));
    }
    return post;
  }

  /**
   * A snapshot-only change (a heartbeat) leaves the stream's next id as it was, so the append alone does not
   * notice a concurrent snapshot-only write by another node. Once the append holds the stream, the stored
   * revision must still be the one loaded.
   */
  private async checkRevision(ex: Execution, rev: number): Promise<void> {
    const s = ex.state;
    const stored = await this.tx.get<ExecutionState>(
      C.executions,
      executionKey(domainKey(s.region, s.accountId, s.domain), s.runId),
    );
    if ((stored?.rev ?? 0) !== rev) {
      throw new ConcurrencyError(historyStream(s.runId), ex.storedCount + 1, stored?.nextEventId ?? 0);
    }
  }

  private async putState(ex: Execution): Promise<void> {
    const s = ex.state;
    await this.tx.put(C.executions, executionKey(domainKey(s.region, s.accountId, s.domain), s.runId), s);
  }
}

/** A type as the decision engine sees it. @internal */
export function typeInfoLike(t: TypeRecord | undefined): TypeInfoLike | undefined {
  return t ? { status: t.status, defaults: t.defaults } : undefined;
}

/** @internal */
export class Runtime {
  private armedAt: number | undefined;
  private dueRun: Promise<void> | undefined;
  private dueAgain = false;
  private rearmWanted = false;
  private generation = 0;
  private readonly stopping = new AbortController();
  private started: Promise<void> | undefined;
  private unsubscribe: Unsubscribe | undefined;

  constructor(readonly deps: RuntimeDeps) {}

  /**
   * Start-up recovery: listens for timers other nodes set, fires the timers that fell due while no node was
   * running, arms the scheduler for the next one and, on stores several nodes share, re-checks periodically.
   * Failures go to `onError`; the lazy check before requests (and the periodic one) try again.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      const { store, onError } = this.deps;
      const signal = this.stopping.signal;
      if (store.capabilities.notify) {
        try {
          this.unsubscribe = await store.subscribe(
            TIMERS_CHANNEL,
            (payload) => {
              if (signal.aborted) return;
              const fireAt = payload === undefined ? Number.NaN : Number(payload);
              // Without a payload notifications may have been lost (e.g. a reconnect): re-read the store.
              if (Number.isFinite(fireAt)) this.arm(fireAt);
              else void this.runDue(true).catch(onError);
            },
            { signal },
          );
        } catch (err) {
          if (!signal.aborted) onError(err);
        }
      }
      if (signal.aborted) return;
      await this.runDue(true).catch((err: unknown) => {
        if (!signal.aborted) onError(err);
      });
      if (store.capabilities.multipleConnections && !signal.aborted) void this.recheck();
    })();
    return this.started;
  }

  /** Re-checks for due timers every `timerRecheckMs` on the clock (whose real-time sleeps are unref'd). */
  private async recheck(): Promise<void> {
    const { clock, onError, timerRecheckMs } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const sleep = clock.sleepUntil(clock.now() + timerRecheckMs, signal);
      let slept = false;
      sleep.then(
        () => {
          slept = true;
        },
        () => {},
      );
      for (let i = 0; i < 3; i++) await Promise.resolve();
      // A clock whose sleeps do not wait (WAIT_TIME_SCALE=0) cannot pace a periodic check: it would spin.
      // Timers still fire from the scheduler, notifications and the checks before requests.
      if (slept) return;
      try {
        await sleep;
      } catch {
        return;
      }
      await this.runDue(true).catch((err: unknown) => {
        if (!signal.aborted) onError(err);
      });
    }
  }

  /** Stops listening and re-checking, and waits for a timer run in progress (shutdown). */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.clear();
    await this.unsubscribe?.().catch(() => undefined);
    await this.started?.catch(() => undefined);
    await this.dueRun?.catch(() => undefined);
  }

  /** Runs `work` in one unit of work and carries out what follows the commit. Retries on write conflicts. */
  async run<T>(work: (uow: UnitOfWork) => Promise<T>, at?: number): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const now = at ?? this.deps.clock.now();
        const { result, post } = await this.deps.store.transaction(async (tx) => {
          const uow = new UnitOfWork(tx, this, now);
          const result = await work(uow);
          const post = await uow.commit();
          return { result, post };
        });
        this.afterCommit(post);
        return result;
      } catch (err) {
        // Another writer (this node or another one) got to a run first: everything rolled back, claims
        // included, so the whole unit of work re-runs on fresh state.
        if (isWriteConflict(err) && attempt < MAX_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  private afterCommit(post: PostCommit): void {
    if (!this.deps.storeWakesPolls) for (const q of post.notify) void this.deps.waiters.notify(q);
    for (const t of post.arm) this.arm(t);
    for (const l of post.lambdas) void this.invokeLambda(l).catch(this.deps.onError);
  }

  /** Arms the scheduler for the earliest known SWF timer. */
  private arm(fireAt: number): void {
    if (this.stopping.signal.aborted) return;
    if (this.armedAt !== undefined && this.armedAt <= fireAt) return;
    this.armedAt = fireAt;
    const gen = this.generation;
    this.deps.scheduler.schedule('swf:next-timer', fireAt, async () => {
      if (gen !== this.generation) return;
      this.armedAt = undefined;
      await this.runDue(true);
    });
  }

  /**
   * Fires every SWF timer that is due, then arms the scheduler for the next one: at start-up, from the
   * scheduler, on other nodes' notifications, periodically on shared stores and, lazily, before requests.
   * Each timer is claimed (removed) in the transaction that fires it, so it fires once across nodes; a
   * rolled-back firing leaves it due.
   *
   * @param rearm - read the next timer even if none fired. Lazy calls before requests leave that out: the
   * scheduler is already armed for every timer this node set or heard of, so they cost one query.
   */
  runDue(rearm = false): Promise<void> {
    if (rearm) this.rearmWanted = true;
    if (this.dueRun) {
      this.dueAgain = true;
      return this.dueRun;
    }
    const go = async () => {
      try {
        let firedAny = false;
        do {
          this.dueAgain = false;
          for (let round = 0; round < 100; round++) {
            const now = this.deps.clock.now();
            const fired = await this.run(async (uow) => {
              const due = await uow.tx.claimDueTimers<TimerPayload>(now, TIMER_BATCH, { idPrefix: TIMER_PREFIX });
              for (const t of due) (await uow.load(t.payload.runId))?.fire(t.payload.name, t.fireAt);
              return due.length;
            }, now);
            if (fired > 0) firedAny = true;
            if (fired < TIMER_BATCH) break;
          }
        } while (this.dueAgain);
        if (firedAny || this.rearmWanted) {
          this.rearmWanted = false;
          const next = await this.deps.store.transaction((tx) =>
            tx.nextTimer<TimerPayload>({ idPrefix: TIMER_PREFIX }),
          );
          if (next) this.arm(next.fireAt);
        }
      } finally {
        this.dueRun = undefined;
      }
    };
    this.dueRun = go();
    return this.dueRun;
  }

  private async invokeLambda(l: PostCommit['lambdas'][number]): Promise<void> {
    const s = l.ex;
    const invoker = this.deps.invokers?.find(l.name);
    let outcome: { ok: true; result?: string } | { ok: false; reason?: string; details?: string };
    if (!invoker) {
      outcome = {
        ok: false,
        reason: 'Lambda.ResourceNotFoundException',
        details: `[statecraft] No task invoker is configured for Lambda function '${l.name}'. Register an invoker (functions, LAMBDA_ENDPOINT).`,
      };
    } else {
      let parameters: unknown = l.input;
      try {
        parameters = l.input === undefined ? {} : JSON.parse(l.input);
      } catch {}
      const executionArn = `arn:aws:swf:${s.region}:${s.accountId}:/domain/${s.domain}/${s.workflowId}/${s.runId}`;
      try {
        const res = await invoker.invoke(
          {
            resource: l.name,
            parameters,
            executionArn,
            stateMachineArn: executionArn,
            stateName: l.name,
            region: s.region,
            accountId: s.accountId,
            attempt: 0,
          },
          { signal: new AbortController().signal, now: () => this.deps.clock.now() },
        );
        if (res.type === 'pending') return;
        outcome =
          res.type === 'succeeded'
            ? { ok: true, result: typeof res.output === 'string' ? res.output : JSON.stringify(res.output ?? null) }
            : { ok: false, reason: res.error, ...(res.cause !== undefined ? { details: res.cause } : {}) };
      } catch (err) {
        outcome = { ok: false, reason: 'Lambda.ServiceException', details: String(err) };
      }
    }
    await this.runDue();
    await this.run(async (uow) => {
      (await uow.load(l.runId))?.lambdaDone(l.scheduledEventId, outcome, uow.at);
    });
  }

  /** Drops pending scheduler work (reset). */
  clear(): void {
    this.generation++;
    this.armedAt = undefined;
    this.deps.scheduler.cancel('swf:next-timer');
  }
}
