/**
 * Validation diagnostics, in the shape `ValidateStateMachineDefinition` returns them, and the
 * `InvalidDefinition` message `CreateStateMachine` / `UpdateStateMachine` build from them.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html
 */

/**
 * A diagnostic severity.
 * @public
 */
export const DiagnosticSeverity = { ERROR: 'ERROR', WARNING: 'WARNING' } as const;
/** @public */
export type DiagnosticSeverity = (typeof DiagnosticSeverity)[keyof typeof DiagnosticSeverity];

/**
 * One finding, exactly as `ValidateStateMachineDefinition` returns it. `location` is a JSON-pointer-like
 * path (`/States/<name>/<field>`, array items as `Catch[0]`), absent when the finding has no place.
 * @public
 */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly code: string;
  readonly message: string;
  readonly location?: string;
}

/**
 * Diagnostic codes AWS documents for `ValidateStateMachineDefinition`, plus the two JSONata codes seen in
 * AWS responses.
 * @public
 */
export const DiagnosticCode = {
  INVALID_JSON_DESCRIPTION: 'INVALID_JSON_DESCRIPTION',
  MISSING_DESCRIPTION: 'MISSING_DESCRIPTION',
  SCHEMA_VALIDATION_FAILED: 'SCHEMA_VALIDATION_FAILED',
  INVALID_RESOURCE: 'INVALID_RESOURCE',
  MISSING_END_STATE: 'MISSING_END_STATE',
  DUPLICATE_STATE_NAME: 'DUPLICATE_STATE_NAME',
  INVALID_STATE_NAME: 'INVALID_STATE_NAME',
  MISSING_TRANSITION_TARGET: 'MISSING_TRANSITION_TARGET',
  TOO_DEEPLY_NESTED: 'TOO_DEEPLY_NESTED',
  INVALID_JSONATA_EXPRESSION: 'INVALID_JSONATA_EXPRESSION',
  UNSUPPORTED_JSONATA_EXPRESSION: 'UNSUPPORTED_JSONATA_EXPRESSION',
  NO_DOLLAR: 'NO_DOLLAR',
  NO_PATH: 'NO_PATH',
  PASS_RESULT_IS_STATIC: 'PASS_RESULT_IS_STATIC',
} as const;
/** @public */
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/**
 * The message of the `InvalidDefinition` error CreateStateMachine and UpdateStateMachine return for a
 * definition with these diagnostics (warnings are ignored).
 *
 * Each error renders as `<code>: <message> at <location>` — with the literal `null` when there is no
 * location — and several are joined with `", "` inside one pair of quotes, e.g.
 * `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'`
 * (AWS-recorded) and `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target:
 * pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`
 * (reported from AWS in localstack/localstack#12487).
 * @public
 */
export function invalidDefinitionMessage(diagnostics: readonly Diagnostic[]): string {
  const parts = diagnostics
    .filter((d) => d.severity === 'ERROR')
    .map((d) => `${d.code}: ${d.message} at ${d.location ?? 'null'}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}
