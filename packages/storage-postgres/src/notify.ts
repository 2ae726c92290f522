/**
 * Cross-node wake-ups over PostgreSQL LISTEN/NOTIFY. All Statecraft channels of one schema share a single
 * PostgreSQL channel; the payload carries the Statecraft channel, and one held connection LISTENs and fans
 * notifications out in-process. NOTIFY is transactional: listeners hear it when (and only if) the sending
 * transaction commits.
 * @see https://www.postgresql.org/docs/15/sql-notify.html
 */
import { type LocalNotifier, MAX_NOTIFICATION_BYTES } from '@statecraft/storage';
import type { PgPoolClientLike, PgPoolLike } from './postgres-config.js';

/** The payload of a `pg_notify` carrying a Statecraft notification. @internal */
export function encodeNotification(channel: string, payload: string | undefined): string {
  const text = JSON.stringify(payload === undefined ? [channel] : [channel, payload]);
  // The same limit as the other drivers (MAX_NOTIFICATION_BYTES leaves room under PostgreSQL's 8000 bytes).
  if (new TextEncoder().encode(text).length > MAX_NOTIFICATION_BYTES + 20) {
    throw new Error(
      `[statecraft] Failed to notify ${channel}: the payload is over ${MAX_NOTIFICATION_BYTES} bytes. Send an id and let listeners read the store.`,
    );
  }
  return text;
}

function decodeNotification(text: string | undefined): [string, string | undefined] | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string') return [v[0], typeof v[1] === 'string' ? v[1] : undefined];
  } catch {
    // Not ours.
  }
  return undefined;
}

/** Holds the LISTEN connection, re-establishing it after errors. @internal */
export class PgListener {
  private client: PgPoolClientLike | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs = 100;
  private closed = false;

  constructor(
    private readonly pool: PgPoolLike,
    /** The PostgreSQL channel name (an identifier, quoted when used). */
    private readonly pgChannel: string,
    private readonly notifier: LocalNotifier,
  ) {}

  /** Resolves once this process is listening. */
  ensure(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('[statecraft] Failed to listen: the driver was destroyed.'));
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const c = await this.pool.connect();
    const onNotification = (msg: { channel: string; payload?: string }) => {
      if (msg.channel !== this.pgChannel) return;
      const n = decodeNotification(msg.payload);
      if (n) this.notifier.emit(n[0], n[1]);
    };
    const onError = (err: Error) => this.lost(c, err);
    const onEnd = () => this.lost(c, new Error('connection ended'));
    c.on('notification', onNotification);
    c.on('error', onError);
    c.on('end', onEnd);
    try {
      await c.query(`LISTEN "${this.pgChannel}"`);
    } catch (err) {
      c.removeListener('error', onError);
      c.removeListener('end', onEnd);
      c.release(err instanceof Error ? err : true);
      throw err;
    }
    if (this.closed) {
      c.release(true);
      return;
    }
    this.client = c;
    this.backoffMs = 100;
  }

  private lost(c: PgPoolClientLike, err: Error): void {
    if (this.client !== c) return;
    this.client = undefined;
    try {
      c.release(err);
    } catch {
      // Already released.
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensure().then(
        // Notifications sent while we were away are lost: wake everyone to re-read the store.
        () => this.notifier.emitAll(),
        () => {
          this.backoffMs = Math.min(this.backoffMs * 2, 5_000);
          this.scheduleReconnect();
        },
      );
    }, this.backoffMs);
    this.retryTimer.unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = undefined;
    // Destroy rather than return a LISTENing connection to the pool.
    c?.release(true);
  }
}
