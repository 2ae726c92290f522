/**
 * The Amazon SWF service: its operations over a store.
 */
import type { Clock, Service } from '@statecraft/engine';
import type { StorageDriver } from '@statecraft/storage';
import { domainOperations } from './domains.js';

/** Options for {@link createSwfService}. @public */
export interface SwfServiceOptions {
  readonly store: StorageDriver;
  readonly clock: Clock;
}

/** @public */
export type SwfService = Service;

/** @public */
export function createSwfService(options: SwfServiceOptions): SwfService {
  const { store, clock } = options;
  return {
    targetPrefix: 'SimpleWorkflowService',
    operations: { ...domainOperations(store, clock) },
    async reset() {},
    async close() {},
  };
}
