// Structured JSON logs (pino). Libraries take a Logger; apps create the root one.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    // Same shape as controller-runtime's zap JSON: ISO timestamps, level names.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

let fallback: Logger | undefined;
/** Used when a component is given no logger: warnings and errors still reach stdout. */
export function defaultLogger(): Logger {
  fallback ??= createLogger({ level: (process.env['KUBE_RUNTIME_LOG_LEVEL'] as LevelWithSilent) ?? 'warn' });
  return fallback;
}
