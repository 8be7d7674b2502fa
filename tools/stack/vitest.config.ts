import { defineConfig } from 'vitest/config';
import { systemPackagesSetup, vitestConfig } from '../../vitest.shared';

// Unit tests (src/) and two end-to-end tests (tests/): the whole stack started as `npm start` would,
// and the dashboard in a real Chromium. Both start heavy processes on a busy 2-core machine, so files
// run one at a time with generous timeouts.
export default defineConfig(
  vitestConfig('stack', {
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    globalSetup: [systemPackagesSetup],
  }),
);
