// Shared vitest settings: tests run on the TypeScript sources of every workspace package through the
// `@statecraft/source` export condition, so no build is needed before `pnpm test`.
import { defineConfig } from 'vitest/config';

export const sourceConditions = ['@statecraft/source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@statecraft/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
