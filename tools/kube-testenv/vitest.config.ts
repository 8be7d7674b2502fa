import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// One real API server for the whole run (tests/global-setup.ts); each file gets its own namespace.
export default defineConfig(
  vitestConfig('kube-testenv', {
    include: ['ts/**/*.spec.ts', 'tests/**/*.spec.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  }),
);
