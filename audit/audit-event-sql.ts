/**
 * `canonicalAuditJson` written as a PostgreSQL expression over an `audit_event` row aliased `e`, so that
 * verification can have the database build each event's canonical text: turning timestamps, arrays and
 * hashes into JavaScript values row by row costs Node far more than hashing the text does.
 *
 * It is an optimisation, never the judge. The verifier hashes this text itself and compares with the
 * stored leaf hash; when they differ it re-reads the row and judges it with `eventFromRow` +
 * `auditLeafHash`. That is sound because the text below is an injective encoding of the row's columns
 * that equals the JavaScript one where both are defined: if it hashes to the leaf the sealer computed,
 * it is the sealer's text, so the row holds what was sealed. Where the encodings would differ, the text
 * merely misses and the row takes the JavaScript path:
 * - strings: only `\` and `"` are escaped, as `JSON.stringify` does; it also escapes control
 *   characters, which this text leaves raw, so a string holding one misses (canonical JSON never holds a
 *   raw control character). Escaping those two alone keeps the text unambiguous and costs half as
 *   much as `to_json`, which was the dearest part of building it. uuids need no escaping;
 * - categories and fields are taken in their stored order, not sorted: the recorder stores them sorted
 *   (audit-context.ts), and sorting them in SQL made the text about two thirds dearer to build;
 * - occurredAt: `toISOString()` truncates to milliseconds, and so does `to_char`'s MS; outside years
 *   1-9999 (where `toISOString` writes a sign or six digits and `to_char` drops the era) the text is NULL;
 * - any NULL piece makes the whole text NULL, which never matches.
 */

/** A JSON string of a text column (see the header on escaping). */
const text = (column: string) =>
  `'"' || replace(replace(e.${column}, E'\\\\', E'\\\\\\\\'), '"', E'\\\\"') || '"'`;
const nullableText = (column: string) => `coalesce(${text(column)}, 'null')`;
const list = (column: string) => `to_json(e.${column})::text`;
const nullableUuid = (column: string) => `coalesce('"' || e.${column}::text || '"', 'null')`;
const isoMilliseconds =
  `case when e.occurred_at >= '0001-01-01T00:00:00Z' and e.occurred_at < '10000-01-01T00:00:00Z' ` +
  `then to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end`;

/** The keys in canonicalAuditJson's order (UTF-16 order), each with its value as SQL text. */
const MEMBERS: readonly (readonly [key: string, value: string])[] = [
  ['action', text('action')],
  ['actorId', nullableUuid('actor_id')],
  ['actorKind', text('actor_kind')],
  ['categories', list('categories')],
  ['clientIp', nullableText('client_ip')],
  ['eventId', `'"' || e.event_id::text || '"'`],
  ['fields', list('fields')],
  ['occurredAt', `'"' || ${isoMilliseconds} || '"'`],
  ['onBehalfOf', nullableText('on_behalf_of')],
  ['purpose', nullableText('purpose')],
  ['requestId', nullableText('request_id')],
  ['role', nullableText('role')],
  ['sequence', 'e.sequence::text'],
  ['subjectId', nullableUuid('subject_id')],
  ['traceId', nullableText('trace_id')],
  ['userAgent', nullableText('user_agent')],
  ['v', "'1'"],
];

/** SQL text expression: the canonical JSON of the `audit_event` row `e`, or NULL where it cannot be built. */
export const CANONICAL_AUDIT_JSON_SQL = `'{' || ${MEMBERS.map(
  ([key, value], i) => `'${i === 0 ? '' : ','}"${key}":' || ${value}`,
).join(' || ')} || '}'`;
