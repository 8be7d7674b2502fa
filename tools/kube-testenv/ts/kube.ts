// Client-side helpers: kubeconfigs, per-test namespaces and CRD installation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { parseAllDocuments } from 'yaml';
import {
  ApiextensionsV1Api,
  ApiException,
  CoreV1Api,
  KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import type { KubeTestEnvInfo } from './server.js';

/** A KubeConfig for the test server (cluster-admin), optionally defaulting to `namespace`. */
export function loadKubeConfig(
  info: Pick<KubeTestEnvInfo, 'kubeconfig'> | string,
  namespace?: string,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(typeof info === 'string' ? info : info.kubeconfig);
  if (namespace === undefined) return kc;
  return withNamespace(kc, namespace);
}

/** A copy of `kc` whose current context defaults to `namespace`. */
export function withNamespace(kc: KubeConfig, namespace: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.clusters,
    users: kc.users,
    contexts: kc.contexts.map((c) => (c.name === kc.currentContext ? { ...c, namespace } : c)),
    currentContext: kc.currentContext,
  });
  return copy;
}

export interface TestNamespace {
  /** The namespace name, e.g. "smoke-3f9a1c". */
  name: string;
  /** Cluster-admin KubeConfig whose context defaults to this namespace. */
  kubeConfig: KubeConfig;
  /**
   * Delete the namespace. With the in-process namespace controller this really removes it and
   * everything in it; without it (controllers: []) the namespace would only ever reach
   * Terminating, so this is a no-op and the data goes away with the server.
   */
  delete(): Promise<void>;
}

/** Create a fresh, uniquely named namespace (`<prefix>-<6 hex>`). */
export async function createTestNamespace(
  info: Pick<KubeTestEnvInfo, 'kubeconfig' | 'controllers'>,
  prefix = 'test',
): Promise<TestNamespace> {
  const admin = loadKubeConfig(info);
  const core = admin.makeApiClient(CoreV1Api);
  const base =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'test';
  const name = `${base}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({
    body: { metadata: { name, labels: { 'kube-testenv.stableip.dev/test-namespace': 'true' } } },
  });
  return {
    name,
    kubeConfig: withNamespace(admin, name),
    delete: async () => {
      if (!info.controllers.includes('namespace')) return;
      try {
        await core.deleteNamespace({ name });
      } catch (err) {
        if (!(err instanceof ApiException && err.code === 404)) throw err;
      }
    },
  };
}

export interface InstallCrdsOptions {
  /** How long to wait for every CRD to be Established (default 30 s). */
  timeoutMs?: number;
}

/**
 * Server-side-apply every CustomResourceDefinition found in the given YAML/JSON files or
 * directories (non-recursive; other kinds are ignored), then wait until each is Established.
 * Returns the CRD names.
 */
export async function installCrds(
  kc: KubeConfig,
  paths: string | string[],
  options: InstallCrdsOptions = {},
): Promise<string[]> {
  const crds = readCrds(Array.isArray(paths) ? paths : [paths]);
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition found in ${String(paths)}`);
  const names: string[] = [];
  for (const crd of crds) {
    const name = crd.metadata?.name;
    if (!name) throw new Error(`CustomResourceDefinition without metadata.name in ${String(paths)}`);
    // Raw JSON, not client-node's typed serializer: that one drops fields it does not model
    // (e.g. x-kubernetes-map-type), which would silently change the installed schema.
    await kubeRequest(
      kc,
      'PATCH',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}?fieldManager=kube-testenv&force=true`,
      JSON.stringify(crd),
      'application/apply-patch+yaml',
    );
    names.push(name);
  }
  await waitForCrdsEstablished(kc, names, options.timeoutMs ?? 30_000);
  return names;
}

export async function waitForCrdsEstablished(
  kc: KubeConfig,
  names: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      const established = crd.status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      );
      if (established) break;
      if (Date.now() > deadline) {
        throw new Error(
          `CRD ${name} not Established after ${timeoutMs} ms: ${JSON.stringify(crd.status?.conditions)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * One raw HTTPS request to the API server with the KubeConfig's CA and credentials, for what
 * client-node's typed clients cannot express faithfully. Resolves to the parsed JSON response;
 * rejects on a non-2xx status.
 */
export async function kubeRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body = '',
  contentType = 'application/json',
): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const options: https.RequestOptions = {
    method,
    hostname: url.hostname,
    port: url.port,
    path: url.pathname + url.search,
    headers: {
      'Content-Type': contentType,
      Accept: 'application/json',
      'Content-Length': Buffer.byteLength(body),
    },
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = https.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(new Error(`${method} ${url.pathname}: HTTP ${status}: ${text}`));
          return;
        }
        try {
          resolve(text ? JSON.parse(text) : undefined);
        } catch {
          resolve(text);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function readCrds(paths: string[]): V1CustomResourceDefinition[] {
  const files = paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => /\.(ya?ml|json)$/.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p],
  );
  // Plain YAML parsing: client-node's loadAllYaml maps documents through its typed model.
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as V1CustomResourceDefinition | null)
      .filter(
        (doc): doc is V1CustomResourceDefinition =>
          doc?.kind === 'CustomResourceDefinition' && typeof doc.apiVersion === 'string',
      ),
  );
}
