/**
 * Writing events into `audit_inbox`, where they wait for the sealer. One statement per batch, whatever
 * its size: the rows travel as one JSON parameter and PostgreSQL unpacks them (json_to_recordset, not
 * jsonb_to_recordset: the text is read once, so converting it to jsonb first only costs, 3-10% of an
 * 8-event append statement).
 */
import { eventColumns, type AuditEventInput } from './audit-event';
import type { SqlRunner } from './sql-runner';

export async function insertIntoInbox(db: SqlRunner, events: readonly AuditEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(eventColumns);
  await db.query(
    `insert into audit_inbox (event_id, occurred_at, actor_id, actor_kind, role, on_behalf_of, subject_id,
       categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent)
     select event_id, occurred_at, actor_id, actor_kind, role, on_behalf_of, subject_id,
       categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent
     from json_to_recordset(?::json) as x(event_id uuid, occurred_at timestamptz, actor_id uuid, actor_kind text,
       role text, on_behalf_of text, subject_id uuid, categories text[], fields text[], action text, purpose text,
       request_id text, trace_id text, client_ip text, user_agent text)`,
    [JSON.stringify(rows)],
  );
}
