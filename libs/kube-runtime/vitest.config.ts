import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Unit tests only: integration tests (*.int.spec.ts) need a real API server, see vitest.int.config.ts.
export default defineConfig(
  vitestConfig('kube-runtime', { exclude: ['src/**/*.int.spec.ts', '**/node_modules/**'] }),
);
