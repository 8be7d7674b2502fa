// The CRDs the recorder's tests and benchmark install: stableip's IPAM CRDs (config/crd/bases)
// and the CAPI/CAPM3/BMO test-fixture CRDs of apps/operator, used in place (never copied).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, defineResource, type KubeObject } from '@stableip/kube-runtime';
import { loadKubeConfig, waitForCrdsEstablished } from '@stableip/kube-testenv';
import YAML from 'yaml';

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const CRD_DIRECTORIES = [
  join(workspaceRoot, 'config/crd/bases'),
  join(workspaceRoot, 'apps/operator/tests/fixtures/crds'),
];

const CrdResource = defineResource<KubeObject>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
});

/**
 * Server-side applies the CRDs as raw JSON (client-node's typed serializer, which kube-testenv's
 * installCrds goes through, drops `x-kubernetes-map-type`).
 */
export async function installRecorderCrds(kubeconfig: string): Promise<void> {
  const kc = loadKubeConfig(kubeconfig);
  const client = new KubeClient(kc, { fieldManager: 'recorder-tests' });
  const names: string[] = [];
  try {
    for (const dir of CRD_DIRECTORIES) {
      for (const file of readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()) {
        for (const doc of YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
          const crd = doc.toJS() as KubeObject | null;
          if (crd?.kind !== 'CustomResourceDefinition' || !crd.metadata?.name) continue;
          await client.resource(CrdResource).apply(crd, { force: true });
          names.push(crd.metadata.name);
        }
      }
    }
    await waitForCrdsEstablished(kc, names, 60_000);
  } finally {
    client.close();
  }
}
