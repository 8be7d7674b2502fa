// Firewall address sets: one set per (cluster, pool) of host routes, rendered for Calico
// (GlobalNetworkSet), Cilium (CiliumCIDRGroup), Kubernetes NetworkPolicy ipBlocks and nftables.
import { sortedAddresses } from './addresses';
import { ExportError } from './errors';
import { hostCidr, nftIdentifier, objectName } from './names';
import { setObjectLabels } from './objects';
import type { ExportHost } from './types';

/** The addresses of one pool: IPPools are namespaced, so a pool is (cluster, namespace, name). */
export interface AddressSet {
  /** Kubernetes object name: `<cluster>-<namespace>-<pool>`. */
  name: string;
  cluster: string;
  namespace: string;
  pool: string;
  labels: Record<string, string>;
  ipv4: string[];
  ipv6: string[];
}

/**
 * Groups the hosts' addresses by cluster, namespace and pool (a pool is in its hosts' namespace);
 * sets in name order, addresses in numeric order.
 */
export function addressSets(hosts: readonly ExportHost[]): AddressSet[] {
  const groups = new Map<
    string,
    { cluster: string; namespace: string; pool: string; ipv4: string[]; ipv6: string[] }
  >();
  for (const host of hosts) {
    for (const entry of host.addresses) {
      const key = JSON.stringify([host.cluster, host.namespace, entry.pool]);
      let group = groups.get(key);
      if (group === undefined) {
        group = { cluster: host.cluster, namespace: host.namespace, pool: entry.pool, ipv4: [], ipv6: [] };
        groups.set(key, group);
      }
      (entry.family === 4 ? group.ipv4 : group.ipv6).push(entry.address);
    }
  }
  return [...groups.values()]
    .map((group) => ({
      name: objectName(group.cluster, group.namespace, group.pool),
      cluster: group.cluster,
      namespace: group.namespace,
      pool: group.pool,
      labels: setObjectLabels(group),
      ipv4: sortedAddresses(group.ipv4),
      ipv6: sortedAddresses(group.ipv6),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Host routes of a set: /32 for IPv4, /128 for IPv6. */
export function setCidrs(set: AddressSet): string[] {
  return [...set.ipv4, ...set.ipv6].map(hostCidr);
}

export interface GlobalNetworkSet {
  apiVersion: 'projectcalico.org/v3';
  kind: 'GlobalNetworkSet';
  metadata: { name: string; labels: Record<string, string> };
  spec: { nets: string[] };
}

/** Calico GlobalNetworkSets (cluster-scoped): policies select them by label, so only `nets` change. */
export function calicoGlobalNetworkSets(sets: readonly AddressSet[]): GlobalNetworkSet[] {
  return sets.map((set) => ({
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkSet',
    metadata: { name: set.name, labels: { ...set.labels } },
    spec: { nets: setCidrs(set) },
  }));
}

export interface CiliumCidrGroup {
  apiVersion: string;
  kind: 'CiliumCIDRGroup';
  metadata: { name: string; labels: Record<string, string> };
  spec: { externalCIDRs: string[] };
}

/** Cilium CIDR groups, referenced from policies by `cidrGroupRef` or `cidrGroupSelector`. */
export function ciliumCidrGroups(
  sets: readonly AddressSet[],
  options: { apiVersion?: string } = {},
): CiliumCidrGroup[] {
  const apiVersion = options.apiVersion ?? 'cilium.io/v2';
  if (!/^cilium\.io\/v2(alpha1)?$/.test(apiVersion)) {
    throw new ExportError('INVALID_OPTION', `unsupported CiliumCIDRGroup apiVersion "${apiVersion}"`);
  }
  return sets.map((set) => ({
    apiVersion,
    kind: 'CiliumCIDRGroup',
    metadata: { name: set.name, labels: { ...set.labels } },
    spec: { externalCIDRs: setCidrs(set) },
  }));
}

export interface IpBlockPeer {
  ipBlock: { cidr: string };
}

/** NetworkPolicy peers (`from`/`to` entries) for a set. */
export function ipBlockPeers(set: AddressSet): IpBlockPeer[] {
  return setCidrs(set).map((cidr) => ({ ipBlock: { cidr } }));
}

export interface NetworkPolicyOptions {
  namespace: string;
  /** Pod selector of the policy; default `{}` (every pod of the namespace). */
  podSelector?: { matchLabels?: Record<string, string> };
  direction?: 'ingress' | 'egress';
}

export interface NetworkPolicyManifest {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * One NetworkPolicy per set allowing traffic from (ingress) or to (egress) its hosts. Plain
 * NetworkPolicy has no indirection object: re-render and re-apply when addresses change.
 */
export function networkPolicies(
  sets: readonly AddressSet[],
  options: NetworkPolicyOptions,
): NetworkPolicyManifest[] {
  const direction = options.direction ?? 'ingress';
  return sets
    .filter((set) => set.ipv4.length + set.ipv6.length > 0)
    .map((set) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: objectName(`allow-${direction}`, set.name),
        namespace: options.namespace,
        labels: { ...set.labels },
      },
      spec: {
        podSelector: options.podSelector ?? {},
        policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
        [direction]: [{ [direction === 'ingress' ? 'from' : 'to']: ipBlockPeers(set) }],
      },
    }));
}

export interface NftablesOptions {
  /** nftables family of the table; default `inet`. */
  family?: 'inet' | 'ip' | 'ip6' | 'bridge' | 'netdev';
  /** Table name; default `stableip`. */
  table?: string;
}

/** Set names `<cluster>_<namespace>_<pool>_v4` / `_v6`. */
export function nftSetName(set: AddressSet, family: 4 | 6): string {
  return nftIdentifier(set.cluster, set.namespace, set.pool, `v${family}`);
}

/**
 * An `nft -f` script that replaces the sets' contents atomically: the whole file is one
 * transaction, the table and sets are declared (a no-op when they exist), then each set is flushed
 * and refilled.
 */
export function nftablesScript(sets: readonly AddressSet[], options: NftablesOptions = {}): string {
  const family = options.family ?? 'inet';
  const table = nftIdentifier(options.table ?? 'stableip');
  if (
    (family === 'ip' && sets.some((set) => set.ipv6.length > 0)) ||
    (family === 'ip6' && sets.some((set) => set.ipv4.length > 0))
  ) {
    throw new ExportError(
      'INVALID_OPTION',
      `table family "${family}" cannot hold both address families; use inet`,
    );
  }
  const declared: { name: string; type: string; addresses: string[] }[] = [];
  for (const set of sets) {
    if (family !== 'ip6') declared.push({ name: nftSetName(set, 4), type: 'ipv4_addr', addresses: set.ipv4 });
    if (family !== 'ip') declared.push({ name: nftSetName(set, 6), type: 'ipv6_addr', addresses: set.ipv6 });
  }
  const lines = [
    '#!/usr/sbin/nft -f',
    '# Generated by stableip: replaces the address sets atomically (one transaction).',
    '',
  ];
  lines.push(`table ${family} ${table} {`);
  for (const set of declared) lines.push(`\tset ${set.name} {`, `\t\ttype ${set.type}`, '\t}');
  lines.push('}', '');
  for (const set of declared) {
    lines.push(`flush set ${family} ${table} ${set.name}`);
    // An empty element list is a syntax error: a flushed set stays empty.
    if (set.addresses.length > 0)
      lines.push(`add element ${family} ${table} ${set.name} { ${set.addresses.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}
