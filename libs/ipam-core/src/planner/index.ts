export { plan } from './plan';
export { planPool, type PoolPlanInput, type PoolPlan, type PoolAllocationMade } from './plan-pool';
export { PoolLedger, type AddressKind } from './pool-ledger';
export type {
  PlanSnapshot,
  PlanOptions,
  PlanResult,
  PlanRow,
  PlanWarning,
  PlanWarningCode,
  AddressNameConflictWarning,
  PlannedDeletion,
  ObjectKey,
  AllocationSourceName,
} from './types';
