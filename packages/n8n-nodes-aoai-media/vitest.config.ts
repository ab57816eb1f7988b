import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite drives the real n8n CLI: one emulator, several executions of ~10 s each.
    testTimeout: 20_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
