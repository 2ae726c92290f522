import { describe, expect, it } from 'vitest';
import { parseStorageUrl } from './from-url.js';

describe('parseStorageUrl', () => {
  it.each([
    ['memory', { kind: 'memory' }],
    ['', { kind: 'memory' }],
    ['memory:', { kind: 'memory' }],
    ['sqlite:./data/statecraft.db', { kind: 'sqlite', filename: './data/statecraft.db' }],
    ['sqlite:///var/lib/statecraft.db', { kind: 'sqlite', filename: '/var/lib/statecraft.db' }],
    ['sqlite:/tmp/x.db', { kind: 'sqlite', filename: '/tmp/x.db' }],
    ['sqlite::memory:', { kind: 'sqlite', filename: ':memory:' }],
    ['postgres://u:p@127.0.0.1:5432/db', { kind: 'postgres', connectionString: 'postgres://u:p@127.0.0.1:5432/db' }],
    ['postgresql://h/db?sslmode=disable', { kind: 'postgres', connectionString: 'postgresql://h/db?sslmode=disable' }],
  ])('%s', (url, expected) => {
    expect(parseStorageUrl(url)).toEqual(expected);
  });

  it.each(['sqlite:', 'mysql://x', 'redis://x', 'file.db'])('rejects %s', (url) => {
    expect(() => parseStorageUrl(url)).toThrow(/\[statecraft\] Failed to parse storage URL/);
  });
});
