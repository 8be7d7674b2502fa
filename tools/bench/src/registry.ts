// Every workload the benchmark knows, by id (the worker looks them up here).
import {
  type Workload,
  allocateClaims,
  exhaustion,
  planAllocations,
  planWorkload,
  preallocatedBehindV6,
} from './workloads';

export const FLAT_SIZES = [1_000, 10_000, 100_000] as const;

export const mainWorkloads: Workload[] = [
  allocateClaims(100_000),
  exhaustion(2_000),
  preallocatedBehindV6(1_000),
  planWorkload(10_000, 10_000),
  planAllocations(10_000, 10_000),
];

export const workloads: Workload[] = [
  ...mainWorkloads,
  ...FLAT_SIZES.filter((size) => size !== 100_000).map((size) => allocateClaims(size)),
];
