/**
 * Step Functions durability against real `statecraft serve` processes and the unmodified
 * `@aws-sdk/client-sfn` (issue 7):
 *
 * - Restart (SQLite, then PostgreSQL): a node is SIGKILLed with executions in the middle of a Wait state, an
 *   activity task taken by a worker and another still queued, a `.waitForTaskToken` callback, and a Lambda
 *   invocation in flight. Started again on the same store it fires the overdue timer, invokes the Lambda again
 *   (an invocation may repeat; a step never does), and takes the answers sent through the SDK: every
 *   execution ends with the history of an uninterrupted run (timestamps and task tokens aside), event ids
 *   1..n with no gap or repeat.
 * - Two nodes on one PostgreSQL: 16 GetActivityTask pollers split across both take 40 activity tasks started
 *   on either node, each delivered exactly once (long polls wake across nodes); Wait timers of a node killed
 *   right after starting them fire, once, on the other.
 *
 * PostgreSQL parts skip, with the reason printed, where no PostgreSQL can be started. Real time throughout.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startTestPostgres, type TestPostgres } from '@statecraft/storage-postgres/testing';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const region = 'us-east-1';
const account = '123456789012';
const role = `arn:aws:iam::${account}:role/restart`;

const tmp = mkdtempSync(join(tmpdir(), 'statecraft-sfn-restart-'));
const running = new Set<Server>();
afterAll(async () => {
  for (const s of [...running]) await s.kill('SIGKILL');
  await lambda?.close();
  await (await postgres)?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------------- servers

interface Server {
  readonly url: string;
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
async function startServer(storage: string, port: number, env: Record<string, string> = {}): Promise<Server> {
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
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', ...env } },
  );
  let out = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
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
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Statecraft listening')) {
        clearTimeout(timer);
        ok();
      }
    });
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

const client = (server: Server) =>
  new SFNClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

/** One PostgreSQL for every test that needs it (started lazily; `url` undefined, with a reason, when none). */
let postgres: Promise<TestPostgres> | undefined;
const sharedPostgres = () => {
  postgres ??= startTestPostgres();
  return postgres;
};

// ------------------------------------------------------------------------------------------- a Lambda

/**
 * The `LAMBDA_ENDPOINT` the servers call: while `hold` is set, invocations hang (the node dies with one in
 * flight); otherwise they answer at once.
 */
interface FakeLambda {
  readonly url: string;
  hold: boolean;
  readonly calls: number;
  /** Answers the calls held so far. */
  release(): void;
  /** Resolves at the next call. */
  nextCall(): Promise<void>;
  close(): Promise<void>;
}

let lambda: FakeLambda | undefined;
async function fakeLambda(): Promise<FakeLambda> {
  if (lambda) return lambda;
  let calls = 0;
  let waiters: (() => void)[] = [];
  let held: { res: ServerResponse; n: unknown }[] = [];
  const answer = (res: ServerResponse, n: unknown) => {
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, n }));
  };
  const srv = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      calls++;
      for (const w of waiters) w();
      waiters = [];
      let n: unknown = null;
      try {
        n = (JSON.parse(body) as { n?: unknown }).n ?? null;
      } catch {}
      if (self.hold) held.push({ res, n });
      else answer(res, n);
    });
  });
  const port = await freePort();
  await new Promise<void>((ok) => srv.listen(port, '127.0.0.1', ok));
  const self: FakeLambda = {
    url: `http://127.0.0.1:${port}`,
    hold: false,
    get calls() {
      return calls;
    },
    release() {
      for (const h of held) answer(h.res, h.n);
      held = [];
    },
    nextCall: () => new Promise<void>((ok) => waiters.push(ok)),
    close: () =>
      new Promise<void>((ok) => {
        for (const h of held) h.res.destroy();
        srv.closeAllConnections();
        srv.close(() => ok());
      }),
  };
  lambda = self;
  return self;
}

// ------------------------------------------------------------------------------------------- the scenario

const definitions = {
  wait: {
    StartAt: 'Nap',
    States: {
      Nap: { Type: 'Wait', Seconds: 2, Next: 'Done' },
      Done: { Type: 'Pass', Result: { napped: true }, End: true },
    },
  },
  activity: (activityArn: string) => ({
    StartAt: 'First',
    States: {
      First: { Type: 'Task', Resource: activityArn, ResultPath: '$.first', Next: 'Second' },
      Second: { Type: 'Task', Resource: activityArn, ResultPath: '$.second', Next: 'Done' },
      Done: { Type: 'Pass', End: true },
    },
  }),
  callback: {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
          'MessageBody.$': '$$.Task.Token',
        },
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
    },
  },
  invoke: {
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'slow', Payload: { n: 7 } },
        ResultSelector: { 'n.$': '$.Payload.n' },
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
    },
  },
};

type Kind = 'wait' | 'activity' | 'callback' | 'invoke';
const KINDS: readonly Kind[] = ['wait', 'activity', 'callback', 'invoke'];

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function takeActivity(sfn: SFNClient, activityArn: string, workerName: string): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const t = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
    if (t.taskToken) return t.taskToken;
  }
  throw new Error('no activity task within 20 polls');
}

/** A history as two runs of the scenario must share it: no timestamps, tokens, or Lambda response metadata. */
function timeless(events: readonly HistoryEvent[], tokens: readonly string[]) {
  let text = JSON.stringify(events.map(({ timestamp: _t, ...rest }) => rest));
  for (const t of tokens) text = text.split(t).join('<token>');
  const out = JSON.parse(text) as Record<string, Record<string, unknown>>[];
  for (const e of out) {
    const d = e.taskSucceededEventDetails;
    if (typeof d?.output === 'string') {
      const v = JSON.parse(d.output) as Record<string, unknown>;
      if (v && typeof v === 'object' && 'SdkHttpMetadata' in v)
        d.output = { Payload: v.Payload, StatusCode: v.StatusCode };
    }
  }
  return out;
}

interface ScenarioResult {
  histories: Record<Kind, HistoryEvent[]>;
  tokens: string[];
}

/**
 * The scenario, in a fixed order so an uninterrupted run and an interrupted one record the same events:
 * start the four executions; a worker takes the first activity task; the callback's token is read from the
 * history; the Lambda call hangs. (interrupt) Then answer the first activity, take and answer the second,
 * answer the callback; the Lambda is called again and answers; the Wait ends by itself.
 */
async function scenario(connect: () => SFNClient, interrupt: () => Promise<void>): Promise<ScenarioResult> {
  const fn = await fakeLambda();
  let sfn = connect();
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'restart-work' }));
  if (!activityArn) throw new Error('no activityArn');
  const arns = {} as Record<Kind, string>;
  fn.hold = true;
  const called = fn.nextCall();
  for (const kind of KINDS) {
    const definition = kind === 'activity' ? definitions.activity(activityArn) : definitions[kind];
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: `restart-${kind}`, definition: JSON.stringify(definition), roleArn: role }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'e1', input: JSON.stringify({ kind }) }),
    );
    if (!executionArn) throw new Error('no executionArn');
    arns[kind] = executionArn;
  }
  const first = await takeActivity(sfn, activityArn, 'worker-1');
  const callbackToken = await until('the callback token', async () => {
    const scheduled = (await history(sfn, arns.callback)).find((e) => e.type === 'TaskScheduled');
    const params = scheduled?.taskScheduledEventDetails?.parameters;
    return params ? (JSON.parse(params) as { MessageBody: string }).MessageBody : undefined;
  });
  await called;

  await interrupt();
  fn.hold = false;
  sfn = connect();

  await sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: JSON.stringify({ one: 1 }) }));
  const second = await takeActivity(sfn, activityArn, 'worker-2');
  await sfn.send(new SendTaskSuccessCommand({ taskToken: second, output: JSON.stringify({ two: 2 }) }));
  await sfn.send(new SendTaskSuccessCommand({ taskToken: callbackToken, output: JSON.stringify({ answered: true }) }));
  for (const kind of KINDS) {
    // A shared store's Lambda work item comes back when the dead node's lease runs out (15 s).
    const status = await until(
      `${kind} to finish`,
      async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arns[kind] }));
        return d.status === 'RUNNING' ? undefined : d.status;
      },
      35_000,
    );
    expect(status, kind).toBe('SUCCEEDED');
  }
  const histories = {} as Record<Kind, HistoryEvent[]>;
  for (const kind of KINDS) histories[kind] = await history(sfn, arns[kind]);
  return { histories, tokens: [first, second, callbackToken] };
}

let referenceRun: Promise<ScenarioResult> | undefined;
/** The uninterrupted run, on a server of its own (in memory: the store must not change the history). */
function reference(): Promise<ScenarioResult> {
  referenceRun ??= (async () => {
    const fn = await fakeLambda();
    const server = await startServer('memory', await freePort(), { LAMBDA_ENDPOINT: fn.url });
    try {
      return await scenario(
        () => client(server),
        async () => {
          // No interruption: the hanging Lambda call is let go instead.
          fn.hold = false;
          fn.release();
        },
      );
    } finally {
      await server.kill('SIGTERM');
    }
  })();
  return referenceRun;
}

/** Runs the scenario on `storage`, SIGKILLing the server in the middle and starting it again on the store. */
async function interruptedRun(storage: string) {
  const fn = await fakeLambda();
  const ref = await reference();
  const port = await freePort();
  const env = { LAMBDA_ENDPOINT: fn.url };
  let server = await startServer(storage, port, env);
  if (storage.startsWith('postgres')) {
    // One database for every PostgreSQL test: start from an empty one.
    await fetch(`${server.url}/_statecraft/reset`, { method: 'POST' });
  }
  const callsBefore = fn.calls;
  const run = await scenario(
    () => client(server),
    async () => {
      await server.kill('SIGKILL');
      server = await startServer(storage, port, env);
    },
  );
  await server.kill('SIGTERM');
  // The Lambda was called again after the restart (the first call died with the node).
  expect(fn.calls - callsBefore).toBe(2);
  for (const kind of KINDS) {
    const events = run.histories[kind];
    // Ids run 1..n with no gap or repeat, and all but timestamps and tokens equals the uninterrupted run.
    expect(
      events.map((e) => e.id),
      kind,
    ).toEqual(events.map((_, i) => i + 1));
    expect(timeless(events, run.tokens), kind).toEqual(timeless(ref.histories[kind], ref.tokens));
    expect(events.at(-1)?.type, kind).toBe('ExecutionSucceeded');
  }
  expect(run.histories.wait.filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
  expect(run.histories.activity.filter((e) => e.type === 'ActivityStarted')).toHaveLength(2);
}

describe('Step Functions on statecraft serve: SIGKILL and restart', () => {
  it('SQLite: Wait, activities, callback token and Lambda invocation survive; histories as uninterrupted', async () => {
    await interruptedRun(`sqlite:${join(tmp, 'restart.sqlite')}`);
  }, 60_000);

  it('PostgreSQL: the same', async (ctx) => {
    const pg = await sharedPostgres();
    if (!pg.url) {
      console.warn(`[statecraft] skipped the Step Functions PostgreSQL restart test: ${pg.reason}`);
      ctx.skip();
      return;
    }
    await interruptedRun(pg.url);
  }, 60_000);
});

// ------------------------------------------------------------------------------------ several nodes

describe('Step Functions on statecraft serve: two nodes on one PostgreSQL', () => {
  it('hands each of 40 activity tasks to exactly one of 16 pollers across both nodes; a dead node’s timers fire on the other', async (ctx) => {
    const pg = await sharedPostgres();
    if (!pg.url) {
      console.warn(`[statecraft] skipped the Step Functions two-node PostgreSQL test: ${pg.reason}`);
      ctx.skip();
      return;
    }
    const url = pg.url;
    const env = { STATECRAFT_ACTIVITY_POLL_TIMEOUT: '10' };
    const [a, b] = await Promise.all([
      freePort().then((p) => startServer(url, p, env)),
      freePort().then((p) => startServer(url, p, env)),
    ]);
    await fetch(`${a.url}/_statecraft/reset`, { method: 'POST' });
    const sfnA = client(a);
    const sfnB = client(b);
    const { activityArn } = await sfnA.send(new CreateActivityCommand({ name: 'shared-work' }));
    if (!activityArn) throw new Error('no activityArn');
    const { stateMachineArn: actSm } = await sfnA.send(
      new CreateStateMachineCommand({
        name: 'nodes-activity',
        definition: JSON.stringify({
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: activityArn, End: true } },
        }),
        roleArn: role,
      }),
    );

    // Pollers first, on both nodes: tasks queued on one node must wake polls held on the other.
    const N = 40;
    const received: { token: string; input: string; node: string }[] = [];
    let stop = false;
    const poller = async (sfn: SFNClient, node: string) => {
      while (!stop && received.length < N) {
        const t = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: node }));
        if (!t.taskToken) continue;
        received.push({ token: t.taskToken, input: t.input ?? '', node });
        await sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: t.input ?? '{}' }));
      }
    };
    const pollers = Array.from({ length: 16 }, (_, i) =>
      poller(i % 2 ? sfnB : sfnA, i % 2 ? 'B' : 'A').catch(() => {}),
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const execs = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        (i % 2 ? sfnB : sfnA).send(
          new StartExecutionCommand({ stateMachineArn: actSm, name: `x${i}`, input: JSON.stringify({ i }) }),
        ),
      ),
    );
    await until('every activity task', async () => (received.length >= N ? true : undefined), 30_000);
    const elapsed = Date.now() - started;
    stop = true;
    // Exactly once: N distinct tokens, each input once.
    expect(new Set(received.map((r) => r.token)).size).toBe(N);
    expect(received.map((r) => (JSON.parse(r.input) as { i: number }).i).sort((x, y) => x - y)).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    expect(new Set(received.map((r) => r.node))).toEqual(new Set(['A', 'B']));
    // Long polls woke (no poll had to run out its 10 s hold).
    expect(elapsed).toBeLessThan(9_000);
    for (const e of execs) {
      const status = await until('the activity execution', async () => {
        const d = await sfnB.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        return d.status === 'RUNNING' ? undefined : d.status;
      });
      expect(status).toBe('SUCCEEDED');
    }

    // Timers: Wait states started on A, which dies at once; B fires them, each once.
    const { stateMachineArn: waitSm } = await sfnA.send(
      new CreateStateMachineCommand({
        name: 'nodes-wait',
        definition: JSON.stringify({
          StartAt: 'Nap',
          States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
        }),
        roleArn: role,
      }),
    );
    const waits = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        sfnA.send(new StartExecutionCommand({ stateMachineArn: waitSm, name: `w${i}` })),
      ),
    );
    await a.kill('SIGKILL');
    for (const w of waits) {
      const status = await until(
        'the Wait execution',
        async () => {
          const d = await sfnB.send(new DescribeExecutionCommand({ executionArn: w.executionArn }));
          return d.status === 'RUNNING' ? undefined : d.status;
        },
        15_000,
      );
      expect(status).toBe('SUCCEEDED');
      const events = await history(sfnB, w.executionArn!);
      expect(events.filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
      expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    }
    stop = true;
    await b.kill('SIGTERM');
    await Promise.allSettled(pollers);
  }, 60_000);
});
