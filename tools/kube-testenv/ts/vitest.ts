// Vitest wiring for test files: one namespace per test file. (The server itself is started once
// per run by kubeTestEnvGlobalSetup, exported from the vitest-free '@stableip/kube-testenv'.)
//
//   // tests/global-setup.ts (vitest.config.ts: test.globalSetup: ['tests/global-setup.ts'])
//   import { kubeTestEnvGlobalSetup } from '@stableip/kube-testenv';
//   export default kubeTestEnvGlobalSetup({ crds: ['../../config/crd'] });
//
//   // some.spec.ts
//   import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
//   const kube = useKubeTestNamespace('ippool');
//   it('...', async () => { kube.kubeConfig.makeApiClient(CoreV1Api) ... kube.namespace ... });
import { afterAll, beforeAll, inject } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, type TestNamespace } from './kube.js';
import type { KubeTestEnvInfo } from './server.js';
import './provided.js';

export { kubeTestEnvGlobalSetup, type GlobalSetupOptions } from './global-setup.js';

/** The server started by the global setup (in a test file). */
export function kubeTestEnvInfo(): KubeTestEnvInfo {
  const info = inject('kubeTestEnv');
  if (!info) {
    throw new Error(
      'kube-testenv is not running: add kubeTestEnvGlobalSetup() to test.globalSetup in vitest.config.ts',
    );
  }
  return info;
}

export interface KubeTestContext {
  /** The fresh namespace of this test file. */
  readonly namespace: string;
  /** Cluster-admin KubeConfig defaulting to `namespace`. */
  readonly kubeConfig: KubeConfig;
  readonly info: KubeTestEnvInfo;
}

/**
 * Register beforeAll/afterAll hooks that create a fresh namespace for this file and delete it
 * afterwards (really deleted only when the namespace controller runs, see TestNamespace.delete).
 * The returned object's properties are usable inside tests and later hooks.
 */
export function useKubeTestNamespace(prefix = 'test'): KubeTestContext {
  let ns: TestNamespace | undefined;
  let info: KubeTestEnvInfo | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useKubeTestNamespace: used before its beforeAll hook ran');
    return value;
  };
  beforeAll(async () => {
    info = kubeTestEnvInfo();
    ns = await createTestNamespace(info, prefix);
  });
  afterAll(async () => {
    await ns?.delete();
  });
  return {
    get namespace() {
      return ready(ns).name;
    },
    get kubeConfig() {
      return ready(ns).kubeConfig;
    },
    get info() {
      return ready(info);
    },
  };
}
