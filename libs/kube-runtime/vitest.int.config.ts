import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Integration tests against a real kube-apiserver (tools/kube-testenv): one server per run,
// one namespace per file. Run with `npx nx run kube-runtime:test-int`.
export default defineConfig(
  vitestConfig('kube-runtime-int', {
    include: ['src/**/*.int.spec.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share one API server; running them one at a time keeps timings stable on 2 cores.
    fileParallelism: false,
  }),
);
