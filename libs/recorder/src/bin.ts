// Standalone entry (`npx nx run recorder:record -- --help`), the same command as `stableip-api record`.
import { runRecordCommand } from './command';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
process.exitCode = await runRecordCommand(process.argv.slice(2), { signal: controller.signal });
