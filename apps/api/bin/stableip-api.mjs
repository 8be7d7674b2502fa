#!/usr/bin/env node
// Thin launcher for the bundled API (built by `nx run api:build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('stableip-api: not built yet. Run `npm run build` (or `npx nx run api:build`) first.');
  process.exit(2);
}
await import(main.href);
