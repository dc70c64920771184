/**
 * Domain errors. The core, `geo/` and `audit/` throw these and never know about GraphQL; the API maps
 * them to `extensions.code` in one place (`src/errors/format-error.ts`). Anything that is not one of
 * these is an internal error and is masked before it reaches a client.
 */

export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  PurposeRequired: 'PURPOSE_REQUIRED',
  /** The HTTP request itself cannot be read (a body that is not a JSON object); before GraphQL. */
  BadRequest: 'BAD_REQUEST',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class: a message a person can act on, a stable code, and optional structured details. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Input that fails validation. `field` names the input field (dot path) so a client can point at it. */
export class ValidationError extends DomainError {
  readonly code = ErrorCode.BadUserInput;
  constructor(
    readonly field: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(`${field}: ${message}`, { field, ...details });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = ErrorCode.Unauthenticated;
}

export class ForbiddenError extends DomainError {
  readonly code = ErrorCode.Forbidden;
}

/** A request that reads personal data without saying why (header `X-Purpose`). */
export class PurposeRequiredError extends DomainError {
  readonly code = ErrorCode.PurposeRequired;
}

export class NotFoundError extends DomainError {
  readonly code = ErrorCode.NotFound;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`No ${entity} with id ${id}`, { entity, id });
  }
}

/** The request is well-formed but clashes with the current state (already closed, key reused, ...). */
export class ConflictError extends DomainError {
  readonly code = ErrorCode.Conflict;
}

/** Configuration that cannot be used; raised once at start-up, never during a request. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What a log line or an operator's message says of anything thrown: its message, or the value as text. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // AggregateError (a connection to a host with several addresses) has an empty message of its own.
  if (error.message === '' && error instanceof AggregateError) return errorMessage(error.errors[0]);
  return error.message;
}
