// Entry point of stableip-api (bundled into dist/main.js).
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`stableip-api: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
