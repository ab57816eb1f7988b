import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Nest's dependency injection reads decorator metadata: legacy decorators with emitted metadata.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every file starts its own Redis and emulator; two cores, so run files one or two at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
