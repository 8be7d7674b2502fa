#!/usr/bin/env node
// `npm start`: a thin launcher for the stack (tools/stack). It builds the stack through Nx (cached),
// then runs it in its own process group, so that Ctrl-C in the terminal reaches only this launcher,
// which passes it on once — and the stack stops its children in order (recorder, API, operator,
// API server, PostgreSQL) instead of every process receiving SIGINT at the same moment.
// The stack holds this process's pipe on its stdin and stops by itself if the launcher dies.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };

if (!args.includes('--skip-build') && !args.includes('-h') && !args.includes('--help')) {
  process.stdout.write('→ build the stack launcher (Nx, cached)\n');
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run', 'stack:build', '--outputStyle=static'],
    { cwd: root, env, encoding: 'utf8' },
  );
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}\nbuilding tools/stack failed\n`);
    process.exit(build.status ?? 1);
  }
}

const stack = spawn(
  process.execPath,
  [join(root, 'tools', 'stack', 'dist', 'main.js'), '--watch-stdin', ...args],
  {
    cwd: root,
    env,
    detached: true,
    stdio: ['pipe', 'inherit', 'inherit'],
  },
);

// npm forwards the terminal's SIGINT to us as well: pass on at most one signal per second.
let lastForward = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    const now = Date.now();
    if (now - lastForward < 1_000) return;
    lastForward = now;
    if (stack.exitCode === null && stack.signalCode === null) stack.kill(signal);
  });
}
stack.once('error', (error) => {
  process.stderr.write(`cannot start the stack: ${error.message}\n`);
  process.exit(1);
});
stack.once('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
