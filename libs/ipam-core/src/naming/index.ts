export {
  bmhNameFromMetal3Machine,
  ipClaimName,
  ipAddressClaimName,
  candidateClaimNames,
  desiredIPClaimsForMetal3Data,
  type BmhNameResult,
  type ClaimNameInput,
  type DesiredClaimsInput,
  type DesiredClaims,
  type DesiredClaimsResult,
  type ClaimDecision,
} from './claims';
export {
  referencedPools,
  annotationValue,
  isMetal3PoolReference,
  IPPOOL_KIND,
  type PoolReference,
  type AnnotationSources,
  type ReferencedPoolsResult,
} from './pools';
export { type NamingError, type NamingErrorCode } from './errors';
export { hostLabels, hostOfClaimName } from './host-label';
