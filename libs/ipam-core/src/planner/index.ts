export { plan, planMetal3DataDecisions } from './plan';
export type {
  PlanSnapshot,
  PlanOptions,
  PlanResult,
  PlanRow,
  PlanWarning,
  PlanWarningCode,
  PlannedDeletion,
  ObjectKey,
  AllocationSourceName,
} from './types';
