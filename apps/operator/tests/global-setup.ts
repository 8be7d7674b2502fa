// One real API server for the e2e run (tools/kube-testenv), with stableip's CRDs (config/crd/bases)
// and the foreign test-fixture CRDs installed; the operator bundle is rebuilt so tests never run a
// stale dist/main.js. (The vitest helper of kube-testenv imports `vitest`, which a globalSetup must
// not do, so the server is started with the plain API and provided under the same key.)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startKubeTestEnv } from '@stableip/kube-testenv';
import { installOperatorCrds } from './crds';
import type {} from '@stableip/kube-testenv/vitest';
import type { TestProject } from 'vitest/node';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync(process.execPath, ['../../tools/scripts/bundle.mjs', 'src/main.ts', 'dist/main.js'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  // No in-process controllers: the operator's finalizer flow does the deletions these tests check.
  const env = await startKubeTestEnv({ controllers: false });
  try {
    await installOperatorCrds(env.info.kubeconfig);
  } catch (err) {
    await env.stop();
    throw err;
  }
  project.provide('kubeTestEnv', env.info);
  process.env['KUBE_TESTENV_KUBECONFIG'] = env.info.kubeconfig;
  return () => env.stop();
}
