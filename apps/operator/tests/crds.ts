// Installs stableip's CRDs (config/crd/bases) and the foreign test-fixture CRDs into a test server.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { KubeClient, defineResource, type KubeObject } from '@stableip/kube-runtime';
import { loadKubeConfig, waitForCrdsEstablished } from '@stableip/kube-testenv';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export function installOperatorCrds(kubeconfig: string): Promise<void> {
  return installCrds(kubeconfig, [
    join(projectRoot, '../../config/crd/bases'),
    join(projectRoot, 'tests/fixtures/crds'),
  ]);
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
export async function installCrds(kubeconfig: string, dirs: string[]): Promise<void> {
  const kc = loadKubeConfig(kubeconfig);
  const client = new KubeClient(kc, { fieldManager: 'operator-e2e' });
  const names: string[] = [];
  try {
    for (const dir of dirs) {
      for (const file of readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()) {
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
