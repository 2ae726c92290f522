/**
 * The Step Functions history event, as `GetExecutionHistory` returns it on the wire: `type`, `id`,
 * `previousEventId`, `timestamp` (epoch milliseconds here; the transport writes epoch seconds) and exactly
 * one `<camelType>EventDetails` member. Names are copied verbatim from the AWS model.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 * @public
 */
export interface HistoryEvent {
  readonly timestamp: number;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly [details: string]: unknown;
}

/**
 * An event before the log has numbered it: the interpreter produces these, with `previousEventId`
 * already resolved (AWS's rules for it depend on the state machine's structure, see ASL.md §17.2).
 * @public
 */
export type HistoryEventDraft = HistoryEvent;

/** `{"truncated": false}` — AWS's details block for payloads below the limit. @public */
export interface PayloadDetails {
  readonly truncated: boolean;
}

/**
 * The member name holding an event's details: `ExecutionStarted` → `executionStartedEventDetails`.
 * A few AWS event types share one details member (e.g. every `…StateEntered` uses `stateEnteredEventDetails`).
 * @public
 */
export function detailsMemberOf(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/** Terminal execution event types. @public */
export const TERMINAL_EXECUTION_EVENTS = [
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
] as const;

/** @public */
export function isTerminalExecutionEvent(type: string): boolean {
  return (TERMINAL_EXECUTION_EVENTS as readonly string[]).includes(type);
}
