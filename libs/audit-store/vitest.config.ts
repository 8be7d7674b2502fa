import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Database tests create their own database per file, so files may run in parallel; migrations
// and an embedded PostgreSQL start take seconds on a busy machine.
export default defineConfig(vitestConfig('audit-store', { testTimeout: 60_000, hookTimeout: 120_000 }));
