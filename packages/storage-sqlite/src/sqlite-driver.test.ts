import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorageDriver } from '@statecraft/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from './migrations/index.js';
import { createSqliteDriver, migrateSqlite } from './sqlite-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'statecraft-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `db-${n++}.sqlite`);

describeStorageDriver('sqlite (file)', () => createSqliteDriver({ filename: file() }));
describeStorageDriver('sqlite (:memory:, synchronous FULL)', () =>
  createSqliteDriver({ filename: ':memory:', synchronous: 'FULL' }),
);

describe('sqlite driver', () => {
  it('keeps everything across close and reopen', async () => {
    const filename = file();
    const a = createSqliteDriver({ filename });
    await a.init();
    await a.transaction(async (tx) => {
      await tx.put('executions', 'arn:1', { status: 'RUNNING', n: 1 });
      await tx.appendEvents('arn:1', 1, [
        { id: 1, type: 'ExecutionStarted' },
        { id: 2, type: 'PassStateEntered' },
      ]);
      await tx.enqueueTask('activity', { id: 't1', payload: { token: 'x' }, availableAt: 0, priority: 3 });
      await tx.enqueueTask('activity', { id: 't2', payload: { token: 'y' }, availableAt: 0 });
      await tx.putTimer({ id: 'arn:1#wait', fireAt: 1_700_000_000_000, payload: { arn: 'arn:1' } });
    });
    await a.transaction((tx) => tx.claimTask('activity', 0, { leaseMs: 60_000 }));
    await a.destroy();

    const b = createSqliteDriver({ filename });
    await b.init();
    await b.transaction(async (tx) => {
      expect(await tx.get('executions', 'arn:1')).toEqual({ status: 'RUNNING', n: 1 });
      expect((await tx.readEvents('arn:1')).map((e) => e.id)).toEqual([1, 2]);
      expect(await tx.countTasks('activity')).toBe(2);
      // The leased task stays hidden until its lease runs out; the other one is available.
      expect(await tx.claimTask('activity', 1)).toMatchObject({ id: 't2', claims: 1 });
      expect(await tx.claimTask('activity', 60_001)).toMatchObject({ id: 't1', claims: 2 });
      expect(await tx.nextTimer()).toEqual({ id: 'arn:1#wait', fireAt: 1_700_000_000_000, payload: { arn: 'arn:1' } });
      await tx.appendEvents('arn:1', 3, [{ id: 3 }]);
    });
    await b.destroy();
  });

  it('uses WAL mode and records the applied migrations once', async () => {
    const filename = file();
    const d = createSqliteDriver({ filename });
    await d.init();
    await d.destroy();
    const again = createSqliteDriver({ filename });
    await again.init();
    await again.destroy();
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db.prepare('SELECT version, name FROM statecraft_migrations ORDER BY version').all();
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('applies only new migrations and refuses a schema newer than it knows', () => {
    const db = new Database(':memory:');
    expect(migrateSqlite(db, migrations)).toEqual(migrations.map((m) => m.version));
    const next = { version: 99, name: 'add-x', up: 'CREATE TABLE x (a INTEGER)' };
    expect(migrateSqlite(db, [...migrations, next])).toEqual([99]);
    expect(migrateSqlite(db, [...migrations, next])).toEqual([]);
    expect(() => migrateSqlite(db, migrations)).toThrow(/schema is at version 99, newer than this Statecraft knows/);
    // A failing migration leaves nothing behind.
    const bad = { version: 100, name: 'bad', up: 'CREATE TABLE y (a INTEGER); THIS IS NOT SQL' };
    expect(() => migrateSqlite(db, [...migrations, next, bad])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'y'").all()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('refuses calls on a transaction that has finished', async () => {
    const d = createSqliteDriver({ filename: ':memory:' });
    let leaked: Parameters<Parameters<typeof d.transaction>[0]>[0] | undefined;
    await d.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.get('c', 'k')).rejects.toThrow(/already finished/);
    await d.destroy();
  });

  it('creates missing directories and explains files it cannot use', async () => {
    const nested = join(dir, 'a', 'b', 'c.sqlite');
    const d = createSqliteDriver({ filename: nested });
    await d.transaction((tx) => tx.put('c', 'k', 1));
    await d.destroy();
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, just some text that is long enough '.repeat(20));
    const bad = createSqliteDriver({ filename: junk });
    await expect(bad.init()).rejects.toThrow(/\[statecraft\] Failed to open the SQLite store .*junk\.sqlite/);
    await bad.destroy();
  });

  it('needs a file name or a database', () => {
    expect(() => createSqliteDriver({})).toThrow(/\[statecraft\] Failed to create the SQLite driver/);
  });
});
