#!/usr/bin/env node
// Thin launcher for the bundled operator (built by `nx run operator:build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('stableip-operator: not built yet. Run `npx nx run operator:build` first.');
  process.exit(2);
}
await import(main.href);
