// Claim naming and the claims CAPM3's Metal3Data controller creates (ensureM3IPClaim for Metal3
// IPPools, ensureIPClaim for any other pool type), baremetal/metal3data_manager.go.
import {
  BMH_ANNOTATION,
  type BareMetalHost,
  CAPM3_API_VERSION,
  Finalizers,
  IPAM_CAPI_API_VERSION,
  IPAM_METAL3_API_VERSION,
  type IPAddressClaim,
  type IPClaim,
  Labels,
  type Machine,
  type Metal3Data,
  type Metal3DataTemplate,
  type Metal3Machine,
  type OwnerReference,
} from '../api/types';
import { goQuote } from '../validation/field-error';
import { type NamingError, namingError } from './errors';
import { hostLabels } from './host-label';
import { type PoolReference, isMetal3PoolReference, referencedPools } from './pools';

export type BmhNameResult = { ok: true; name: string | undefined } | { ok: false; error: NamingError };

/**
 * The host of a Metal3Machine, from its `metal3.io/BareMetalHost` annotation (`namespace/name` or
 * `name`). CAPM3 looks the host up in the Metal3Machine's own namespace, so the namespace part is
 * ignored. No annotation → name undefined; more than one `/` → cache.SplitMetaNamespaceKey's
 * error; an empty name is reported too (the API lookup CAPM3 would make fails on it).
 */
export function bmhNameFromMetal3Machine(metal3Machine: Pick<Metal3Machine, 'metadata'>): BmhNameResult {
  const key = metal3Machine.metadata?.annotations?.[BMH_ANNOTATION];
  if (key === undefined || key === null) return { ok: true, name: undefined };
  const parts = String(key).split('/');
  const name = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : undefined;
  if (name === undefined) {
    return {
      ok: false,
      error: namingError('InvalidHostAnnotation', `unexpected key format: ${goQuote(String(key))}`),
    };
  }
  if (name === '') {
    return { ok: false, error: namingError('InvalidHostAnnotation', 'resource name may not be empty') };
  }
  return { ok: true, name };
}

export interface ClaimNameInput {
  metal3DataName: string;
  bmhName?: string | undefined;
  poolName: string;
  bmhNameBasedPreallocation: boolean;
}

/**
 * The name CAPM3 gives a new Metal3 IPClaim: `{bmh}-{pool}` with BMH name-based preallocation,
 * `{metal3data}-{pool}` without. Plain concatenation, no escaping or truncation. With the flag on
 * and no known host the result is undefined: CAPM3 creates no claim then (ensureM3IPClaim stops
 * with the transient error `no associated BMH yet`, whatever the flag).
 */
export function ipClaimName(input: ClaimNameInput): string | undefined {
  if (!input.bmhNameBasedPreallocation) return `${input.metal3DataName}-${input.poolName}`;
  return input.bmhName ? `${input.bmhName}-${input.poolName}` : undefined;
}

/** CAPI IPAddressClaims are always named after the Metal3Data; the flag is never consulted. */
export function ipAddressClaimName(metal3DataName: string, poolName: string): string {
  return `${metal3DataName}-${poolName}`;
}

/**
 * The names ensureM3IPClaim looks up before creating a claim, in order: the legacy
 * `{metal3data}-{pool}` first, then `{bmh}-{pool}` — both whatever the flag, so an existing claim
 * of either form is adopted.
 */
export function candidateClaimNames(input: Omit<ClaimNameInput, 'bmhNameBasedPreallocation'>): string[] {
  const names = [`${input.metal3DataName}-${input.poolName}`];
  if (input.bmhName) {
    const hostName = `${input.bmhName}-${input.poolName}`;
    if (hostName !== names[0]) names.push(hostName);
  }
  return names;
}

export interface DesiredClaimsInput {
  metal3Data: Metal3Data;
  template: Metal3DataTemplate;
  metal3Machine: Metal3Machine;
  /** The host named by the Metal3Machine's annotation; CAPM3 creates no claim until it exists. */
  bareMetalHost?: BareMetalHost;
  /** Only needed when a fromPoolAnnotation reads the Machine. */
  machine?: Machine;
  bmhNameBasedPreallocation: boolean;
  /** Names of IPClaims / IPAddressClaims already in the Metal3Data's namespace (adopted, not created). */
  existingIPClaimNames?: ReadonlySet<string>;
  existingIPAddressClaimNames?: ReadonlySet<string>;
}

export interface ClaimDecision {
  pool: PoolReference;
  claimKind: 'IPClaim' | 'IPAddressClaim';
  /** The existing or newly created claim's name. */
  name: string;
  /** Names looked up before creating, in order. */
  lookupNames: string[];
  /** True when an existing claim is adopted instead of creating one. */
  existing: boolean;
}

export interface DesiredClaims {
  /** Metal3 IPClaims to create, in pool collection order. */
  ipClaims: IPClaim[];
  /** CAPI IPAddressClaims to create, in pool collection order. */
  ipAddressClaims: IPAddressClaim[];
  /** One decision per referenced pool. */
  decisions: ClaimDecision[];
  /**
   * Labels the Metal3Data carries afterwards: with the flag on CAPM3 writes data-name and the
   * pool-name of the last claim it created into the Metal3Data's own labels.
   */
  metal3DataLabels: Record<string, string>;
}

export type DesiredClaimsResult =
  | ({ ok: true } & DesiredClaims)
  | { ok: false; waiting: true; reason: string }
  | { ok: false; waiting: false; error: NamingError };

function ownerReference(data: Metal3Data): OwnerReference {
  const ref = {
    apiVersion: CAPM3_API_VERSION,
    kind: 'Metal3Data',
    name: data.metadata.name ?? '',
    ...(data.metadata.uid ? { uid: data.metadata.uid } : {}),
    controller: true,
  };
  // uid is left out rather than invented when the snapshot has none.
  return ref as OwnerReference;
}

/**
 * The claims CAPM3 would create for one Metal3Data (one per referenced pool), mirroring
 * ensureM3IPClaim / ensureIPClaim: names per the flag (CAPI claims always `{metal3data}-{pool}`),
 * the Metal3Data's namespace, labels copied from the Metal3Data (plus data-name/pool-name on
 * Metal3 claims when the flag is on, plus stableip's `stableip.dev/baremetalhost`), finalizer
 * `metal3data.infrastructure.cluster.x-k8s.io`, a controller ownerReference to the Metal3Data and
 * `spec.pool {name, namespace}` / `spec.poolRef`. Without the host, CAPM3 waits and creates nothing.
 * Secrets are not modelled: when both rendered secrets already exist CAPM3 skips claims entirely,
 * which is the caller's call.
 */
export function desiredIPClaimsForMetal3Data(input: DesiredClaimsInput): DesiredClaimsResult {
  const { metal3Data, metal3Machine, bareMetalHost, bmhNameBasedPreallocation } = input;
  const host = bmhNameFromMetal3Machine(metal3Machine);
  if (!host.ok) return { ok: false, waiting: false, error: host.error };
  const bmhName = host.name;
  if (!bmhName || !bareMetalHost || bareMetalHost.metadata.name !== bmhName) {
    return { ok: false, waiting: true, reason: 'Waiting for BareMetalHost to become available' };
  }

  const collected = referencedPools(input.template, {
    metal3Machine,
    bareMetalHost,
    ...(input.machine ? { machine: input.machine } : {}),
  });
  if (!collected.ok) return { ok: false, waiting: false, error: collected.error };

  const dataName = metal3Data.metadata.name ?? '';
  const namespace = metal3Data.metadata.namespace ?? 'default';
  const dataLabels = { ...(metal3Data.metadata.labels ?? {}) };
  const result: DesiredClaims = {
    ipClaims: [],
    ipAddressClaims: [],
    decisions: [],
    metal3DataLabels: dataLabels,
  };

  for (const pool of collected.pools.values()) {
    if (isMetal3PoolReference(pool)) {
      const lookupNames = candidateClaimNames({ metal3DataName: dataName, bmhName, poolName: pool.name });
      const existingName = lookupNames.find((name) => input.existingIPClaimNames?.has(name));
      if (existingName !== undefined) {
        result.decisions.push({
          pool,
          claimKind: 'IPClaim',
          name: existingName,
          lookupNames,
          existing: true,
        });
        continue;
      }
      const name = ipClaimName({
        metal3DataName: dataName,
        bmhName,
        poolName: pool.name,
        bmhNameBasedPreallocation,
      });
      if (name === undefined) continue; // unreachable: the host is known here
      if (bmhNameBasedPreallocation) {
        // Upstream writes both keys into the Metal3Data's labels and hands that map to the claim.
        dataLabels[Labels.dataName] = dataName;
        dataLabels[Labels.poolName] = pool.name;
      }
      const labels = { ...dataLabels, ...hostLabels(bmhName) };
      result.ipClaims.push({
        apiVersion: IPAM_METAL3_API_VERSION,
        kind: 'IPClaim',
        metadata: {
          name,
          namespace,
          labels,
          finalizers: [Finalizers.metal3Data],
          ownerReferences: [ownerReference(metal3Data)],
        },
        spec: { pool: { name: pool.name, namespace } },
      });
      result.decisions.push({ pool, claimKind: 'IPClaim', name, lookupNames, existing: false });
    } else {
      if (dataName === '')
        return {
          ok: false,
          waiting: false,
          error: namingError('EmptyMetal3DataName', 'Metal3Data name is empty'),
        };
      const name = ipAddressClaimName(dataName, pool.name);
      const lookupNames = [name];
      if (input.existingIPAddressClaimNames?.has(name)) {
        result.decisions.push({ pool, claimKind: 'IPAddressClaim', name, lookupNames, existing: true });
        continue;
      }
      // CAPI claims carry the Metal3Data's labels as given (upstream's map-order leak of
      // data-name/pool-name into them is not reproduced).
      const labels = { ...(metal3Data.metadata.labels ?? {}), ...hostLabels(bmhName) };
      result.ipAddressClaims.push({
        apiVersion: IPAM_CAPI_API_VERSION,
        kind: 'IPAddressClaim',
        metadata: {
          name,
          namespace,
          labels,
          finalizers: [Finalizers.metal3Data],
          ownerReferences: [ownerReference(metal3Data)],
        },
        spec: { poolRef: { apiGroup: pool.apiGroup, kind: pool.kind, name: pool.name } },
      });
      result.decisions.push({ pool, claimKind: 'IPAddressClaim', name, lookupNames, existing: false });
    }
  }
  return { ok: true, ...result };
}
