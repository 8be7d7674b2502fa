import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Node built-ins and I/O clients that must never reach the pure domain library.
const ioModules = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'net',
  'http',
  'https',
  'child_process',
  'os',
  'dgram',
  'dns',
  'tls',
  'worker_threads',
  '@kubernetes/*',
  '@prisma/*',
  'pg',
  'pino',
  'prom-client',
  'express',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  prettier,
  {
    ignores: [
      '**/dist',
      '**/out-tsc',
      '**/node_modules',
      '**/reports',
      '**/*.generated.*',
      '**/generated/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            {
              // The domain core: pure logic, no I/O, depends on nothing but itself.
              sourceTag: 'type:core',
              onlyDependOnLibsWithTags: ['type:core'],
              bannedExternalImports: ioModules,
            },
            {
              sourceTag: 'type:lib',
              onlyDependOnLibsWithTags: ['type:core', 'type:lib'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:core', 'type:lib'],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:core', 'type:lib', 'type:tool'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tool configs import the workspace's shared vitest preset by relative path on purpose.
    files: ['**/vitest.config.ts', '**/eslint.config.mjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
