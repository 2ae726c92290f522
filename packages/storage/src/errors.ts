/**
 * Raised when an append's `expectedNextId` does not match the stream: another writer got there first.
 * @public
 */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly stream: string,
    readonly expectedNextId: number,
    readonly actualNextId: number,
  ) {
    super(
      `[statecraft] Failed to append to stream ${stream}: expected next id ${expectedNextId}, found ${actualNextId}. Re-read the stream and retry.`,
    );
  }
}
