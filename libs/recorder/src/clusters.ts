// Which clusters to record: kubeconfig contexts, each under a cluster name of its own, or the
// in-cluster service account when deployed.
import { KubeConfig } from '@kubernetes/client-node';
import { RecorderError } from './errors';

export interface ClusterTarget {
  /** The cluster's name in the audit log (stable: it keys the hash chain). */
  name: string;
  kubeConfig: KubeConfig;
}

export interface ClusterSelection {
  /** `context=clusterName` pairs (a bare `context` records under the context's own name). */
  contexts?: readonly string[];
  /** Kubeconfig file (default: $KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  /** Cluster name for in-cluster config or the current context (default "default"). */
  clusterName?: string;
  /** Environment (default process.env), for the in-cluster test. */
  env?: NodeJS.ProcessEnv;
}

/** `ctx=name` → { context, name }; a bare context name records under itself. */
export function parseContextMapping(text: string): { context: string; name: string } {
  const eq = text.indexOf('=');
  const context = (eq < 0 ? text : text.slice(0, eq)).trim();
  const name = (eq < 0 ? context : text.slice(eq + 1)).trim();
  if (!context || !name) {
    throw new RecorderError(
      'INVALID_OPTIONS',
      `invalid context mapping "${text}": expected context=clusterName`,
    );
  }
  return { context, name };
}

function loadBase(selection: ClusterSelection): KubeConfig {
  const kc = new KubeConfig();
  if (selection.kubeconfig) kc.loadFromFile(selection.kubeconfig);
  else kc.loadFromDefault();
  return kc;
}

/** One KubeConfig per cluster, each with its context as the current one. */
export function resolveClusterTargets(selection: ClusterSelection = {}): ClusterTarget[] {
  const env = selection.env ?? process.env;
  const mappings = (selection.contexts ?? []).map(parseContextMapping);
  if (mappings.length === 0) {
    const inCluster = Boolean(env['KUBERNETES_SERVICE_HOST']) && !selection.kubeconfig;
    const kc = new KubeConfig();
    if (inCluster) kc.loadFromCluster();
    else if (selection.kubeconfig) kc.loadFromFile(selection.kubeconfig);
    else kc.loadFromDefault();
    return [{ name: selection.clusterName ?? env['STABLEIP_CLUSTER_NAME'] ?? 'default', kubeConfig: kc }];
  }
  const base = loadBase(selection);
  const names = new Set<string>();
  return mappings.map(({ context, name }) => {
    if (!base.getContextObject(context)) {
      throw new RecorderError(
        'UNKNOWN_CONTEXT',
        `kubeconfig has no context "${context}" (have: ${base.contexts.map((c) => c.name).join(', ') || 'none'})`,
      );
    }
    if (names.has(name)) throw new RecorderError('INVALID_OPTIONS', `cluster name "${name}" is mapped twice`);
    names.add(name);
    const kc = new KubeConfig();
    kc.loadFromString(base.exportConfig());
    kc.setCurrentContext(context);
    return { name, kubeConfig: kc };
  });
}
