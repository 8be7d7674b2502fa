// CAPM3's ReleaseLeases: which claims a deleting Metal3Data releases. Per referenced pool (the
// machine and host are gone by then, so annotation-selected pools are skipped): Metal3 pools →
// the IPClaims of the namespace labelled `data-name: D, pool-name: P` (CAPM3 #1250 keeps it to
// the namespace), then `D-P`; CAPI pools → the IPAddressClaim `D-P`. Each is released by dropping
// CAPM3's finalizer, then deleting it.
import {
  type IPClaim,
  type KubeObject,
  Labels,
  type Metal3Data,
  type Metal3DataTemplate,
} from '../api/types';
import { ipAddressClaimName, isMetal3PoolReference, referencedPools } from '../naming';
import { claimKey, type ClaimKind } from './keys';

export interface ClaimRelease {
  kind: ClaimKind;
  name: string;
  claim: KubeObject;
}

export interface ReleaseInput {
  metal3Data: Metal3Data;
  template: Metal3DataTemplate;
  /** IPClaims of the namespace labelled `data-name: <metal3data>` (more are filtered out). */
  labelledClaims: readonly IPClaim[];
  /** Claims read under the names releaseLookups() returns, keyed by claimKey(). */
  claims: ReadonlyMap<string, KubeObject>;
}

/** The label selector a release lists IPClaims with (one list for every pool). */
export function releaseSelector(metal3Data: Metal3Data): string {
  return `${Labels.dataName}=${metal3Data.metadata.name ?? ''}`;
}

/** The legacy `D-P` names a release reads, per referenced pool. */
export function releaseLookups(
  metal3Data: Metal3Data,
  template: Metal3DataTemplate,
): Array<{ kind: ClaimKind; name: string }> {
  const dataName = metal3Data.metadata.name ?? '';
  return [...referencedPools(template).pools.values()].map((pool) => ({
    kind: isMetal3PoolReference(pool) ? 'IPClaim' : 'IPAddressClaim',
    name: ipAddressClaimName(dataName, pool.name),
  }));
}

export function decideReleases(input: ReleaseInput): ClaimRelease[] {
  const data = input.metal3Data;
  const namespace = data.metadata.namespace || 'default';
  const dataName = data.metadata.name ?? '';
  const releases: ClaimRelease[] = [];
  const seen = new Set<string>();
  const add = (kind: ClaimKind, claim: KubeObject | undefined) => {
    const name = claim?.metadata.name ?? '';
    if (!claim || seen.has(claimKey(kind, name))) return;
    seen.add(claimKey(kind, name));
    releases.push({ kind, name, claim });
  };
  for (const pool of referencedPools(input.template).pools.values()) {
    const legacy = ipAddressClaimName(dataName, pool.name);
    if (!isMetal3PoolReference(pool)) {
      add('IPAddressClaim', input.claims.get(claimKey('IPAddressClaim', legacy)));
      continue;
    }
    const labelled = input.labelledClaims
      .filter((claim) => {
        const labels = claim.metadata.labels ?? {};
        return (
          (claim.metadata.namespace || 'default') === namespace &&
          labels[Labels.dataName] === dataName &&
          labels[Labels.poolName] === pool.name
        );
      })
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    for (const claim of labelled) add('IPClaim', claim);
    add('IPClaim', input.claims.get(claimKey('IPClaim', legacy)));
  }
  return releases;
}
