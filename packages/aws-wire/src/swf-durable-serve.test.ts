/**
 * SWF durability against real `statecraft serve` processes and the unmodified `@aws-sdk/client-swf`:
 *
 * - Restart (SQLite): a node is SIGKILLed with a pending timer, a started and a scheduled activity; started
 *   again on the same file it fires the timer at start-up (before any request: checked by killing it again
 *   and reading the file), and the run finishes with the same history as an uninterrupted one, timestamps
 *   aside: nothing lost, nothing twice.
 * - Several nodes (PostgreSQL): two servers share one database; eight pollers split across them take 50
 *   activity tasks, each delivered exactly once; a long poll on one node wakes when the other schedules; a
 *   timer set on a node that then dies fires on the other, with no request. Skipped, with the reason
 *   printed, where no PostgreSQL can be started.
 *
 * Real time throughout (the servers run the system clock); each part takes well under a minute.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type Decision,
  DescribeWorkflowExecutionCommand,
  GetWorkflowExecutionHistoryCommand,
  type HistoryEvent,
  PollForActivityTaskCommand,
  type PollForActivityTaskCommandOutput,
  PollForDecisionTaskCommand,
  type PollForDecisionTaskCommandOutput,
  RecordActivityTaskHeartbeatCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  SWFClient,
} from '@aws-sdk/client-swf';
import type { StorageDriver } from '@statecraft/storage';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const WT = { name: 'durable-flow', version: '1' };
const AT = { name: 'durable-work', version: '1' };

const tmp = mkdtempSync(join(tmpdir(), 'statecraft-swf-durable-'));
const running = new Set<Server>();
afterAll(async () => {
  for (const s of [...running]) await s.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------------- servers

interface Server {
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** Starts `statecraft serve` from the repository root; ready at its "Statecraft listening" line. */
async function startServer(storage: string, port: number, pollTimeoutSeconds: number): Promise<Server> {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [
      '--conditions=@statecraft/source',
      '--import',
      'tsx',
      'packages/cli/src/bin.ts',
      'serve',
      '--port',
      String(port),
      '--storage',
      storage,
      '--swf-poll-timeout',
      String(pollTimeoutSeconds),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let out = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => out,
    async kill(signal) {
      running.delete(server);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  running.add(server);
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`statecraft serve did not start in 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Statecraft listening')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`statecraft serve exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return server;
}

function client(server: Server): SWFClient {
  return new SWFClient({ endpoint: server.url, region, credentials, maxAttempts: 1 });
}

// ------------------------------------------------------------------------------------------ workflow

async function register(swf: SWFClient, domain: string): Promise<void> {
  await swf.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }));
  await swf.send(
    new RegisterWorkflowTypeCommand({
      domain,
      ...WT,
      defaultTaskList: { name: 'main' },
      defaultChildPolicy: 'TERMINATE',
      defaultExecutionStartToCloseTimeout: '600',
      defaultTaskStartToCloseTimeout: '120',
    }),
  );
  await swf.send(
    new RegisterActivityTypeCommand({
      domain,
      ...AT,
      defaultTaskList: { name: 'acts' },
      defaultTaskScheduleToStartTimeout: 'NONE',
      defaultTaskScheduleToCloseTimeout: 'NONE',
      defaultTaskStartToCloseTimeout: 'NONE',
      defaultTaskHeartbeatTimeout: 'NONE',
    }),
  );
}

/** Long-polls (the servers hold 1 s) until a decision task comes, with every page of its history. */
async function pollDecision(swf: SWFClient, domain: string, taskList = 'main') {
  for (let i = 0; i < 60; i++) {
    const first: PollForDecisionTaskCommandOutput = await swf.send(
      new PollForDecisionTaskCommand({ domain, taskList: { name: taskList }, identity: 'decider' }),
    );
    if (!first.taskToken) continue;
    const events: HistoryEvent[] = [...(first.events ?? [])];
    for (let page = first; page.nextPageToken; ) {
      page = await swf.send(
        new PollForDecisionTaskCommand({
          domain,
          taskList: { name: taskList },
          identity: 'decider',
          nextPageToken: page.nextPageToken,
        }),
      );
      events.push(...(page.events ?? []));
    }
    return { ...first, events };
  }
  throw new Error('no decision task within 60 polls');
}

async function pollActivity(swf: SWFClient, domain: string, taskList = 'acts') {
  for (let i = 0; i < 60; i++) {
    const t = await swf.send(new PollForActivityTaskCommand({ domain, taskList: { name: taskList }, identity: 'w' }));
    if (t.taskToken) return t;
  }
  throw new Error('no activity task within 60 polls');
}

async function history(swf: SWFClient, domain: string, workflowId: string, runId: string) {
  const events: HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await swf.send(
      new GetWorkflowExecutionHistoryCommand({ domain, execution: { workflowId, runId }, nextPageToken }),
    );
    events.push(...(page.events ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return events;
}

/** A history without its timestamps: what two runs of one script must share. */
const timeless = (events: readonly HistoryEvent[]) =>
  events.map(({ eventTimestamp: _t, ...rest }) => JSON.parse(JSON.stringify(rest)) as Record<string, unknown>);

const schedule = (activityId: string, taskList = 'acts'): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: AT, activityId, taskList: { name: taskList } },
});

/** Event types stored for a run, read from the store itself (no request reaches a server). */
async function storedTypes(store: StorageDriver, runId: string): Promise<string[]> {
  const events = await store.transaction((tx) => tx.readEvents<{ type: string }>(`swf:history:${runId}`));
  return events.map((e) => e.type);
}

const count = (xs: readonly string[], x: string) => xs.filter((y) => y === x).length;

// --------------------------------------------------------------------------------------- the restart

/**
 * The script, strictly sequential so an uninterrupted run and an interrupted one produce the same events:
 * decide [StartTimer 2 s, schedule a1, schedule a2] → take a1 → (interrupt) → the timer's decision task
 * (no decisions) → complete a1 → take and complete a2 → complete the workflow.
 */
async function restartScript(
  connect: () => SWFClient,
  domain: string,
  interrupt: (runId: string) => Promise<void>,
): Promise<{ runId: string; events: HistoryEvent[]; timerDecisionEvents: HistoryEvent[] }> {
  let swf = connect();
  await register(swf, domain);
  const { runId } = await swf.send(
    new StartWorkflowExecutionCommand({ domain, workflowId: 'restart-me', workflowType: WT, input: 'in' }),
  );
  if (!runId) throw new Error('no runId');
  const d1 = await pollDecision(swf, domain);
  await swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken: d1.taskToken,
      decisions: [
        { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't1', startToFireTimeout: '2' } },
        schedule('a1'),
        schedule('a2'),
      ],
    }),
  );
  const a1: PollForActivityTaskCommandOutput = await pollActivity(swf, domain);
  expect(a1.activityId).toBe('a1');

  await interrupt(runId);
  swf = connect();

  // The timer's decision task: exactly one TimerFired, nothing else new.
  const d2 = await pollDecision(swf, domain);
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: d2.taskToken, decisions: [] }));
  // The activity taken before the kill completes with its old token.
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a1.taskToken, result: 'one' }));
  const a2 = await pollActivity(swf, domain);
  expect(a2.activityId).toBe('a2');
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a2.taskToken, result: 'two' }));
  const d3 = await pollDecision(swf, domain);
  await swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken: d3.taskToken,
      decisions: [
        { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'ok' } },
      ],
    }),
  );
  return { runId, events: await history(swf, domain, 'restart-me', runId), timerDecisionEvents: d2.events };
}

/** The uninterrupted reference run (on its own SQLite file), computed once. */
let referenceRun: Promise<HistoryEvent[]> | undefined;
function reference(): Promise<HistoryEvent[]> {
  referenceRun ??= (async () => {
    const ref = await startServer(`sqlite:${join(tmp, 'reference.sqlite')}`, await freePort(), 1);
    try {
      return (
        await restartScript(
          () => client(ref),
          'durable',
          async () => {},
        )
      ).events;
    } finally {
      await ref.kill('SIGTERM');
    }
  })();
  return referenceRun;
}

/** One PostgreSQL for every test that needs it (started lazily; `url` undefined, with a reason, when none). */
let postgres: Promise<{ url: string | undefined; reason?: string; stop(): Promise<void> }> | undefined;
function sharedPostgres() {
  postgres ??= import('@statecraft/storage-postgres/testing').then(({ startTestPostgres }) => startTestPostgres());
  return postgres;
}
afterAll(async () => {
  await (await postgres)?.stop();
});

/**
 * Runs the script on `storage`, SIGKILLing the server twice in the middle: right after the activity is
 * taken (timer pending), and again once the timer is due, having sent the restarted node nothing.
 */
async function interruptedRun(storage: string, openStore: () => Promise<StorageDriver>) {
  const port = await freePort();
  let server = await startServer(storage, port, 1);
  const read = async (runId: string) => {
    const store = await openStore();
    try {
      return await storedTypes(store, runId);
    } finally {
      await store.destroy();
    }
  };
  const run = await restartScript(
    () => client(server),
    'durable',
    async (runId) => {
      const timerStartedAt = Date.now();
      await server.kill('SIGKILL');
      const atKill = await read(runId);
      expect(atKill).toContain('TimerStarted');
      expect(atKill).toContain('ActivityTaskStarted');
      expect(atKill).not.toContain('TimerFired');

      // Restart and send nothing: start-up recovery alone must fire the timer (it falls due while this
      // node is up, or was due already), then kill again and look in the store.
      server = await startServer(storage, port, 1);
      const wait = timerStartedAt + 2_000 + 1_500 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await server.kill('SIGKILL');
      const afterRestart = await read(runId);
      expect(count(afterRestart, 'TimerFired')).toBe(1);
      expect(afterRestart.at(-1)).toBe('DecisionTaskScheduled');

      server = await startServer(storage, port, 1);
    },
  );
  await server.kill('SIGTERM');

  expect(run.timerDecisionEvents.filter((e) => e.eventType === 'TimerFired')).toHaveLength(1);
  const types = run.events.map((e) => e.eventType ?? '');
  // Ids run 1..n with no gap or repeat, and everything but the timestamps equals the uninterrupted run.
  expect(run.events.map((e) => e.eventId)).toEqual(run.events.map((_, i) => i + 1));
  expect(timeless(run.events)).toEqual(timeless(await reference()));
  expect(types.at(-1)).toBe('WorkflowExecutionCompleted');
  expect(count(types, 'TimerFired')).toBe(1);
  expect(count(types, 'ActivityTaskStarted')).toBe(2);
}

describe('SWF on statecraft serve: SIGKILL and restart', () => {
  it('SQLite: keeps the pending timer and activities; the timer fires once at start-up; history as uninterrupted', async () => {
    const { createSqliteDriver } = await import('@statecraft/storage-sqlite');
    const filename = join(tmp, 'restart.sqlite');
    await interruptedRun(`sqlite:${filename}`, async () => createSqliteDriver({ filename }));
  }, 60_000);

  it('PostgreSQL: the same', async (ctx) => {
    const pg = await sharedPostgres();
    if (!pg.url) {
      console.warn(`[statecraft] skipped the PostgreSQL restart test: ${pg.reason}`);
      ctx.skip();
      return;
    }
    const url = pg.url;
    const { createPostgresDriver } = await import('@statecraft/storage-postgres');
    await reference();
    await interruptedRun(url, async () => createPostgresDriver({ connectionString: url }));
  }, 60_000);
});

// ------------------------------------------------------------------------------------ several nodes

describe('SWF on statecraft serve: two nodes on one PostgreSQL', () => {
  it('hands each of 50 activity tasks to exactly one of 8 pollers across both nodes; cross-node wake-ups and timers', async (ctx) => {
    const pg = await sharedPostgres();
    if (!pg.url) {
      console.warn(`[statecraft] skipped the two-node PostgreSQL test: ${pg.reason}`);
      ctx.skip();
      return;
    }
    const url = pg.url;
    const [a, b] = await Promise.all([
      freePort().then((p) => startServer(url, p, 15)),
      freePort().then((p) => startServer(url, p, 15)),
    ]);
    const swfA = client(a);
    const swfB = client(b);
    const domain = 'nodes';
    await register(swfA, domain);

    // --- a long poll on A wakes when B schedules the task
    const wokeAfter = (async () => {
      const t = await swfA.send(new PollForActivityTaskCommand({ domain, taskList: { name: 'wake' }, identity: 'A' }));
      return { t, at: Date.now() };
    })();
    await new Promise((r) => setTimeout(r, 1_000)); // A is now holding its poll
    const { runId: wakeRun } = await swfB.send(
      new StartWorkflowExecutionCommand({
        domain,
        workflowId: 'wake',
        workflowType: WT,
        taskList: { name: 'wake-d' },
      }),
    );
    const dw = await pollDecision(swfB, domain, 'wake-d');
    const scheduledAt = Date.now();
    await swfB.send(
      new RespondDecisionTaskCompletedCommand({ taskToken: dw.taskToken, decisions: [schedule('w1', 'wake')] }),
    );
    const woke = await wokeAfter;
    expect(woke.t.activityId).toBe('w1');
    expect(woke.t.workflowExecution?.runId).toBe(wakeRun);
    // The poll holds 15 s; a wake-up within a few seconds can only come from B's notification.
    expect(woke.at - scheduledAt).toBeLessThan(3_000);

    // --- 50 activity tasks, 8 pollers (4 per node), each task delivered once
    const { runId } = await swfA.send(
      new StartWorkflowExecutionCommand({ domain, workflowId: 'fan-out', workflowType: WT }),
    );
    const d = await pollDecision(swfA, domain);
    const N = 50;
    const stop = new AbortController();
    const got: { activityId: string; node: 'A' | 'B' }[] = [];
    const errors: unknown[] = [];
    const poller = async (swf: SWFClient, node: 'A' | 'B', other: SWFClient) => {
      while (!stop.signal.aborted) {
        let t: PollForActivityTaskCommandOutput;
        try {
          t = await swf.send(new PollForActivityTaskCommand({ domain, taskList: { name: 'acts' }, identity: node }), {
            abortSignal: stop.signal,
          });
        } catch (err) {
          if (!stop.signal.aborted) errors.push(err);
          return;
        }
        if (!t.taskToken) continue;
        got.push({ activityId: t.activityId!, node });
        // A heartbeat through the other node (a snapshot-only write racing the other pollers' writes to the
        // same run), then the answer through one node or the other.
        const hb = await other.send(new RecordActivityTaskHeartbeatCommand({ taskToken: t.taskToken, details: node }));
        expect(hb.cancelRequested).toBe(false);
        await (got.length % 2 ? other : swf).send(
          new RespondActivityTaskCompletedCommand({ taskToken: t.taskToken, result: t.activityId }),
        );
        if (got.length >= N) stop.abort();
      }
    };
    const pollers = [
      ...Array.from({ length: 4 }, () => poller(swfA, 'A', swfB)),
      ...Array.from({ length: 4 }, () => poller(swfB, 'B', swfA)),
    ];
    await new Promise((r) => setTimeout(r, 300)); // pollers waiting on both nodes
    await swfA.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: d.taskToken,
        decisions: Array.from({ length: N }, (_, i) => schedule(`x${i}`)),
      }),
    );
    const deadline = setTimeout(() => stop.abort(), 40_000);
    await Promise.all(pollers);
    clearTimeout(deadline);
    expect(errors).toEqual([]);
    const ids = got.map((g) => g.activityId);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    expect(got.some((g) => g.node === 'A') && got.some((g) => g.node === 'B')).toBe(true);
    const events = await history(swfB, domain, 'fan-out', runId!);
    expect(events.map((e) => e.eventId)).toEqual(events.map((_, i) => i + 1));
    const started = events.filter((e) => e.eventType === 'ActivityTaskStarted');
    expect(started).toHaveLength(N);
    expect(new Set(started.map((e) => e.activityTaskStartedEventAttributes?.scheduledEventId)).size).toBe(N);
    expect(events.filter((e) => e.eventType === 'ActivityTaskCompleted')).toHaveLength(N);
    // The snapshot agrees with the history (every activity closed, the decision task pending).
    const described = await swfA.send(
      new DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'fan-out', runId } }),
    );
    expect(described.openCounts?.openActivityTasks).toBe(0);
    expect(described.openCounts?.openDecisionTasks).toBe(1);

    // --- decision tasks: 12 runs, 4 deciders (2 per node), each run's task decided exactly once
    const R = 12;
    const runs = await Promise.all(
      Array.from({ length: R }, (_, i) =>
        (i % 2 ? swfA : swfB).send(
          new StartWorkflowExecutionCommand({
            domain,
            workflowId: `decide-${i}`,
            workflowType: WT,
            taskList: { name: 'deciders' },
          }),
        ),
      ),
    );
    const decided: string[] = [];
    const allDecided = new AbortController();
    const decider = async (swf: SWFClient) => {
      while (!allDecided.signal.aborted) {
        const t = await swf
          .send(new PollForDecisionTaskCommand({ domain, taskList: { name: 'deciders' }, identity: 'd' }), {
            abortSignal: allDecided.signal,
          })
          .catch((err: unknown) => {
            if (allDecided.signal.aborted) return undefined;
            throw err;
          });
        if (!t?.taskToken) continue;
        decided.push(t.workflowExecution!.workflowId!);
        await swf.send(
          new RespondDecisionTaskCompletedCommand({
            taskToken: t.taskToken,
            decisions: [{ decisionType: 'CompleteWorkflowExecution' }],
          }),
        );
        if (decided.length >= R) allDecided.abort();
      }
    };
    await Promise.all([decider(swfA), decider(swfA), decider(swfB), decider(swfB)]);
    expect(decided).toHaveLength(R);
    expect(new Set(decided).size).toBe(R);
    for (const [i, r] of runs.entries()) {
      const h = await history(i % 2 ? swfB : swfA, domain, `decide-${i}`, r.runId!);
      expect(h.map((e) => e.eventType)).toEqual([
        'WorkflowExecutionStarted',
        'DecisionTaskScheduled',
        'DecisionTaskStarted',
        'DecisionTaskCompleted',
        'WorkflowExecutionCompleted',
      ]);
    }

    // --- one workflowId started on both nodes at once: one run opens, the other start is refused
    for (let i = 0; i < 10; i++) {
      const starts = await Promise.allSettled(
        [swfA, swfB, swfA, swfB].map((swf) =>
          swf.send(new StartWorkflowExecutionCommand({ domain, workflowId: `race-${i}`, workflowType: WT })),
        ),
      );
      expect(starts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of starts) {
        if (r.status === 'rejected') expect((r.reason as Error).name).toBe('WorkflowExecutionAlreadyStartedFault');
      }
    }

    // --- a timer set on A fires on B after A dies, with no request to B
    const { runId: timerRun } = await swfA.send(
      new StartWorkflowExecutionCommand({
        domain,
        workflowId: 'timer',
        workflowType: WT,
        taskList: { name: 'timer-d' },
      }),
    );
    const dt = await pollDecision(swfA, domain, 'timer-d');
    await swfA.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: dt.taskToken,
        decisions: [
          { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't', startToFireTimeout: '2' } },
        ],
      }),
    );
    await a.kill('SIGKILL');
    const { createPostgresDriver } = await import('@statecraft/storage-postgres');
    const store = createPostgresDriver({ connectionString: url });
    try {
      let types: string[] = [];
      for (let i = 0; i < 40 && !types.includes('TimerFired'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        types = await storedTypes(store, timerRun!);
      }
      expect(count(types, 'TimerFired')).toBe(1);
    } finally {
      await store.destroy();
    }
    await b.kill('SIGTERM');
  }, 60_000);
});
