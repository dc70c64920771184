/**
 * A data subject's audit events as a file: CSV for people and spreadsheets, JSON (with each event's
 * canonical record, so every line can be checked against an inclusion proof) for machines. Exporting
 * is itself an audited `export` of the subject's access log.
 */
import { canonicalAuditRecord, type AuditEvent } from './audit-event';
import type { AuditLog } from './audit-log';
import { auditEvent, type AuditContext } from './audit-context';
import { findAuditEvents } from './audit-queries';
import type { SqlRunner } from './sql-runner';
import { csvFile } from '../src/export/csv';

export type ExportFormat = 'csv' | 'json';

const COLUMNS = [
  'sequence',
  'eventId',
  'occurredAt',
  'actorId',
  'actorKind',
  'role',
  'onBehalfOf',
  'subjectId',
  'categories',
  'fields',
  'action',
  'purpose',
  'requestId',
  'traceId',
  'clientIp',
  'userAgent',
] as const;

/** Every sealed event about the subject, oldest first. */
export async function subjectEvents(db: SqlRunner, subjectId: string): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  let after: { occurredAt: Date; sequence: number } | null = null;
  for (;;) {
    const page = await findAuditEvents(db, { subjectId }, 1000, after);
    all.push(...page);
    const last = page[page.length - 1];
    if (last === undefined || page.length < 1000) break;
    after = { occurredAt: last.occurredAt, sequence: last.sequence };
  }
  return all.reverse();
}

export function formatEvents(events: readonly AuditEvent[], format: ExportFormat): string {
  if (format === 'json') {
    return `${JSON.stringify({ events: events.map((e) => canonicalAuditRecord(e)) }, null, 2)}\n`;
  }
  return csvFile(
    COLUMNS,
    events.map((e) => COLUMNS.map((c) => formatCell(e[c]))),
  );
}

/**
 * Records the export of the subject's events (as `subjectEvents` read them), then returns the file
 * content (nothing leaves unrecorded).
 */
export async function exportSubjectEvents(
  audit: AuditLog,
  context: AuditContext,
  subjectId: string,
  events: readonly AuditEvent[],
  format: ExportFormat,
): Promise<{ content: string; count: number }> {
  await audit.record([
    auditEvent(context, { action: 'export', subjectId, categories: ['access_log'], fields: ['auditEvents'] }),
  ]);
  return { content: formatEvents(events, format), count: events.length };
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.join(';');
  return String(value);
}
