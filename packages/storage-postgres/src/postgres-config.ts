/** Options for {@link createPostgresDriver}, and the structural types of the `pg` objects it uses. */

/** @public */
export interface PgQueryResultLike {
  readonly rows: any[];
  readonly rowCount: number | null;
}

/** A `pg` `PoolClient`, typed structurally. @public */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
  release(err?: Error | boolean): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/** A `pg` `Pool`, typed structurally: bring your own to share it. @public */
export interface PgPoolLike {
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}

/** @public */
export interface PostgresDriverOptions {
  /** `postgres://user:password@host:port/database`; the driver owns the pool it makes and ends it on `destroy`. */
  readonly connectionString?: string;
  /** A pool of your own instead (left open on `destroy`). One connection is held for LISTEN once you subscribe. */
  readonly pool?: PgPoolLike;
  /** Pool size when the driver makes the pool; default 10. */
  readonly max?: number;
  /** `application_name` of the driver's connections (shows in pg_stat_activity), when it makes the pool. */
  readonly applicationName?: string;
  /**
   * The PostgreSQL schema holding Statecraft's tables (created on init); default `statecraft`. Nodes that share
   * a store use the same schema; separate schemas keep separate stores in one database.
   */
  readonly schema?: string;
  /**
   * Re-runs the transaction callback this many times when PostgreSQL aborts it for a deadlock or a
   * serialization failure (SQLSTATE 40P01, 40001); default 0. Only safe when the callback's only effects are
   * its calls on the transaction.
   */
  readonly retries?: number;
}
