// AdmissionReview v1 handling for the ipam.metal3.io kinds: validation and defaulting with
// ipam-core's rules and upstream's exact messages. Pure (no I/O), so it is tested directly.
import {
  defaultObject,
  toStatus,
  validateCreate,
  validateUpdate,
  IPAM_METAL3_GROUP,
  type KubeObject,
  type ValidationResult,
} from '@stableip/ipam-core';
import { createJsonPatch } from './json-patch';

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  name?: string;
  namespace?: string;
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
  dryRun?: boolean;
}

export interface AdmissionReview {
  apiVersion: string;
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: {
    code?: number;
    message?: string;
    reason?: string;
    status?: string;
    details?: unknown;
    metadata?: object;
  };
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
}

export type WebhookKind = 'IPPool' | 'IPClaim' | 'IPAddress';
export type WebhookAction = 'validate' | 'mutate';

/** kubebuilder's path convention: /validate-ipam-metal3-io-v1alpha1-ippool. */
export function webhookPath(action: WebhookAction, kind: WebhookKind): string {
  return `/${action}-ipam-metal3-io-v1alpha1-${kind.toLowerCase()}`;
}

export const WEBHOOK_ROUTES: ReadonlyMap<string, { action: WebhookAction; kind: WebhookKind }> = new Map(
  (['IPPool', 'IPClaim', 'IPAddress'] as const).flatMap((kind) =>
    (['validate', 'mutate'] as const).map((action) => [webhookPath(action, kind), { action, kind }] as const),
  ),
);

export class AdmissionError extends Error {
  override readonly name = 'AdmissionError';
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

function allowed(uid: string): AdmissionResponse {
  return { uid, allowed: true };
}

function denied(uid: string, result: Exclude<ValidationResult, { allowed: true }>): AdmissionResponse {
  const status = toStatus(result);
  return {
    uid,
    allowed: false,
    status: {
      status: 'Failure',
      code: status.code,
      reason: status.reason,
      message: status.message,
      details: status.details,
      metadata: {},
    },
  };
}

/** The object as ipam-core expects it: with apiVersion/kind even if the request omitted them. */
function typed(object: KubeObject | null | undefined, request: AdmissionRequest): KubeObject | undefined {
  if (!object) return undefined;
  return {
    ...object,
    apiVersion: object.apiVersion ?? `${request.kind.group}/${request.kind.version}`,
    kind: object.kind ?? request.kind.kind,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OPERATIONS: ReadonlySet<string> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/**
 * The review's request, checked field by field as the API server sends it (admission/v1): every
 * field the answer depends on has the type the code reads, or the review is refused with a 400
 * that names the field.
 */
function checkedRequest(body: unknown): { apiVersion: string; request: AdmissionRequest } {
  const bad = (what: string) => new AdmissionError(`malformed AdmissionReview: ${what}`, 400);
  if (!isRecord(body) || body['kind'] !== 'AdmissionReview')
    throw bad('expected an object with kind "AdmissionReview"');
  const apiVersion = body['apiVersion'] ?? 'admission.k8s.io/v1';
  if (typeof apiVersion !== 'string') throw bad('apiVersion must be a string');
  const request = body['request'];
  if (!isRecord(request)) throw bad('request is missing or not an object');
  if (typeof request['uid'] !== 'string' || request['uid'] === '')
    throw bad('request.uid must be a non-empty string');
  const kind = request['kind'];
  if (!isRecord(kind)) throw bad('request.kind must be an object {group, version, kind}');
  for (const field of ['group', 'version', 'kind'] as const) {
    if (typeof kind[field] !== 'string') throw bad(`request.kind.${field} must be a string`);
  }
  if (typeof request['operation'] !== 'string' || !OPERATIONS.has(request['operation']))
    throw bad(`request.operation must be one of ${[...OPERATIONS].join(', ')}`);
  for (const field of ['object', 'oldObject'] as const) {
    const object = request[field];
    if (object !== undefined && object !== null && !isRecord(object))
      throw bad(`request.${field} must be an object or null`);
    if (isRecord(object) && object['metadata'] !== undefined && !isRecord(object['metadata']))
      throw bad(`request.${field}.metadata must be an object`);
  }
  return { apiVersion, request: request as unknown as AdmissionRequest };
}

/** Answers one AdmissionReview for the route `path`. Throws AdmissionError for malformed input. */
export function review(path: string, body: unknown): AdmissionReview {
  const route = WEBHOOK_ROUTES.get(path);
  if (!route) throw new AdmissionError(`no webhook at ${path}`, 404);
  const { apiVersion, request } = checkedRequest(body);
  const respond = (response: AdmissionResponse): AdmissionReview => ({
    apiVersion,
    kind: 'AdmissionReview',
    response,
  });
  if (request.kind.group !== IPAM_METAL3_GROUP || request.kind.kind !== route.kind) {
    return respond({
      uid: request.uid,
      allowed: false,
      status: {
        status: 'Failure',
        code: 400,
        reason: 'BadRequest',
        message: `expected a ${route.kind}.${IPAM_METAL3_GROUP} but got a ${request.kind.kind}.${request.kind.group}`,
      },
    });
  }
  const object = typed(request.object, request);
  if (route.action === 'mutate') {
    if (!object || (request.operation !== 'CREATE' && request.operation !== 'UPDATE'))
      return respond(allowed(request.uid));
    const defaulted = defaultObject(structuredClone(object));
    const patch = createJsonPatch(object, defaulted);
    if (patch.length === 0) return respond(allowed(request.uid));
    return respond({
      uid: request.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    });
  }
  let result: ValidationResult;
  switch (request.operation) {
    case 'CREATE':
      result = object ? validateCreate(object) : { allowed: true };
      break;
    case 'UPDATE': {
      const oldObject = typed(request.oldObject, request);
      result = object && oldObject ? validateUpdate(oldObject, object) : { allowed: true };
      break;
    }
    default:
      result = { allowed: true }; // upstream validates no deletes
  }
  return respond(result.allowed ? allowed(request.uid) : denied(request.uid, result));
}
