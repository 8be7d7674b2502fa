export {
  type AllocationSource,
  type AllocationErrorCode,
  type AllocationError,
  type Allocation,
  type AllocationResult,
  type AllocationRequest,
  allocationErrors,
} from './types';
export {
  PoolAllocator,
  type PoolAllocatorOptions,
  type PoolCapacity,
  randomIndexBelow,
} from './pool-allocator';
export { UpstreamScanAllocator, type UpstreamScanOptions, SCAN_ABORTED } from './upstream-scan';
