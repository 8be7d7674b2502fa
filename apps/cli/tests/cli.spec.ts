// Black-box tests of the built binary: each case runs `node bin/stableip.mjs` on fixtures and
// compares exit code, stdout and stderr with a checked-in golden file. Regenerate the golden
// files after an intended change with `UPDATE_GOLDEN=1 npx nx run cli:test` and review the diff.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const testsDir = fileURLToPath(new URL('.', import.meta.url));
const bin = fileURLToPath(new URL('../bin/stableip.mjs', import.meta.url));
const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

interface Case {
  name: string;
  args: string[];
  stdin?: string;
  exit: number;
}

const cases: Case[] = [
  { name: 'plan-ipv4-yaml', args: ['plan', '-f', 'fixtures/ipv4.yaml'], exit: 0 },
  { name: 'plan-ipv4-table', args: ['plan', '-f', 'fixtures/ipv4.yaml', '-o', 'table'], exit: 0 },
  { name: 'plan-ipv6-json', args: ['plan', '-f', 'fixtures/ipv6.json', '-o', 'json'], exit: 0 },
  { name: 'plan-capi-yaml', args: ['plan', '-f', 'fixtures/capi.yaml'], exit: 0 },
  { name: 'plan-exhausted-yaml', args: ['plan', '-f', 'fixtures/exhausted.yaml'], exit: 0 },
  { name: 'plan-exhausted-table', args: ['plan', '-f', 'fixtures/exhausted.yaml', '-o', 'table'], exit: 0 },
  { name: 'plan-metal3data-flag-off', args: ['plan', '-f', 'fixtures/metal3data'], exit: 0 },
  {
    name: 'plan-metal3data-flag-on',
    args: ['plan', '-f', 'fixtures/metal3data', '--bmh-name-based-preallocation'],
    exit: 0,
  },
  {
    name: 'plan-stdin-and-file-table',
    args: ['plan', '-f', '-', 'fixtures/ipv6.json', '-o', 'table'],
    stdin: readFileSync(`${testsDir}/fixtures/capi.yaml`, 'utf8'),
    exit: 0,
  },
  { name: 'plan-deleting-yaml', args: ['plan', '-f', 'fixtures/deleting.yaml'], exit: 0 },
  { name: 'plan-coverage-table', args: ['plan', '-f', 'fixtures/coverage.yaml', '-o', 'table'], exit: 0 },
  {
    name: 'pin-coverage',
    args: ['pin', '--pool', 'baremetalv4-pool', '-f', 'fixtures/coverage.yaml'],
    exit: 0,
  },
  {
    name: 'pin-all-json',
    args: ['pin', '--pool', 'bm-v6', '-n', 'm3', '-f', 'fixtures/metal3data', '--all', '-o', 'json'],
    exit: 0,
  },
  {
    name: 'pin-metal3data-flag-on',
    args: ['pin', '--pool', 'bm-v4', '-f', 'fixtures/metal3data', '--bmh-name-based-preallocation'],
    exit: 0,
  },
  {
    name: 'error-pin-unknown-pool',
    args: ['pin', '--pool', 'nope', '-f', 'fixtures/coverage.yaml'],
    exit: 2,
  },
  { name: 'validate-text', args: ['validate', '-f', 'fixtures/validate-invalid.yaml'], exit: 1 },
  {
    name: 'validate-json',
    args: ['validate', '-f', 'fixtures/validate-invalid.yaml', '-o', 'json'],
    exit: 1,
  },
  {
    name: 'validate-update-text',
    args: ['validate', '-f', 'fixtures/validate-new.yaml', '--old', 'fixtures/validate-old.yaml'],
    exit: 1,
  },
  { name: 'validate-valid', args: ['validate', '-f', 'fixtures/ipv4.yaml', 'fixtures/capi.yaml'], exit: 0 },
  { name: 'error-missing-field', args: ['plan', '-f', 'fixtures/missing-field.yaml'], exit: 2 },
  { name: 'error-bad-yaml', args: ['plan', '-f', 'fixtures/bad-yaml.txt'], exit: 2 },
  { name: 'error-unknown-kind', args: ['validate', '-f', 'fixtures/unknown-kind.yaml'], exit: 2 },
  { name: 'error-no-such-file', args: ['plan', '-f', 'fixtures/does-not-exist.yaml'], exit: 2 },
  { name: 'error-bad-output-format', args: ['plan', '-f', 'fixtures/ipv4.yaml', '-o', 'wide'], exit: 2 },
];

function render(result: { status: number | null; stdout: string; stderr: string }): string {
  return `exit: ${result.status}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}

describe('stableip (built binary) against golden files', () => {
  it.each(cases)('$name', ({ name, args, stdin, exit }) => {
    const result = spawnSync(process.execPath, [bin, ...args], {
      cwd: testsDir,
      encoding: 'utf8',
      input: stdin ?? '',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.status).toBe(exit);
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // never a stack trace
    const actual = render(result);
    const goldenFile = `${goldenDir}${name}.golden`;
    if (update || !existsSync(goldenFile)) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(goldenFile, actual);
    }
    expect(actual).toBe(readFileSync(goldenFile, 'utf8'));
  });

  it('prints the same plan on every run (seeded, deterministic)', () => {
    const run = () =>
      spawnSync(process.execPath, [bin, 'plan', '-f', 'fixtures/metal3data', '-o', 'json'], {
        cwd: testsDir,
        encoding: 'utf8',
      }).stdout;
    expect(run()).toBe(run());
  });
});
