/**
 * Step Functions ARNs. Parsing follows what AWS answers for malformed ones (`InvalidArn`, WIRE.md §9).
 */
import { AwsServiceError } from '@statecraft/engine';

/** @public */
export type SfnResourceType = 'stateMachine' | 'execution' | 'express' | 'activity' | 'mapRun';

/** @public */
export interface ParsedArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly resourceType: SfnResourceType;
  /** Everything after the resource type, split on `:`. */
  readonly parts: readonly string[];
}

const ARN_RE = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):(stateMachine|execution|express|activity|mapRun):(.+)$/;

/** @public */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Parses an SFN ARN; `undefined` when it is not one. @public */
export function parseArn(arn: string): ParsedArn | undefined {
  const m = ARN_RE.exec(arn);
  if (!m) return undefined;
  return {
    partition: m[1]!,
    region: m[2]!,
    accountId: m[3]!,
    resourceType: m[4] as SfnResourceType,
    parts: m[5]!.split(':'),
  };
}

/** @public */
export function invalidArn(detail: string): AwsServiceError {
  return new AwsServiceError('InvalidArn', `Invalid Arn: '${detail}'`);
}

/**
 * Parses an ARN that must be of one of `types`, throwing AWS's `InvalidArn` otherwise.
 * @public
 */
export function requireArn(arn: string, types: readonly SfnResourceType[]): ParsedArn {
  const parsed = parseArn(arn);
  if (!parsed) {
    if (!arn.startsWith('arn:')) throw invalidArn(`Invalid ARN prefix: ${arn}`);
    const m = /^arn:[^:]*:states:[^:]*:[^:]*:([^:]+)/.exec(arn);
    if (m && !types.includes(m[1] as SfnResourceType))
      throw invalidArn(`Resource type not valid in this context: ${m[1]}`);
    throw invalidArn(`Invalid ARN prefix: ${arn}`);
  }
  if (!types.includes(parsed.resourceType)) {
    throw invalidArn(`Resource type not valid in this context: ${parsed.resourceType}`);
  }
  return parsed;
}

/** @public */
export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${accountId}:stateMachine:${name}`;
}

/** @public */
export function executionArn(region: string, accountId: string, smName: string, execName: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${accountId}:execution:${smName}:${execName}`;
}

/** @public */
export function activityArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${accountId}:activity:${name}`;
}
