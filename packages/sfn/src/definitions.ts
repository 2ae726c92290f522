/**
 * Definition and execution-input checks for the API layer.
 */
import { AwsServiceError } from '@statecraft/engine';

/**
 * Rejects a definition AWS would reject, with AWS's `InvalidDefinition` message.
 * @internal
 */
export function checkDefinition(text: string): void {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  } catch {
    throw new AwsServiceError(
      'InvalidDefinition',
      "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: The definition is not valid JSON'",
    );
  }
}

/**
 * Parses execution input, rejecting text that is not JSON with AWS's `InvalidExecutionInput`.
 * @internal
 */
export function parseExecutionInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AwsServiceError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(err as Error).message}'`,
    );
  }
}
