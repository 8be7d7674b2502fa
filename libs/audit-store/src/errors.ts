// Typed failures of the audit store. Callers switch on `code`; `message` is for people.
export type AuditStoreErrorCode =
  | 'INVALID_ADDRESS'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_CLUSTER'
  | 'ASSIGNMENT_CONFLICT'
  | 'MIGRATION_FAILED'
  | 'EMBEDDED_POSTGRES_FAILED'
  | 'INVALID_KEY'
  | 'INVALID_CHECKPOINT'
  | 'CHECKPOINT_STORE_FAILED'
  | 'CHAIN_BROKEN'
  | 'ARCHIVE_FAILED';

export class AuditStoreError extends Error {
  override readonly name = 'AuditStoreError';

  constructor(
    readonly code: AuditStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAuditStoreError(error: unknown, code?: AuditStoreErrorCode): error is AuditStoreError {
  return error instanceof AuditStoreError && (code === undefined || error.code === code);
}
