/**
 * Types of the compact service-model tables generated from the AWS botocore models
 * (`sfn-model.generated.ts`, `swf-model.generated.ts`; regenerate with `@statecraft/gen-models`).
 *
 * The tables keep only what the wire layer needs: member names and targets, `required`,
 * `@length` / `@range` / `@pattern` / enum constraints, `@sensitive`, Smithy `@default` values,
 * operations (input, output, errors) and paginators. Documentation strings are not copied.
 *
 * @see https://smithy.io/2.0/spec/constraint-traits.html
 */

/**
 * Shape types that occur in the Step Functions and SWF models. Neither model has blob, union,
 * document or bigInteger shapes.
 *
 * @public
 */
export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp';

/**
 * One member of a structure shape.
 *
 * @public
 */
export interface MemberModel {
  /** Target shape name (a key of {@link ServiceModel.shapes}). */
  readonly shape: string;
  /** `smithy.api#required`: AWS answers `Member must not be null` when absent. */
  readonly required?: true;
  /** Smithy `@default` of the member (from the Smithy model); absent when the member has none. */
  readonly default?: string | number | boolean;
  /** `smithy.api#idempotencyToken`. */
  readonly idempotencyToken?: true;
}

/**
 * One shape: its type, members or element targets, and its constraints.
 *
 * @public
 */
export interface ShapeModel {
  readonly type: ShapeType;
  /** Structure members by wire name, in model order. */
  readonly members?: Readonly<Record<string, MemberModel>>;
  /** List element target. */
  readonly member?: string;
  /** Map key and value targets. */
  readonly key?: string;
  readonly value?: string;
  /** `@length` (strings: code points; lists and maps: entries) or `@range` (numbers). */
  readonly min?: number;
  readonly max?: number;
  /** `@pattern` as the model gives it (Java regex, matched against the whole value). */
  readonly pattern?: string;
  /** Enum values in model order. */
  readonly enum?: readonly string[];
  /** `@sensitive`: AWS leaves the value out of validation messages. */
  readonly sensitive?: true;
  /** Error shapes: the HTTP status AWS answers with (`@httpError`, else 400). */
  readonly error?: { readonly httpStatus: number; readonly fault: 'client' | 'server' };
}

/**
 * One operation.
 *
 * @public
 */
export interface OperationModel {
  /** Input structure shape; absent when the operation takes no input. */
  readonly input?: string;
  /** Output structure shape; absent when the output is empty. */
  readonly output?: string;
  /** Modeled error shape names, in model order. */
  readonly errors: readonly string[];
  /** `@idempotent`. */
  readonly idempotent?: true;
  /** `@endpoint(hostPrefix)`, e.g. `sync-` for `StartSyncExecution`. */
  readonly hostPrefix?: string;
}

/**
 * A paginator (`paginators-1.json`): the members that carry the page token, the page size and the
 * items.
 *
 * @public
 */
export interface PaginatorModel {
  readonly inputToken: string;
  readonly outputToken: string;
  readonly limitKey?: string;
  readonly resultKey: string;
  readonly nonAggregateKeys?: readonly string[];
}

/**
 * A whole service.
 *
 * @public
 */
export interface ServiceModel {
  /** `sfn` or `swf`. */
  readonly service: string;
  /** Smithy service shape name, the `X-Amz-Target` prefix (`AWSStepFunctions`). */
  readonly targetPrefix: string;
  readonly apiVersion: string;
  /** Namespace of the model's shapes, e.g. `com.amazonaws.sfn`. */
  readonly namespace: string;
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, ShapeModel>>;
  readonly paginators: Readonly<Record<string, PaginatorModel>>;
}
