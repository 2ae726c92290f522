/**
 * Definition and execution-input checks for the API layer, on top of `@statecraft/asl`.
 */
import type { Diagnostic } from '@statecraft/asl';
import { invalidDefinitionMessage, validateDefinition } from '@statecraft/asl';
import { AwsServiceError } from '@statecraft/engine';
import { jacksonError } from './jackson.js';

/**
 * Rejects a definition AWS would reject, with AWS's `InvalidDefinition` message.
 * @internal
 */
export function checkDefinition(text: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): void {
  const { diagnostics } = validateDefinition(text, { type });
  const errors = diagnostics.filter((d: Diagnostic) => d.severity === 'ERROR');
  if (errors.length > 0) throw new AwsServiceError('InvalidDefinition', invalidDefinitionMessage(errors));
}

/** Jackson's message for text that is not JSON (without the `at [Source: …]` suffix). @internal */
export function jsonErrorMessage(text: string): string {
  const d = validateDefinition(text).diagnostics[0];
  if (d?.code === 'INVALID_JSON_DESCRIPTION') {
    const at = d.message.indexOf('\n at [Source:');
    return at >= 0 ? d.message.slice(0, at) : d.message;
  }
  return jacksonError(text);
}

/**
 * Parses execution input, rejecting text that is not JSON with AWS's `InvalidExecutionInput` (the
 * message is Jackson's, as the service parses input with it).
 * @internal
 */
export function parseExecutionInput(text: string, what = 'State Machine Execution Input'): unknown {
  if (text.trim() === '') {
    throw new AwsServiceError('InvalidExecutionInput', `Invalid ${what}: 'Invalid execution input.'`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsServiceError('InvalidExecutionInput', `Invalid ${what}: '${jsonErrorMessage(text)}'`);
  }
}
