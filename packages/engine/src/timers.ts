/**
 * The timer scheduler: runs callbacks at clock deadlines. One sleeper per timer, cancellable by id.
 */
import type { Clock } from './clock.js';

/** @public */
export interface Scheduler {
  /** Schedules `fire` at `fireAt` (epoch ms); replaces a timer with the same id. */
  schedule(id: string, fireAt: number, fire: () => void | Promise<void>): void;
  cancel(id: string): boolean;
  /** Cancels everything (reset / shutdown). */
  clear(): void;
  readonly size: number;
}

/** @public */
export function createScheduler(clock: Clock, onError: (err: unknown) => void = () => {}): Scheduler {
  const timers = new Map<string, AbortController>();
  return {
    schedule(id, fireAt, fire) {
      timers.get(id)?.abort();
      const ac = new AbortController();
      timers.set(id, ac);
      clock.sleepUntil(fireAt, ac.signal).then(
        async () => {
          if (timers.get(id) !== ac) return;
          timers.delete(id);
          try {
            await fire();
          } catch (err) {
            onError(err);
          }
        },
        () => {},
      );
    },
    cancel(id) {
      const ac = timers.get(id);
      if (!ac) return false;
      timers.delete(id);
      ac.abort();
      return true;
    },
    clear() {
      for (const ac of timers.values()) ac.abort();
      timers.clear();
    },
    get size() {
      return timers.size;
    },
  };
}
