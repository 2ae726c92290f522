import type { NotificationListener, Unsubscribe } from './driver.js';

/**
 * In-process notifications: what {@link StorageTx.notify} sends after commit reaches this process's listeners.
 * Shared by the drivers that have no cross-process channel (memory, SQLite).
 * @internal
 */
export class LocalNotifier {
  private readonly listeners = new Map<string, Set<NotificationListener>>();

  subscribe(channel: string, listener: NotificationListener, signal?: AbortSignal): Unsubscribe {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    // Wrap so the same function may subscribe twice and unsubscribe each separately.
    const entry: NotificationListener = (p) => listener(p);
    set.add(entry);
    const off = async () => {
      set.delete(entry);
      if (set.size === 0 && this.listeners.get(channel) === set) this.listeners.delete(channel);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => void off();
    signal?.addEventListener('abort', onAbort, { once: true });
    return off;
  }

  /** Delivers to every listener of `channel`; a throwing listener does not stop the others. */
  emit(channel: string, payload: string | undefined): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(payload);
      } catch {
        // A listener's failure is its own; notifications are hints.
      }
    }
  }

  /** Wakes every listener with no payload (notifications may have been lost). */
  emitAll(): void {
    for (const channel of [...this.listeners.keys()]) this.emit(channel, undefined);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** The largest notification payload every driver accepts (PostgreSQL's limit is 8000 bytes, envelope included). @public */
export const MAX_NOTIFICATION_BYTES = 7000;

/**
 * Queues a notification for after commit, as every driver does: identical ones in one transaction are sent
 * once (PostgreSQL's NOTIFY rule), and oversized payloads are refused.
 * @internal
 */
export function queueNotification(
  pending: [string, string | undefined][],
  channel: string,
  payload: string | undefined,
): void {
  if (payload !== undefined && new TextEncoder().encode(payload).length + channel.length > MAX_NOTIFICATION_BYTES) {
    throw new Error(
      `[statecraft] Failed to notify ${channel}: the payload is over ${MAX_NOTIFICATION_BYTES} bytes. Send an id and let listeners read the store.`,
    );
  }
  if (pending.some(([c, p]) => c === channel && p === payload)) return;
  pending.push([channel, payload]);
}
