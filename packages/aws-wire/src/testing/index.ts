/**
 * @statecraft/aws-wire/testing — an emulator for tests in one call: Statecraft in process with your Lambda
 * handlers and mock configuration, unmodified SDK clients bound to it (no socket), a manual clock you can
 * advance, and helpers to inspect executions.
 *
 * ```ts
 * const t = createTestStatecraft({ functions: { greet: async (e) => ({ hi: e.name }) } });
 * const { stateMachineArn } = await t.sfn.send(new CreateStateMachineCommand({ ... }));
 * const { executionArn } = await t.sfn.send(new StartExecutionCommand({ stateMachineArn }));
 * const done = await t.waitForExecution(executionArn);   // a one-year Wait finishes at once
 * ```
 *
 * Needs `@aws-sdk/client-sfn` and `@aws-sdk/client-swf` (optional peer dependencies).
 * @packageDocumentation
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { SWFClient } from '@aws-sdk/client-swf';
import { ManualClock } from '@statecraft/engine';
import { createRequestHandler } from '../smithy/index.js';
import { createStatecraft, type Statecraft, type StatecraftOptions } from '../statecraft.js';

/** Options for {@link createTestStatecraft}. @public */
export interface TestStatecraftOptions extends Omit<StatecraftOptions, 'clock'> {
  /**
   * `'manual'` (default): a {@link ManualClock} that skips ahead whenever everything else is idle, so Wait
   * states, retries and timeouts take no real time, with the timestamps AWS would record; `'real'`: wall time.
   */
  readonly clock?: 'manual' | 'real';
  /** Start time of the manual clock, epoch ms (default: now). */
  readonly startTime?: number;
}

/** What {@link createTestStatecraft} returns. @public */
export interface TestStatecraft {
  readonly statecraft: Statecraft;
  /** An unmodified Step Functions client answered in process (`maxAttempts: 1`). */
  readonly sfn: SFNClient;
  /** An unmodified SWF client answered in process (`maxAttempts: 1`). */
  readonly swf: SWFClient;
  /** The manual clock, when `clock` is `'manual'`. */
  readonly clock: ManualClock | undefined;
  /** Moves the manual clock forward (timers due by then fire). */
  advance(ms: number): void;
  /** Polls DescribeExecution until the execution is no longer RUNNING; throws after `timeoutMs` of real time. */
  waitForExecution(executionArn: string, options?: { timeoutMs?: number }): Promise<DescribeExecutionCommandOutput>;
  /** The whole history of an execution (all pages). */
  history(executionArn: string): Promise<HistoryEvent[]>;
  /** Wipes all state. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Creates an emulator for tests. @public */
export function createTestStatecraft(options: TestStatecraftOptions = {}): TestStatecraft {
  const { clock: mode = 'manual', startTime, ...rest } = options;
  const clock =
    mode === 'manual'
      ? new ManualClock({ autoAdvance: true, ...(startTime !== undefined ? { start: startTime } : {}) })
      : undefined;
  const statecraft = createStatecraft({ ...rest, ...(clock ? { clock } : {}) });
  const requestHandler = createRequestHandler(statecraft);
  const common = {
    region: statecraft.region,
    credentials: { accessKeyId: statecraft.accountId, secretAccessKey: 'statecraft' },
    requestHandler,
    maxAttempts: 1,
  };
  const sfn = new SFNClient(common);
  const swf = new SWFClient(common);
  return {
    statecraft,
    sfn,
    swf,
    clock,
    advance(ms) {
      if (!clock)
        throw new Error(
          '[statecraft] Failed to advance the clock: this emulator runs on real time. Create it with clock: "manual".',
        );
      clock.advance(ms);
    },
    async waitForExecution(executionArn, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      for (;;) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') return d;
        if (Date.now() > deadline) {
          throw new Error(
            `[statecraft] Failed to wait for ${executionArn}: still RUNNING after ${o.timeoutMs ?? 30_000} ms.`,
          );
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async history(executionArn) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    },
    reset: () => statecraft.reset(),
    async close() {
      sfn.destroy();
      swf.destroy();
      await statecraft.close();
    },
  };
}
