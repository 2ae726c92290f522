/**
 * What the Step Functions service keeps in the store. Collections are namespaced `sfn:`; execution
 * histories are event streams keyed by the execution ARN.
 */
import type { ExecutionSnapshot } from '@statecraft/interpreter';

/** @internal */
export const C = {
  stateMachines: 'sfn:stateMachines',
  versions: 'sfn:versions',
  aliases: 'sfn:aliases',
  executions: 'sfn:executions',
  activities: 'sfn:activities',
  tags: 'sfn:tags',
  tokens: 'sfn:tokens',
  mapRuns: 'sfn:mapRuns',
} as const;

/** @internal */
export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** The configuration a revision is made of (shared by the machine and its versions). @internal */
export interface RevisionFields {
  readonly definition: string;
  readonly roleArn: string;
  readonly type: StateMachineType;
  readonly loggingConfiguration: Record<string, unknown>;
  readonly tracingConfiguration: Record<string, unknown>;
  readonly encryptionConfiguration: Record<string, unknown>;
  /** Absent for the initial revision (AWS reports no revisionId until the first update). */
  readonly revisionId?: string;
}

/** @internal */
export interface StateMachineRecord extends RevisionFields {
  readonly arn: string;
  readonly name: string;
  /** Epoch ms. */
  readonly creationDate: number;
  /** Epoch ms of the last update (creation date until then). */
  readonly updateDate?: number;
  readonly status: 'ACTIVE' | 'DELETING';
  readonly description?: string;
  /** The last version number handed out (numbers are never reused). */
  readonly versionCounter: number;
  /** Version number published for the current revision, when it still exists. */
  readonly currentRevisionVersion?: number;
}

/** A published version: an immutable snapshot of a revision. @internal */
export interface VersionRecord extends RevisionFields {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly version: number;
  readonly creationDate: number;
  readonly description?: string;
}

/** @internal */
export interface RoutingEntry {
  readonly stateMachineVersionArn: string;
  readonly weight: number;
}

/** @internal */
export interface AliasRecord {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly description?: string;
  readonly routingConfiguration: readonly RoutingEntry[];
  readonly creationDate: number;
  readonly updateDate?: number;
}

/** @internal */
export interface ActivityRecord {
  readonly arn: string;
  readonly name: string;
  readonly creationDate: number;
  readonly encryptionConfiguration: Record<string, unknown>;
}

/** @internal */
export interface ExecutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly type?: StateMachineType;
  /** The state machine's definition at start (the execution keeps running it after updates). */
  readonly definition: string;
  readonly roleArn: string;
  readonly input: string;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly status: ExecutionSnapshot['status'];
  readonly snapshot?: ExecutionSnapshot;
  readonly redriveCount: number;
  readonly redriveDate?: number;
  readonly traceHeader?: string;
  /** Step Functions Local mock test case, from a `#TestCase` suffix on the state machine ARN. */
  readonly testCase?: string;
  readonly stateMachineVersionArn?: string;
  readonly stateMachineAliasArn?: string;
  /** The revision the execution runs (for DescribeStateMachineForExecution). */
  readonly revisionId?: string;
  readonly stateMachineUpdateDate?: number;
  readonly loggingConfiguration?: Record<string, unknown>;
  readonly tracingConfiguration?: Record<string, unknown>;
  readonly encryptionConfiguration?: Record<string, unknown>;
  /** Set for child executions of a distributed Map. */
  readonly mapRunArn?: string;
  readonly label?: string;
}

/** A task token handed out for an activity or a `.waitForTaskToken` task. @internal */
export interface TokenRecord {
  readonly token: string;
  readonly executionArn: string;
  readonly taskId: string;
  readonly kind: 'activity' | 'callback';
  readonly activityArn?: string;
  readonly input: string;
  readonly createdAt: number;
  readonly heartbeatSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly lastHeartbeat?: number;
  /** Set once a worker picked the activity task up. */
  readonly startedAt?: number;
  /** The task is over (answered, timed out, execution closed): later SendTask* calls get TaskTimedOut. */
  readonly closed?: boolean;
}

/** @internal */
export interface MapRunRecord {
  readonly mapRunArn: string;
  readonly executionArn: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  readonly startDate: number;
  readonly stopDate?: number;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly toleratedFailureCount: number;
  readonly itemCounts?: Record<string, number>;
  readonly executionCounts?: Record<string, number>;
  readonly redriveCount?: number;
  readonly redriveDate?: number;
}
