/** Options for {@link createSqliteDriver}. */

/**
 * The part of a better-sqlite3 `Database` the driver uses (typed structurally: bring your own instance).
 * @public
 */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
  readonly open: boolean;
}

/** @public */
export interface SqliteStatementLike {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** @public */
export interface SqliteDriverOptions {
  /** The database file (created if missing), or `:memory:` for a throwaway database. */
  readonly filename?: string;
  /** An open better-sqlite3 database instead of `filename` (the driver closes it on `destroy`). */
  readonly database?: SqliteDatabaseLike;
  /**
   * `PRAGMA synchronous` in WAL mode. `NORMAL` (the default) survives a killed process (SIGKILL) but may lose
   * the last commits on power loss; `FULL` also survives power loss, at a cost per commit.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How long to wait for a lock held by another process (e.g. a backup) before failing; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}
