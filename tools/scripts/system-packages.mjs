#!/usr/bin/env node
// The Debian packages some test suites need, in one place. `npm test` (tools/scripts/run-tests.mjs)
// ensures all of them before the suites start; each suite that needs one also ensures it in its
// vitest globalSetup, so `npx nx run <project>:test` and `npx vitest run` work on a fresh machine too.
// Missing and root: `apt-get update && apt-get install -y <package>`. Missing otherwise: a message
// naming the package and the command that installs it.
//
//   node tools/scripts/system-packages.mjs            ensure every package
//   node tools/scripts/system-packages.mjs --check    only report (exit 1 when one is missing)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const workspaceRoot = resolve(import.meta.dirname, '..', '..');

/** What each package is for; `projects` are project roots relative to the workspace. */
export const SYSTEM_PACKAGES = [
  {
    package: 'chromium',
    command: 'chromium',
    // Playwright drives Debian's chromium (it cannot download its own browser here).
    override: 'CHROMIUM_PATH',
    projects: ['tools/stack'],
    neededFor: 'the dashboard browser test (tools/stack/tests/dashboard.spec.ts)',
  },
  {
    package: 'nftables',
    command: 'nft',
    projects: ['apps/api', 'libs/exporters'],
    neededFor: 'checking the nftables export with `nft -c -f` (apps/api, libs/exporters)',
  },
];

/** A typed failure: the package is missing and this process cannot install it. */
export class SystemPackageError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'SystemPackageError';
    this.code = code;
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

/** Present: the override variable names an existing file, or the command is on PATH. */
export function isPresent(requirement, env = process.env) {
  const override = requirement.override && env[requirement.override];
  if (override) return existsSync(override);
  return onPath(requirement.command);
}

function installHint(requirement) {
  const alternative = requirement.override
    ? `, or set ${requirement.override} to an existing ${requirement.command} binary`
    : '';
  return `install it with: sudo apt-get update && sudo apt-get install -y ${requirement.package}${alternative}`;
}

function install(requirement, log) {
  log(`→ installing the Debian package ${requirement.package}, needed for ${requirement.neededFor}\n`);
  // One installer at a time (suites may start in parallel); the command is re-checked under the
  // lock, and dpkg's own lock is waited for, not failed on, when another apt-get runs on the machine.
  const script = [
    'command -v "$1" >/dev/null && exit 0',
    'apt-get -o DPkg::Lock::Timeout=600 update -qq',
    'apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$2"',
  ].join('\n');
  const result = spawnSync(
    'flock',
    ['/tmp/stableip-apt-get.lock', 'sh', '-c', script, 'sh', requirement.command, requirement.package],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
  );
  if (result.status !== 0 || !onPath(requirement.command)) {
    throw new SystemPackageError(
      'INSTALL_FAILED',
      `apt-get could not install ${requirement.package} (${result.error?.message ?? `exit ${result.status}`}), needed for ${requirement.neededFor}; ${installHint(requirement)}`,
    );
  }
}

/**
 * Ensures the packages of `projectRoot` (absolute, or relative to the workspace), or of every
 * project when it is omitted. Throws a SystemPackageError naming the package when it stays missing.
 */
export function ensureSystemPackages({
  projectRoot,
  env = process.env,
  log = (t) => process.stderr.write(t),
} = {}) {
  const project =
    projectRoot === undefined ? undefined : relative(workspaceRoot, resolve(workspaceRoot, projectRoot));
  const wanted = SYSTEM_PACKAGES.filter((r) => project === undefined || r.projects.includes(project));
  const problems = [];
  for (const requirement of wanted) {
    if (isPresent(requirement, env)) continue;
    const override = requirement.override && env[requirement.override];
    if (override) {
      problems.push(
        `${requirement.override}=${override} does not exist (needed for ${requirement.neededFor})`,
      );
    } else if (process.getuid?.() !== 0) {
      problems.push(
        `the Debian package ${requirement.package} (command \`${requirement.command}\`) is missing; it is needed for ${requirement.neededFor}: ${installHint(requirement)}`,
      );
    } else if (!onPath('apt-get')) {
      problems.push(
        `the package ${requirement.package} (command \`${requirement.command}\`) is missing and there is no apt-get to install it; it is needed for ${requirement.neededFor}: install it with your system's package manager`,
      );
    } else {
      try {
        install(requirement, log);
      } catch (error) {
        problems.push(error.message);
      }
    }
  }
  if (problems.length > 0) throw new SystemPackageError('MISSING_SYSTEM_PACKAGE', problems.join('\n'));
}

/** vitest globalSetup: the packages of the project being tested (its config root). */
export default function setup(project) {
  ensureSystemPackages({ projectRoot: project?.config?.root ?? process.cwd() });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const checkOnly = process.argv.includes('--check');
  const missing = SYSTEM_PACKAGES.filter((r) => !isPresent(r));
  if (checkOnly) {
    for (const r of SYSTEM_PACKAGES)
      console.log(`${isPresent(r) ? 'ok     ' : 'missing'} ${r.package} (${r.neededFor})`);
    process.exit(missing.length > 0 ? 1 : 0);
  }
  try {
    ensureSystemPackages();
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}
