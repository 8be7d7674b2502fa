// Result and error shapes of the allocation engine. Messages are upstream's `errorMessage` texts.
import type { CanonicalIP } from '../ip/ip';
import { goQuote } from '../ip/range';

/** Where an address came from: the planner reports `existing` for claims found in `status.indexes`. */
export type AllocationSource = 'existing' | 'preallocated' | 'requested' | 'dynamic';

export type AllocationErrorCode =
  | 'PoolExhausted'
  | 'PreAllocatedOutOfBounds'
  | 'RequestedNotAvailable'
  | 'PreAllocationConflict'
  | 'InvalidRequestedIP';

export interface AllocationError {
  code: AllocationErrorCode;
  message: string;
}

export interface Allocation {
  address: CanonicalIP;
  prefix: number;
  /** Copied as written in the spec (upstream does not normalise it). */
  gateway?: CanonicalIP | string;
  dnsServers?: string[];
  source: AllocationSource;
  /** Index in `spec.pools` of the range that produced the address. */
  rangeIndex: number;
}

export type AllocationResult = { ok: true; allocation: Allocation } | { ok: false; error: AllocationError };

export interface AllocationRequest {
  claimName: string;
  /** Raw value of the claim's `ipAddress` annotation; absent or empty means none. */
  requestedIP?: string;
}

export const allocationErrors = {
  poolExhausted: (): AllocationError => ({ code: 'PoolExhausted', message: 'Exhausted IP Pools' }),
  preAllocatedOutOfBounds: (): AllocationError => ({
    code: 'PreAllocatedOutOfBounds',
    message: 'Pre-allocated IP out of bounds',
  }),
  requestedNotAvailable: (): AllocationError => ({
    code: 'RequestedNotAvailable',
    message: 'Requested IP not available',
  }),
  preAllocationConflict: (): AllocationError => ({
    code: 'PreAllocationConflict',
    message: 'PreAllocation and requested ip address are conflicting',
  }),
  invalidRequestedIP: (value: string): AllocationError => ({
    code: 'InvalidRequestedIP',
    message: `Invalid ipAddress annotation ${goQuote(value)}: not a valid IP address`,
  }),
} as const;
