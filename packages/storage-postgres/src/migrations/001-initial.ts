import type { Migration } from './migration.js';

/**
 * The first schema. Keys and ids use the "C" collation so they sort by code point, as the other drivers do.
 * Values are JSON text (`text`, not `jsonb`, so objects keep their key order). `streams.next_id` is the row
 * that optimistic appends race on.
 * @internal
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE {schema}.kv (
      collection text COLLATE "C" NOT NULL,
      key        text COLLATE "C" NOT NULL,
      value      text NOT NULL,
      PRIMARY KEY (collection, key)
    );

    CREATE TABLE {schema}.streams (
      stream  text COLLATE "C" PRIMARY KEY,
      next_id bigint NOT NULL
    );

    CREATE TABLE {schema}.events (
      stream text COLLATE "C" NOT NULL,
      id     bigint NOT NULL,
      body   text NOT NULL,
      PRIMARY KEY (stream, id)
    );

    CREATE SEQUENCE {schema}.task_seq;
    CREATE TABLE {schema}.tasks (
      queue        text COLLATE "C" NOT NULL,
      id           text COLLATE "C" NOT NULL,
      seq          bigint NOT NULL,
      priority     double precision NOT NULL,
      available_at double precision NOT NULL,
      claims       integer NOT NULL DEFAULT 0,
      task         text NOT NULL,
      PRIMARY KEY (queue, id)
    );
    CREATE INDEX tasks_claim ON {schema}.tasks (queue, priority DESC, seq);

    CREATE TABLE {schema}.timers (
      id      text COLLATE "C" PRIMARY KEY,
      fire_at double precision NOT NULL,
      timer   text NOT NULL
    );
    CREATE INDEX timers_due ON {schema}.timers (fire_at, id);
  `,
};
