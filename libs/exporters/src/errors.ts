// Typed errors of the renderers: callers (the API) map codes to 400 responses.
export type ExportErrorCode = 'INVALID_TEMPLATE' | 'INVALID_NAME' | 'INVALID_ADDRESS' | 'INVALID_OPTION';

export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: ExportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isExportError(error: unknown): error is ExportError {
  return error instanceof ExportError;
}
