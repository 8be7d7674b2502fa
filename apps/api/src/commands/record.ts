// `stableip-api record`: the cluster recorder (libs/recorder) as a subcommand of the API binary.
// Flags are the recorder's own (`stableip-api record --help`); SIGINT/SIGTERM stop it cleanly
// (buffered changes committed, leases handed over) before the process exits.
import { runRecordCommand } from '@stableip/recorder';

export async function runRecord(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await runRecordCommand(argv, { signal: controller.signal });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
