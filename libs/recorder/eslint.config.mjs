import baseConfig from '../../eslint.config.mjs';

// Tests and the benchmark run a real API server through @stableip/kube-testenv (a test harness),
// which library code must never import: allowed there only, with the workspace's constraints.
const boundaries = baseConfig.find((entry) => entry.rules?.['@nx/enforce-module-boundaries'])?.rules[
  '@nx/enforce-module-boundaries'
];
const [level, options] = boundaries;

export default [
  ...baseConfig,
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        level,
        {
          ...options,
          allow: [...(options.allow ?? []), '@stableip/kube-testenv', '@stableip/kube-testenv/vitest'],
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
