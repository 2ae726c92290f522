/**
 * The typed, immutable model of an Amazon States Language definition: TypeScript interfaces that mirror
 * the JSON shape AWS Step Functions accepts (2026), for both query languages.
 *
 * Field names are copied verbatim from the ASL. A field that is only meaningful in one query language is
 * noted as `JSONPath only` / `JSONata only`; in a JSONata state, most scalar fields may also hold a
 * `"{% … %}"` expression string, which is why those fields are typed `number | string`.
 *
 * @see https://states-language.net/spec.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */

import type { JsonValue } from './json-scanner.js';

export type { JsonValue };

/**
 * A query language: `JSONPath` (the default) or `JSONata`.
 * @public
 */
export const QueryLanguage = { JSONPath: 'JSONPath', JSONata: 'JSONata' } as const;
/** @public */
export type QueryLanguage = (typeof QueryLanguage)[keyof typeof QueryLanguage];

/**
 * The eight state types.
 * @public
 */
export const StateType = {
  Task: 'Task',
  Wait: 'Wait',
  Pass: 'Pass',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Choice: 'Choice',
  Parallel: 'Parallel',
  Map: 'Map',
} as const;
/** @public */
export type StateType = (typeof StateType)[keyof typeof StateType];

/** A JSON object of any shape (payload templates, `Arguments`, `Assign`, …). @public */
export type JsonObjectValue = { readonly [key: string]: JsonValue };

/**
 * The top level of a definition, and the shape of every nested state machine (Parallel branch,
 * Map `ItemProcessor`) apart from the fields only allowed at the top.
 * @public
 */
export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: { readonly [name: string]: State };
  readonly Comment?: string;
  readonly Version?: string;
  /** Execution timeout in seconds; exceeded → `States.Timeout`. */
  readonly TimeoutSeconds?: number;
  /** Default `JSONPath`. A JSONata machine may not contain a JSONPath state. */
  readonly QueryLanguage?: QueryLanguage;
}

/** A Parallel branch: a nested state machine. @public */
export interface Branch {
  readonly StartAt: string;
  readonly States: { readonly [name: string]: State };
  readonly Comment?: string;
}

/** Fields common to every state. @public */
export interface StateBase {
  readonly Type: StateType;
  readonly Comment?: string;
  /** Overrides the machine's query language for this state. */
  readonly QueryLanguage?: QueryLanguage;
}

/** Fields of states that transition: exactly one of `Next` / `End: true`. @public */
export interface Transition {
  readonly Next?: string;
  readonly End?: boolean;
}

/** Fields of the JSONPath data-flow pipeline shared by most states. @public */
export interface JsonPathIO {
  /** JSONPath only. `null` → `{}`. */
  readonly InputPath?: string | null;
  /** JSONPath only. `null` → `{}`. */
  readonly OutputPath?: string | null;
}

/** `Assign`: variable name → value (JSONPath: `"x.$"` keys take paths/intrinsics; JSONata: `{% %}` anywhere). @public */
export type Assign = JsonObjectValue;

/** A Pass state. @public */
export interface PassState extends StateBase, Transition, JsonPathIO {
  readonly Type: 'Pass';
  readonly Assign?: Assign;
  /** JSONPath only. */
  readonly Parameters?: JsonValue;
  /** JSONPath only. A literal; `.$` keys are not evaluated. */
  readonly Result?: JsonValue;
  /** JSONPath only. A reference path; `null` discards the result. */
  readonly ResultPath?: string | null;
  /** JSONata only. */
  readonly Output?: JsonValue;
}

/** Task `Credentials`. @public */
export interface Credentials {
  readonly RoleArn?: string;
  /** JSONPath only: a path, context path, variable or intrinsic producing the role ARN. */
  readonly 'RoleArn.$'?: string;
}

/** A retrier. @public */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
  readonly Comment?: string;
}

/** A catcher. @public */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
  /** JSONata only. */
  readonly Output?: JsonValue;
  readonly Assign?: Assign;
  readonly Comment?: string;
}

/** Retry/Catch fields of Task, Parallel and Map. @public */
export interface ErrorHandling {
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

/** A Task state. @public */
export interface TaskState extends StateBase, Transition, JsonPathIO, ErrorHandling {
  readonly Type: 'Task';
  /** An ARN: activity, Lambda function, `arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`. */
  readonly Resource: string;
  readonly Assign?: Assign;
  /** JSONPath only. */
  readonly Parameters?: JsonValue;
  /** JSONata only. */
  readonly Arguments?: JsonValue;
  /** JSONPath only. */
  readonly ResultSelector?: JsonObjectValue;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
  /** JSONata only. */
  readonly Output?: JsonValue;
  /** Seconds, or a JSONata expression in JSONata states. */
  readonly TimeoutSeconds?: number | string;
  /** JSONPath only. */
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number | string;
  /** JSONPath only. */
  readonly HeartbeatSecondsPath?: string;
  readonly Credentials?: Credentials | JsonObjectValue;
}

/** The comparison operators of a JSONPath Choice rule. @public */
export const ChoiceOperator = {
  StringEquals: 'StringEquals',
  StringEqualsPath: 'StringEqualsPath',
  StringLessThan: 'StringLessThan',
  StringLessThanPath: 'StringLessThanPath',
  StringGreaterThan: 'StringGreaterThan',
  StringGreaterThanPath: 'StringGreaterThanPath',
  StringLessThanEquals: 'StringLessThanEquals',
  StringLessThanEqualsPath: 'StringLessThanEqualsPath',
  StringGreaterThanEquals: 'StringGreaterThanEquals',
  StringGreaterThanEqualsPath: 'StringGreaterThanEqualsPath',
  StringMatches: 'StringMatches',
  NumericEquals: 'NumericEquals',
  NumericEqualsPath: 'NumericEqualsPath',
  NumericLessThan: 'NumericLessThan',
  NumericLessThanPath: 'NumericLessThanPath',
  NumericGreaterThan: 'NumericGreaterThan',
  NumericGreaterThanPath: 'NumericGreaterThanPath',
  NumericLessThanEquals: 'NumericLessThanEquals',
  NumericLessThanEqualsPath: 'NumericLessThanEqualsPath',
  NumericGreaterThanEquals: 'NumericGreaterThanEquals',
  NumericGreaterThanEqualsPath: 'NumericGreaterThanEqualsPath',
  BooleanEquals: 'BooleanEquals',
  BooleanEqualsPath: 'BooleanEqualsPath',
  TimestampEquals: 'TimestampEquals',
  TimestampEqualsPath: 'TimestampEqualsPath',
  TimestampLessThan: 'TimestampLessThan',
  TimestampLessThanPath: 'TimestampLessThanPath',
  TimestampGreaterThan: 'TimestampGreaterThan',
  TimestampGreaterThanPath: 'TimestampGreaterThanPath',
  TimestampLessThanEquals: 'TimestampLessThanEquals',
  TimestampLessThanEqualsPath: 'TimestampLessThanEqualsPath',
  TimestampGreaterThanEquals: 'TimestampGreaterThanEquals',
  TimestampGreaterThanEqualsPath: 'TimestampGreaterThanEqualsPath',
  IsNull: 'IsNull',
  IsPresent: 'IsPresent',
  IsNumeric: 'IsNumeric',
  IsString: 'IsString',
  IsBoolean: 'IsBoolean',
  IsTimestamp: 'IsTimestamp',
} as const;
/** @public */
export type ChoiceOperator = (typeof ChoiceOperator)[keyof typeof ChoiceOperator];

/** Fields a top-level Choice rule carries besides its condition. @public */
export interface ChoiceRuleTransition {
  /** Required on top-level rules, absent on nested ones. */
  readonly Next?: string;
  readonly Assign?: Assign;
  readonly Comment?: string;
}

/** A JSONPath data-test rule: `Variable` + exactly one operator. @public */
export type DataTestRule = ChoiceRuleTransition & {
  readonly Variable: string;
} & { readonly [op in ChoiceOperator]?: JsonValue };

/** JSONPath boolean combinators. @public */
export interface AndRule extends ChoiceRuleTransition {
  readonly And: readonly JsonPathChoiceRule[];
}
/** @public */
export interface OrRule extends ChoiceRuleTransition {
  readonly Or: readonly JsonPathChoiceRule[];
}
/** @public */
export interface NotRule extends ChoiceRuleTransition {
  readonly Not: JsonPathChoiceRule;
}

/** A JSONPath Choice rule. @public */
export type JsonPathChoiceRule = DataTestRule | AndRule | OrRule | NotRule;

/** A JSONata Choice rule. @public */
export interface JsonataChoiceRule extends ChoiceRuleTransition {
  /** A boolean or a `{% %}` expression returning a boolean. */
  readonly Condition: boolean | string;
  readonly Output?: JsonValue;
}

/** Any Choice rule. @public */
export type ChoiceRule = JsonPathChoiceRule | JsonataChoiceRule;

/** A Choice state. @public */
export interface ChoiceState extends StateBase, JsonPathIO {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
  readonly Assign?: Assign;
  /** JSONata only. */
  readonly Output?: JsonValue;
}

/** A Wait state: exactly one of `Seconds`, `Timestamp`, `SecondsPath`, `TimestampPath`. @public */
export interface WaitState extends StateBase, Transition, JsonPathIO {
  readonly Type: 'Wait';
  readonly Seconds?: number | string;
  /** RFC 3339 timestamp, or a JSONata expression in JSONata states. */
  readonly Timestamp?: string;
  /** JSONPath only. */
  readonly SecondsPath?: string;
  /** JSONPath only. */
  readonly TimestampPath?: string;
  readonly Assign?: Assign;
  /** JSONata only. */
  readonly Output?: JsonValue;
}

/** A Succeed state. @public */
export interface SucceedState extends StateBase, JsonPathIO {
  readonly Type: 'Succeed';
  /** JSONata only. */
  readonly Output?: JsonValue;
}

/** A Fail state. @public */
export interface FailState extends StateBase {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly Cause?: string;
  /** JSONPath only: a path or intrinsic function. */
  readonly ErrorPath?: string;
  /** JSONPath only: a path or intrinsic function. */
  readonly CausePath?: string;
}

/** A Parallel state. @public */
export interface ParallelState extends StateBase, Transition, JsonPathIO, ErrorHandling {
  readonly Type: 'Parallel';
  readonly Branches: readonly Branch[];
  readonly Assign?: Assign;
  /** JSONPath only. */
  readonly Parameters?: JsonValue;
  /** JSONata only. */
  readonly Arguments?: JsonValue;
  /** JSONPath only. */
  readonly ResultSelector?: JsonObjectValue;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
  /** JSONata only. */
  readonly Output?: JsonValue;
}

/** Map `ItemProcessor.ProcessorConfig`. @public */
export interface ProcessorConfig {
  readonly Mode?: 'INLINE' | 'DISTRIBUTED';
  /** Distributed mode only. */
  readonly ExecutionType?: 'STANDARD' | 'EXPRESS';
}

/** Map `ItemProcessor` (or the legacy `Iterator`): a nested state machine. @public */
export interface ItemProcessor {
  readonly StartAt: string;
  readonly States: { readonly [name: string]: State };
  readonly Comment?: string;
  readonly ProcessorConfig?: ProcessorConfig;
}

/** Map `ItemReader.ReaderConfig`. @public */
export interface ReaderConfig {
  readonly InputType?: 'CSV' | 'JSON' | 'JSONL' | 'MANIFEST' | 'PARQUET';
  readonly CSVHeaderLocation?: 'FIRST_ROW' | 'GIVEN';
  readonly CSVHeaders?: readonly string[];
  readonly CSVDelimiter?: 'COMMA' | 'PIPE' | 'SEMICOLON' | 'TAB' | 'SPACE';
  readonly MaxItems?: number | string;
  /** JSONPath only. */
  readonly MaxItemsPath?: string;
}

/** Map `ItemReader`. @public */
export interface ItemReader {
  readonly Resource: string;
  readonly ReaderConfig?: ReaderConfig;
  /** JSONPath only. */
  readonly Parameters?: JsonValue;
  /** JSONata only. */
  readonly Arguments?: JsonValue;
}

/** Map `ItemBatcher`. @public */
export interface ItemBatcher {
  readonly MaxItemsPerBatch?: number | string;
  /** JSONPath only. */
  readonly MaxItemsPerBatchPath?: string;
  readonly MaxInputBytesPerBatch?: number | string;
  /** JSONPath only. */
  readonly MaxInputBytesPerBatchPath?: string;
  readonly BatchInput?: JsonValue;
}

/** Map `ResultWriter.WriterConfig`. @public */
export interface WriterConfig {
  readonly OutputType?: 'JSON' | 'JSONL';
  readonly Transformation?: 'NONE' | 'FLATTEN' | 'COMPACT';
}

/** Map `ResultWriter`. @public */
export interface ResultWriter {
  readonly Resource?: string;
  readonly WriterConfig?: WriterConfig;
  /** JSONPath only. */
  readonly Parameters?: JsonValue;
  /** JSONata only. */
  readonly Arguments?: JsonValue;
}

/** A Map state (inline or distributed). @public */
export interface MapState extends StateBase, Transition, JsonPathIO, ErrorHandling {
  readonly Type: 'Map';
  readonly ItemProcessor?: ItemProcessor;
  /** Legacy name of `ItemProcessor`. */
  readonly Iterator?: ItemProcessor;
  readonly ItemReader?: ItemReader;
  readonly ItemSelector?: JsonValue;
  /** JSONPath only; legacy name of `ItemSelector`. */
  readonly Parameters?: JsonValue;
  readonly ItemBatcher?: ItemBatcher;
  readonly ResultWriter?: ResultWriter;
  /** JSONPath only. A reference path; default `$`. */
  readonly ItemsPath?: string;
  /** JSONata only. An array or an expression returning one. */
  readonly Items?: JsonValue;
  readonly MaxConcurrency?: number | string;
  /** JSONPath only. */
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailureCount?: number | string;
  /** JSONPath only. */
  readonly ToleratedFailureCountPath?: string;
  readonly ToleratedFailurePercentage?: number | string;
  /** JSONPath only. */
  readonly ToleratedFailurePercentagePath?: string;
  /** Distributed mode: ≤ 40 characters, used in Map Run ARNs. */
  readonly Label?: string;
  readonly Assign?: Assign;
  /** JSONPath only. */
  readonly ResultSelector?: JsonObjectValue;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
  /** JSONata only. */
  readonly Output?: JsonValue;
}

/** Any state. @public */
export type State =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
