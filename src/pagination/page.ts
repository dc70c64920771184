/**
 * Keyset pagination shared by every list in the API (Relay connection style at the GraphQL edge).
 * Cursors are opaque base64url JSON of the sort key of the last row seen, so pages stay stable while
 * rows are added, and bad cursors are a clear input error rather than a silent first page.
 */
import { ValidationError } from '../errors/errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError(field, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** A cursor over a (time, id) sort key, the key almost every list here sorts by, newest first. */
export interface TimeIdKey {
  t: string;
  id: string;
}

export function encodeCursor(key: object): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** What a cursor's id is: a row's UUID, or (the audit log) an event's sequence number. */
export type CursorIdKind = 'uuid' | 'sequence';

const CURSOR_ID: Record<CursorIdKind, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  sequence: /^(0|[1-9][0-9]{0,14})$/,
};
// PostgreSQL's timestamptz knows no year 0 and JavaScript's dates reach past 9999: a key outside these
// years cannot be one this API handed out, and would reach the database as a value it refuses.
const EARLIEST_KEY = Date.parse('0001-01-01T00:00:00Z');
const LATEST_KEY = Date.parse('9999-12-31T23:59:59.999Z');

export function decodeTimeIdCursor(
  cursor: string | null | undefined,
  field = 'after',
  idKind: CursorIdKind = 'uuid',
): TimeIdKey | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { t, id } = parsed as Partial<Record<keyof TimeIdKey, unknown>>;
      const at = typeof t === 'string' ? Date.parse(t) : Number.NaN;
      if (typeof id === 'string' && CURSOR_ID[idKind].test(id) && at >= EARLIEST_KEY && at <= LATEST_KEY) {
        return { t: t as string, id };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    field,
    'is not a cursor returned by this list; pass an endCursor from a previous page',
  );
}

/** Builds a page from `size + 1` fetched rows: the extra row only tells whether there is a next page. */
export function toPage<T>(rows: T[], size: number, keyOf: (row: T) => object, hasPrevious: boolean): Page<T> {
  const visible = rows.slice(0, size);
  return {
    edges: visible.map((node) => ({ cursor: encodeCursor(keyOf(node)), node })),
    hasNextPage: rows.length > size,
    hasPreviousPage: hasPrevious,
  };
}
