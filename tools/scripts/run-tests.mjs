#!/usr/bin/env node
// The README's test command: runs every project's `test` target through Nx (cached, affected
// friendly), then prints one line summing all vitest JSON reports: "tests: N passed, N failed".
// First the Debian packages some suites need (tools/scripts/system-packages.mjs): installed when
// missing and root, otherwise named with the command that installs them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemPackages } from './system-packages.mjs';

const reportDir = join(import.meta.dirname, '..', '..', 'reports', 'vitest');
rmSync(reportDir, { recursive: true, force: true });

try {
  ensureSystemPackages();
} catch (error) {
  // The suites that need the package fail with this message in their own setup; the rest still run.
  console.error(`\nwarning: ${error.message}\n`);
}

const extra = process.argv.slice(2);
const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'test', '--outputStyle=static', ...extra], {
  stdio: 'inherit',
  env: process.env,
});

let passed = 0;
let failed = 0;
let files = 0;
if (existsSync(reportDir)) {
  for (const name of readdirSync(reportDir).filter((n) => n.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(reportDir, name), 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    files += report.testResults?.length ?? 0;
    // A file that failed to load has no tests but must still count as a failure.
    for (const file of report.testResults ?? []) {
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
    }
  }
}
const status = nx.status ?? 1;
if (status !== 0 && failed === 0) failed = 1; // a target failed outside vitest (build, setup)
console.log(`\n${files} test files`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(status);
