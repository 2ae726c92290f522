/**
 * `--storage` / `STATECRAFT_STORAGE` values. Pure: the CLI maps the result to a driver and imports the
 * matching package (`@statecraft/storage-sqlite`, `@statecraft/storage-postgres`) only when it is used.
 */

/** Where the store lives. @public */
export type StorageUrl =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly connectionString: string };

/**
 * Parses a storage URL:
 * - `memory` (also `memory:` and the empty string): in memory, lost on exit;
 * - `sqlite:<file>` (also `sqlite://<file>`; `sqlite::memory:` for a throwaway in-memory SQLite database);
 * - `postgres://...` or `postgresql://...`: a PostgreSQL connection string, passed on unchanged.
 *
 * Throws on anything else.
 * @public
 */
export function parseStorageUrl(url: string): StorageUrl {
  const value = url.trim();
  if (value === '' || value === 'memory' || value === 'memory:') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', connectionString: value };
  const sqlite = /^sqlite:(\/\/)?(.*)$/i.exec(value);
  if (sqlite) {
    const filename = sqlite[2] ?? '';
    if (filename === '') {
      throw new Error(
        `[statecraft] Failed to parse storage URL "${url}": the SQLite file name is missing. Use sqlite:<file>, e.g. sqlite:./statecraft.db.`,
      );
    }
    return { kind: 'sqlite', filename };
  }
  throw new Error(
    `[statecraft] Failed to parse storage URL "${url}": unknown kind. Use memory, sqlite:<file> or postgres://user:password@host:port/database.`,
  );
}
