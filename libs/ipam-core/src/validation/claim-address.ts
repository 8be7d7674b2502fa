// IPClaim and IPAddress admission, as ip-address-manager's ipclaim_webhook.go and
// ipaddress_webhook.go do it. References are compared field by field (name, then namespace, then
// kind) and the first difference is reported with the whole new reference as the value.
import {
  IP_ADDRESS_ANNOTATION,
  type IPClaim,
  type Metal3IPAddress,
  type ObjectReference,
} from '../api/types';
import { isIP } from '../ip/ip';
import { type FieldError, invalid } from './field-error';
import { type ValidationResult, rejectOrAllow } from './result';

export const CLAIM_ADDRESS_DETAILS = {
  empty: 'cannot be empty',
  notAnIP: 'is not a valid IP address',
  immutable: 'cannot be modified',
} as const;

/** corev1.ObjectReference as json.Marshal writes it: Go field order, empty fields omitted. */
export function objectReferenceJSON(ref: ObjectReference | undefined): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const fields: Array<keyof ObjectReference | 'resourceVersion' | 'fieldPath'> = [
    'kind',
    'namespace',
    'name',
    'uid',
    'apiVersion',
    'resourceVersion',
    'fieldPath',
  ];
  const source = (ref ?? {}) as Record<string, unknown>;
  for (const field of fields) {
    const fieldValue = source[field];
    if (fieldValue !== undefined && fieldValue !== null && fieldValue !== '') value[field] = fieldValue;
  }
  return value;
}

function referenceChanged(oldRef: ObjectReference | undefined, newRef: ObjectReference | undefined): boolean {
  return (
    (oldRef?.name ?? '') !== (newRef?.name ?? '') ||
    (oldRef?.namespace ?? '') !== (newRef?.namespace ?? '') ||
    (oldRef?.kind ?? '') !== (newRef?.kind ?? '')
  );
}

/** A non-empty `ipAddress` annotation must be an IP (the value is a Go string: quoted). */
function requestedIPErrors(annotations: Record<string, string> | undefined): FieldError[] {
  const requested = annotations?.[IP_ADDRESS_ANNOTATION];
  if (requested === undefined || requested === null || requested === '' || isIP(String(requested))) return [];
  return [
    invalid(
      `metadata.annotations.${IP_ADDRESS_ANNOTATION}`,
      requested,
      'quoted',
      CLAIM_ADDRESS_DETAILS.notAnIP,
    ),
  ];
}

export function validateIPClaimCreate(claim: IPClaim): ValidationResult {
  const errors: FieldError[] = [];
  const poolName = claim.spec?.pool?.name ?? '';
  if (poolName === '')
    errors.push(invalid('spec.pool.name', poolName, 'quoted', CLAIM_ADDRESS_DETAILS.empty));
  errors.push(...requestedIPErrors(claim.metadata?.annotations));
  return rejectOrAllow('IPClaim', claim.metadata?.name, errors);
}

export function validateIPClaimUpdate(oldClaim: IPClaim, newClaim: IPClaim): ValidationResult {
  const errors: FieldError[] = [];
  if (referenceChanged(oldClaim.spec?.pool, newClaim.spec?.pool)) {
    const value = objectReferenceJSON(newClaim.spec?.pool);
    errors.push(invalid('spec.pool', value, 'json', CLAIM_ADDRESS_DETAILS.immutable));
  }
  errors.push(...requestedIPErrors(newClaim.metadata?.annotations));
  return rejectOrAllow('IPClaim', newClaim.metadata?.name, errors);
}

export function validateIPAddressCreate(address: Metal3IPAddress): ValidationResult {
  const errors: FieldError[] = [];
  const poolName = address.spec?.pool?.name ?? '';
  if (poolName === '')
    errors.push(invalid('spec.pool.name', poolName, 'quoted', CLAIM_ADDRESS_DETAILS.empty));
  const claimName = address.spec?.claim?.name ?? '';
  if (claimName === '')
    errors.push(invalid('spec.claim.name', claimName, 'quoted', CLAIM_ADDRESS_DETAILS.empty));
  const ip = address.spec?.address ?? '';
  if (ip === '') {
    errors.push(invalid('spec.address', ip, 'json', CLAIM_ADDRESS_DETAILS.empty));
  } else if (!isIP(String(ip))) {
    errors.push(invalid('spec.address', ip, 'json', CLAIM_ADDRESS_DETAILS.notAnIP));
  }
  errors.push(...requestedIPErrors(address.metadata?.annotations));
  return rejectOrAllow('IPAddress', address.metadata?.name, errors);
}

export function validateIPAddressUpdate(
  oldAddress: Metal3IPAddress,
  newAddress: Metal3IPAddress,
): ValidationResult {
  const errors: FieldError[] = [];
  const newIP = newAddress.spec?.address ?? '';
  if (newIP !== (oldAddress.spec?.address ?? '')) {
    errors.push(invalid('spec.address', newIP, 'json', CLAIM_ADDRESS_DETAILS.immutable));
  }
  if (referenceChanged(oldAddress.spec?.pool, newAddress.spec?.pool)) {
    const value = objectReferenceJSON(newAddress.spec?.pool);
    errors.push(invalid('spec.pool', value, 'json', CLAIM_ADDRESS_DETAILS.immutable));
  }
  if (referenceChanged(oldAddress.spec?.claim, newAddress.spec?.claim)) {
    const value = objectReferenceJSON(newAddress.spec?.claim);
    errors.push(invalid('spec.claim', value, 'json', CLAIM_ADDRESS_DETAILS.immutable));
  }
  return rejectOrAllow('IPAddress', newAddress.metadata?.name, errors);
}
