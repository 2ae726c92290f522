/**
 * Test support (not shipped): the same Statecraft reached by an `SFNClient` in process (the Smithy request
 * handler) and over HTTP (the node server), so SDK tests run once per transport.
 */

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { SFNClient } from '@aws-sdk/client-sfn';
import { serve } from '../node/index.js';
import { createRequestHandler } from '../smithy/index.js';
import { createStatecraft, type Statecraft, type StatecraftOptions } from '../statecraft.js';

/** The corpus account as an access key id (a 12-digit key is the account) and a fixed region. */
export const credentials = { accessKeyId: '111111111111', secretAccessKey: 'secret' };
export const region = 'us-east-1';

export interface SdkTarget {
  readonly name: string;
  setup(options?: StatecraftOptions): Promise<{ sc: Statecraft; sfn: SFNClient; teardown(): Promise<void> }>;
}

export const sdkTargets: readonly SdkTarget[] = [
  {
    name: 'in process',
    async setup(options = {}) {
      const sc = createStatecraft(options);
      const sfn = new SFNClient({ region, credentials, requestHandler: createRequestHandler(sc), maxAttempts: 1 });
      return { sc, sfn, teardown: () => sc.close() };
    },
  },
  {
    name: 'over HTTP',
    async setup(options = {}) {
      const sc = createStatecraft(options);
      const server = await serve(sc, { port: 0 });
      const sfn = new SFNClient({ region, credentials, endpoint: server.url, maxAttempts: 1, disableHostPrefix: true });
      return {
        sc,
        sfn,
        teardown: async () => {
          sfn.destroy();
          await server.close();
          await sc.close();
        },
      };
    },
  },
];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const eventTypes = (events: readonly HistoryEvent[]) => events.map((e) => e.type);
