/**
 * The in-memory driver: the default store. Transactions run one at a time and roll back through an undo log
 * when the work throws. Values are kept by reference (no copies): callers treat them as immutable.
 */
import type {
  ClaimedTask,
  ClaimTaskOptions,
  Entry,
  ListOptions,
  QueuedTask,
  ReadEventsOptions,
  StorageCapabilities,
  StorageDriver,
  StorageTx,
  TimerQueryOptions,
  TimerRecord,
  TransactionOptions,
} from '../driver.js';
import { ConcurrencyError } from '../errors.js';
import { LocalNotifier, queueNotification } from '../local-notifier.js';
import type { HistoryEventLike } from '../records.js';

interface QueueItem {
  task: QueuedTask;
  seq: number;
  /** When it may be handed out: `task.availableAt`, then the lease end. */
  availableAt: number;
  claims: number;
}

class MemoryState {
  collections = new Map<string, Map<string, unknown>>();
  streams = new Map<string, HistoryEventLike[]>();
  queues = new Map<string, QueueItem[]>();
  timers = new Map<string, TimerRecord>();
  seq = 0;
}

type Undo = () => void;

const byFireAtThenId = (a: TimerRecord, b: TimerRecord): number =>
  a.fireAt - b.fireAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

class MemoryTx implements StorageTx {
  readonly undo: Undo[] = [];
  readonly notifications: [string, string | undefined][] = [];
  constructor(private readonly s: MemoryState) {}

  private coll(name: string): Map<string, unknown> {
    let c = this.s.collections.get(name);
    if (!c) {
      c = new Map();
      this.s.collections.set(name, c);
    }
    return c;
  }

  async get<T>(collection: string, key: string): Promise<T | undefined> {
    return this.s.collections.get(collection)?.get(key) as T | undefined;
  }

  async put<T>(collection: string, key: string, value: T): Promise<void> {
    const c = this.coll(collection);
    const had = c.has(key);
    const old = c.get(key);
    c.set(key, value);
    this.undo.push(() => (had ? c.set(key, old) : c.delete(key)));
  }

  async delete(collection: string, key: string): Promise<boolean> {
    const c = this.s.collections.get(collection);
    if (!c?.has(key)) return false;
    const old = c.get(key);
    c.delete(key);
    this.undo.push(() => c.set(key, old));
    return true;
  }

  async list<T>(collection: string, o: ListOptions = {}): Promise<Entry<T>[]> {
    const c = this.s.collections.get(collection);
    if (!c) return [];
    const keys = [...c.keys()].filter(
      (k) => (o.prefix === undefined || k.startsWith(o.prefix)) && (o.afterKey === undefined || k > o.afterKey),
    );
    keys.sort();
    const limited = o.limit !== undefined ? keys.slice(0, o.limit) : keys;
    return limited.map((key) => ({ key, value: c.get(key) as T }));
  }

  async appendEvents(stream: string, expectedNextId: number, events: readonly HistoryEventLike[]): Promise<void> {
    let list = this.s.streams.get(stream);
    if (!list) {
      list = [];
      this.s.streams.set(stream, list);
    }
    const actual = list.length + 1;
    if (actual !== expectedNextId) throw new ConcurrencyError(stream, expectedNextId, actual);
    const before = list.length;
    const target = list;
    for (const e of events) target.push(e);
    this.undo.push(() => {
      target.length = before;
    });
  }

  async readEvents<E extends HistoryEventLike>(stream: string, o: ReadEventsOptions = {}): Promise<E[]> {
    const list = (this.s.streams.get(stream) ?? []) as E[];
    const from = Math.max(1, o.fromId ?? 1) - 1;
    const to = o.limit !== undefined ? from + o.limit : list.length;
    return from === 0 && to >= list.length ? list.slice() : list.slice(from, to);
  }

  async countEvents(stream: string): Promise<number> {
    return this.s.streams.get(stream)?.length ?? 0;
  }

  async deleteStream(stream: string): Promise<void> {
    const old = this.s.streams.get(stream);
    if (!old) return;
    this.s.streams.delete(stream);
    this.undo.push(() => this.s.streams.set(stream, old));
  }

  private queue(name: string): QueueItem[] {
    let q = this.s.queues.get(name);
    if (!q) {
      q = [];
      this.s.queues.set(name, q);
    }
    return q;
  }

  async enqueueTask<T>(queue: string, task: QueuedTask<T>): Promise<void> {
    const q = this.queue(queue);
    const i = q.findIndex((it) => it.task.id === task.id);
    if (i >= 0) {
      const [old] = q.splice(i, 1);
      this.undo.push(() => q.splice(i, 0, old!));
    }
    const item: QueueItem = { task, seq: this.s.seq++, availableAt: task.availableAt, claims: 0 };
    q.push(item);
    this.undo.push(() => {
      const j = q.indexOf(item);
      if (j >= 0) q.splice(j, 1);
    });
  }

  async claimTask<T>(queue: string, now: number, options: ClaimTaskOptions = {}): Promise<ClaimedTask<T> | undefined> {
    const q = this.s.queues.get(queue);
    if (!q || q.length === 0) return undefined;
    let best = -1;
    for (let i = 0; i < q.length; i++) {
      const it = q[i]!;
      if (it.availableAt > now) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const b = q[best]!;
      const pa = it.task.priority ?? 0;
      const pb = b.task.priority ?? 0;
      if (pa > pb || (pa === pb && it.seq < b.seq)) best = i;
    }
    if (best < 0) return undefined;
    const item = q[best]!;
    const claims = item.claims + 1;
    if (options.leaseMs === undefined) {
      q.splice(best, 1);
      this.undo.push(() => q.push(item));
      return { ...(item.task as QueuedTask<T>), claims };
    }
    const before = { availableAt: item.availableAt, claims: item.claims };
    const leaseExpiresAt = now + options.leaseMs;
    item.availableAt = leaseExpiresAt;
    item.claims = claims;
    this.undo.push(() => Object.assign(item, before));
    return { ...(item.task as QueuedTask<T>), claims, leaseExpiresAt };
  }

  async completeTask(queue: string, id: string, claims?: number): Promise<boolean> {
    const q = this.s.queues.get(queue);
    const i = q ? q.findIndex((it) => it.task.id === id) : -1;
    if (!q || i < 0 || (claims !== undefined && q[i]!.claims !== claims)) return false;
    const [item] = q.splice(i, 1);
    this.undo.push(() => q.push(item!));
    return true;
  }

  async renewTask(queue: string, id: string, claims: number, leaseExpiresAt: number): Promise<boolean> {
    const item = this.s.queues.get(queue)?.find((it) => it.task.id === id);
    if (!item || item.claims !== claims) return false;
    const before = item.availableAt;
    item.availableAt = leaseExpiresAt;
    this.undo.push(() => {
      item.availableAt = before;
    });
    return true;
  }

  async purgeQueue(queue: string): Promise<number> {
    const q = this.s.queues.get(queue);
    if (!q || q.length === 0) return 0;
    const old = q.splice(0, q.length);
    this.undo.push(() => q.push(...old));
    return old.length;
  }

  async removeTask(queue: string, id: string): Promise<boolean> {
    const q = this.s.queues.get(queue);
    if (!q) return false;
    const i = q.findIndex((it) => it.task.id === id);
    if (i < 0) return false;
    const [item] = q.splice(i, 1);
    this.undo.push(() => q.push(item!));
    return true;
  }

  async countTasks(queue: string): Promise<number> {
    return this.s.queues.get(queue)?.length ?? 0;
  }

  async putTimer<T>(timer: TimerRecord<T>): Promise<void> {
    const had = this.s.timers.get(timer.id);
    this.s.timers.set(timer.id, timer);
    this.undo.push(() => (had ? this.s.timers.set(timer.id, had) : this.s.timers.delete(timer.id)));
  }

  async deleteTimer(id: string): Promise<boolean> {
    const had = this.s.timers.get(id);
    if (!had) return false;
    this.s.timers.delete(id);
    this.undo.push(() => this.s.timers.set(id, had));
    return true;
  }

  private timersMatching(o: TimerQueryOptions): TimerRecord[] {
    const all = [...this.s.timers.values()];
    const prefix = o.idPrefix;
    return prefix ? all.filter((t) => t.id.startsWith(prefix)) : all;
  }

  async dueTimers<T>(until: number, limit: number, o: TimerQueryOptions = {}): Promise<TimerRecord<T>[]> {
    const due = this.timersMatching(o).filter((t) => t.fireAt <= until);
    due.sort(byFireAtThenId);
    return due.slice(0, limit) as TimerRecord<T>[];
  }

  async nextTimer<T>(o: TimerQueryOptions = {}): Promise<TimerRecord<T> | undefined> {
    let best: TimerRecord | undefined;
    for (const t of this.timersMatching(o)) if (!best || byFireAtThenId(t, best) < 0) best = t;
    return best as TimerRecord<T> | undefined;
  }

  async claimDueTimers<T>(until: number, limit: number, o: TimerQueryOptions = {}): Promise<TimerRecord<T>[]> {
    const due = await this.dueTimers<T>(until, limit, o);
    for (const t of due) await this.deleteTimer(t.id);
    return due;
  }

  async getTimer<T>(id: string): Promise<TimerRecord<T> | undefined> {
    return this.s.timers.get(id) as TimerRecord<T> | undefined;
  }

  async notify(channel: string, payload?: string): Promise<void> {
    queueNotification(this.notifications, channel, payload);
  }
}

/** Options for {@link createMemoryDriver}. @public */
export type MemoryDriverOptions = Record<string, never>;

/**
 * Creates the in-memory driver.
 * @public
 */
export function createMemoryDriver(_options: MemoryDriverOptions = {}): StorageDriver {
  let state = new MemoryState();
  let tail: Promise<unknown> = Promise.resolve();
  const notifier = new LocalNotifier();
  const capabilities: StorageCapabilities = { notify: false, multipleConnections: false, durable: false };
  return {
    capabilities,
    async init() {},
    transaction<T>(work: (tx: StorageTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
      const run = async (): Promise<T> => {
        options?.signal?.throwIfAborted();
        const tx = new MemoryTx(state);
        let result: T;
        try {
          result = await work(tx);
        } catch (err) {
          for (let i = tx.undo.length - 1; i >= 0; i--) tx.undo[i]!();
          throw err;
        }
        for (const [channel, payload] of tx.notifications) notifier.emit(channel, payload);
        return result;
      };
      const result = tail.then(run, run);
      tail = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    async reset() {
      await tail;
      state = new MemoryState();
    },
    async subscribe(channel, listener, options) {
      return notifier.subscribe(channel, listener, options?.signal);
    },
    async destroy() {
      notifier.clear();
    },
  };
}
