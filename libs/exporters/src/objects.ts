// Names and labels of the per-host and per-set objects: unique across clusters and namespaces
// (objects of several clusters may land in one namespace of one consumer cluster), label values
// always valid.
import { labelValue, objectName } from './names';
import {
  LABEL_CLUSTER,
  LABEL_HOST,
  LABEL_MANAGED_BY,
  LABEL_NAMESPACE,
  LABEL_POOL,
  MANAGED_BY,
  type ExportHost,
} from './types';

/** `<cluster>-<namespace>-<host>`: the name of a host's DNSEndpoint and Certificate. */
export function hostObjectName(host: Pick<ExportHost, 'cluster' | 'namespace' | 'name'>): string {
  return objectName(host.cluster, host.namespace, host.name);
}

export function hostObjectLabels(
  host: Pick<ExportHost, 'cluster' | 'namespace' | 'name'>,
): Record<string, string> {
  return {
    [LABEL_CLUSTER]: labelValue(host.cluster),
    [LABEL_NAMESPACE]: labelValue(host.namespace),
    [LABEL_HOST]: labelValue(host.name),
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
}

export function setObjectLabels(set: {
  cluster: string;
  namespace: string;
  pool: string;
}): Record<string, string> {
  return {
    [LABEL_CLUSTER]: labelValue(set.cluster),
    [LABEL_NAMESPACE]: labelValue(set.namespace),
    [LABEL_POOL]: labelValue(set.pool),
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
}
