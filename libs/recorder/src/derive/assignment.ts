// An IPAddress object (either API group) → "this claim holds this address of this pool", with
// the host and how the address was chosen.
import type { AddressInput, AssignmentSource, ClaimRef, ObjectName, PoolRef } from '@stableip/audit-store';
import {
  IPAM_METAL3_GROUP,
  IP_ADDRESS_ANNOTATION,
  canonicalIP,
  parseIP,
  type CapiIPAddress,
  type IPPool,
  type Metal3IPAddress,
  type ObjectMeta,
} from '@stableip/ipam-core';
import { resolveClaimHost, type HostResolution } from './host';
import type { WorldView } from './world';

export type AddressKind = 'Metal3IPAddress' | 'CapiIPAddress';

export interface DerivedAssignment {
  pool: PoolRef;
  claim: ClaimRef;
  host: ObjectName | null;
  hostResolution: HostResolution;
  address: AddressInput;
  source: AssignmentSource;
}

export type AssignmentDerivation =
  | { ok: true; assignment: DerivedAssignment }
  | { ok: false; reason: string; claim?: ClaimRef; pool?: PoolRef };

interface AddressFacts {
  claim: ClaimRef;
  pool: PoolRef;
  /** The pool is a Metal3 IPPool this recorder watches (preAllocations can be read). */
  metal3Pool: boolean;
  address: string | undefined;
  prefix: number | undefined;
  gateway: string | undefined;
  metadata: ObjectMeta;
}

function factsOf(kind: AddressKind, obj: Metal3IPAddress | CapiIPAddress): AddressFacts {
  const namespace = obj.metadata.namespace ?? '';
  if (kind === 'Metal3IPAddress') {
    const spec = (obj as Metal3IPAddress).spec;
    return {
      claim: { namespace, name: spec?.claim?.name ?? '', kind: 'IPClaim' },
      pool: { namespace, name: spec?.pool?.name ?? '', kind: 'IPPool' },
      metal3Pool: true,
      address: spec?.address,
      prefix: spec?.prefix,
      gateway: spec?.gateway,
      metadata: obj.metadata,
    };
  }
  const spec = (obj as CapiIPAddress).spec;
  const poolKind = spec?.poolRef?.kind || 'IPPool';
  const poolGroup = spec?.poolRef?.apiGroup || IPAM_METAL3_GROUP;
  return {
    claim: { namespace, name: spec?.claimRef?.name ?? '', kind: 'IPAddressClaim' },
    pool: { namespace, name: spec?.poolRef?.name ?? '', kind: poolKind },
    metal3Pool: poolKind === 'IPPool' && poolGroup === IPAM_METAL3_GROUP,
    address: spec?.address,
    prefix: spec?.prefix,
    gateway: spec?.gateway,
    metadata: obj.metadata,
  };
}

/** The claim and pool an IPAddress names (enough to release it). */
export function addressOwner(
  kind: AddressKind,
  obj: Metal3IPAddress | CapiIPAddress,
): { claim: ClaimRef; pool: PoolRef } {
  const facts = factsOf(kind, obj);
  return { claim: facts.claim, pool: facts.pool };
}

/**
 * preallocated: the pool's preAllocations maps the claim name to this address; requested: the
 * claim carries the `ipAddress` annotation; otherwise the allocator picked it (dynamic).
 */
export function assignmentSource(
  claimName: string,
  address: string,
  pool: Pick<IPPool, 'spec'> | undefined,
  claimAnnotations: Record<string, string> | undefined,
): AssignmentSource {
  const preallocated = pool?.spec?.preAllocations?.[claimName];
  if (preallocated !== undefined && canonicalIP(preallocated) === canonicalIP(address)) return 'preallocated';
  if (claimAnnotations?.[IP_ADDRESS_ANNOTATION] !== undefined) return 'requested';
  return 'dynamic';
}

/** The pool's prefix for the address family when the IPAddress carries none. */
function fallbackPrefix(pool: IPPool | undefined, family: 4 | 6): number {
  const fromPool = pool?.spec?.prefix;
  if (fromPool !== undefined && fromPool <= (family === 4 ? 32 : 128)) return fromPool;
  return family === 4 ? 32 : 128;
}

export function deriveAssignment(
  kind: AddressKind,
  obj: Metal3IPAddress | CapiIPAddress,
  world: WorldView,
): AssignmentDerivation {
  const facts = factsOf(kind, obj);
  const { claim, pool } = facts;
  if (!claim.name || !pool.name) {
    return { ok: false, reason: 'IPAddress names no claim or pool', claim, pool };
  }
  const ip = facts.address ? parseIP(facts.address) : undefined;
  if (!ip)
    return { ok: false, reason: `IPAddress has no valid address (${facts.address ?? 'none'})`, claim, pool };

  const poolObject = facts.metal3Pool ? world.get('IPPool', pool.namespace, pool.name) : undefined;
  const claimObject =
    claim.kind === 'IPClaim'
      ? world.get('IPClaim', claim.namespace, claim.name)
      : world.get('IPAddressClaim', claim.namespace, claim.name);
  const hostResolution = resolveClaimHost(
    {
      namespace: claim.namespace,
      name: claim.name,
      poolName: pool.name,
      ...(claimObject ? { metadata: claimObject.metadata } : {}),
      ...(facts.metadata.labels ? { addressLabels: facts.metadata.labels } : {}),
    },
    world,
  );
  const address = canonicalIP(facts.address ?? '') ?? facts.address ?? '';
  const prefix =
    facts.prefix !== undefined && facts.prefix <= (ip.family === 4 ? 32 : 128)
      ? facts.prefix
      : fallbackPrefix(poolObject, ip.family);
  const gateway = facts.gateway && parseIP(facts.gateway)?.family === ip.family ? facts.gateway : null;
  return {
    ok: true,
    assignment: {
      pool,
      claim,
      host: hostResolution.resolved ? { namespace: claim.namespace, name: hostResolution.name } : null,
      hostResolution,
      address: { address, prefix, gateway, addressName: obj.metadata.name ?? null },
      source: assignmentSource(claim.name, address, poolObject, claimObject?.metadata.annotations),
    },
  };
}
