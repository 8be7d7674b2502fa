// Public surface of @stableip/ipam-core. Keep it small: everything else is internal.
export * from './api/types';
export {
  type IP,
  type IPFamily,
  type CanonicalIP,
  type CIDR,
  parseIP,
  isIP,
  formatIP,
  canonicalIP,
  compareIP,
  compareIPNetip,
  ipEquals,
  parseCIDR,
  cidrContains,
} from './ip/ip';

// ---- Range generation and allocation engine (ip/range, allocation/) ----
export {
  type CandidateResult,
  type RangeSizeResult,
  candidateAt,
  rangeSize,
  rangeContains,
  subnetContains,
  validateRangeFields,
  formatAddressName,
} from './ip/range';
export {
  type AllocationSource,
  type AllocationErrorCode,
  type AllocationError,
  type Allocation,
  type AllocationResult,
  type AllocationRequest,
  type PoolAllocatorOptions,
  type PoolCapacity,
  allocationErrors,
  PoolAllocator,
  UpstreamScanAllocator,
  type UpstreamScanOptions,
  SCAN_ABORTED,
} from './allocation';
