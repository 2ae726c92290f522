/**
 * What every group of operations shares: the store, the clock, the runner, long-poll waiters, and the
 * small helpers that turn AWS's rules (paging, errors, input members) into code.
 */
import type { Clock, InvokerRegistry, Scheduler, Waiters } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import { bindingOf, paginate } from '@statecraft/history';
import type { StorageDriver } from '@statecraft/storage';
import type { ExecutionRecord } from './records.js';
import type { Runner } from './runner.js';

/** @internal */
export interface SfnContext {
  readonly store: StorageDriver;
  readonly clock: Clock;
  readonly runner: Runner;
  readonly scheduler: Scheduler;
  readonly invokers: InvokerRegistry;
  readonly waiters: Waiters;
  readonly region: string;
  readonly accountId: string;
  readonly onError: (err: unknown) => void;
  /** GetActivityTask hold time, ms. */
  readonly activityPollMs: number;
  /** Whether DescribeStateMachine & co. report `encryptionConfiguration` (AWS does since 2024). */
  readonly describeEncryption: boolean;
  /** Whether executions report redrive members (`redriveCount`, `redriveStatus`); AWS does since 2023-11-15. */
  readonly describeRedrive: boolean;
  /** Waiters for executions to close (StartSyncExecution). */
  readonly closeWaiters: Map<string, Set<(rec: ExecutionRecord) => void>>;
}

/** @internal */
export function str(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

/** @internal */
export function num(input: Record<string, unknown>, key: string): number | undefined {
  const v = input[key];
  return typeof v === 'number' ? v : undefined;
}

/** @internal */
export function bool(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** @internal */
export function date(ms: number): Date {
  return new Date(ms);
}

/** @internal */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** @internal */
export function invalidToken(): AwsServiceError {
  return new AwsServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
}

/** @internal */
export function smDoesNotExist(arn: string): AwsServiceError {
  return new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
}

/** @internal */
export function execDoesNotExist(arn: string): AwsServiceError {
  return new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
}

/** @internal */
export function resourceNotFound(arn: string): AwsServiceError {
  return new AwsServiceError('ResourceNotFound', `Resource not found: '${arn}'`, { status: 404 });
}

/** @internal */
export function validation(message: string, reason?: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message, {
    status: 400,
    ...(reason !== undefined ? { members: { reason } } : {}),
  });
}

/** @internal */
export function conflict(message: string): AwsServiceError {
  return new AwsServiceError('ConflictException', message, { status: 409 });
}

/** @internal */
export function typeNotSupported(): AwsServiceError {
  return new AwsServiceError(
    'StateMachineTypeNotSupported',
    'This operation is not supported by this type of state machine',
  );
}

/**
 * One page of `items` with AWS's rules: `maxResults` 0 or absent = 100, an opaque token bound to the
 * other arguments (reused with different arguments → `InvalidToken`), optional expiry.
 * @internal
 */
export function page<T>(
  ctx: SfnContext,
  items: readonly T[],
  input: Record<string, unknown>,
  binding: Record<string, unknown>,
  ttlMs?: number,
): { items: T[]; nextToken?: string } {
  const result = paginate(items, {
    maxResults: num(input, 'maxResults'),
    nextToken: str(input, 'nextToken'),
    binding: bindingOf(binding),
    now: ctx.clock.now(),
    ...(ttlMs !== undefined ? { ttlMs } : {}),
  });
  if ('problem' in result) throw invalidToken();
  return result;
}

/** The `nextToken` member, only when there is one. @internal */
export function tokenOf(p: { nextToken?: string }): Record<string, unknown> {
  return p.nextToken ? { nextToken: p.nextToken } : {};
}

/** Drops undefined members. @internal */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
