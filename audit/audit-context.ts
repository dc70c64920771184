/**
 * Who is acting and why, as the audit log records it; built once per request (or per command-line run,
 * report or job) and stamped on every event made in it. `readCollector` gathers, during one GraphQL
 * request, which personal fields of which data subject were released, so that one event per subject is
 * recorded for the whole request.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditActorKind, AuditEventInput } from './audit-event';

export interface AuditContext {
  actorId: string | null;
  actorKind: AuditActorKind;
  role: string | null;
  /** For a third party: the order or contract it acts under. */
  onBehalfOf: string | null;
  purpose: string | null;
  requestId: string | null;
  traceId: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

export interface EventSpec {
  action: AuditAction;
  subjectId: string | null;
  categories: Iterable<string>;
  fields: Iterable<string>;
}

export function auditEvent(
  context: AuditContext,
  spec: EventSpec,
  occurredAt: Date = new Date(),
): AuditEventInput {
  return {
    eventId: randomUUID(),
    occurredAt,
    ...context,
    subjectId: spec.subjectId,
    categories: [...new Set(spec.categories)].sort(),
    fields: [...new Set(spec.fields)].sort(),
    action: spec.action,
  };
}

/** Collects released personal fields per data subject during one request. */
export class ReadCollector {
  private readonly bySubject = new Map<string, { categories: Set<string>; fields: Set<string> }>();

  add(subjectId: string, field: string, category: string): void {
    let entry = this.bySubject.get(subjectId);
    if (entry === undefined) {
      entry = { categories: new Set(), fields: new Set() };
      this.bySubject.set(subjectId, entry);
    }
    entry.categories.add(category);
    entry.fields.add(field);
  }

  get isEmpty(): boolean {
    return this.bySubject.size === 0;
  }

  /** One `read` event per data subject, all stamped with the same context and time. */
  events(context: AuditContext, action: AuditAction = 'read'): AuditEventInput[] {
    const at = new Date();
    return [...this.bySubject].map(([subjectId, entry]) =>
      auditEvent(context, { action, subjectId, categories: entry.categories, fields: entry.fields }, at),
    );
  }
}

/** Context for work outside a request (command line, jobs, seeding): no request, client or trace. */
export function offlineContext(
  actor: { id: string; kind: AuditActorKind; role: string } | null,
  purpose: string,
  onBehalfOf: string | null = null,
): AuditContext {
  return {
    actorId: actor?.id ?? null,
    actorKind: actor?.kind ?? 'system',
    role: actor?.role ?? null,
    onBehalfOf,
    purpose,
    requestId: null,
    traceId: null,
    clientIp: null,
    userAgent: null,
  };
}
