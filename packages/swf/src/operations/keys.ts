/**
 * Storage layout of the SWF service: collection names, keys, task queues, timer ids, task tokens.
 */
import { AwsServiceError } from '@statecraft/engine';
import { fromBase64Url, toBase64Url } from '@statecraft/history';

/** @internal */
export const C = {
  domains: 'swf:domains',
  types: 'swf:types',
  executions: 'swf:executions',
  runs: 'swf:runs',
  open: 'swf:open',
  tags: 'swf:tags',
} as const;

const FAULT_NS = 'com.amazonaws.swf.base.model';

/** An SWF modelled fault. @internal */
export function swfFault(name: string, message: string): AwsServiceError {
  return new AwsServiceError(name, message, { namespace: FAULT_NS });
}

/** A Coral constraint failure. @internal */
export function validationError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message, { namespace: 'com.amazon.coral.validate' });
}

/** @internal */
export function domainKey(region: string, accountId: string, name: string): string {
  return `${region}:${accountId}:${name}`;
}

/** @internal */
export function domainArn(region: string, accountId: string, name: string): string {
  return `arn:aws:swf:${region}:${accountId}:/domain/${name}`;
}

/** @internal */
export function typeKey(dKey: string, kind: 'workflow' | 'activity', name: string, version: string): string {
  return `${dKey}|${kind}|${name}|${version}`;
}

/** @internal */
export function executionKey(dKey: string, runId: string): string {
  return `${dKey}|${runId}`;
}

/** @internal */
export function openKey(dKey: string, workflowId: string): string {
  return `${dKey}|${workflowId}`;
}

/**
 * One short stream per workflowId: each run opened with that id appends a marker. Opening a run checks the
 * count read before looking for an open run, so two nodes starting the same workflowId at once cannot both
 * succeed (the second append conflicts and the start re-runs, then finds the first run open). @internal
 */
export function workflowIdStream(oKey: string): string {
  return `swf:wfid:${oKey}`;
}

/** @internal */
export function historyStream(runId: string): string {
  return `swf:history:${runId}`;
}

/** @internal */
export function decisionQueue(dKey: string, taskList: string): string {
  return `swf:dq:${dKey}|${taskList}`;
}

/** @internal */
export function activityQueue(dKey: string, taskList: string): string {
  return `swf:aq:${dKey}|${taskList}`;
}

/** @internal */
export function timerId(runId: string, name: string): string {
  return `swf:${runId}|${name}`;
}

/** @internal */
export interface TaskTokenBody {
  readonly kind: 'd' | 'a';
  readonly runId: string;
  readonly scheduledEventId: number;
  readonly startedEventId: number;
}

function b64url(text: string): string {
  return toBase64Url(new TextEncoder().encode(text));
}

function unb64url(text: string): string | undefined {
  if (text === '') return undefined;
  const bytes = fromBase64Url(text);
  if (!bytes) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Task tokens name the run and the task's event ids; opaque to clients. @internal */
export function encodeTaskToken(t: TaskTokenBody): string {
  return b64url(`swf1:${t.kind}:${t.scheduledEventId}:${t.startedEventId}:${t.runId}`);
}

/** @internal */
export function decodeTaskToken(token: unknown, kind: 'd' | 'a'): TaskTokenBody {
  const text = typeof token === 'string' ? unb64url(token) : undefined;
  const m = text ? /^swf1:([da]):(\d+):(\d+):(.+)$/.exec(text) : null;
  if (!m || m[1] !== kind) throw validationError('Invalid token');
  return { kind, scheduledEventId: Number(m[2]), startedEventId: Number(m[3]), runId: m[4]! };
}

/** Epoch ms of a timestamp input (a Date after model coercion, or epoch seconds). @internal */
export function toMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value) * 1000;
  return undefined;
}

/** `{name}` of a TaskList input. @internal */
export function taskListName(value: unknown): string | undefined {
  const n = (value as { name?: unknown } | undefined)?.name;
  return typeof n === 'string' ? n : undefined;
}
