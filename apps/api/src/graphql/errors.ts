// What clients see of errors: typed, known errors keep their message and code; everything else
// becomes "Internal server error" (no SQL, no stack, no paths) and is logged server-side.
import { unwrapResolverError } from '@apollo/server/errors';
import { isAuditStoreError } from '@stableip/audit-store';
import { isExportError } from '@stableip/exporters';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isApiError } from '../errors';

const SAFE_GRAPHQL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'QUERY_TOO_COSTLY',
]);

function isGraphQLError(error: unknown): error is GraphQLError {
  return (
    error instanceof GraphQLError || (error instanceof Error && 'extensions' in error && 'nodes' in error)
  );
}

/** Apollo wraps validation and plugin errors (ValidationError, …) around the GraphQLError raised. */
function isDeliberate(error: unknown): boolean {
  if (!isGraphQLError(error)) return false;
  const inner: unknown = error.originalError ?? undefined;
  return inner === undefined || (isGraphQLError(inner) && (inner.originalError ?? undefined) === undefined);
}

export function formatApiError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logInternal: (error: unknown) => void,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (isApiError(original))
    return { ...base, message: original.message, extensions: { code: original.code } };
  if (isExportError(original)) {
    return {
      ...base,
      message: original.message,
      extensions: { code: 'BAD_USER_INPUT', reason: original.code },
    };
  }
  if (
    isAuditStoreError(original) &&
    ['INVALID_ADDRESS', 'INVALID_ARGUMENT', 'UNKNOWN_CLUSTER'].includes(original.code)
  ) {
    const code = original.code === 'UNKNOWN_CLUSTER' ? 'NOT_FOUND' : 'BAD_USER_INPUT';
    return { ...base, message: original.message, extensions: { code } };
  }
  // A GraphQLError made on purpose (validation, limits, our own checks) wraps no other error.
  // Compared by name: CommonJS dependencies (graphql-depth-limit) get graphql's CJS build, whose
  // GraphQLError class is not the ESM one.
  if (isDeliberate(original)) {
    const code = String(formatted.extensions?.['code'] ?? '');
    if (SAFE_GRAPHQL_CODES.has(code)) return { ...base, message: formatted.message, extensions: { code } };
  }
  // Pothos input validation errors (e.g. negative `first`) are safe to show.
  if (original instanceof Error && original.name === 'PothosValidationError') {
    return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT' } };
  }
  logInternal(original);
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
