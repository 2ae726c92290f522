/**
 * Map runs of distributed Map states: DescribeMapRun, ListMapRuns, UpdateMapRun, over the map-run records
 * kept for each distributed Map the interpreter starts.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html
 */
import type { Operation } from '@statecraft/engine';
import { requireArn } from './arns.js';
import {
  date,
  execDoesNotExist,
  num,
  page,
  resourceNotFound,
  type SfnContext,
  str,
  tokenOf,
  validation,
} from './context.js';
import { C, type ExecutionRecord, type MapRunRecord } from './records.js';

const ZERO_COUNTS = {
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
  failuresNotRedrivable: 0,
  pendingRedrive: 0,
} as const;

/** @internal */
export function mapRunOperations(ctx: SfnContext): Record<string, Operation> {
  const { store, clock } = ctx;

  const getMapRun = async (arn: string): Promise<MapRunRecord> => {
    requireArn(arn, ['mapRun']);
    const rec = await store.transaction((tx) => tx.get<MapRunRecord>(C.mapRuns, arn));
    if (!rec) throw resourceNotFound(arn);
    return rec;
  };

  return {
    async DescribeMapRun(input) {
      const rec = await getMapRun(str(input, 'mapRunArn') ?? '');
      return {
        mapRunArn: rec.mapRunArn,
        executionArn: rec.executionArn,
        status: rec.status,
        startDate: date(rec.startDate),
        ...(rec.stopDate !== undefined ? { stopDate: date(rec.stopDate) } : {}),
        maxConcurrency: rec.maxConcurrency,
        toleratedFailurePercentage: rec.toleratedFailurePercentage,
        toleratedFailureCount: rec.toleratedFailureCount,
        itemCounts: { ...ZERO_COUNTS, ...rec.itemCounts },
        executionCounts: { ...ZERO_COUNTS, ...rec.executionCounts },
        redriveCount: rec.redriveCount ?? 0,
        ...(rec.redriveDate !== undefined ? { redriveDate: date(rec.redriveDate) } : {}),
      };
    },

    async ListMapRuns(input) {
      const arn = str(input, 'executionArn') ?? '';
      requireArn(arn, ['execution']);
      const exec = await store.transaction((tx) => tx.get<ExecutionRecord>(C.executions, arn));
      if (!exec || exec.type === 'EXPRESS') throw execDoesNotExist(arn);
      const all = await store.transaction((tx) => tx.list<MapRunRecord>(C.mapRuns));
      const runs = all
        .map((e) => e.value)
        .filter((r) => r.executionArn === arn)
        .sort((a, b) => b.startDate - a.startDate);
      const p = page(ctx, runs, input, { op: 'ListMapRuns', arn });
      return {
        mapRuns: p.items.map((r) => ({
          executionArn: r.executionArn,
          mapRunArn: r.mapRunArn,
          stateMachineArn: r.mapRunArn.replace(':mapRun:', ':stateMachine:').replace(/:[^:]*$/, ''),
          startDate: date(r.startDate),
          ...(r.stopDate !== undefined ? { stopDate: date(r.stopDate) } : {}),
        })),
        ...tokenOf(p),
      };
    },

    async UpdateMapRun(input) {
      const arn = str(input, 'mapRunArn') ?? '';
      const maxConcurrency = num(input, 'maxConcurrency');
      const toleratedFailurePercentage = num(input, 'toleratedFailurePercentage');
      const toleratedFailureCount = num(input, 'toleratedFailureCount');
      if (
        maxConcurrency === undefined &&
        toleratedFailurePercentage === undefined &&
        toleratedFailureCount === undefined
      ) {
        throw validation(
          'At least one of the parameters maxConcurrency, toleratedFailurePercentage, toleratedFailureCount must be specified',
          'MISSING_REQUIRED_PARAMETER',
        );
      }
      const rec = await getMapRun(arn);
      if (rec.status !== 'RUNNING') {
        throw validation(
          `Map Run ${arn} is already completed and cannot be updated.`,
          'CANNOT_UPDATE_COMPLETED_MAP_RUN',
        );
      }
      await store.transaction((tx) =>
        tx.put(C.mapRuns, arn, {
          ...rec,
          ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
          ...(toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage } : {}),
          ...(toleratedFailureCount !== undefined ? { toleratedFailureCount } : {}),
        }),
      );
      void clock;
      return {};
    },
  };
}
