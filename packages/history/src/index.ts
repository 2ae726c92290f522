/**
 * @statecraft/history — the Step Functions history event model and the paging helpers shared by both
 * services. Pure: no I/O, no clock.
 * @packageDocumentation
 */
export type { HistoryEvent, HistoryEventDraft, PayloadDetails } from './events.js';
export { detailsMemberOf, isTerminalExecutionEvent, TERMINAL_EXECUTION_EVENTS } from './events.js';
export type { Page, PageTokenBody, PageTokenProblem, PaginateOptions } from './paging.js';
export { bindingOf, decodePageToken, encodePageToken, fromBase64Url, paginate, toBase64Url } from './paging.js';
