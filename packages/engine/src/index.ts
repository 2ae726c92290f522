/**
 * @statecraft/engine — the one effectful runtime shared by both services: clocks (real, scaled, manual),
 * the timer scheduler, long-poll waiters, per-execution serial queues and the task-invoker registry.
 * @packageDocumentation
 */

export type { Clock, ClockMode, ManualClockOptions } from './clock.js';
export { createClock, ManualClock, ScaledClock, SystemClock } from './clock.js';
export type { Operation, RequestContext, Service } from './errors.js';
export { AwsServiceError } from './errors.js';
export type { InvokeContext, InvokerRegistry, TaskCall, TaskInvoker, TaskOutcome } from './invokers.js';
export { createInvokerRegistry } from './invokers.js';
export type { SerialQueues } from './serial.js';
export { createSerialQueues } from './serial.js';
export type { Scheduler } from './timers.js';
export { createScheduler } from './timers.js';
export type { Waiters } from './waiters.js';
export { createWaiters } from './waiters.js';
