import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { systemPackagesSetup, vitestConfig } from '../../vitest.shared';

// Two projects: `db` (src unit tests and tests/ against a real PostgreSQL, one database per file)
// and `kube` (Kubernetes token authentication against the real API server of tools/kube-testenv).
const base = vitestConfig('api', {
  include: [],
  testTimeout: 30_000,
  hookTimeout: 120_000,
  projects: [
    {
      extends: true,
      test: {
        name: 'db',
        include: ['src/**/*.spec.ts', 'tests/**/*.spec.ts'],
        exclude: ['tests/kube/**'],
        globalSetup: [systemPackagesSetup],
      },
    },
    {
      extends: true,
      test: {
        name: 'kube',
        include: ['tests/kube/**/*.spec.ts'],
        globalSetup: ['tests/kube/global-setup.ts'],
      },
    },
  ],
});

// graphql 16 ships CJS (main) and ESM (module) builds without an exports map: Node (and so
// Pothos, Apollo and graphql-ws at run time) loads the CJS build, Vite would pick the ESM one for
// our sources. Two copies reject each other's schemas ("from another module or realm"), so tests
// load the one Node loads.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  ...base,
  resolve: { ...base.resolve, alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
});
