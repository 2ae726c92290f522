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
import { parseArgs, USAGE, UsageError } from './args.js';
import { loadCases, makeFilter } from './load.js';
import { areaRows, formatFailure, formatTable, jsonReport, skipSummary, summaryLine } from './report.js';
import { type CaseResult, runAll } from './run.js';
import { createRemote, destroyRemote } from './target.js';
import type { LoadedCase } from './types.js';

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
    compatDate: args.compatDate,
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
      compatDate: args.endpoint ? null : args.compatDate,
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
