/**
 * `pnpm bench`: the shared workloads (../shared/bench/workloads) in process, Statecraft side by side with
 * aws-local-stepfunctions in the same run, sequential executions of a reused definition. Prints executions
 * per second for each and the ratio, and checks every output against the workload's expected output (a
 * wrong answer is reported, never timed).
 *
 * Two Statecraft figures: `interpreter` (the pure step function driven to completion, no store) and
 * `service` (StartExecution through the Step Functions service with the memory store, as an in-process
 * user sees it). Memory: heap after 10,000 finished executions through the service vs after 1,000.
 *
 * Storage adapters: for memory, SQLite and PostgreSQL (a throwaway server; skipped, saying why, without the
 * binaries), history events appended per second (the storage benchmark) and w1 executions per second through
 * the service on that store.
 *
 * Flags: --workload w1 (repeatable), --seconds N per measurement (default 3), --no-memory, --no-adapters.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStatecraft } from '@statecraft/aws-wire';
import { compileMachine, type ExecutionInput, step } from '@statecraft/interpreter';
import type { StorageDriver } from '@statecraft/storage';
import { createMemoryDriver } from '@statecraft/storage';
import { benchmarkStorageDriver } from '@statecraft/storage/bench';
import { createPostgresDriver } from '@statecraft/storage-postgres';
import { benchPostgres } from '@statecraft/storage-postgres/bench';
import { startTestPostgres } from '@statecraft/storage-postgres/testing';
import { createSqliteDriver } from '@statecraft/storage-sqlite';
import { benchSqlite } from '@statecraft/storage-sqlite/bench';
import { StateMachine } from 'aws-local-stepfunctions';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = resolve(process.env.SHARED_DIR ?? join(here, '../../../../shared'));
const workloadsDir = join(sharedDir, 'bench/workloads');

interface Workload {
  id: string;
  dir: string;
  title: string;
  definition: string;
  input: unknown;
  expected: { transitions: number; output: unknown };
}

function args() {
  const a = process.argv.slice(2);
  const only: string[] = [];
  let seconds = 3;
  let memory = true;
  let adapters = true;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--no-adapters') adapters = false;
    if (a[i] === '--workload') only.push(a[++i]!);
    else if (a[i] === '--seconds') seconds = Number(a[++i]);
    else if (a[i] === '--no-memory') memory = false;
  }
  return { only, seconds, memory, adapters };
}

function loadWorkloads(only: string[]): Workload[] {
  const index = JSON.parse(readFileSync(join(workloadsDir, 'index.json'), 'utf8')) as {
    workloads: { id: string; dir: string; title: string }[];
  };
  return index.workloads
    .filter((w) => only.length === 0 || only.includes(w.id))
    .map((w) => ({
      ...w,
      definition: readFileSync(join(workloadsDir, w.dir, 'definition.asl.json'), 'utf8'),
      input: JSON.parse(readFileSync(join(workloadsDir, w.dir, 'input.json'), 'utf8')),
      expected: JSON.parse(readFileSync(join(workloadsDir, w.dir, 'expected.json'), 'utf8')),
    }));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** Runs `once` repeatedly for about `seconds`; returns executions per second (median of 3 slices). */
async function measure(seconds: number, once: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await once(); // warm-up
  const rates: number[] = [];
  for (let slice = 0; slice < 3; slice++) {
    const until = performance.now() + (seconds * 1000) / 3;
    let n = 0;
    const t0 = performance.now();
    do {
      await once();
      n++;
    } while (performance.now() < until);
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[1]!;
}

async function runInterpreter(w: Workload, machine: ReturnType<typeof compileMachine>, n: number): Promise<unknown> {
  const inputText = JSON.stringify(w.input);
  let at = 1_700_000_000_000;
  let result = await step(machine, undefined, {
    type: 'Start',
    at,
    input: inputText,
    seed: n,
    execution: {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:bench:${n}`,
      executionName: String(n),
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
      stateMachineName: 'bench',
      roleArn: 'arn:aws:iam::123456789012:role/bench',
      startTime: at,
      redriveCount: 0,
      region: 'us-east-1',
      accountId: '123456789012',
    },
  });
  while (result.snapshot.status === 'RUNNING') {
    const cont = result.commands.find((c) => c.type === 'Continue');
    if (!cont) throw new Error(`workload ${w.id}: the interpreter is waiting on ${JSON.stringify(result.commands)}`);
    at += 1;
    const next: ExecutionInput = { type: 'Continue', at };
    result = await step(machine, result.snapshot, next);
  }
  if (result.snapshot.status !== 'SUCCEEDED') {
    throw new Error(
      `workload ${w.id}: ${result.snapshot.status} ${result.snapshot.error ?? ''} ${result.snapshot.cause ?? ''}`,
    );
  }
  return JSON.parse(result.snapshot.output ?? 'null');
}

async function main() {
  if (!existsSync(workloadsDir)) {
    console.log(
      `bench: ${workloadsDir} is absent; the shared workloads are needed. Set SHARED_DIR to the shared folder.`,
    );
    return;
  }
  const { only, seconds, memory, adapters } = args();
  const workloads = loadWorkloads(only);
  const rows: string[][] = [];
  for (const w of workloads) {
    const definitionJson = JSON.parse(w.definition);
    // aws-local-stepfunctions: the same definition object reused, sequential executions.
    const peer = new StateMachine(definitionJson);
    const peerOnce = async () => peer.run(structuredClone(w.input)).result;
    const peerOut = await peerOnce();
    const peerOk = same(peerOut, w.expected.output);

    const machine = compileMachine(definitionJson);
    let n = 0;
    let interpOk = false;
    let interpError = '';
    try {
      interpOk = same(await runInterpreter(w, machine, n++), w.expected.output);
    } catch (err) {
      interpError = (err as Error).message;
    }

    const sc = createStatecraft();
    const ctx = { region: 'us-east-1', accountId: '123456789012', requestId: 'bench' };
    const sm = (await sc.sfn.operations.CreateStateMachine!(
      { name: `bench-${w.id}`, definition: w.definition, roleArn: 'arn:aws:iam::123456789012:role/bench' },
      ctx,
    )) as { stateMachineArn: string };
    const inputText = JSON.stringify(w.input);
    const serviceOnce = async () => {
      const { executionArn } = (await sc.sfn.operations.StartExecution!(
        { stateMachineArn: sm.stateMachineArn, input: inputText },
        ctx,
      )) as { executionArn: string };
      for (;;) {
        const d = (await sc.sfn.operations.DescribeExecution!({ executionArn }, ctx)) as {
          status: string;
          output?: string;
        };
        if (d.status !== 'RUNNING') return d;
        await new Promise((r) => setImmediate(r));
      }
    };
    const first = (await serviceOnce()) as { status: string; output?: string };
    const serviceOk = first.status === 'SUCCEEDED' && same(JSON.parse(first.output ?? 'null'), w.expected.output);

    const peerRate = peerOk ? await measure(seconds, peerOnce) : Number.NaN;
    const interpRate = interpOk ? await measure(seconds, () => runInterpreter(w, machine, n++)) : Number.NaN;
    const serviceRate = serviceOk ? await measure(seconds, serviceOnce) : Number.NaN;
    await sc.close();
    const fmt = (x: number) => (Number.isNaN(x) ? 'wrong output' : x.toFixed(1));
    const ratio = (x: number) => (Number.isNaN(x) || Number.isNaN(peerRate) ? '-' : `${(x / peerRate).toFixed(2)}x`);
    rows.push([w.id, w.title, fmt(peerRate), fmt(interpRate), ratio(interpRate), fmt(serviceRate), ratio(serviceRate)]);
    if (interpError) console.log(`  ${w.id}: interpreter: ${interpError}`);
  }
  const head = [
    'id',
    'workload',
    'aws-local-stepfunctions exec/s',
    'statecraft interpreter exec/s',
    'ratio',
    'statecraft service exec/s',
    'ratio',
  ];
  printTable(head, rows);
  if (memory) await memoryCheck(workloads[0]);
  if (adapters) await adapterBench(loadWorkloads(['w1'])[0], seconds);
}

/** Executions per second of `w` through the Step Functions service on `store`. */
async function serviceRate(w: Workload, store: StorageDriver, seconds: number): Promise<number> {
  const sc = createStatecraft({ store });
  const ctx = { region: 'us-east-1', accountId: '123456789012', requestId: 'bench' };
  try {
    await sc.reset();
    const sm = (await sc.sfn.operations.CreateStateMachine!(
      { name: `adapter-${w.id}`, definition: w.definition, roleArn: 'arn:aws:iam::123456789012:role/bench' },
      ctx,
    )) as { stateMachineArn: string };
    const input = JSON.stringify(w.input);
    return await measure(seconds, async () => {
      const { executionArn } = (await sc.sfn.operations.StartExecution!(
        { stateMachineArn: sm.stateMachineArn, input },
        ctx,
      )) as { executionArn: string };
      for (;;) {
        const d = (await sc.sfn.operations.DescribeExecution!({ executionArn }, ctx)) as { status: string };
        if (d.status !== 'RUNNING') return;
        await new Promise((r) => setImmediate(r));
      }
    });
  } finally {
    await sc.close();
  }
}

async function adapterBench(w: Workload | undefined, seconds: number) {
  if (!w) return;
  const rows: string[][] = [];
  const fmt = (x: number) => x.toFixed(0);
  const memEvents = await benchmarkStorageDriver(createMemoryDriver());
  rows.push(['memory', fmt(memEvents.eventsPerSecond), fmt(await serviceRate(w, createMemoryDriver(), seconds))]);

  const dir = mkdtempSync(join(tmpdir(), 'statecraft-bench-'));
  try {
    const sqliteEvents = await benchSqlite();
    const sqliteRate = await serviceRate(w, createSqliteDriver({ filename: join(dir, 'service.sqlite') }), seconds);
    rows.push(['sqlite (file, WAL, synchronous=NORMAL)', fmt(sqliteEvents.eventsPerSecond), fmt(sqliteRate)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const pgEvents = await benchPostgres();
  if (pgEvents.skipped !== undefined) rows.push(['postgres', `skipped: ${pgEvents.skipped}`, '-']);
  else {
    const server = await startTestPostgres();
    try {
      const rate = server.url
        ? await serviceRate(
            w,
            createPostgresDriver({ connectionString: server.url, schema: 'statecraft_bench_service' }),
            seconds,
          )
        : Number.NaN;
      rows.push(['postgres (throwaway local server)', fmt(pgEvents.eventsPerSecond), fmt(rate)]);
    } finally {
      await server.stop();
    }
  }
  console.log('');
  printTable(['storage adapter', 'history events appended/s', `${w.id} executions/s through the service`], rows);
}

const RETAINED = 1_000;

async function memoryCheck(w: Workload | undefined) {
  if (!w) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  const sc = createStatecraft({ maxClosedExecutions: RETAINED });
  const ctx = { region: 'us-east-1', accountId: '123456789012', requestId: 'bench' };
  const sm = (await sc.sfn.operations.CreateStateMachine!(
    { name: 'mem', definition: w.definition, roleArn: 'arn:aws:iam::123456789012:role/bench' },
    ctx,
  )) as { stateMachineArn: string };
  const input = JSON.stringify(w.input);
  const heapAt: Record<number, number> = {};
  for (let i = 1; i <= 10_000; i++) {
    await sc.sfn.operations.StartExecution!({ stateMachineArn: sm.stateMachineArn, input }, ctx);
    if (i === 1_000 || i === 10_000) {
      gc?.();
      heapAt[i] = process.memoryUsage().heapUsed;
    }
  }
  await sc.close();
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(
    `\nmemory (${w.id}, memory store keeping the last ${RETAINED} closed executions): heap ${mb(heapAt[1000]!)} MiB after 1,000 executions, ${mb(heapAt[10000]!)} MiB after 10,000${gc ? '' : ' (run with node --expose-gc for exact figures)'}`,
  );
}

function printTable(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
