/**
 * What the purge does to a customer's correspondence: their privacy requests and complaints. The
 * processing register gives correspondence the fiscal retention period, so when the customer is purged
 * its content goes: a complaint's summary and resolution, a request's outcome and the reason given for
 * extending it, free text that may say anything about the person. The records themselves stay, with
 * their kind, dates and status, attached to a customer of whom nothing identifying is left: the proof
 * that each request was answered in time (GDPR art. 5(2)) outlives the person's data, as the audit log
 * does. The application may not delete these records (the migrations grant it no DELETE on them).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCipher } from '../crypto/field-cipher';
import { sqlRunner } from '../db/sql-runner';
import { complaintSummaryAad } from './complaints.service';

/** What a purged text says instead. */
export const PURGED_TEXT = 'Deleted at the end of the retention period.';

/** Replaces the content of the customer's requests and complaints; returns the fields it erased. */
export async function purgeCorrespondence(
  tx: EntityManager,
  customerId: string,
  cipher: FieldCipher,
): Promise<string[]> {
  const db = sqlRunner(tx);
  const erased: string[] = [];
  const [held] = await db.query<{ outcome: boolean | null; reason: boolean | null }>(
    `select bool_or(outcome is not null) as outcome, bool_or(extension_reason is not null) as reason
     from privacy_request where customer_id = ?`,
    [customerId],
  );
  await db.query(
    `update privacy_request set
       outcome = case when outcome is null then null else ? end,
       extension_reason = case when extension_reason is null then null else ? end
     where customer_id = ?`,
    [PURGED_TEXT, PURGED_TEXT, customerId],
  );
  if (held?.outcome === true) erased.push('privacyRequest.outcome');
  if (held?.reason === true) erased.push('privacyRequest.extensionReason');

  const complaints = await db.query<{ id: string; resolution: string | null }>(
    'select id, resolution from complaint where customer_id = ? order by id',
    [customerId],
  );
  for (const complaint of complaints) {
    await db.query('update complaint set summary_enc = ?, resolution = ? where id = ?', [
      cipher.encrypt(PURGED_TEXT, complaintSummaryAad(complaint.id)),
      complaint.resolution === null ? null : PURGED_TEXT,
      complaint.id,
    ]);
  }
  if (complaints.length > 0) erased.push('complaint.summary');
  if (complaints.some((c) => c.resolution !== null)) erased.push('complaint.resolution');
  return erased;
}
