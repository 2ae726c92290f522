/**
 * `@statecraft/asl` — parse and validate Amazon States Language definitions the way AWS Step Functions
 * judges them.
 *
 * - {@link parseDefinition}: text → typed, immutable {@link StateMachineDefinition} plus diagnostics.
 * - {@link validateDefinition}: the `ValidateStateMachineDefinition` response (`result`, `diagnostics`,
 *   `truncated`).
 * - {@link invalidDefinitionMessage}: the `InvalidDefinition` message of CreateStateMachine/UpdateStateMachine.
 * - Grammar helpers for the interpreter: {@link parsePath}, {@link parseIntrinsic}, {@link checkJsonata}.
 * - {@link variableReferences}: the `variableReferences` map of DescribeStateMachine.
 *
 * Pure and browser-safe: no I/O, no `node:` imports, never throws on any input.
 *
 * @see https://states-language.net/spec.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 * @packageDocumentation
 */

export type { Diagnostic } from './diagnostics.js';
export { DiagnosticCode, DiagnosticSeverity, invalidDefinitionMessage } from './diagnostics.js';
export type { IntrinsicArgument, IntrinsicCall, IntrinsicParseResult } from './intrinsics.js';
export { IntrinsicFunctionName, looksLikeIntrinsic, parseIntrinsic } from './intrinsics.js';
export type { JsonObject, JsonValue } from './json-scanner.js';
export type { JsonataCheck } from './jsonata-check.js';
export { checkJsonata, isJsonataExpression, jsonataBody } from './jsonata-check.js';
export type {
  AndRule,
  Assign,
  Branch,
  Catcher,
  ChoiceRule,
  ChoiceRuleTransition,
  ChoiceState,
  Credentials,
  DataTestRule,
  ErrorHandling,
  FailState,
  ItemBatcher,
  ItemProcessor,
  ItemReader,
  JsonataChoiceRule,
  JsonObjectValue,
  JsonPathChoiceRule,
  JsonPathIO,
  MapState,
  NotRule,
  OrRule,
  ParallelState,
  PassState,
  ProcessorConfig,
  ReaderConfig,
  ResultWriter,
  Retrier,
  State,
  StateBase,
  StateMachineDefinition,
  SucceedState,
  TaskState,
  Transition,
  WaitState,
  WriterConfig,
} from './model.js';
export { ChoiceOperator, QueryLanguage, StateType } from './model.js';
export type { ParseOptions, ParseResult } from './parse.js';
export { parseDefinition } from './parse.js';
export type { ParsedPath, PathParseResult, PathRoot, PathSegment } from './paths.js';
export { isPath, isReferencePath, parsePath } from './paths.js';
export type { ValidateOptions, ValidateResult } from './validate.js';
export { isRfc3339Timestamp, validateDefinition, validateStateDefinition } from './validate.js';
export { variableReferences } from './variables.js';
