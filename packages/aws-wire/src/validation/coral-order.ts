/**
 * Orders in which AWS (Coral) lists things in validation messages where they differ from the model.
 *
 * Coral prints enum value sets and visits structure members in an order of its own (neither model
 * order nor alphabetical nor `java.util.HashMap` order). Where traffic recorded against AWS shows
 * the order, it is kept here; everything else falls back to model order.
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
