// Checkpoints in a ConfigMap of the management cluster: out of reach of whoever administers the
// database, readable by `stableip audit verify` with a kubeconfig. A ConfigMap holds at most 1 MiB,
// so each cluster keeps its newest checkpoints only; a file store keeps them all.
import {
  defineResource,
  isAlreadyExists,
  isConflict,
  isNotFound,
  retryOnConflict,
  type KubeClient,
  type KubeObject,
} from '@stableip/kube-runtime';
import { AuditStoreError } from '../errors';
import type { SignedCheckpoint } from './checkpoint';
import { parseCheckpointLines, type CheckpointStore, type PublishedKey } from './checkpoint-store';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const ConfigMaps = defineResource<ConfigMap>({
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
});

/** Newest checkpoints kept per cluster (about 350 bytes each). */
export const CONFIGMAP_CHECKPOINTS_PER_CLUSTER = 200;

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const CHECKPOINTS_SUFFIX = '.checkpoints.ndjson';
const KEY_PREFIX = 'public-key.';

/** The ConfigMap data key of a cluster's checkpoints; cluster names must be valid key characters. */
export function checkpointDataKey(cluster: string): string {
  const key = `${cluster}${CHECKPOINTS_SUFFIX}`;
  if (!DATA_KEY.test(cluster) || key.length > 253) {
    throw new AuditStoreError(
      'INVALID_ARGUMENT',
      `cluster name "${cluster}" cannot name a ConfigMap key: use letters, digits, '-', '_' and '.' only`,
    );
  }
  return key;
}

export interface ConfigMapCheckpointStoreOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  keepPerCluster?: number;
}

export function configMapCheckpointStore(options: ConfigMapCheckpointStoreOptions): CheckpointStore {
  const { client, namespace, name } = options;
  const keep = options.keepPerCluster ?? CONFIGMAP_CHECKPOINTS_PER_CLUSTER;
  const configMaps = client.resource(ConfigMaps);
  const description = `ConfigMap ${namespace}/${name}`;
  const failed = (what: string, err: unknown): AuditStoreError =>
    new AuditStoreError(
      'CHECKPOINT_STORE_FAILED',
      `cannot ${what} checkpoint ${description}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  const get = async (): Promise<ConfigMap | null> => {
    try {
      return await configMaps.get({ namespace, name });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  };
  return {
    description,
    read: async () => {
      let configMap;
      try {
        configMap = await get();
      } catch (err) {
        throw failed('read', err);
      }
      const data = configMap?.data ?? {};
      const records = { checkpoints: [] as SignedCheckpoint[], publicKeys: [] as PublishedKey[] };
      for (const [key, value] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) {
        if (key.startsWith(KEY_PREFIX) && key.endsWith('.pem')) {
          records.publicKeys.push({ keyId: key.slice(KEY_PREFIX.length, -'.pem'.length), pem: value });
        } else if (key.endsWith(CHECKPOINTS_SUFFIX)) {
          records.checkpoints.push(...parseCheckpointLines(value, `${description} key ${key}`).checkpoints);
        }
      }
      return records;
    },
    append: async (checkpoints, publicKey) => {
      const byCluster = new Map<string, SignedCheckpoint[]>();
      for (const checkpoint of checkpoints) {
        checkpointDataKey(checkpoint.cluster);
        byCluster.set(checkpoint.cluster, [...(byCluster.get(checkpoint.cluster) ?? []), checkpoint]);
      }
      const merged = (data: Record<string, string>): Record<string, string> => {
        const next = { ...data, [`${KEY_PREFIX}${publicKey.keyId}.pem`]: publicKey.pem };
        for (const [cluster, added] of byCluster) {
          const key = checkpointDataKey(cluster);
          const lines = (next[key] ?? '').split('\n').filter((line) => line.trim() !== '');
          lines.push(...added.map((checkpoint) => JSON.stringify(checkpoint)));
          next[key] = `${lines.slice(-keep).join('\n')}\n`;
        }
        return next;
      };
      try {
        // Read-modify-write on a fresh read each attempt: several recorder replicas may append.
        await retryOnConflict(
          async () => {
            const current = await get();
            if (current === null) {
              await configMaps.create({
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: {
                  namespace,
                  name,
                  labels: { 'app.kubernetes.io/name': 'stableip', 'app.kubernetes.io/component': 'audit' },
                },
                data: merged({}),
              });
            } else {
              await configMaps.update({ ...current, data: merged(current.data ?? {}) });
            }
          },
          { retriable: (err) => isConflict(err) || isAlreadyExists(err) },
        );
      } catch (err) {
        throw failed('update', err);
      }
    },
  };
}
