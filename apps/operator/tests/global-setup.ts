// One real API server for the e2e run (tools/kube-testenv), with stableip's CRDs (config/crd/bases)
// and the foreign test-fixture CRDs installed; the operator bundle is rebuilt so tests never run a
// stale dist/main.js.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kubeTestEnvGlobalSetup } from '@stableip/kube-testenv/vitest';
import type { TestProject } from 'vitest/node';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const start = kubeTestEnvGlobalSetup({ crds: ['../../config/crd/bases', 'tests/fixtures/crds'] });

export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['../../tools/scripts/bundle.mjs', 'src/main.ts', 'dist/main.js'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  return start(project);
}
