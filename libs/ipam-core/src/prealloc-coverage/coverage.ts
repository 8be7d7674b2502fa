// PreAllocation coverage of an IPPool (stableip's own; no upstream has it). With BMH name-based
// preallocation, a host keeps its IP through a rolling upgrade only if the pool's
// `spec.preAllocations` has the key `<bmh>-<pool>`. This module finds the hosts and claims that
// lack such a key, and the keys that can never match (typos such as `node-0-pool0` in a pool named
// `baremetalv4-pool`), and words the condition and the fix.
import {
  BMH_ANNOTATION,
  type BareMetalHost,
  type Condition,
  type IPClaim,
  type IPPool,
  Labels,
  type Metal3DataTemplate,
  type Metal3Machine,
} from '../api/types';
import { bmhNameFromMetal3Machine } from '../naming/claims';
import { isMetal3PoolReference, referencedPools } from '../naming/pools';

export const PREALLOCATIONS_COVERED = 'PreAllocationsCovered';

export const CoverageReasons = {
  covered: 'Covered',
  noHosts: 'NoBareMetalHosts',
  missing: 'MissingPreAllocations',
  unknownKeys: 'UnknownPreAllocationKeys',
} as const;

/** A host that uses the pool (through a claim named after it, or its Metal3Machine's template). */
export interface MissingEntry {
  /** The key to add: `<bmh>-<pool>`. */
  key: string;
  host: string;
  /** The BMH-named claim, when one exists. */
  claim?: string;
  /** The address the claim holds now (from `status.indexes`), i.e. the value to pin. */
  address?: string;
}

export interface UnknownKey {
  key: string;
  address: string;
  /** `<bmh>-<pool>` for the host whose name the key starts with, when there is one. */
  suggestion?: string;
}

export interface PoolCoverage {
  namespace: string;
  pool: string;
  /** Hosts using the pool whose key is present, sorted. */
  covered: string[];
  missing: MissingEntry[];
  unknownKeys: UnknownKey[];
  /** Number of hosts known to use the pool. */
  hosts: number;
}

export interface CoverageInput {
  pool: IPPool;
  /** IPClaims of the pool's namespace (others are ignored). */
  claims: readonly IPClaim[];
  /** BareMetalHosts of the pool's namespace (others are ignored). */
  bareMetalHosts: readonly BareMetalHost[];
  /** Hosts using the pool through a template (see hostsUsingPools); claims count on their own. */
  hostsUsingPool?: ReadonlySet<string>;
}

const namespaceOf = (object: { metadata: { namespace?: string } }) => object.metadata.namespace ?? 'default';

/**
 * Which hosts use which pools, from the chain BareMetalHost ← Metal3Machine (annotation
 * `metal3.io/BareMetalHost`) → Metal3DataTemplate (pool references). Keys are
 * `<namespace>/<pool>`, values host names. Annotation-selected pools are resolved against the
 * Metal3Machine and host, as CAPM3 does.
 */
export function hostsUsingPools(input: {
  metal3Machines: readonly Metal3Machine[];
  templates: readonly Metal3DataTemplate[];
  bareMetalHosts: readonly BareMetalHost[];
}): Map<string, Set<string>> {
  const templates = new Map(input.templates.map((t) => [`${namespaceOf(t)}/${t.metadata.name}`, t]));
  const hosts = new Map(input.bareMetalHosts.map((h) => [`${namespaceOf(h)}/${h.metadata.name}`, h]));
  const result = new Map<string, Set<string>>();
  for (const machine of input.metal3Machines) {
    if (!machine.metadata.annotations?.[BMH_ANNOTATION]) continue;
    const host = bmhNameFromMetal3Machine(machine);
    const ref = machine.spec?.dataTemplate;
    if (!host.ok || !host.name || !ref?.name) continue;
    const namespace = namespaceOf(machine);
    const template = templates.get(`${ref.namespace || namespace}/${ref.name}`);
    if (!template) continue;
    const bareMetalHost = hosts.get(`${namespace}/${host.name}`);
    const pools = referencedPools(template, {
      metal3Machine: machine,
      ...(bareMetalHost ? { bareMetalHost } : {}),
    }).pools;
    for (const pool of pools.values()) {
      if (!isMetal3PoolReference(pool)) continue; // CAPM3 never BMH-names CAPI claims
      const key = `${namespace}/${pool.name}`;
      let set = result.get(key);
      if (!set) result.set(key, (set = new Set()));
      set.add(host.name);
    }
  }
  return result;
}

/** The host a claim is named after: the stableip label, else a known host whose `<h>-<pool>` it is. */
function hostOfClaim(claim: IPClaim, poolName: string, hostNames: ReadonlySet<string>): string | undefined {
  const name = claim.metadata.name ?? '';
  const suffix = `-${poolName}`;
  if (!name.endsWith(suffix)) return undefined;
  const host = name.slice(0, -suffix.length);
  const labelled = claim.metadata.labels?.[Labels.bareMetalHost];
  if (labelled !== undefined) return labelled === host ? host : undefined;
  return hostNames.has(host) ? host : undefined;
}

/** The longest known host name the key starts with (`node-0-pool0` → `node-0`). */
function hostPrefixOf(key: string, hostNames: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const host of hostNames) {
    if (key.startsWith(`${host}-`) && (best === undefined || host.length > best.length)) best = host;
  }
  return best;
}

export function poolCoverage(input: CoverageInput): PoolCoverage {
  const { pool } = input;
  const namespace = namespaceOf(pool);
  const poolName = pool.metadata.name ?? '';
  const preAllocations = pool.spec.preAllocations ?? {};
  const allocations = pool.status?.indexes ?? {};
  const hosts = input.bareMetalHosts.filter((h) => namespaceOf(h) === namespace);
  const hostNames = new Set(hosts.map((h) => h.metadata.name ?? ''));
  const claims = input.claims.filter((c) => namespaceOf(c) === namespace && c.spec?.pool?.name === poolName);

  // host → its BMH-named claim (if any)
  const users = new Map<string, string | undefined>();
  for (const host of input.hostsUsingPool ?? []) users.set(host, undefined);
  for (const claim of claims) {
    const host = hostOfClaim(claim, poolName, hostNames);
    if (host !== undefined) users.set(host, claim.metadata.name);
  }

  const covered: string[] = [];
  const missing: MissingEntry[] = [];
  const expectedKeys = new Set<string>();
  for (const host of [...users.keys()].sort()) {
    const key = `${host}-${poolName}`;
    expectedKeys.add(key);
    if (key in preAllocations) {
      covered.push(host);
      continue;
    }
    const claim = users.get(host);
    const address = claim !== undefined ? allocations[claim] : undefined;
    missing.push({
      key,
      host,
      ...(claim !== undefined ? { claim } : {}),
      ...(address !== undefined ? { address } : {}),
    });
  }

  // A key is fine when a host (known or using the pool) or an existing claim carries its name.
  const unknownKeys: UnknownKey[] = [];
  if (hosts.length > 0) {
    const claimNames = new Set(claims.map((c) => c.metadata.name));
    const sortedHosts = [...hostNames].sort();
    for (const key of Object.keys(preAllocations).sort()) {
      if (expectedKeys.has(key) || claimNames.has(key)) continue;
      if (key.endsWith(`-${poolName}`) && hostNames.has(key.slice(0, -poolName.length - 1))) continue;
      const host = hostPrefixOf(key, sortedHosts);
      unknownKeys.push({
        key,
        address: preAllocations[key] ?? '',
        ...(host !== undefined ? { suggestion: `${host}-${poolName}` } : {}),
      });
    }
  }
  return { namespace, pool: poolName, covered, missing, unknownKeys, hosts: users.size };
}

const MAX_LISTED = 10;

function listed<T>(items: readonly T[], show: (item: T) => string): string {
  const shown = items.slice(0, MAX_LISTED).map(show).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

/** What to add for one missing host, e.g. `node-0-pool: 10.0.0.5`. */
export function missingEntryAdvice(entry: MissingEntry): string {
  return entry.address !== undefined
    ? `${entry.key}: ${entry.address}`
    : `${entry.key}: <an address of the pool>`;
}

export function unknownKeyAdvice(entry: UnknownKey, pool: string): string {
  return entry.suggestion !== undefined
    ? `${entry.key} matches no BareMetalHost (keys are <bmh>-${pool}); did you mean ${entry.suggestion}?`
    : `${entry.key} matches no BareMetalHost or claim (keys are <bmh>-${pool})`;
}

/** The `PreAllocationsCovered` condition (no lastTransitionTime: the writer fills it). */
export function coverageCondition(coverage: PoolCoverage): Condition {
  const parts: string[] = [];
  if (coverage.missing.length > 0) {
    parts.push(
      `hosts without a preAllocations entry keep no stable IP: add ${listed(coverage.missing, missingEntryAdvice)}`,
    );
  }
  if (coverage.unknownKeys.length > 0) {
    parts.push(
      `preAllocations keys ${listed(coverage.unknownKeys, (u) => unknownKeyAdvice(u, coverage.pool))}`,
    );
  }
  if (parts.length > 0) {
    return {
      type: PREALLOCATIONS_COVERED,
      status: 'False',
      reason: coverage.missing.length > 0 ? CoverageReasons.missing : CoverageReasons.unknownKeys,
      message: parts.join('; '),
    };
  }
  if (coverage.hosts === 0) {
    return {
      type: PREALLOCATIONS_COVERED,
      status: 'True',
      reason: CoverageReasons.noHosts,
      message: 'no BareMetalHost uses this pool',
    };
  }
  return {
    type: PREALLOCATIONS_COVERED,
    status: 'True',
    reason: CoverageReasons.covered,
    message: `all ${coverage.hosts} BareMetalHosts using this pool have a preAllocations entry`,
  };
}

/**
 * Auto-pin: the entries to add for hosts whose BMH-named claim holds an address but has no key.
 * Never returns a key that is already present (a user's entry is never overwritten).
 */
export function autoPinEntries(coverage: PoolCoverage, pool: IPPool): Record<string, string> {
  const existing = pool.spec.preAllocations ?? {};
  const pins: Record<string, string> = {};
  for (const entry of coverage.missing) {
    if (entry.claim === undefined || entry.address === undefined) continue;
    if (entry.claim !== entry.key || entry.key in existing) continue;
    pins[entry.key] = entry.address;
  }
  return pins;
}
