/**
 * `parseDefinition`: definition text → typed, deeply frozen {@link StateMachineDefinition}.
 */

import type { Diagnostic } from './diagnostics.js';
import type { JsonValue } from './json-scanner.js';
import type { StateMachineDefinition } from './model.js';
import { analyzeDefinition } from './validate.js';

/** Options of {@link parseDefinition}. @public */
export interface ParseOptions {
  /** The state machine type the definition is for; `EXPRESS` adds AWS's Express restrictions. */
  readonly type?: 'STANDARD' | 'EXPRESS';
}

/**
 * Result of {@link parseDefinition}: the definition when it has no `ERROR` diagnostic, and every
 * diagnostic (errors and warnings).
 * @public
 */
export interface ParseResult {
  readonly definition?: StateMachineDefinition;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses and validates definition text. Returns the typed model only for a definition AWS would accept;
 * otherwise the diagnostics say why (`INVALID_JSON_DESCRIPTION` carries Jackson's line and column).
 * Never throws, whatever the input.
 * @public
 */
export function parseDefinition(text: string, options: ParseOptions = {}): ParseResult {
  const { diagnostics, root } = analyzeDefinition(text, options.type ?? 'STANDARD');
  if (root === undefined || diagnostics.some((d) => d.severity === 'ERROR')) return { diagnostics };
  return { definition: deepFreeze(root) as unknown as StateMachineDefinition, diagnostics };
}

function deepFreeze(value: JsonValue): JsonValue {
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return value;
}
