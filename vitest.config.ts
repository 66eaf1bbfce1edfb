import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Server-only modules are tested in Node directly; the marker package would throw outside React's server build.
      'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts', 'chart/**/*.test.ts'],
    exclude: ['e2e/browser/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The lab and the fixture server bind fixed ports / namespaces: one file at a time is simplest and the suite is small.
    fileParallelism: false,
  },
});
