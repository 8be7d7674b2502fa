#!/usr/bin/env node
// `npm start`: the main job until the operator lands. Builds the CLI through Nx (cached), then plans
// the shipped dual-stack example with BMH name-based preallocation and prints the table view.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });

const build = run('npx', ['nx', 'run', 'cli:build', '--outputStyle=static']);
if (build.status !== 0) process.exit(build.status ?? 1);

const example = join('examples', 'dual-stack');
console.log(`\n$ stableip plan -f ${example} --bmh-name-based-preallocation -o table\n`);
const plan = run(process.execPath, [
  join('apps', 'cli', 'bin', 'stableip.mjs'),
  'plan',
  '-f',
  example,
  '--bmh-name-based-preallocation',
  '-o',
  'table',
]);
process.exit(plan.status ?? 1);
