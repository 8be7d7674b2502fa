import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Two projects: `db` (src unit tests and tests/ against a real PostgreSQL, one database per file)
// and `kube` (Kubernetes token authentication against the real API server of tools/kube-testenv).
export default defineConfig(
  vitestConfig('api', {
    include: [],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'db', include: ['src/**/*.spec.ts', 'tests/**/*.spec.ts'], exclude: ['tests/kube/**'] },
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
  }),
);
