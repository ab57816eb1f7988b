import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // n8n loads n8n-workflow with require(); so do the tests (its ESM build does not load natively).
  resolve: { alias: [{ find: /^n8n-workflow$/, replacement: require.resolve('n8n-workflow') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite drives the real n8n CLI: one emulator, several executions of ~10 s each.
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
