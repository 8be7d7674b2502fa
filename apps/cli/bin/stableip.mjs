#!/usr/bin/env node
// Thin launcher for the bundled CLI (built by `nx run cli:build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('stableip: the CLI is not built yet. Run `npm run build` (or `npx nx run cli:build`) first.');
  process.exit(2);
}
await import(main.href);
