
import { t } from './l10n';/**
 * Errors the user reads. Each names the session (when there is one), says what failed and what to do.
 * Messages never contain a secret.
 */

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserFacingError';
  }

  /** The message and the fix in one line, as shown in a notification. */
  get full(): string {
    return this.fix ? `${this.message} ${this.fix}` : this.message;
  }
}

/** Field-level validation failure: `field` matches the form field name. */
export class ValidationError extends UserFacingError {
  constructor(readonly problems: ReadonlyArray<FieldProblem>) {
    super(problems.map((p) => `${p.label}: ${p.message}`).join('; '));
    this.name = 'ValidationError';
  }
}

export interface FieldProblem {
  field: string;
  label: string;
  message: string;
}

/** A failure while starting, rotating or testing one session. */
export class SessionError extends UserFacingError {
  constructor(
    readonly sessionAlias: string,
    cause: string,
    fix?: string,
    options?: { cause?: unknown; code?: string },
  ) {
    super(`Session "${sessionAlias}": ${cause}`, fix, options);
    this.name = 'SessionError';
    this.code = options?.code;
  }
  readonly code?: string;
}

/** The user dismissed a prompt (MFA code, confirmation). Not an error to report loudly. */
export class CancelledError extends Error {
  constructor(what: string) {
    super(t('{0} was cancelled', what));
    this.name = 'CancelledError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof UserFacingError) return error.full;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A thrown value as an Error (what a rejected promise of one item of many carries). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
