/**
 * Where AWS's (Coral's) validation differs from what the published models say.
 *
 * - Coral prints enum value sets and visits structure members in an order of its own (neither
 *   model order nor alphabetical nor `java.util.HashMap` order). Where traffic recorded against AWS
 *   shows the order, it is kept here; everything else falls back to model order.
 * - Some `@length` constraints are enforced by AWS as UTF-8 byte sizes, with their own wording.
 */

/**
 * Enum value sets as AWS prints them in `Member must satisfy enum value set: [...]`, by
 * `<service>.<enum shape name>`. Every entry must be a permutation of the model's values (tests check).
 *
 * @internal
 */
export const ENUM_ORDER: Readonly<Record<string, readonly string[]>> = {
  // AWS-recorded: ListExecutions statusFilter 'succeeded' (conformance sfn/api-core/state_machine_status_filter)
  'sfn.ExecutionStatus': ['SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE', 'ABORTED', 'FAILED', 'RUNNING'],
};

/**
 * Member visiting order per structure, by `<service>.<structure shape name>`, for structures where
 * AWS was recorded reporting several errors in a non-model order. Members not listed follow, in
 * model order. No SFN or SWF recording with several errors in one structure exists yet.
 *
 * @internal
 */
export const MEMBER_ORDER: Readonly<Record<string, readonly string[]>> = {};

/**
 * String shapes whose `max` AWS enforces as a size in UTF-8 bytes instead of a length, by
 * `<service>.<shape name>`; the constraint reads `Member must have size less than or equal to N
 * bytes in UTF-8 encoding`. AWS-observed for StartExecution `input` (SFN `SensitiveData`, 262144):
 * `Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding`.
 *
 * @internal
 */
export const UTF8_SIZE_SHAPES: ReadonlySet<string> = new Set(['sfn.SensitiveData']);
