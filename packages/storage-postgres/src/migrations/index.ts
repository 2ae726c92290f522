/**
 * The PostgreSQL schema, as versioned migrations. Never edit a released migration: add the next one.
 */
import { initial } from './001-initial.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order. @internal */
export const migrations: readonly Migration[] = [initial];
