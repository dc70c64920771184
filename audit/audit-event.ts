/**
 * What one audit event holds (the NEN 7513 access-log bar: who, in which role, on whose behalf, whose
 * data, which data, what action, when, why), and its canonical form, the bytes that become a leaf of
 * the Merkle tree. Never the personal values themselves: only which fields and categories.
 */
import { leafHashUtf8 } from './merkle';

export const AuditAction = {
  Read: 'read',
  Export: 'export',
  Create: 'create',
  Update: 'update',
  Erase: 'erase',
  Disclose: 'disclose',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

export const AuditActorKind = {
  Employee: 'employee',
  ThirdParty: 'third_party',
  Service: 'service',
  Customer: 'customer',
  System: 'system',
} as const;
export type AuditActorKind = (typeof AuditActorKind)[keyof typeof AuditActorKind];

/** An event as recorded, before the sealer gives it its place in the log. */
export interface AuditEventInput {
  eventId: string;
  occurredAt: Date;
  actorId: string | null;
  actorKind: AuditActorKind;
  role: string | null;
  onBehalfOf: string | null;
  subjectId: string | null;
  categories: string[];
  fields: string[];
  action: AuditAction;
  purpose: string | null;
  requestId: string | null;
  traceId: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

/** An event with its place in the log. */
export interface AuditEvent extends AuditEventInput {
  sequence: number;
}

/**
 * The record whose canonical bytes are hashed. Every field is included (so no field can be changed
 * unnoticed), the time as ISO-8601, categories and fields sorted (their order carries no meaning).
 * Anyone holding an exported event can rebuild this object and its leaf hash.
 */
export function canonicalAuditRecord(event: AuditEvent): Record<string, unknown> {
  return {
    v: 1,
    sequence: event.sequence,
    eventId: event.eventId,
    occurredAt: event.occurredAt.toISOString(),
    actorId: event.actorId,
    actorKind: event.actorKind,
    role: event.role,
    onBehalfOf: event.onBehalfOf,
    subjectId: event.subjectId,
    categories: [...event.categories].sort(),
    fields: [...event.fields].sort(),
    action: event.action,
    purpose: event.purpose,
    requestId: event.requestId,
    traceId: event.traceId,
    clientIp: event.clientIp,
    userAgent: event.userAgent,
  };
}

/**
 * canonicalEventJson(canonicalAuditRecord(event)), written out for this one fixed shape: sealing and
 * verification hash every event, and the general serialiser's key sorting and checks cost three times
 * as much. Keys are in the canonical (UTF-16) order; a test holds the two to the same bytes.
 */
export function canonicalAuditJson(event: AuditEvent): string {
  const s = JSON.stringify;
  const text = (v: string | null) => (v === null ? 'null' : s(v));
  const list = (v: readonly string[]) =>
    `[${[...v]
      .sort()
      .map((x) => s(x))
      .join(',')}]`;
  return (
    `{"action":${s(event.action)},"actorId":${text(event.actorId)},"actorKind":${s(event.actorKind)},"categories":${list(event.categories)},` +
    `"clientIp":${text(event.clientIp)},"eventId":${s(event.eventId)},"fields":${list(event.fields)},` +
    `"occurredAt":${s(event.occurredAt.toISOString())},"onBehalfOf":${text(event.onBehalfOf)},` +
    `"purpose":${text(event.purpose)},"requestId":${text(event.requestId)},"role":${text(event.role)},` +
    `"sequence":${s(event.sequence)},"subjectId":${text(event.subjectId)},"traceId":${text(event.traceId)},` +
    `"userAgent":${text(event.userAgent)},"v":1}`
  );
}

/** leafHash(canonical bytes), hashed from the text directly: verification speed depends on this. */
export function auditLeafHash(event: AuditEvent): Buffer {
  return leafHashUtf8(canonicalAuditJson(event));
}

/** The event columns as PostgreSQL returns them (inbox and sealed events share these). */
export interface AuditEventRow {
  event_id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_kind: string;
  role: string | null;
  on_behalf_of: string | null;
  subject_id: string | null;
  categories: string[];
  fields: string[];
  action: string;
  purpose: string | null;
  request_id: string | null;
  trace_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
}

/** The event's columns as they are written (the time as ISO-8601 text, for a JSON parameter). */
export type AuditEventColumns = Omit<AuditEventRow, 'occurred_at'> & { occurred_at: string };

export function eventColumns(e: AuditEventInput): AuditEventColumns {
  return {
    event_id: e.eventId,
    occurred_at: e.occurredAt.toISOString(),
    actor_id: e.actorId,
    actor_kind: e.actorKind,
    role: e.role,
    on_behalf_of: e.onBehalfOf,
    subject_id: e.subjectId,
    categories: e.categories,
    fields: e.fields,
    action: e.action,
    purpose: e.purpose,
    request_id: e.requestId,
    trace_id: e.traceId,
    client_ip: e.clientIp,
    user_agent: e.userAgent,
  };
}

export function eventFromRow(row: AuditEventRow, sequence: number): AuditEvent {
  return {
    sequence,
    eventId: row.event_id,
    occurredAt: new Date(row.occurred_at),
    actorId: row.actor_id,
    actorKind: row.actor_kind as AuditActorKind,
    role: row.role,
    onBehalfOf: row.on_behalf_of,
    subjectId: row.subject_id,
    categories: row.categories,
    fields: row.fields,
    action: row.action as AuditAction,
    purpose: row.purpose,
    requestId: row.request_id,
    traceId: row.trace_id,
    clientIp: row.client_ip,
    userAgent: row.user_agent,
  };
}
