// Types for vitest's provide/inject; type-only, so importing this never loads vitest.
import type { KubeTestEnvInfo } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeTestEnv: KubeTestEnvInfo;
  }
}
