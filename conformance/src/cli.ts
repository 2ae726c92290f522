/**
 * `pnpm conformance [--corpus <dir>]... [--endpoint <url>] [--filter <globs>] [--report <file.json>]
 *   [--min-pass <ratio>] [--concurrency N] [--timeout <seconds>]`
 *
 * Replays recorded cases against Statecraft through the AWS SDK v3 clients and compares the responses.
 * Exit code: 0; 1 when --min-pass is given and not met; 2 on a usage error or a runner crash.
 */
import './quiet-warnings.js';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadCases, makeFilter } from './load.js';
import { areaRows, formatFailure, formatTable, jsonReport, skipSummary, summaryLine } from './report.js';
import { type CaseResult, runAll } from './run.js';
import { createRemote, destroyRemote } from './target.js';
import type { LoadedCase } from './types.js';

const USAGE = `usage: pnpm conformance [options]
  --corpus <dir|file>   cases to run (repeatable; default: conformance/cases, the project's own cases)
  --endpoint <url>      run against a running server instead of an in-process emulator per case
  --filter <globs>      comma-separated globs over case ids (e.g. 'base/*,map', '!test-state/**')
  --report <file.json>  write per-case verdicts and diffs as JSON
  --min-pass <ratio>    exit 1 unless passed/(passed+failed) >= ratio (0..1, or a percentage like 95%)
  --concurrency <n>     cases run at once (default 4)
  --timeout <seconds>   timeout of a wait, poll or call (default 120)
  --quiet               no progress on stderr
  --verbose             one line per case on stderr (verdict, duration, heap)`;

interface Args {
  corpus: string[];
  endpoint?: string;
  filter?: string;
  report?: string;
  minPass?: number;
  concurrency: number;
  timeout: number;
  quiet: boolean;
  verbose: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const args: Args = { corpus: [], concurrency: 4, timeout: 120, quiet: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--corpus':
        args.corpus.push(value());
        break;
      case '--endpoint':
        args.endpoint = value();
        break;
      case '--filter':
        args.filter = value();
        break;
      case '--report':
        args.report = value();
        break;
      case '--min-pass': {
        const v = value();
        const n = v.endsWith('%') ? Number(v.slice(0, -1)) / 100 : Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--min-pass must be a ratio in 0..1: ${v}`);
        args.minPass = n;
        break;
      }
      case '--concurrency': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--concurrency must be a positive integer');
        args.concurrency = n;
        break;
      }
      case '--timeout': {
        const n = Number(value());
        if (!Number.isFinite(n) || n <= 0) throw new UsageError('--timeout must be a positive number of seconds');
        args.timeout = n;
        break;
      }
      case '--quiet':
        args.quiet = true;
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument ${a}`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const corpora = args.corpus.length ? args.corpus : [fileURLToPath(new URL('../cases', import.meta.url))];
  const filter = makeFilter(args.filter);
  const cases: LoadedCase[] = [];
  for (const dir of corpora) {
    const { cases: found, errors } = await loadCases(dir);
    for (const e of errors) console.error(`warning: ${e.file}: ${e.message}`);
    cases.push(...found.filter((c) => filter(c.id)));
  }
  if (cases.length === 0) {
    console.error(`no cases found in ${corpora.join(', ')}${args.filter ? ` matching ${args.filter}` : ''}`);
  }
  const remote = args.endpoint ? createRemote(args.endpoint) : undefined;
  const config = {
    timeoutMs: args.timeout * 1000,
    pollMs: remote ? 100 : 25,
    ...(remote ? { remote } : {}),
  };
  const started = Date.now();
  let done = 0;
  const progress = !args.quiet && !args.verbose && process.stderr.isTTY;
  const results: CaseResult[] = await runAll(cases, config, args.concurrency, (r) => {
    done++;
    if (args.verbose) {
      const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
      process.stderr.write(`${done}/${cases.length} ${r.verdict} ${r.id} ${r.durationMs} ms heap ${heap} MB\n`);
    }
    if (progress)
      process.stderr.write(`\r${done}/${cases.length} ${r.verdict.padEnd(4)} ${r.id.slice(0, 60).padEnd(60)}`);
  });
  if (progress) process.stderr.write('\r\x1b[K');
  if (remote) destroyRemote(remote);

  const failures = results.filter((r) => r.verdict === 'fail').sort((a, b) => a.id.localeCompare(b.id));
  for (const f of failures) console.log(`${formatFailure(f)}\n`);
  for (const line of skipSummary(results)) console.log(line);
  console.log(formatTable(areaRows(results)));
  const elapsed = Date.now() - started;

  if (args.report) {
    const report = jsonReport(results, {
      corpus: corpora,
      endpoint: args.endpoint ?? null,
      filter: args.filter ?? null,
      startedAt: new Date(started).toISOString(),
      durationMs: elapsed,
    });
    await writeFile(args.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  console.log(`(${(elapsed / 1000).toFixed(1)} s)`);
  console.log(summaryLine(results));

  if (args.minPass !== undefined) {
    const passed = results.filter((r) => r.verdict === 'pass').length;
    const failed = results.filter((r) => r.verdict === 'fail').length;
    const ratio = passed + failed === 0 ? 1 : passed / (passed + failed);
    if (ratio < args.minPass) {
      console.error(`pass ratio ${(ratio * 100).toFixed(1)}% is below --min-pass ${(args.minPass * 100).toFixed(1)}%`);
      return 1;
    }
  }
  return 0;
}

// Background failures of an emulator must not end the run; they surface as failing cases.
process.on('unhandledRejection', (e) => {
  console.error(`warning: unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(
      e instanceof UsageError ? `${e.message}\n${USAGE}` : `conformance runner crashed: ${(e as Error)?.stack ?? e}`,
    );
    process.exitCode = 2;
  },
);
