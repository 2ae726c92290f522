/**
 * @statecraft/swf — the Amazon Simple Workflow Service model and operations over a Statecraft store.
 * @packageDocumentation
 */
export type { SwfService, SwfServiceOptions } from './service.js';
export { createSwfService } from './service.js';
