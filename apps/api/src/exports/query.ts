// Query parameters of /export/*: the argument names of the GraphQL `exports` field, so one
// selection reads the same in both: cluster, pool, namespace, hostLabels (repeatable key=value or
// k=v,k2=v2), hostTemplate, ttl, ptr, issuerName, issuerKind.
import type { Request } from 'express';
import { ApiError } from '../errors';
import type { ExportRequest } from './render';

const PARAMETERS = [
  'cluster',
  'pool',
  'namespace',
  'hostLabels',
  'hostTemplate',
  'ttl',
  'ptr',
  'issuerName',
  'issuerKind',
] as const;

/** The names before they matched GraphQL: rejected with a pointer to the new name. */
const RENAMED: Record<string, (typeof PARAMETERS)[number]> = {
  label: 'hostLabels',
  labels: 'hostLabels',
  'host-template': 'hostTemplate',
  issuer: 'issuerName',
  'issuer-kind': 'issuerKind',
};

function firstString(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

function checkParameterNames(query: Request['query']): void {
  for (const name of Object.keys(query)) {
    if ((PARAMETERS as readonly string[]).includes(name)) continue;
    const renamed = RENAMED[name];
    throw new ApiError(
      'BAD_USER_INPUT',
      renamed !== undefined
        ? `unknown export parameter "${name}": it is called "${renamed}" (as in the GraphQL exports field)`
        : `unknown export parameter "${name}" (known: ${PARAMETERS.join(', ')})`,
    );
  }
}

export function exportRequestFromQuery(query: Request['query']): ExportRequest {
  checkParameterNames(query);
  const labels: Record<string, string> = {};
  const raw = query['hostLabels'];
  for (const selector of (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((value) =>
    String(value).split(','),
  )) {
    if (selector.trim() === '') continue;
    const match = /^([^=]+)=(.*)$/.exec(selector.trim());
    if (!match) throw new ApiError('BAD_USER_INPUT', `hostLabels selector "${selector}" must be key=value`);
    labels[match[1]!.trim()] = match[2]!.trim();
  }
  const ttlText = firstString(query['ttl']);
  const ttl = ttlText === undefined ? undefined : Number(ttlText);
  if (ttl !== undefined && !Number.isInteger(ttl))
    throw new ApiError('BAD_USER_INPUT', '"ttl" must be an integer');
  const issuerKind = firstString(query['issuerKind']);
  if (issuerKind !== undefined && issuerKind !== 'Issuer' && issuerKind !== 'ClusterIssuer') {
    throw new ApiError('BAD_USER_INPUT', '"issuerKind" must be Issuer or ClusterIssuer');
  }
  const ptr = firstString(query['ptr']);
  if (ptr !== undefined && !['true', 'false', '1', '0'].includes(ptr)) {
    throw new ApiError('BAD_USER_INPUT', '"ptr" must be true or false');
  }
  return {
    cluster: firstString(query['cluster']) ?? null,
    pool: firstString(query['pool']) ?? null,
    namespace: firstString(query['namespace']) ?? null,
    hostLabels: Object.keys(labels).length > 0 ? labels : null,
    hostTemplate: firstString(query['hostTemplate']) ?? null,
    ttl: ttl ?? null,
    ptr: ptr === undefined ? null : ptr === 'true' || ptr === '1',
    issuerName: firstString(query['issuerName']) ?? null,
    issuerKind: (issuerKind as 'Issuer' | 'ClusterIssuer' | undefined) ?? null,
  };
}
