/**
 * What the command line prints when a command fails, decided in one place as src/errors/format-error.ts
 * decides it for API clients. An error the operator can act on is printed as it is: a domain error,
 * bad configuration, a wrong option, a database that cannot be reached, a file that cannot be read or
 * written. Anything else is internal: its message may quote SQL, column names or stored values, so
 * only its class is printed, and the details (message and stack) only when LOG_LEVEL=debug.
 */
import { ConfigError } from '../errors/errors';
import { findDomainError, isDataException } from '../errors/format-error';
import { EmbeddedPostgresError } from '../db/embedded-postgres';

/** A command given options it cannot work with; printed as it is. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Node's codes for a database server that cannot be reached. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** The lines to print on stderr for an error that ended a command. */
export function describeCliError(error: unknown, options: { debug: boolean }): string[] {
  const domain = findDomainError(error);
  if (domain !== undefined) return [`error: ${domain.message}`];
  if (
    error instanceof ConfigError ||
    error instanceof CliUsageError ||
    error instanceof EmbeddedPostgresError
  ) {
    return [`error: ${error.message}`];
  }
  if (isDataException(error)) {
    return [
      'error: a value given cannot be used (for example a malformed id or a date out of range); check the options',
    ];
  }
  const code = errorCode(error);
  if (code !== undefined && (UNREACHABLE.has(code) || /^(08|28)[0-9A-Z]{3}$|^3D000$/.test(code))) {
    // The connection string is not shown: it may hold a password.
    return [
      `error: cannot connect to the database (${code}); check DATABASE_URL and that the server is running`,
    ];
  }
  const file = fileError(error);
  if (file !== undefined) return [`error: cannot ${file.syscall} ${file.path} (${fileErrorReason(error)})`];
  const name = error instanceof Error ? error.name : typeof error;
  const lines = [
    `error: internal error (${name}); its details are not printed, since they may quote SQL or stored data. Run again with LOG_LEVEL=debug to see them.`,
  ];
  if (options.debug) lines.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return lines;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A Node system error about a file (it names the call, the path and the code, and nothing else). */
function fileError(error: unknown): { syscall: string; path: string; code: string } | undefined {
  const { syscall, path, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    syscall?: unknown;
    path?: unknown;
    code?: unknown;
  };
  return typeof syscall === 'string' && typeof path === 'string' && typeof code === 'string'
    ? { syscall, path, code }
    : undefined;
}

/** Why a file could not be read or written, in words (the code for anything unusual). */
export function fileErrorReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return typeof code === 'string' ? code : 'unknown error';
  }
}
