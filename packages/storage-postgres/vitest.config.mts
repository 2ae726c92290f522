// The shared settings without the `import` condition in the ssr conditions. Vitest passes those to Node as
// --conditions for external modules, and with `import` among them pg's `require('pg-pool')` loads pg-pool's
// ESM build and fails ("Class extends value [object Module] is not a constructor"). Vite adds import/require
// by itself, so dropping it loses nothing.
import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.mts';

const conditions = ['@statecraft/source', 'node', 'default'];

export default defineConfig({
  ...shared,
  ssr: { ...shared.ssr, resolve: { ...shared.ssr?.resolve, conditions } },
});
