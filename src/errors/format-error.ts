/**
 * The one place where errors become what a client sees. Domain errors keep their message and code;
 * GraphQL's own request errors (syntax, validation, variable coercion) pass through; anything else is
 * an internal error: logged with its request id, shown to the client only as INTERNAL_SERVER_ERROR,
 * with no message, stack or SQL, in every environment (a development database holds real-looking data
 * too, and its messages quote SQL, column names and ciphertexts).
 *
 * Errors Express raises before GraphQL sees the request (the JSON body parser's) get the same shape and
 * the same rule, through `formatHttpError`.
 *
 * One safety net: a value the validators let through that PostgreSQL cannot take (its data exceptions,
 * SQLSTATE class 22: a date out of range, a NUL character, a malformed id) is the caller's input, so it
 * is BAD_USER_INPUT with a generic message, not an internal error; it is still logged, since it means a
 * validator is missing.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from './errors';

const INTERNAL_MESSAGE = 'Internal server error (logged on the server)';

/** Codes that Apollo and graphql-js attach to problems with the request itself; safe to show. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** HTTP status for errors raised before execution (Apollo uses it for the whole response). */
export const HTTP_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.PurposeRequired]: 400,
  [ErrorCode.BadUserInput]: 400,
};

export interface ErrorFormatterOptions {
  log: (message: string, error: unknown) => void;
}

export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const domain = findDomainError(original);
    if (domain !== undefined) {
      return {
        message: domain.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: domain.code, ...domain.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (isUncodedRequestError(original)) {
      return { message: original.message, extensions: { code: ErrorCode.BadRequest } };
    }
    if (isDataException(original)) {
      options.log('Input no validator refused', original);
      return {
        message:
          'A value in the request cannot be used (for example a date out of range, a NUL character or a malformed id); check the input',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.BadUserInput },
      };
    }
    options.log('Internal error', original);
    return {
      message: INTERNAL_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.Internal },
    };
  };
}

/**
 * A refusal of the request that Apollo raises itself, before execution, with a client-error status but
 * no code: a persisted query of an unknown version, or whose hash does not match its query. Its message
 * is Apollo's own fixed text; masked as an internal error, any client could fill the log with stacks.
 */
function isUncodedRequestError(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError) || error.originalError !== undefined) return false;
  if (error.extensions.code !== undefined || error.path !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** A PostgreSQL data exception (SQLSTATE class 22), directly or as the cause of a wrapping error. */
export function isDataException(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
    current =
      (current as { cause?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

/** A DomainError, directly or as the original error of a GraphQLError (how plugins and scalars wrap them). */
export function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof DomainError) return current;
    current =
      current instanceof GraphQLError ? current.originalError : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Wraps a domain error raised outside execution (in a plugin) so Apollo sends it with a fitting status. */
export function toRequestError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status: HTTP_STATUS[error.code] ?? 400 } },
  });
}

/**
 * graphql's refusal of the request's variables (a wrong type, a missing required field), raised in a
 * plugin before execution: BAD_USER_INPUT (400) with graphql's own messages. A plugin can answer with
 * one error only, so every problem goes into its message (and `extensions.problems`), so a client
 * fixes them all in one round rather than one per request.
 */
export function toVariablesError(errors: readonly GraphQLError[]): GraphQLError {
  const [first] = errors;
  const problems = errors.map((e) => e.message);
  return new GraphQLError(problems.join('\n'), {
    nodes: errors.flatMap((e) => e.nodes ?? []),
    originalError: first,
    extensions: {
      code: ErrorCode.BadUserInput,
      problems,
      http: { status: HTTP_STATUS[ErrorCode.BadUserInput] },
    },
  });
}

/** An HTTP response in GraphQL's error shape, for errors raised before GraphQL sees the request. */
export interface HttpErrorResponse {
  status: number;
  body: { errors: GraphQLFormattedError[] };
}

/**
 * An error raised by Express's JSON body parser (body-parser, through http-errors: `status` and `type`)
 * as a GraphQL-shaped JSON answer. The client gets a fixed message per kind, never the parser's own
 * message or stack; anything that is not a client error (4xx) is internal: logged, and masked.
 */
export function formatHttpError(error: unknown, options: ErrorFormatterOptions): HttpErrorResponse {
  const { status, type, limit } = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    type?: unknown;
    limit?: unknown;
  };
  const answer = (httpStatus: number, code: ErrorCode, message: string): HttpErrorResponse => ({
    status: httpStatus,
    body: { errors: [{ message, extensions: { code } }] },
  });
  if (typeof status !== 'number' || status < 400 || status > 499) {
    options.log('Internal error before GraphQL', error);
    return answer(500, ErrorCode.Internal, INTERNAL_MESSAGE);
  }
  switch (type) {
    case 'entity.parse.failed':
      return answer(
        400,
        ErrorCode.BadRequest,
        'The request body is not a JSON object; send {"query": "...", "variables": {...}} as application/json',
      );
    case 'entity.too.large':
      return answer(
        413,
        ErrorCode.PayloadTooLarge,
        `The request body is larger than ${typeof limit === 'number' ? describeBytes(limit) : 'the limit'}`,
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return answer(
        status,
        ErrorCode.BadRequest,
        'The request body is in an unsupported character set or content encoding; send UTF-8 JSON',
      );
    default:
      return answer(status, ErrorCode.BadRequest, 'The request could not be read');
  }
}

function describeBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}
