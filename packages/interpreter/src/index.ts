/**
 * @statecraft/interpreter — runs a parsed Amazon States Language state machine and records the history
 * events AWS would. Pure: time, randomness and task outcomes arrive as inputs; effects leave as commands.
 * @packageDocumentation
 */
export type { CompileOptions, Machine } from './compile.js';
export { compileMachine } from './compile.js';
export type { MapRunCounts, MapRunRecord } from './state.js';
export { readChildExecutionArns, readMapRuns } from './state.js';
export { step } from './step.js';
export type { InspectionLevel, TestStateOptions, TestStateResult } from './test-state.js';
export { testState } from './test-state.js';
export type {
  ChildExecution,
  Command,
  ExecutionInfo,
  ExecutionInput,
  ExecutionSnapshot,
  ExecutionStatus,
  StepOptions,
  StepResult,
} from './types.js';
