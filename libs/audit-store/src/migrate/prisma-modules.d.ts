// @prisma/migrate publishes CommonJS whose package "types" path does not exist, and whose named
// exports Node's ESM loader cannot detect; we import the one file we need as a default export.
declare module '@prisma/migrate/dist/SchemaEngineWasm.js' {
  import type { SchemaEngineWasm } from '@prisma/migrate/dist/src/SchemaEngineWasm';

  const schemaEngineWasmModule: { SchemaEngineWasm: typeof SchemaEngineWasm };
  export default schemaEngineWasmModule;
}
