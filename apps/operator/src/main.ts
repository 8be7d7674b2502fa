// Entry point of the stableip operator (bundled to dist/main.js).
import { createOperatorLogger } from './logging';
import { startOperator } from './manager';
import { OptionsError, parseOptions } from './options';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionsError) {
      // commander already printed usage for --help / --version (exit code 0 there).
      return /outputHelp|help/.test(err.message) ? 0 : 2;
    }
    throw err;
  }
  const log = createOperatorLogger(options);
  let operator;
  try {
    operator = await startOperator(options, log);
  } catch (err) {
    log.fatal({ err }, 'start-up failed');
    return 1;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    void operator.shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return operator.done;
}

process.exitCode = await main();
// Sockets and timers are closed by shutdown; exit explicitly in case a library keeps a handle.
setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
