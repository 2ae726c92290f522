/**
 * @statecraft/cli — the `statecraft` command line.
 * @packageDocumentation
 */
export type { ServeConfig } from './config.js';
export { ConfigError, resolveServeConfig } from './config.js';
export { main } from './main.js';
