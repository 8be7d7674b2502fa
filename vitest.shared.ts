// Shared vitest settings: read workspace libs from source (custom export condition) and
// write a JSON report per project so `npm test` can print one pass/fail summary line.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vitest/config';

const workspaceRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * A vitest globalSetup for suites that need a Debian package (chromium, nft): installs it when
 * missing and root, else fails with the package name. The list lives in that script.
 */
export const systemPackagesSetup = resolve(workspaceRoot, 'tools/scripts/system-packages.mjs');

export function vitestConfig(projectName: string, overrides: UserConfig['test'] = {}): UserConfig {
  return {
    resolve: { conditions: ['@stableip/source'] },
    ssr: { resolve: { conditions: ['@stableip/source'] } },
    test: {
      include: ['src/**/*.spec.ts', 'tests/**/*.spec.ts'],
      // Two cores shared by several suites at once: generous defaults; a test that needs more
      // says so itself. Speed targets live in tools/bench, not in timeouts.
      testTimeout: 30_000,
      hookTimeout: 120_000,
      reporters: [
        'default',
        ['json', { outputFile: resolve(workspaceRoot, 'reports/vitest', `${projectName}.json`) }],
      ],
      ...overrides,
    },
  };
}
