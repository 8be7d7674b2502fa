// One real API server for the e2e run (tools/kube-testenv), with stableip's CRDs (config/crd/bases)
// and the foreign test-fixture CRDs installed; the operator bundle is rebuilt so tests never run a
// stale dist/main.js. (The vitest helper of kube-testenv imports `vitest`, which a globalSetup must
// not do, so the server is started with the plain API and provided under the same key.)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { KubeClient, defineResource, type KubeObject } from '@stableip/kube-runtime';
import { loadKubeConfig, startKubeTestEnv, waitForCrdsEstablished } from '@stableip/kube-testenv';
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
    await installCrds(env.info.kubeconfig, [join(projectRoot, '../../config/crd/bases'), join(projectRoot, 'tests/fixtures/crds')]);
  } catch (err) {
    await env.stop();
    throw err;
  }
  project.provide('kubeTestEnv', env.info);
  process.env['KUBE_TESTENV_KUBECONFIG'] = env.info.kubeconfig;
  return () => env.stop();
}

const CrdResource = defineResource<KubeObject>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
});

/**
 * Server-side applies every CRD of the directories as raw JSON. (kube-testenv's installCrds goes
 * through client-node's typed serializer, which mangles `x-kubernetes-map-type`.)
 */
async function installCrds(kubeconfig: string, dirs: string[]): Promise<void> {
  const kc = loadKubeConfig(kubeconfig);
  const client = new KubeClient(kc, { fieldManager: 'operator-e2e' });
  const names: string[] = [];
  try {
    for (const dir of dirs) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
        for (const doc of YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
          const crd = doc.toJS() as KubeObject | null;
          if (crd?.kind !== 'CustomResourceDefinition') continue;
          await client.resource(CrdResource).apply(crd, { force: true });
          names.push(crd.metadata!.name!);
        }
      }
    }
    await waitForCrdsEstablished(kc, names, 60_000);
  } finally {
    client.close();
  }
}
