import type { Migration } from './migration.js';

/**
 * The first schema. Values are JSON text. Tasks and timers keep the whole record as JSON plus the columns
 * they are ordered and filtered by.
 * @internal
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE kv (
      collection TEXT NOT NULL,
      key        TEXT NOT NULL,
      value      TEXT NOT NULL,
      PRIMARY KEY (collection, key)
    ) WITHOUT ROWID;

    CREATE TABLE events (
      stream TEXT    NOT NULL,
      id     INTEGER NOT NULL,
      body   TEXT    NOT NULL,
      PRIMARY KEY (stream, id)
    ) WITHOUT ROWID;

    CREATE TABLE tasks (
      seq          INTEGER PRIMARY KEY,
      queue        TEXT    NOT NULL,
      id           TEXT    NOT NULL,
      priority     REAL    NOT NULL,
      available_at REAL    NOT NULL,
      claims       INTEGER NOT NULL DEFAULT 0,
      task         TEXT    NOT NULL,
      UNIQUE (queue, id)
    );
    CREATE INDEX tasks_claim ON tasks (queue, priority DESC, seq);

    CREATE TABLE timers (
      id      TEXT PRIMARY KEY,
      fire_at REAL NOT NULL,
      timer   TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX timers_due ON timers (fire_at, id);
  `,
};
