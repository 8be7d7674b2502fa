import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// The CLI tests spawn the built binary; on a busy 2-core machine one spawn can take seconds.
export default defineConfig(vitestConfig('cli', { testTimeout: 60_000 }));
