// The planner's view of its sibling modules (allocation, naming, validation): one place to adapt
// when their signatures move.
import type { KubeObject } from '../api/types';
import { defaultObject, formatValidationText, validateCreate } from '../validation';
import type { KindKey } from './store';
import type { PlanWarning } from './types';

export { PoolAllocator, type AllocationResult, type PoolCapacity } from '../allocation';

export { formatAddressName } from '../ip/range';

const admissionKinds: ReadonlySet<KindKey> = new Set(['IPPool', 'IPClaim', 'Metal3IPAddress']);

/** Objects the create webhooks would refuse: the plan still runs them, as the controllers would. */
export function admissionWarnings(kind: KindKey, object: KubeObject): PlanWarning[] {
  if (!admissionKinds.has(kind)) return [];
  const result = validateCreate(defaultObject(object));
  if (result.allowed) return [];
  return [
    {
      code: 'AdmissionWouldReject',
      message: `admission would reject it: ${formatValidationText(result)}`,
      object: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace || 'default',
        name: object.metadata.name ?? '',
      },
    },
  ];
}

export {
  bmhNameFromMetal3Machine,
  candidateClaimNames,
  desiredIPClaimsForMetal3Data,
  ipAddressClaimName,
  isMetal3PoolReference,
  referencedPools,
} from '../naming';
