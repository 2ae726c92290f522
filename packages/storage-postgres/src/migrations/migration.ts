/** A versioned schema change, applied once, in order, inside a transaction. @internal */
export interface Migration {
  /** 1, 2, 3...: applied in this order, recorded in `<schema>.statecraft_migrations`. */
  readonly version: number;
  readonly name: string;
  /** SQL; `{schema}` stands for the quoted schema name. */
  readonly up: string;
}
