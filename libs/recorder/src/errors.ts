// Typed errors of the recorder, and the line between store failures worth retrying (the database
// is unreachable or busy) and those that would fail the same way forever (the data is rejected).
import { isAuditStoreError } from '@stableip/audit-store';

export type RecorderErrorCode = 'INVALID_OPTIONS' | 'UNKNOWN_CONTEXT' | 'NO_CLUSTERS' | 'STOPPED';

export class RecorderError extends Error {
  override readonly name = 'RecorderError';
  constructor(
    readonly code: RecorderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRecorderError(error: unknown): error is RecorderError {
  return error instanceof RecorderError;
}

const REJECTED_STORE_CODES = new Set(['INVALID_ADDRESS', 'INVALID_ARGUMENT', 'ASSIGNMENT_CONFLICT']);
/** Prisma request errors that mean "try again" (pool timeout, transaction API, write conflict). */
const TRANSIENT_PRISMA_CODES = new Set(['P2024', 'P2028', 'P2034']);

/**
 * True when retrying cannot help: the store rejected the data (its typed errors), Prisma refused
 * the query shape, a Prisma P2xxx request error, or a PostgreSQL data/integrity error (SQLSTATE
 * classes 22 and 23). Everything else — refused connections, timeouts, a server shutting down —
 * is treated as the database being unavailable, and retried.
 */
export function isPermanentStoreError(error: unknown): boolean {
  if (isAuditStoreError(error)) return REJECTED_STORE_CODES.has(error.code);
  if (!(error instanceof Error)) return false;
  if (error.name === 'PrismaClientValidationError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (/^P2\d{3}$/.test(code)) return !TRANSIENT_PRISMA_CODES.has(code);
  return /^2[23][0-9A-Z]{3}$/.test(code);
}
