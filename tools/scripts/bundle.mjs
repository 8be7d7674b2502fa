#!/usr/bin/env node
// Bundles an app's entry point with esbuild: workspace libs (@stableip/*) are compiled in from
// source, third-party packages stay external and are resolved from node_modules at run time.
// Apps are bundled because Node cannot run the libs' TypeScript sources directly.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [entry = 'src/main.ts', outfile = 'dist/main.js'] = process.argv.slice(2);
const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter(
  (name) => !name.startsWith('@stableip/'),
);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  conditions: ['@stableip/source'],
  external: [...external, ...external.map((name) => `${name}/*`)],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
