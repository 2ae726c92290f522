/**
 * The SQLite driver: one durable file in WAL mode, one node. better-sqlite3 is synchronous, so each
 * transaction is a `BEGIN IMMEDIATE … COMMIT` on the one connection, and transactions run one at a time
 * (queued), which makes every claim exactly-once within the process. Values are JSON text.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
} from '@statecraft/storage';
import { ConcurrencyError, LocalNotifier, queueNotification } from '@statecraft/storage';
import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import type { SqliteDatabaseLike, SqliteDriverOptions } from './sqlite-config.js';

const encode = (value: unknown): string => JSON.stringify(value) ?? 'null';
const decode = <T>(text: string): T => JSON.parse(text) as T;

function prepareAll(db: SqliteDatabaseLike) {
  const p = (sql: string) => db.prepare(sql);
  return {
    get: p('SELECT value FROM kv WHERE collection = ? AND key = ?'),
    put: p(
      'INSERT INTO kv (collection, key, value) VALUES (?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value',
    ),
    del: p('DELETE FROM kv WHERE collection = ? AND key = ?'),
    lastEvent: p('SELECT COALESCE(MAX(id), 0) AS n FROM events WHERE stream = ?'),
    insertEvent: p('INSERT INTO events (stream, id, body) VALUES (?, ?, ?)'),
    readEvents: p('SELECT body FROM events WHERE stream = ? AND id >= ? ORDER BY id LIMIT ?'),
    deleteStream: p('DELETE FROM events WHERE stream = ?'),
    removeTaskById: p('DELETE FROM tasks WHERE queue = ? AND id = ?'),
    insertTask: p('INSERT INTO tasks (queue, id, priority, available_at, task) VALUES (?, ?, ?, ?, ?)'),
    firstTask: p(
      'SELECT seq, claims, task FROM tasks WHERE queue = ? AND available_at <= ? ORDER BY priority DESC, seq LIMIT 1',
    ),
    deleteTaskBySeq: p('DELETE FROM tasks WHERE seq = ?'),
    leaseTask: p('UPDATE tasks SET available_at = ?, claims = claims + 1 WHERE seq = ?'),
    completeTask: p('DELETE FROM tasks WHERE queue = ? AND id = ? AND (? IS NULL OR claims = ?)'),
    renewTask: p('UPDATE tasks SET available_at = ? WHERE queue = ? AND id = ? AND claims = ?'),
    countTasks: p('SELECT COUNT(*) AS n FROM tasks WHERE queue = ?'),
    purgeQueue: p('DELETE FROM tasks WHERE queue = ?'),
    putTimer: p(
      'INSERT INTO timers (id, fire_at, timer) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET fire_at = excluded.fire_at, timer = excluded.timer',
    ),
    deleteTimer: p('DELETE FROM timers WHERE id = ?'),
    getTimer: p('SELECT timer FROM timers WHERE id = ?'),
    dueTimers: p('SELECT timer FROM timers WHERE fire_at <= ? ORDER BY fire_at, id LIMIT ?'),
    nextTimer: p('SELECT timer FROM timers ORDER BY fire_at, id LIMIT 1'),
    dueTimersPrefixed: p(
      'SELECT timer FROM timers WHERE fire_at <= ? AND substr(id, 1, length(?)) = ? ORDER BY fire_at, id LIMIT ?',
    ),
    nextTimerPrefixed: p('SELECT timer FROM timers WHERE substr(id, 1, length(?)) = ? ORDER BY fire_at, id LIMIT 1'),
  };
}

type Statements = ReturnType<typeof prepareAll>;

class SqliteTx implements StorageTx {
  readonly notifications: [string, string | undefined][] = [];
  open = true;

  constructor(
    private readonly db: SqliteDatabaseLike,
    private readonly st: Statements,
  ) {}

  private s(): Statements {
    if (!this.open) {
      throw new Error(
        '[statecraft] Failed to use a storage transaction: it has already finished. Await every call inside the transaction callback.',
      );
    }
    return this.st;
  }

  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const row = this.s().get.get(collection, key) as { value: string } | undefined;
    return row ? decode<T>(row.value) : undefined;
  }

  async put<T>(collection: string, key: string, value: T): Promise<void> {
    this.s().put.run(collection, key, encode(value));
  }

  async delete(collection: string, key: string): Promise<boolean> {
    return this.s().del.run(collection, key).changes > 0;
  }

  async list<T>(collection: string, o: ListOptions = {}): Promise<Entry<T>[]> {
    this.s();
    let sql = 'SELECT key, value FROM kv WHERE collection = ?';
    const params: unknown[] = [collection];
    if (o.prefix !== undefined && o.prefix !== '') {
      // A range start for the index, then an exact prefix test (LIKE would treat % and _ as wildcards).
      sql += ' AND key >= ? AND substr(key, 1, length(?)) = ?';
      params.push(o.prefix, o.prefix, o.prefix);
    }
    if (o.afterKey !== undefined) {
      sql += ' AND key > ?';
      params.push(o.afterKey);
    }
    sql += ' ORDER BY key';
    if (o.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(o.limit);
    }
    const rows = this.db.prepare(sql).all(...params) as { key: string; value: string }[];
    return rows.map((r) => ({ key: r.key, value: decode<T>(r.value) }));
  }

  async appendEvents(stream: string, expectedNextId: number, events: readonly { id: number }[]): Promise<void> {
    const st = this.s();
    const actual = (st.lastEvent.get(stream) as { n: number }).n + 1;
    if (actual !== expectedNextId) throw new ConcurrencyError(stream, expectedNextId, actual);
    let id = expectedNextId;
    for (const e of events) st.insertEvent.run(stream, id++, encode(e));
  }

  async readEvents<E extends { id: number }>(stream: string, o: ReadEventsOptions = {}): Promise<E[]> {
    const rows = this.s().readEvents.all(stream, Math.max(1, o.fromId ?? 1), o.limit ?? -1) as { body: string }[];
    return rows.map((r) => decode<E>(r.body));
  }

  async countEvents(stream: string): Promise<number> {
    return (this.s().lastEvent.get(stream) as { n: number }).n;
  }

  async deleteStream(stream: string): Promise<void> {
    this.s().deleteStream.run(stream);
  }

  async enqueueTask<T>(queue: string, task: QueuedTask<T>): Promise<void> {
    const st = this.s();
    st.removeTaskById.run(queue, task.id);
    st.insertTask.run(queue, task.id, task.priority ?? 0, task.availableAt, encode(task));
  }

  async claimTask<T>(queue: string, now: number, options: ClaimTaskOptions = {}): Promise<ClaimedTask<T> | undefined> {
    const st = this.s();
    const row = st.firstTask.get(queue, now) as { seq: number; claims: number; task: string } | undefined;
    if (!row) return undefined;
    const task = decode<QueuedTask<T>>(row.task);
    const claims = row.claims + 1;
    if (options.leaseMs === undefined) {
      st.deleteTaskBySeq.run(row.seq);
      return { ...task, claims };
    }
    const leaseExpiresAt = now + options.leaseMs;
    st.leaseTask.run(leaseExpiresAt, row.seq);
    return { ...task, claims, leaseExpiresAt };
  }

  async completeTask(queue: string, id: string, claims?: number): Promise<boolean> {
    const c = claims ?? null;
    return this.s().completeTask.run(queue, id, c, c).changes > 0;
  }

  async renewTask(queue: string, id: string, claims: number, leaseExpiresAt: number): Promise<boolean> {
    return this.s().renewTask.run(leaseExpiresAt, queue, id, claims).changes > 0;
  }

  async removeTask(queue: string, id: string): Promise<boolean> {
    return this.s().removeTaskById.run(queue, id).changes > 0;
  }

  async countTasks(queue: string): Promise<number> {
    return (this.s().countTasks.get(queue) as { n: number }).n;
  }

  async purgeQueue(queue: string): Promise<number> {
    return this.s().purgeQueue.run(queue).changes;
  }

  async putTimer<T>(timer: TimerRecord<T>): Promise<void> {
    this.s().putTimer.run(timer.id, timer.fireAt, encode(timer));
  }

  async deleteTimer(id: string): Promise<boolean> {
    return this.s().deleteTimer.run(id).changes > 0;
  }

  async getTimer<T>(id: string): Promise<TimerRecord<T> | undefined> {
    const row = this.s().getTimer.get(id) as { timer: string } | undefined;
    return row ? decode<TimerRecord<T>>(row.timer) : undefined;
  }

  async dueTimers<T>(until: number, limit: number, o: TimerQueryOptions = {}): Promise<TimerRecord<T>[]> {
    const st = this.s();
    const rows = (
      o.idPrefix ? st.dueTimersPrefixed.all(until, o.idPrefix, o.idPrefix, limit) : st.dueTimers.all(until, limit)
    ) as { timer: string }[];
    return rows.map((r) => decode<TimerRecord<T>>(r.timer));
  }

  async nextTimer<T>(o: TimerQueryOptions = {}): Promise<TimerRecord<T> | undefined> {
    const st = this.s();
    const row = (o.idPrefix ? st.nextTimerPrefixed.get(o.idPrefix, o.idPrefix) : st.nextTimer.get()) as
      | { timer: string }
      | undefined;
    return row ? decode<TimerRecord<T>>(row.timer) : undefined;
  }

  async claimDueTimers<T>(until: number, limit: number, o: TimerQueryOptions = {}): Promise<TimerRecord<T>[]> {
    const due = await this.dueTimers<T>(until, limit, o);
    for (const t of due) this.st.deleteTimer.run(t.id);
    return due;
  }

  async notify(channel: string, payload?: string): Promise<void> {
    this.s();
    queueNotification(this.notifications, channel, payload);
  }
}

/** Applies the migrations the database has not seen yet, in one transaction. @internal */
export function migrateSqlite(db: SqliteDatabaseLike, migrations: readonly Migration[] = allMigrations): number[] {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS statecraft_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const done = new Set(
      (db.prepare('SELECT version FROM statecraft_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new Error(
        `[statecraft] Failed to open the SQLite store: its schema is at version ${newest}, newer than this Statecraft knows (${known}). Upgrade Statecraft or use another file.`,
      );
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      db.exec(m.up);
      db.prepare('INSERT INTO statecraft_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
      applied.push(m.version);
    }
    db.exec('COMMIT');
    return applied;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

function openFile(filename: string): SqliteDatabaseLike {
  // Create the directory of a plain path (not :memory: or a file: URI) so `sqlite:./data/statecraft.db` just works.
  if (filename !== ':memory:' && !filename.startsWith('file:')) mkdirSync(dirname(filename), { recursive: true });
  return new Database(filename) as unknown as SqliteDatabaseLike;
}

/**
 * Creates the SQLite driver. The database opens (and migrates) on `init()`, or on the first transaction.
 *
 * ```ts
 * const store = createSqliteDriver({ filename: './statecraft.db' });
 * await store.init();
 * ```
 * @public
 */
export function createSqliteDriver(options: SqliteDriverOptions): StorageDriver {
  if (!options.database && !options.filename) {
    throw new Error(
      '[statecraft] Failed to create the SQLite driver: no database. Pass { filename: "./statecraft.db" } or { database }.',
    );
  }
  const capabilities: StorageCapabilities = { notify: false, multipleConnections: false, durable: true };
  const notifier = new LocalNotifier();
  let db: SqliteDatabaseLike | undefined;
  let st: Statements | undefined;
  let opening: Promise<void> | undefined;
  let destroyed = false;
  let tail: Promise<unknown> = Promise.resolve();

  const open = (): Promise<void> => {
    opening ??= (async () => {
      if (destroyed) throw new Error('[statecraft] Failed to open the SQLite store: the driver was destroyed.');
      let d: SqliteDatabaseLike;
      try {
        d = options.database ?? openFile(options.filename!);
      } catch (err) {
        opening = undefined;
        throw new Error(
          `[statecraft] Failed to open the SQLite store ${options.filename}: ${(err as Error).message}. Check the path and its permissions.`,
          { cause: err },
        );
      }
      try {
        d.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
        d.pragma('journal_mode = WAL');
        d.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
        migrateSqlite(d);
        st = prepareAll(d);
        db = d;
      } catch (err) {
        d.close();
        opening = undefined;
        if (err instanceof Error && err.message.startsWith('[statecraft]')) throw err;
        throw new Error(
          `[statecraft] Failed to open the SQLite store ${options.filename ?? '(database)'}: ${(err as Error).message}. Is it a Statecraft SQLite file?`,
          { cause: err },
        );
      }
    })();
    return opening;
  };

  /** Runs `fn` after every earlier transaction, one at a time. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn, fn);
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };

  return {
    capabilities,
    init: async (o) => {
      o?.signal?.throwIfAborted();
      await open();
    },
    transaction<T>(work: (tx: StorageTx) => Promise<T>, o?: TransactionOptions): Promise<T> {
      return serial(async () => {
        o?.signal?.throwIfAborted();
        await open();
        const d = db!;
        const tx = new SqliteTx(d, st!);
        d.exec('BEGIN IMMEDIATE');
        let result: T;
        try {
          result = await work(tx);
          o?.signal?.throwIfAborted();
          tx.open = false;
          d.exec('COMMIT');
        } catch (err) {
          tx.open = false;
          if (d.inTransaction) d.exec('ROLLBACK');
          throw err;
        }
        for (const [channel, payload] of tx.notifications) notifier.emit(channel, payload);
        return result;
      });
    },
    reset: () =>
      serial(async () => {
        await open();
        db!.exec('BEGIN IMMEDIATE; DELETE FROM kv; DELETE FROM events; DELETE FROM tasks; DELETE FROM timers; COMMIT');
      }),
    async subscribe(channel, listener, o) {
      return notifier.subscribe(channel, listener, o?.signal);
    },
    destroy: () =>
      serial(async () => {
        destroyed = true;
        notifier.clear();
        if (db?.open) db.close();
        db = undefined;
        st = undefined;
      }),
  };
}
