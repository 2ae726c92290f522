/**
 * What the Step Functions service keeps in the store. Collections are namespaced `sfn:`; execution
 * histories are event streams keyed by the execution ARN.
 */
import type { ExecutionSnapshot } from '@statecraft/interpreter';

/** @internal */
export const C = {
  stateMachines: 'sfn:stateMachines',
  executions: 'sfn:executions',
} as const;

/** @internal */
export interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly definition: string;
  readonly roleArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Epoch ms. */
  readonly creationDate: number;
  readonly updateDate?: number;
  readonly revisionId?: string;
  readonly loggingConfiguration: Record<string, unknown>;
  readonly tracingConfiguration: Record<string, unknown>;
  readonly encryptionConfiguration?: Record<string, unknown>;
  readonly description?: string;
}

/** @internal */
export interface ExecutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  /** The state machine's definition at start (the execution keeps running it after updates). */
  readonly definition: string;
  readonly roleArn: string;
  readonly input: string;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly status: ExecutionSnapshot['status'];
  readonly snapshot?: ExecutionSnapshot;
  readonly redriveCount: number;
  readonly traceHeader?: string;
  /** Step Functions Local mock test case, from a `#TestCase` suffix on the state machine ARN. */
  readonly testCase?: string;
}
