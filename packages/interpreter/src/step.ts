/**
 * The step function. This first version runs Pass, Succeed and Fail states with JSONPath defaults.
 */
import type { HistoryEvent } from '@statecraft/history';
import type { Machine } from './compile.js';
import type { ExecutionInput, ExecutionSnapshot, StepOptions, StepResult } from './types.js';

interface Snapshot extends ExecutionSnapshot {
  readonly current?: string;
  /** The current state's input, JSON text. */
  readonly data?: string;
  /** Id of the event the next state's Entered event points at. */
  readonly lastEventId: number;
  readonly firstState: boolean;
}

const NOT_TRUNCATED = { truncated: false } as const;

/** @public */
export async function step(
  machine: Machine,
  snapshot: ExecutionSnapshot | undefined,
  input: ExecutionInput,
  options: StepOptions = {},
): Promise<StepResult> {
  const events: HistoryEvent[] = [];
  let s = snapshot as Snapshot | undefined;
  const emit = (type: string, previousEventId: number, details?: [string, unknown]): number => {
    const id = (s?.nextEventId ?? 1) + events.length;
    const ev: Record<string, unknown> = { timestamp: input.at, type, id, previousEventId };
    if (details) ev[details[0]] = details[1];
    events.push(ev as HistoryEvent);
    return id;
  };
  const close = (status: ExecutionSnapshot['status'], extra: Partial<Snapshot>): Snapshot => ({
    ...(s as Snapshot),
    ...extra,
    status,
    current: undefined,
    nextEventId: (s?.nextEventId ?? 1) + events.length,
  });

  if (input.type === 'Start') {
    if (s) throw new Error('[statecraft] Failed to start: the execution has already started.');
    s = { version: 1, status: 'RUNNING', nextEventId: 1, lastEventId: 0, firstState: true, current: machine.startAt, data: input.input };
    emit('ExecutionStarted', 0, [
      'executionStartedEventDetails',
      { input: input.input, inputDetails: NOT_TRUNCATED, roleArn: input.execution.roleArn ?? undefined },
    ]);
  } else if (!s || s.status !== 'RUNNING') {
    return { snapshot: s ?? ({ version: 1, status: 'FAILED', nextEventId: 1 } as ExecutionSnapshot), events, commands: [] };
  } else if (input.type === 'Stop') {
    const details: Record<string, unknown> = {};
    if (input.error !== undefined) details.error = input.error;
    if (input.cause !== undefined) details.cause = input.cause;
    emit('ExecutionAborted', 0, ['executionAbortedEventDetails', details]);
    const snap = close('ABORTED', { error: input.error, cause: input.cause });
    return { snapshot: snap, events, commands: [] };
  }

  const budget = options.maxTransitions ?? 1000;
  for (let transitions = 0; s.current !== undefined; transitions++) {
    if (transitions >= budget) {
      return { snapshot: { ...s, nextEventId: (snapshot?.nextEventId ?? 1) + events.length }, events, commands: [{ type: 'Continue' }] };
    }
    const name: string = s.current;
    const state: Readonly<Record<string, unknown>> = machine.states.get(name) ?? {};
    const type = String(state.Type);
    const stateInput = s.data ?? '{}';
    const enteredPrev = s.firstState ? 0 : s.lastEventId;
    const entered = emit(`${type}StateEntered`, enteredPrev, [
      'stateEnteredEventDetails',
      { name, input: stateInput, inputDetails: NOT_TRUNCATED },
    ]);
    if (type === 'Fail') {
      const details: Record<string, unknown> = {};
      if (typeof state.Error === 'string') details.error = state.Error;
      if (typeof state.Cause === 'string') details.cause = state.Cause;
      emit('ExecutionFailed', entered, ['executionFailedEventDetails', details]);
      s = close('FAILED', { error: details.error as string | undefined, cause: details.cause as string | undefined });
      break;
    }
    let output = compact(stateInput);
    if (type === 'Pass' && 'Result' in state) output = JSON.stringify(state.Result);
    const exited = emit(`${type}StateExited`, entered, [
      'stateExitedEventDetails',
      { name, output, outputDetails: NOT_TRUNCATED },
    ]);
    if (type === 'Succeed' || state.End === true) {
      emit('ExecutionSucceeded', exited, ['executionSucceededEventDetails', { output, outputDetails: NOT_TRUNCATED }]);
      s = close('SUCCEEDED', { output });
      break;
    }
    s = { ...s, current: String(state.Next), data: output, lastEventId: exited, firstState: false };
  }
  return { snapshot: { ...s, nextEventId: (snapshot?.nextEventId ?? 1) + events.length }, events, commands: [] };
}

function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
