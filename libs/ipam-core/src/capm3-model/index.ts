export {
  claimKey,
  claimLookups,
  claimFailure,
  decideMetal3Data,
  machineNameOf,
  metal3MachineNameOf,
  ownedByMetal3Data,
  type ClaimKind,
  type ClaimLookup,
  type Metal3DataDecision,
  type Metal3DataWorld,
  type PoolClaimDecision,
} from './metal3data';
export {
  decideReleases,
  releaseLookups,
  releaseSelector,
  type ClaimRelease,
  type ReleaseInput,
} from './release';
