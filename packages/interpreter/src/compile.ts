/**
 * Definition → machine. The definition has already been validated by `@statecraft/asl`; compile only
 * indexes it for the step function.
 */

/** A compiled state machine, reusable across executions. @public */
export interface Machine {
  readonly definition: Readonly<Record<string, unknown>>;
  readonly startAt: string;
  readonly states: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** @public */
export function compileMachine(definition: unknown): Machine {
  const def = (definition ?? {}) as Record<string, unknown>;
  const states = new Map<string, Record<string, unknown>>();
  for (const [name, st] of Object.entries((def.States ?? {}) as Record<string, Record<string, unknown>>)) {
    states.set(name, st);
  }
  return { definition: def, startAt: String(def.StartAt), states };
}
