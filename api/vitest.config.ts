import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Resolve workspace packages to their TypeScript sources. Only `source` is added to the
  // defaults: Vitest forwards these conditions to Node, and `import` there would hand pg's
  // `require('pg-pool')` the ESM build.
  resolve: {
    conditions: ['source', 'module', 'node', 'development|production'],
    // graphql 16 ships CJS (main) and ESM (module) builds; Vite would pick the ESM one for our
    // code while Yoga, Pothos and graphql-tools load the CJS one through Node, and two copies
    // break `instanceof GraphQLError` / "schema from another realm". Node itself loads the CJS one.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
