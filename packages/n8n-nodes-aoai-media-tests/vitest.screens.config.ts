import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** `pnpm screens`: renders the node's parameter panels in the real n8n editor into the package's docs. */
export default defineConfig({
  resolve: { alias: [{ find: /^n8n-workflow$/, replacement: require.resolve('n8n-workflow') }] },
  test: {
    include: ['test/screens/**/*.screens.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
