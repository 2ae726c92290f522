/**
 * Output shapes: history events, execution infos.
 */
import type { ExecutionState, SwfEvent } from '../model/types.js';
import { attributesKeyOf } from '../model/types.js';

/** A stored event in the wire shape `{eventId, eventTimestamp, eventType, <type>EventAttributes}`. @internal */
export function renderEvent(e: SwfEvent): Record<string, unknown> {
  return {
    eventId: e.id,
    eventTimestamp: new Date(e.t),
    eventType: e.type,
    [attributesKeyOf(e.type)]: e.attrs,
  };
}

/** `WorkflowExecutionInfo`. @internal */
export function executionInfo(s: ExecutionState): Record<string, unknown> {
  return {
    execution: { workflowId: s.workflowId, runId: s.runId },
    workflowType: s.workflowType,
    startTimestamp: new Date(s.startTimestamp),
    ...(s.closeTimestamp !== undefined ? { closeTimestamp: new Date(s.closeTimestamp) } : {}),
    executionStatus: s.status,
    ...(s.closeStatus !== undefined ? { closeStatus: s.closeStatus } : {}),
    ...(s.parent ? { parent: { workflowId: s.parent.workflowId, runId: s.parent.runId } } : {}),
    ...(s.tagList !== undefined ? { tagList: s.tagList } : {}),
    // AWS-recorded: false once the run is closed, even when a cancel was requested and honoured.
    cancelRequested: s.status === 'OPEN' && s.cancelRequested,
  };
}

/** `executionConfiguration` of DescribeWorkflowExecution. @internal */
export function executionConfiguration(s: ExecutionState): Record<string, unknown> {
  const c = s.config;
  return {
    taskStartToCloseTimeout: c.taskStartToCloseTimeout,
    executionStartToCloseTimeout: c.executionStartToCloseTimeout,
    taskList: { name: c.taskList },
    ...(c.taskPriority !== undefined ? { taskPriority: c.taskPriority } : {}),
    childPolicy: c.childPolicy,
    ...(c.lambdaRole !== undefined ? { lambdaRole: c.lambdaRole } : {}),
  };
}

/** `openCounts` of DescribeWorkflowExecution. @internal */
export function openCounts(s: ExecutionState): Record<string, number> {
  return {
    openActivityTasks: Object.keys(s.activities).length,
    // Only a scheduled, not yet started task counts (inferred from AWS recordings; see the corpus README §7.2).
    openDecisionTasks: s.status === 'OPEN' && s.decision.scheduled ? 1 : 0,
    openTimers: Object.keys(s.timers).length,
    openChildWorkflowExecutions: Object.keys(s.children).length,
    openLambdaFunctions: Object.keys(s.lambdas).length,
  };
}
