// Exit codes and the one error type that carries a user-facing message up to the entry point.

export const ExitCode = {
  ok: 0,
  /** validate: some object was rejected. */
  rejected: 1,
  /** Unreadable input, YAML errors, unknown kinds, missing fields, bad flags. */
  usage: 2,
} as const;

/** A failure the user can fix; printed without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
