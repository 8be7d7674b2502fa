// Admission outcomes and their Kubernetes renderings: the Status object apierrors.NewInvalid /
// NewBadRequest build, and the text kubectl prints for it.
import { IPAM_METAL3_GROUP } from '../api/types';
import { type FieldError, errorBody, errorText, goQuote } from './field-error';

export type ValidatedKind = 'IPPool' | 'IPClaim' | 'IPAddress';

/** Rejected with field errors (HTTP 422, reason Invalid), as upstream's webhooks reject. */
export interface InvalidRejection {
  allowed: false;
  reason: 'Invalid';
  group: typeof IPAM_METAL3_GROUP;
  kind: ValidatedKind;
  name: string;
  errors: FieldError[];
}

/** Rejected before field validation (HTTP 400), e.g. an update whose old object is of another kind. */
export interface BadRequestRejection {
  allowed: false;
  reason: 'BadRequest';
  message: string;
}

export type ValidationFailure = InvalidRejection | BadRequestRejection;
export type ValidationResult = { allowed: true } | ValidationFailure;

export const ALLOWED: ValidationResult = Object.freeze({ allowed: true as const });

export function rejectOrAllow(
  kind: ValidatedKind,
  name: string | undefined,
  errors: FieldError[],
): ValidationResult {
  if (errors.length === 0) return ALLOWED;
  return { allowed: false, reason: 'Invalid', group: IPAM_METAL3_GROUP, kind, name: name ?? '', errors };
}

export function badRequest(message: string): BadRequestRejection {
  return { allowed: false, reason: 'BadRequest', message };
}

// ---- metav1.Status -------------------------------------------------------------------------

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** metav1.Status, keys in Go field order; empty `omitempty` fields left out as the API server does. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: 'Invalid' | 'BadRequest';
  details?: StatusDetails;
  code: 422 | 400;
}

/** ErrorList.ToAggregate().Error(): duplicates dropped, one error bare, several in `[a, b]`. */
function aggregateMessage(errors: FieldError[]): string {
  const messages = [...new Set(errors.map(errorText))];
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

/** schema.GroupKind.String(). */
function groupKind(rejection: InvalidRejection): string {
  return `${rejection.kind}.${rejection.group}`;
}

/** The Status object apierrors.NewInvalid (or NewBadRequest) returns for this rejection. */
export function toStatus(result: ValidationFailure): KubeStatus {
  if (result.reason === 'BadRequest') {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: result.message,
      reason: 'BadRequest',
      code: 400,
    };
  }
  const details: StatusDetails = {};
  if (result.name !== '') details.name = result.name;
  details.group = result.group;
  details.kind = result.kind;
  details.causes = result.errors.map((error) => ({
    reason: error.type,
    message: errorBody(error),
    field: error.field,
  }));
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${groupKind(result)} ${goQuote(result.name)} is invalid: ${aggregateMessage(result.errors)}`,
    reason: 'Invalid',
    details,
    code: 422,
  };
}

/**
 * What kubectl prints for the rejection (cmdutil.CheckErr), without the final newline:
 * `The IPPool "p" is invalid: spec.gateway: Invalid value: "x": is not a valid IP address`, or for
 * several distinct causes a header line followed by one `* <field>: <message>` line per cause
 * (kubectl's header keeps its trailing space). Returns '' for an allowed result.
 */
export function formatValidationText(result: ValidationResult): string {
  if (result.allowed) return '';
  if (result.reason === 'BadRequest') return `Error from server (BadRequest): ${result.message}`;
  const header = `The ${result.kind} ${goQuote(result.name)} is invalid`;
  const causes = [...new Set(result.errors.map(errorText))];
  if (causes.length === 0) return header;
  if (causes.length === 1) return `${header}: ${causes[0]}`;
  return [`${header}: `, ...causes.map((cause) => `* ${cause}`)].join('\n');
}
