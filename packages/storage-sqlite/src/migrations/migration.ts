/** A versioned schema change, applied once, in order, inside a transaction. @internal */
export interface Migration {
  /** 1, 2, 3...: applied in this order, recorded in `statecraft_migrations`. */
  readonly version: number;
  readonly name: string;
  /** SQL statements, run with `exec`. */
  readonly up: string;
}
