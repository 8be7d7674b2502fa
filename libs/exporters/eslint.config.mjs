import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Integration tests may use the test harness (tools/kube-testenv, tag type:testing);
    // library code may not.
    files: ['**/*.int.spec.ts', 'tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:core', 'type:lib', 'type:testing'] },
          ],
        },
      ],
    },
  },
];
