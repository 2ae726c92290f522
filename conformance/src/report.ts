/** Human-readable output (failures with short diffs, per-area table, summary line) and the JSON report. */
import { ABSENT, type Diff } from './compare.js';
import type { CaseResult } from './run.js';

export function formatValue(v: unknown, max = 100): string {
  let s: string;
  if (v === ABSENT) s = '(absent)';
  else if (v === undefined) s = 'undefined';
  else if (v instanceof Date) s = `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  else {
    try {
      s = JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x));
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function formatDiff(d: Diff): string {
  const note = d.message && !['missing', 'unexpected'].includes(d.message) ? ` — ${d.message}` : '';
  return `${d.path}: expected ${formatValue(d.expected)}, actual ${formatValue(d.actual)}${note}`;
}

export function formatFailure(r: CaseResult, maxDiffs = 5): string {
  const f = r.failure;
  const lines = [`FAIL ${r.id}${r.awsValidated === false ? ' (unvalidated)' : ''}`];
  if (!f) return `${lines[0]}: ${r.reason ?? ''}`;
  const msg = f.message.length > 600 ? `${f.message.slice(0, 600)}…` : f.message;
  lines.push(`  step ${f.step} ${f.label}: ${msg.split('\n').join('\n    ')}`);
  const diffs = f.diffs ?? [];
  for (const d of diffs.slice(0, maxDiffs)) lines.push(`    ${formatDiff(d)}`);
  if (diffs.length > maxDiffs) lines.push(`    … ${diffs.length - maxDiffs} more difference(s)`);
  return lines.join('\n');
}

export interface AreaRow {
  area: string;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
}

export function areaRows(results: CaseResult[]): AreaRow[] {
  const rows = new Map<string, AreaRow>();
  for (const r of results) {
    const key = r.service === 'swf' ? `swf:${r.area}` : r.area;
    const row = rows.get(key) ?? { area: key, passed: 0, failed: 0, skipped: 0, total: 0 };
    row.total++;
    if (r.verdict === 'pass') row.passed++;
    else if (r.verdict === 'fail') row.failed++;
    else row.skipped++;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.area.localeCompare(b.area));
}

function pct(passed: number, failed: number): string {
  const run = passed + failed;
  return run === 0 ? '-' : `${((100 * passed) / run).toFixed(1)}%`;
}

export function formatTable(rows: AreaRow[]): string {
  const withSkip = rows.some((r) => r.skipped > 0);
  const header = ['area', 'passed', 'failed', ...(withSkip ? ['skipped'] : []), 'total', '%'];
  const total: AreaRow = { area: 'TOTAL', passed: 0, failed: 0, skipped: 0, total: 0 };
  for (const r of rows) {
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    total.total += r.total;
  }
  const body = [...rows, total].map((r) => [
    r.area,
    String(r.passed),
    String(r.failed),
    ...(withSkip ? [String(r.skipped)] : []),
    String(r.total),
    pct(r.passed, r.failed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const sepLine = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sepLine, ...body.slice(0, -1).map(line), sepLine, line(body[body.length - 1]!)].join('\n');
}

export function summaryLine(results: CaseResult[]): string {
  const passed = results.filter((r) => r.verdict === 'pass').length;
  const failed = results.filter((r) => r.verdict === 'fail').length;
  const skipped = results.filter((r) => r.verdict === 'skip').length;
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

export function skipSummary(results: CaseResult[]): string[] {
  const reasons = new Map<string, number>();
  for (const r of results)
    if (r.verdict === 'skip') reasons.set(r.reason ?? '', (reasons.get(r.reason ?? '') ?? 0) + 1);
  return [...reasons].map(([reason, n]) => `SKIP ${n} case(s): ${reason}`);
}

/** JSON-safe, size-bounded copy of a diff (ABSENT and dates made printable, big values truncated). */
function jsonDiff(d: Diff): unknown {
  const fix = (v: unknown): unknown => {
    if (v === ABSENT) return '(absent)';
    if (v instanceof Date) return v.toISOString();
    const text = JSON.stringify(v);
    if (text !== undefined && text.length > 2000) return `${text.slice(0, 2000)}… (${text.length} characters)`;
    return v;
  };
  return { ...d, expected: fix(d.expected), actual: fix(d.actual) };
}

export function jsonReport(results: CaseResult[], meta: Record<string, unknown>): Record<string, unknown> {
  const passed = results.filter((r) => r.verdict === 'pass').length;
  const failed = results.filter((r) => r.verdict === 'fail').length;
  const skipped = results.filter((r) => r.verdict === 'skip').length;
  return {
    ...meta,
    summary: {
      passed,
      failed,
      skipped,
      total: results.length,
      passRatio: passed + failed ? passed / (passed + failed) : null,
    },
    areas: areaRows(results),
    cases: results.map((r) => ({
      ...r,
      ...(r.failure ? { failure: { ...r.failure, diffs: r.failure.diffs?.slice(0, 20).map(jsonDiff) } } : {}),
    })),
  };
}
