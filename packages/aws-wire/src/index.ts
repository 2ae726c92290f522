/**
 * @statecraft/aws-wire — the awsJson1_0 transport of Statecraft. `createStatecraft()` builds an emulator
 * whose `handle(Request) → Response` serves both AWS Step Functions and Amazon SWF. Adapters:
 * `@statecraft/aws-wire/node` (HTTP server), `/smithy` (in-process SDK request handler), `/msw` (MSW handlers).
 * @packageDocumentation
 */
export type { InputValidator } from './handler.js';
export type { AwsHandler, Statecraft, StatecraftOptions } from './statecraft.js';
export { createStatecraft } from './statecraft.js';
