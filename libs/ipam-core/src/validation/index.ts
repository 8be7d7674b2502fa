// Admission for the ipam.metal3.io kinds, dispatched on apiVersion group and kind. Objects that no
// ip-address-manager webhook covers (other groups or kinds) are allowed, as the API server would.
import {
  IPAM_METAL3_GROUP,
  type IPClaim,
  type IPPool,
  type KubeObject,
  type Metal3IPAddress,
} from '../api/types';
import {
  validateIPAddressCreate,
  validateIPAddressUpdate,
  validateIPClaimCreate,
  validateIPClaimUpdate,
} from './claim-address';
import { defaultIPPool, validateIPPoolCreate, validateIPPoolUpdate } from './ippool';
import { ALLOWED, type ValidatedKind, type ValidationResult, badRequest } from './result';

function groupOf(apiVersion: string | undefined): string {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
}

/** The webhook-covered kind of an object, or undefined when no stableip/IPAM webhook applies. */
export function validatedKindOf(obj: KubeObject): ValidatedKind | undefined {
  if (groupOf(obj.apiVersion) !== IPAM_METAL3_GROUP) return undefined;
  return obj.kind === 'IPPool' || obj.kind === 'IPClaim' || obj.kind === 'IPAddress' ? obj.kind : undefined;
}

/** Create admission (ValidateCreate). */
export function validateCreate(obj: KubeObject): ValidationResult {
  switch (validatedKindOf(obj)) {
    case 'IPPool':
      return validateIPPoolCreate(obj as IPPool);
    case 'IPClaim':
      return validateIPClaimCreate(obj as IPClaim);
    case 'IPAddress':
      return validateIPAddressCreate(obj as Metal3IPAddress);
    default:
      return ALLOWED;
  }
}

/** Update admission (ValidateUpdate); both objects must be of the same group and kind. */
export function validateUpdate(oldObj: KubeObject, newObj: KubeObject): ValidationResult {
  const kind = validatedKindOf(newObj);
  if (kind === undefined) return ALLOWED;
  if (validatedKindOf(oldObj) !== kind) {
    return badRequest(
      `expected the existing object to be a ${kind}.${IPAM_METAL3_GROUP} but got a ${oldObj.kind}`,
    );
  }
  switch (kind) {
    case 'IPPool':
      return validateIPPoolUpdate(oldObj as IPPool, newObj as IPPool);
    case 'IPClaim':
      return validateIPClaimUpdate(oldObj as IPClaim, newObj as IPClaim);
    case 'IPAddress':
      return validateIPAddressUpdate(oldObj as Metal3IPAddress, newObj as Metal3IPAddress);
  }
}

/** Mutating admission (Default): only IPPool has a default; other objects are returned as is. */
export function defaultObject<T extends KubeObject>(obj: T): T {
  return validatedKindOf(obj) === 'IPPool' ? (defaultIPPool(obj as unknown as IPPool) as unknown as T) : obj;
}

export {
  validateIPPoolCreate,
  validateIPPoolUpdate,
  defaultIPPool,
  isAddressInPoolBounds,
  IPPOOL_DETAILS,
} from './ippool';
export {
  validateIPClaimCreate,
  validateIPClaimUpdate,
  validateIPAddressCreate,
  validateIPAddressUpdate,
  CLAIM_ADDRESS_DETAILS,
} from './claim-address';
export {
  type FieldError,
  type FieldErrorType,
  type ValueRendering,
  errorBody,
  errorText,
  goQuote,
  goJSON,
} from './field-error';
export {
  type ValidatedKind,
  type ValidationResult,
  type ValidationFailure,
  type InvalidRejection,
  type BadRequestRejection,
  type KubeStatus,
  type StatusCause,
  type StatusDetails,
  toStatus,
  formatValidationText,
} from './result';
