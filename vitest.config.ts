import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node (and so yoga and Pothos, and `npm start`) loads graphql's CommonJS build; vite would give
    // our sources the ESM build. Two copies break `instanceof GraphQLError`, so use Node's one.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/redis.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
