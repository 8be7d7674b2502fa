import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// `unit`: the pure renderers. `int`: the rendered objects against a real API server holding the
// consumers' own CRDs (tools/kube-testenv; CRDs from the consumers' Go modules).
export default defineConfig(
  vitestConfig('exporters', {
    include: [],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['tests/**/*.int.spec.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  }),
);
