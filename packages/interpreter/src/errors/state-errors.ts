/**
 * State failures as values. Inside the interpreter a failure travels as a thrown {@link StateFailure} from
 * the evaluating code to the state runner, which turns it into events (Retry/Catch or execution failure).
 */

/** @internal */
export const ERR = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  TaskFailed: 'States.TaskFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
  IntrinsicFailure: 'States.IntrinsicFailure',
  DataLimitExceeded: 'States.DataLimitExceeded',
  NoChoiceMatched: 'States.NoChoiceMatched',
  BranchFailed: 'States.BranchFailed',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
} as const;

/** @internal */
export class StateFailure {
  constructor(
    readonly error: string,
    readonly cause: string | undefined,
    /** Prefix the cause with "An error occurred while executing the state …". */
    readonly prefixed = false,
    /** JSONata failures are recorded as an `EvaluationFailed` event with this location. */
    readonly location?: string | null,
  ) {}
}

/** A `States.Runtime` failure with AWS's state prefix. @internal */
export function runtime(cause: string): StateFailure {
  return new StateFailure(ERR.Runtime, cause, true);
}

/** A JSONata failure (`EvaluationFailed` + `States.QueryEvaluationError`). @internal */
export function queryError(cause: string, location: string | null): StateFailure {
  return new StateFailure(ERR.QueryEvaluationError, cause, true, location);
}

/** AWS's prefix for runtime and evaluation causes. @internal */
export function causePrefix(stateName: string, enteredEventId: number): string {
  return `An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}). `;
}
