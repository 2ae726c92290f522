/**
 * Long-poll waiters: a poller waits on a named channel until notified or until its deadline on the clock.
 */
import type { Clock } from './clock.js';

/** @public */
export interface Waiters {
  /** Resolves `true` when notified, `false` at the deadline; rejects when aborted. */
  wait(channel: string, deadline: number, signal?: AbortSignal): Promise<boolean>;
  /** Wakes every waiter on the channel. */
  notify(channel: string): void;
}

/** @public */
export function createWaiters(clock: Clock): Waiters {
  const channels = new Map<string, Set<() => void>>();
  return {
    wait(channel, deadline, signal) {
      return new Promise<boolean>((resolve, reject) => {
        const ac = new AbortController();
        let set = channels.get(channel);
        if (!set) {
          set = new Set();
          channels.set(channel, set);
        }
        const done = (value: boolean | Error) => {
          set!.delete(wake);
          if (set!.size === 0) channels.delete(channel);
          ac.abort();
          signal?.removeEventListener('abort', onAbort);
          if (value instanceof Error) reject(value);
          else resolve(value);
        };
        const wake = () => done(true);
        const onAbort = () => done(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        set.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted) return onAbort();
        clock.sleepUntil(deadline, ac.signal).then(
          () => done(false),
          () => {},
        );
      });
    },
    notify(channel) {
      const set = channels.get(channel);
      if (!set) return;
      for (const w of [...set]) w();
    },
  };
}
