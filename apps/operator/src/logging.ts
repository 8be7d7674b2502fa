// The operator's root logger: pino JSON lines (controller-runtime's zap JSON shape: ISO time, level
// names), or a compact human format with --log-format=text.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { OperatorOptions } from './options';

const BASE_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

/** `2026-01-01T00:00:00.000Z INFO  message key=value ...` from one pino JSON line. */
export function formatTextLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const fields = Object.entries(record)
    .filter(([key]) => !BASE_KEYS.has(key))
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' ? (/\s/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value)}`,
    );
  const level = String(record['level'] ?? '')
    .toUpperCase()
    .padEnd(5);
  return `${String(record['time'] ?? '')} ${level} ${String(record['msg'] ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}\n`;
}

export function createOperatorLogger(
  options: Pick<OperatorOptions, 'logLevel' | 'logFormat'>,
  out: NodeJS.WritableStream = process.stdout,
): Logger {
  const destination: DestinationStream =
    options.logFormat === 'text'
      ? { write: (line: string) => void out.write(formatTextLine(line)) }
      : { write: (line: string) => void out.write(line) };
  return pino(
    {
      name: 'stableip-operator',
      level: options.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      base: { pid: process.pid },
    },
    destination,
  );
}
