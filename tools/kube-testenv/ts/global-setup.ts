// Vitest globalSetup wiring. This module must not import 'vitest' at runtime: a globalSetup runs
// outside the test workers and vitest refuses to load there ("failed to access its internal state").
import type { TestProject } from 'vitest/node';
import { installCrds, loadKubeConfig } from './kube.js';
import { startKubeTestEnv, type StartOptions } from './server.js';
import './provided.js';

export interface GlobalSetupOptions extends StartOptions {
  /** CRD files or directories (relative to the vitest root) installed once, before any test. */
  crds?: string[];
}

/**
 * A vitest globalSetup function: starts the server, installs CRDs, provides `kubeTestEnv`
 * (read it with `inject('kubeTestEnv')` or `useKubeTestNamespace()`), sets
 * KUBE_TESTENV_KUBECONFIG for processes started later, and stops the server when the run ends.
 *
 *   // tests/global-setup.ts
 *   import { kubeTestEnvGlobalSetup } from '@stableip/kube-testenv';
 *   export default kubeTestEnvGlobalSetup({ crds: ['../../config/crd/bases'] });
 */
export function kubeTestEnvGlobalSetup(options: GlobalSetupOptions = {}) {
  return async function setup(project: TestProject): Promise<() => Promise<void>> {
    const { crds, ...startOptions } = options;
    const env = await startKubeTestEnv(startOptions);
    try {
      if (crds?.length) {
        const root = project.config.root;
        await installCrds(
          loadKubeConfig(env.info),
          crds.map((p) => (p.startsWith('/') ? p : `${root}/${p}`)),
        );
      }
    } catch (err) {
      await env.stop();
      throw err;
    }
    project.provide('kubeTestEnv', env.info);
    process.env['KUBE_TESTENV_KUBECONFIG'] = env.info.kubeconfig;
    return () => env.stop();
  };
}
