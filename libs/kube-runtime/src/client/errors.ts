// Kubernetes API failures as typed values. Call sites branch on `reason` (a closed set of codes),
// never on message text.
import { ApiException } from '@kubernetes/client-node';

export type KubeErrorReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'BadRequest'
  | 'TooManyRequests'
  | 'Timeout'
  | 'Unavailable'
  | 'Unknown';

/** One field-level cause of an `Invalid` (422) error, as in metav1.StatusCause. */
export interface KubeErrorCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The subset of metav1.Status the API server sends with every failure. */
export interface KubeStatus {
  kind?: 'Status';
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: KubeErrorCause[];
    retryAfterSeconds?: number;
  };
}

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly reason: KubeErrorReason,
    /** HTTP status code, 0 when the request never got a response (network failure). */
    readonly code: number,
    message: string,
    readonly causes: readonly KubeErrorCause[] = [],
    /** From Retry-After or Status.details.retryAfterSeconds (429, 503, 504). */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth retrying the same request later (as opposed to a caller bug or a final answer). */
  get transient(): boolean {
    return this.reason === 'TooManyRequests' || this.reason === 'Timeout' || this.reason === 'Unavailable';
  }
}

const reasonByApiServerReason: Record<string, KubeErrorReason> = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Expired: 'Gone',
  Invalid: 'Invalid',
  Forbidden: 'Forbidden',
  Unauthorized: 'Unauthorized',
  BadRequest: 'BadRequest',
  TooManyRequests: 'TooManyRequests',
  Timeout: 'Timeout',
  ServerTimeout: 'Timeout',
  ServiceUnavailable: 'Unavailable',
  InternalError: 'Unavailable',
};

function reasonFromCode(code: number): KubeErrorReason {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 504:
      return 'Timeout';
    default:
      return code === 0 || code >= 500 ? 'Unavailable' : 'Unknown';
  }
}

function asStatus(body: unknown): KubeStatus | undefined {
  if (typeof body === 'string') {
    try {
      return asStatus(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object' && (body as KubeStatus).kind === 'Status') return body as KubeStatus;
  return undefined;
}

/** Build a typed error from an HTTP code and a (possibly absent or non-JSON) response body. */
export function kubeErrorFromResponse(
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
  cause?: unknown,
): KubeApiError {
  const status = asStatus(body);
  // The API server sends 409 with reason AlreadyExists for creates and Conflict for stale updates:
  // the Status reason is authoritative, the HTTP code only a fallback.
  const reason = (status?.reason && reasonByApiServerReason[status.reason]) || reasonFromCode(code);
  const retryAfterHeader = Number(headers['retry-after']);
  const retryAfterSeconds =
    status?.details?.retryAfterSeconds ?? (Number.isFinite(retryAfterHeader) ? retryAfterHeader : undefined);
  const message =
    status?.message ?? (typeof body === 'string' && body.length > 0 ? body.trim() : `HTTP ${code}`);
  return new KubeApiError(reason, code, message, status?.details?.causes ?? [], retryAfterSeconds, { cause });
}

/** Map anything thrown by client-node (or the network) to a KubeApiError; other errors pass through. */
export function toKubeApiError(err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof ApiException) {
    const headers = (err.headers ?? {}) as Record<string, string>;
    return kubeErrorFromResponse(err.code, err.body, headers, err);
  }
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number') {
    return kubeErrorFromResponse(statusCode, undefined, {}, err);
  }
  // A watch ERROR event carries a Status object as its payload.
  const status = asStatus(err);
  if (status) return kubeErrorFromResponse(status.code ?? 0, status, {}, undefined);
  const message = err instanceof Error ? err.message : String(err);
  return new KubeApiError('Unavailable', 0, `request failed: ${message}`, [], undefined, { cause: err });
}

export function isKubeError(err: unknown, reason: KubeErrorReason): err is KubeApiError {
  return err instanceof KubeApiError && err.reason === reason;
}
export const isNotFound = (err: unknown): err is KubeApiError => isKubeError(err, 'NotFound');
export const isAlreadyExists = (err: unknown): err is KubeApiError => isKubeError(err, 'AlreadyExists');
export const isConflict = (err: unknown): err is KubeApiError => isKubeError(err, 'Conflict');
export const isGone = (err: unknown): err is KubeApiError => isKubeError(err, 'Gone');
export const isInvalid = (err: unknown): err is KubeApiError => isKubeError(err, 'Invalid');
export const isForbidden = (err: unknown): err is KubeApiError => isKubeError(err, 'Forbidden');
