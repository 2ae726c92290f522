/**
 * The PostgreSQL driver: durable, and several Statecraft nodes may share one database.
 *
 * - Transactions are READ COMMITTED with row locks where it matters: appends race on the stream's
 *   `next_id` row (a conditional UPDATE, so the loser sees {@link ConcurrencyError}, never a lost update);
 *   task and timer claims take `FOR UPDATE SKIP LOCKED`, so each is handed out once across nodes and a
 *   claimer never waits for another.
 * - NOTIFY is sent inside the transaction, so listeners on every node hear it after commit (see notify.ts).
 * - Migrations run under a transaction-scoped advisory lock, so nodes starting together apply them once.
 *
 * @see https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE
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
} from '@statecraft/storage';
import { ConcurrencyError, LocalNotifier } from '@statecraft/storage';
import pg from 'pg';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { encodeNotification, PgListener } from './notify.js';
import type { PgPoolClientLike, PgPoolLike, PostgresDriverOptions } from './postgres-config.js';

const encode = (value: unknown): string => JSON.stringify(value) ?? 'null';
const decode = <T>(text: string): T => JSON.parse(text) as T;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

function sqlFor(schema: string) {
  const s = `"${schema}"`;
  return {
    get: `SELECT value FROM ${s}.kv WHERE collection = $1 AND key = $2`,
    put: `INSERT INTO ${s}.kv (collection, key, value) VALUES ($1, $2, $3) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value`,
    del: `DELETE FROM ${s}.kv WHERE collection = $1 AND key = $2`,
    list: `SELECT key, value FROM ${s}.kv WHERE collection = $1
             AND ($2::text IS NULL OR (key >= $2 AND left(key, char_length($2)) = $2))
             AND ($3::text IS NULL OR key > $3)
           ORDER BY key LIMIT $4`,
    // One round trip per append: move the stream's next_id only if it is the expected one, and insert the
    // events only if it moved. A concurrent appender blocks on the row, then finds next_id changed.
    appendExisting: `WITH moved AS (
                       UPDATE ${s}.streams SET next_id = next_id + cardinality($3::text[])
                       WHERE stream = $1 AND next_id = $2 RETURNING next_id),
                     ins AS (
                       INSERT INTO ${s}.events (stream, id, body)
                       SELECT $1, $2 + u.ord - 1, u.body FROM unnest($3::text[]) WITH ORDINALITY AS u(body, ord)
                       WHERE EXISTS (SELECT 1 FROM moved))
                     SELECT count(*)::integer AS moved FROM moved`,
    appendNew: `WITH created AS (
                  INSERT INTO ${s}.streams (stream, next_id) VALUES ($1, 1 + cardinality($2::text[]))
                  ON CONFLICT (stream) DO NOTHING RETURNING next_id),
                ins AS (
                  INSERT INTO ${s}.events (stream, id, body)
                  SELECT $1, u.ord, u.body FROM unnest($2::text[]) WITH ORDINALITY AS u(body, ord)
                  WHERE EXISTS (SELECT 1 FROM created))
                SELECT count(*)::integer AS moved FROM created`,
    nextId: `SELECT next_id FROM ${s}.streams WHERE stream = $1`,
    readEvents: `SELECT body FROM ${s}.events WHERE stream = $1 AND id >= $2 ORDER BY id LIMIT $3`,
    deleteEvents: `DELETE FROM ${s}.events WHERE stream = $1`,
    deleteStream: `DELETE FROM ${s}.streams WHERE stream = $1`,
    enqueue: `INSERT INTO ${s}.tasks (queue, id, seq, priority, available_at, claims, task)
              VALUES ($1, $2, nextval('${s}.task_seq'), $3, $4, 0, $5)
              ON CONFLICT (queue, id) DO UPDATE SET seq = excluded.seq, priority = excluded.priority,
                available_at = excluded.available_at, claims = 0, task = excluded.task`,
    claimRemove: `WITH next AS (
                    SELECT queue, id FROM ${s}.tasks WHERE queue = $1 AND available_at <= $2
                    ORDER BY priority DESC, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                  DELETE FROM ${s}.tasks t USING next WHERE t.queue = next.queue AND t.id = next.id
                  RETURNING t.claims + 1 AS claims, t.task`,
    claimLease: `WITH next AS (
                   SELECT queue, id FROM ${s}.tasks WHERE queue = $1 AND available_at <= $2
                   ORDER BY priority DESC, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                 UPDATE ${s}.tasks t SET available_at = $3, claims = t.claims + 1
                 FROM next WHERE t.queue = next.queue AND t.id = next.id
                 RETURNING t.claims, t.task`,
    completeTask: `DELETE FROM ${s}.tasks WHERE queue = $1 AND id = $2 AND ($3::integer IS NULL OR claims = $3)`,
    removeTask: `DELETE FROM ${s}.tasks WHERE queue = $1 AND id = $2`,
    renewTask: `UPDATE ${s}.tasks SET available_at = $4 WHERE queue = $1 AND id = $2 AND claims = $3`,
    countTasks: `SELECT count(*)::integer AS n FROM ${s}.tasks WHERE queue = $1`,
    purgeQueue: `DELETE FROM ${s}.tasks WHERE queue = $1`,
    putTimer: `INSERT INTO ${s}.timers (id, fire_at, timer) VALUES ($1, $2, $3)
               ON CONFLICT (id) DO UPDATE SET fire_at = excluded.fire_at, timer = excluded.timer`,
    deleteTimer: `DELETE FROM ${s}.timers WHERE id = $1`,
    getTimer: `SELECT timer FROM ${s}.timers WHERE id = $1`,
    dueTimers: `SELECT timer FROM ${s}.timers WHERE fire_at <= $1
                  AND ($3::text IS NULL OR left(id, char_length($3)) = $3) ORDER BY fire_at, id LIMIT $2`,
    nextTimer: `SELECT timer FROM ${s}.timers WHERE ($1::text IS NULL OR left(id, char_length($1)) = $1)
                ORDER BY fire_at, id LIMIT 1`,
    claimTimers: `WITH due AS (
                    SELECT id FROM ${s}.timers WHERE fire_at <= $1
                      AND ($3::text IS NULL OR left(id, char_length($3)) = $3)
                    ORDER BY fire_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
                  DELETE FROM ${s}.timers t USING due WHERE t.id = due.id RETURNING t.fire_at, t.id, t.timer`,
    notify: 'SELECT pg_notify($1, $2)',
    reset: `TRUNCATE ${s}.kv, ${s}.streams, ${s}.events, ${s}.tasks, ${s}.timers`,
  };
}

type Sql = ReturnType<typeof sqlFor>;

class PostgresTx implements StorageTx {
  open = true;

  constructor(
    private readonly client: PgPoolClientLike,
    private readonly sql: Sql,
    private readonly pgChannel: string,
  ) {}

  private q(text: string, values?: unknown[]) {
    if (!this.open) {
      return Promise.reject(
        new Error(
          '[statecraft] Failed to use a storage transaction: it has already finished. Await every call inside the transaction callback.',
        ),
      );
    }
    return this.client.query(text, values);
  }

  async get<T>(collection: string, key: string): Promise<T | undefined> {
    const r = await this.q(this.sql.get, [collection, key]);
    return r.rows[0] ? decode<T>(r.rows[0].value) : undefined;
  }

  async put<T>(collection: string, key: string, value: T): Promise<void> {
    await this.q(this.sql.put, [collection, key, encode(value)]);
  }

  async delete(collection: string, key: string): Promise<boolean> {
    return ((await this.q(this.sql.del, [collection, key])).rowCount ?? 0) > 0;
  }

  async list<T>(collection: string, o: ListOptions = {}): Promise<Entry<T>[]> {
    const prefix = o.prefix === undefined || o.prefix === '' ? null : o.prefix;
    const r = await this.q(this.sql.list, [collection, prefix, o.afterKey ?? null, o.limit ?? null]);
    return r.rows.map((row: { key: string; value: string }) => ({ key: row.key, value: decode<T>(row.value) }));
  }

  async appendEvents(stream: string, expectedNextId: number, events: readonly { id: number }[]): Promise<void> {
    const bodies = events.map(encode);
    // A stream with no row yet (never written, or deleted) starts at 1.
    if (expectedNextId === 1) {
      const created = await this.q(this.sql.appendNew, [stream, bodies]);
      if (created.rows[0].moved === 1) return;
    }
    const moved = await this.q(this.sql.appendExisting, [stream, expectedNextId, bodies]);
    if (moved.rows[0].moved === 1) return;
    const r = await this.q(this.sql.nextId, [stream]);
    throw new ConcurrencyError(stream, expectedNextId, Number(r.rows[0]?.next_id ?? 1));
  }

  async readEvents<E extends { id: number }>(stream: string, o: ReadEventsOptions = {}): Promise<E[]> {
    const r = await this.q(this.sql.readEvents, [stream, Math.max(1, o.fromId ?? 1), o.limit ?? null]);
    return r.rows.map((row: { body: string }) => decode<E>(row.body));
  }

  async countEvents(stream: string): Promise<number> {
    const r = await this.q(this.sql.nextId, [stream]);
    return r.rows[0] ? Number(r.rows[0].next_id) - 1 : 0;
  }

  async deleteStream(stream: string): Promise<void> {
    await this.q(this.sql.deleteEvents, [stream]);
    await this.q(this.sql.deleteStream, [stream]);
  }

  async enqueueTask<T>(queue: string, task: QueuedTask<T>): Promise<void> {
    await this.q(this.sql.enqueue, [queue, task.id, task.priority ?? 0, task.availableAt, encode(task)]);
  }

  async claimTask<T>(queue: string, now: number, options: ClaimTaskOptions = {}): Promise<ClaimedTask<T> | undefined> {
    if (options.leaseMs === undefined) {
      const r = await this.q(this.sql.claimRemove, [queue, now]);
      const row = r.rows[0] as { claims: number; task: string } | undefined;
      return row ? { ...decode<QueuedTask<T>>(row.task), claims: Number(row.claims) } : undefined;
    }
    const leaseExpiresAt = now + options.leaseMs;
    const r = await this.q(this.sql.claimLease, [queue, now, leaseExpiresAt]);
    const row = r.rows[0] as { claims: number; task: string } | undefined;
    return row ? { ...decode<QueuedTask<T>>(row.task), claims: Number(row.claims), leaseExpiresAt } : undefined;
  }

  async completeTask(queue: string, id: string, claims?: number): Promise<boolean> {
    return ((await this.q(this.sql.completeTask, [queue, id, claims ?? null])).rowCount ?? 0) > 0;
  }

  async renewTask(queue: string, id: string, claims: number, leaseExpiresAt: number): Promise<boolean> {
    return ((await this.q(this.sql.renewTask, [queue, id, claims, leaseExpiresAt])).rowCount ?? 0) > 0;
  }

  async removeTask(queue: string, id: string): Promise<boolean> {
    return ((await this.q(this.sql.removeTask, [queue, id])).rowCount ?? 0) > 0;
  }

  async countTasks(queue: string): Promise<number> {
    return Number((await this.q(this.sql.countTasks, [queue])).rows[0].n);
  }

  async purgeQueue(queue: string): Promise<number> {
    return (await this.q(this.sql.purgeQueue, [queue])).rowCount ?? 0;
  }

  async putTimer<T>(timer: TimerRecord<T>): Promise<void> {
    await this.q(this.sql.putTimer, [timer.id, timer.fireAt, encode(timer)]);
  }

  async deleteTimer(id: string): Promise<boolean> {
    return ((await this.q(this.sql.deleteTimer, [id])).rowCount ?? 0) > 0;
  }

  async getTimer<T>(id: string): Promise<TimerRecord<T> | undefined> {
    const r = await this.q(this.sql.getTimer, [id]);
    return r.rows[0] ? decode<TimerRecord<T>>(r.rows[0].timer) : undefined;
  }

  async dueTimers<T>(until: number, limit: number, o: TimerQueryOptions = {}): Promise<TimerRecord<T>[]> {
    const r = await this.q(this.sql.dueTimers, [until, limit, o.idPrefix || null]);
    return r.rows.map((row: { timer: string }) => decode<TimerRecord<T>>(row.timer));
  }

  async nextTimer<T>(o: TimerQueryOptions = {}): Promise<TimerRecord<T> | undefined> {
    const r = await this.q(this.sql.nextTimer, [o.idPrefix || null]);
    return r.rows[0] ? decode<TimerRecord<T>>(r.rows[0].timer) : undefined;
  }

  async claimDueTimers<T>(until: number, limit: number, o: TimerQueryOptions = {}): Promise<TimerRecord<T>[]> {
    const r = await this.q(this.sql.claimTimers, [until, limit, o.idPrefix || null]);
    const rows = r.rows as { fire_at: number; id: string; timer: string }[];
    // RETURNING has no order: sort as dueTimers does (ids compare by code unit, like the "C" collation).
    rows.sort((a, b) => a.fire_at - b.fire_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map((row) => decode<TimerRecord<T>>(row.timer));
  }

  async notify(channel: string, payload?: string): Promise<void> {
    await this.q(this.sql.notify, [this.pgChannel, encodeNotification(channel, payload)]);
  }
}

/** Applies the migrations the schema has not seen yet, under an advisory lock, in one transaction. @internal */
export async function migratePostgres(
  client: PgPoolClientLike,
  schema: string,
  migrations: readonly Migration[] = allMigrations,
): Promise<number[]> {
  const s = `"${schema}"`;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`statecraft:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.statecraft_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query(`SELECT version FROM ${s}.statecraft_migrations`)).rows.map((r: { version: number }) =>
        Number(r.version),
      ),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new Error(
        `[statecraft] Failed to open the PostgreSQL store: schema ${schema} is at version ${newest}, newer than this Statecraft knows (${known}). Upgrade every node.`,
      );
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.up.replaceAll('{schema}', s));
      await client.query(`INSERT INTO ${s}.statecraft_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Creates the PostgreSQL driver. Tables are created (migrated) on `init()` or the first transaction.
 *
 * ```ts
 * const store = createPostgresDriver({ connectionString: 'postgres://statecraft@127.0.0.1:5432/statecraft' });
 * await store.init();
 * ```
 * @public
 */
export function createPostgresDriver(options: PostgresDriverOptions): StorageDriver {
  const schema = options.schema ?? 'statecraft';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `[statecraft] Failed to create the PostgreSQL driver: schema "${schema}" is not a plain identifier. Use letters, digits and _ (at most 48).`,
    );
  }
  if (!options.pool && !options.connectionString) {
    throw new Error(
      '[statecraft] Failed to create the PostgreSQL driver: no database. Pass { connectionString: "postgres://..." } or { pool }.',
    );
  }
  const ownsPool = !options.pool;
  let pool: PgPoolLike | undefined = options.pool;
  const getPool = (): PgPoolLike => {
    if (!pool) {
      const p = new pg.Pool({
        connectionString: options.connectionString,
        max: options.max ?? 10,
        ...(options.applicationName ? { application_name: options.applicationName } : {}),
      });
      // An idle client's error (e.g. the server restarted) must not crash the process; the next query reconnects.
      p.on('error', () => undefined);
      pool = p as unknown as PgPoolLike;
    }
    return pool;
  };
  const sql = sqlFor(schema);
  const pgChannel = `statecraft:${schema}`;
  const notifier = new LocalNotifier();
  let listener: PgListener | undefined;
  let ready: Promise<void> | undefined;
  let destroyed = false;
  const retries = Math.max(0, options.retries ?? 0);
  const capabilities: StorageCapabilities = { notify: true, multipleConnections: true, durable: true };

  const init = (): Promise<void> => {
    if (destroyed) return Promise.reject(new Error('[statecraft] Failed to open the PostgreSQL store: destroyed.'));
    ready ??= (async () => {
      const client = await getPool().connect();
      try {
        await migratePostgres(client, schema);
      } finally {
        client.release();
      }
    })().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };

  const attempt = async <T>(work: (tx: StorageTx) => Promise<T>, o?: TransactionOptions): Promise<T> => {
    const client = await getPool().connect();
    let broken: Error | undefined;
    // A checked-out client whose connection dies between queries emits 'error'; unheard, it would crash the
    // process. Remember it so the client is destroyed, not returned to the pool; the next query rejects.
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    const tx = new PostgresTx(client, sql, pgChannel);
    try {
      await client.query('BEGIN');
      try {
        const result = await work(tx);
        o?.signal?.throwIfAborted();
        tx.open = false;
        await client.query('COMMIT');
        return result;
      } catch (err) {
        tx.open = false;
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e));
        });
        throw err;
      }
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };

  return {
    capabilities,
    init: async (o) => {
      o?.signal?.throwIfAborted();
      await init();
    },
    async transaction<T>(work: (tx: StorageTx) => Promise<T>, o?: TransactionOptions): Promise<T> {
      o?.signal?.throwIfAborted();
      await init();
      for (let i = 0; ; i++) {
        try {
          return await attempt(work, o);
        } catch (err) {
          const code = (err as { code?: unknown } | null)?.code;
          if (i >= retries || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
          o?.signal?.throwIfAborted();
        }
      }
    },
    async reset() {
      await init();
      const client = await getPool().connect();
      try {
        await client.query(sql.reset);
      } finally {
        client.release();
      }
    },
    async subscribe(channel, fn, o) {
      o?.signal?.throwIfAborted();
      listener ??= new PgListener(getPool(), pgChannel, notifier);
      const off = notifier.subscribe(channel, fn, o?.signal);
      try {
        await listener.ensure();
      } catch (err) {
        await off();
        throw err;
      }
      return off;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      notifier.clear();
      await listener?.close();
      await ready?.catch(() => undefined);
      if (ownsPool && pool) await pool.end();
    },
  };
}
