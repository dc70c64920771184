// vitest runs through SWC because type-graphql and MikroORM read decorator metadata, which esbuild does not emit.
// Two projects: `unit` needs nothing running; `db` (integration and end-to-end) gets a real PostgreSQL
// from the global setup, one fresh database per test file.
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  });

// graphql ships CommonJS and ESM builds; libraries (type-graphql, graphql-scalars) load the CommonJS one,
// so tests must too, or graphql sees two copies of its own classes ("from another module or realm").
const resolve = {
  alias: [
    {
      find: /^graphql$/,
      replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)),
    },
  ],
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [swcPlugin()],
        resolve,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['reflect-metadata'],
        },
      },
      {
        plugins: [swcPlugin()],
        resolve,
        test: {
          name: 'db',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['reflect-metadata'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
