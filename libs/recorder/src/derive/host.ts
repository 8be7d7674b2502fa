// Which BareMetalHost a claim belongs to. Three paths, most explicit first:
//  1. the claim's `stableip.dev/baremetalhost` label (stableip's own, set when it creates claims);
//  2. the claim name `{bmh}-{pool}` (CAPM3's BMH name-based preallocation), when that BMH exists;
//  3. claim ownerRef → Metal3Data → spec.claim (the Metal3DataClaim, named like its
//     Metal3Machine) → the Metal3Machine's `metal3.io/BareMetalHost` annotation.
import { Labels, bmhNameFromMetal3Machine, type ObjectMeta } from '@stableip/ipam-core';
import type { WorldView } from './world';

export type HostPath = 'label' | 'claimName' | 'metal3Data';

export type HostResolution =
  | { resolved: true; name: string; via: HostPath }
  | { resolved: false; reason: string };

export interface ClaimFacts {
  namespace: string;
  name: string;
  poolName: string;
  /** The claim object when cached (labels and owner references); absent e.g. after its deletion. */
  metadata?: ObjectMeta;
  /** Labels of the IPAddress itself: a fallback when the claim is gone. */
  addressLabels?: Record<string, string>;
}

function fromMetal3Data(claim: ClaimFacts, world: WorldView): HostResolution | undefined {
  const owner = claim.metadata?.ownerReferences?.find((ref) => ref.kind === 'Metal3Data');
  if (!owner) return undefined;
  const data = world.get('Metal3Data', claim.namespace, owner.name);
  if (!data) return { resolved: false, reason: `Metal3Data ${owner.name} not found` };
  const dataClaimName = data.spec?.claim?.name;
  if (!dataClaimName) return { resolved: false, reason: `Metal3Data ${owner.name} has no spec.claim` };
  const machine = world.get('Metal3Machine', claim.namespace, dataClaimName);
  if (!machine) return { resolved: false, reason: `Metal3Machine ${dataClaimName} not found` };
  const host = bmhNameFromMetal3Machine(machine);
  if (!host.ok) return { resolved: false, reason: `Metal3Machine ${dataClaimName}: ${host.error.message}` };
  if (!host.name)
    return { resolved: false, reason: `Metal3Machine ${dataClaimName} has no host annotation yet` };
  return { resolved: true, name: host.name, via: 'metal3Data' };
}

export function resolveClaimHost(claim: ClaimFacts, world: WorldView): HostResolution {
  const label = claim.metadata?.labels?.[Labels.bareMetalHost] ?? claim.addressLabels?.[Labels.bareMetalHost];
  if (label) return { resolved: true, name: label, via: 'label' };

  const suffix = `-${claim.poolName}`;
  if (claim.poolName && claim.name.endsWith(suffix) && claim.name.length > suffix.length) {
    const bmhName = claim.name.slice(0, -suffix.length);
    if (world.get('BareMetalHost', claim.namespace, bmhName)) {
      return { resolved: true, name: bmhName, via: 'claimName' };
    }
  }

  return (
    fromMetal3Data(claim, world) ?? { resolved: false, reason: 'no host label, name or Metal3Data owner' }
  );
}
