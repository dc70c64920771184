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
import { complaintResolutionAad, complaintSummaryAad } from './complaints.service';
import { privacyRequestTextAad } from './privacy-requests.service';

/** What a purged text says instead. */
export const PURGED_TEXT = 'Deleted at the end of the retention period.';

/**
 * Replaces the content of the customer's requests and complaints; returns the fields it erased. The
 * replacement is encrypted like the text it replaces, so every stored text reads the same way.
 */
export async function purgeCorrespondence(
  tx: EntityManager,
  customerId: string,
  cipher: FieldCipher,
): Promise<string[]> {
  const db = sqlRunner(tx);
  const erased = new Set<string>();
  const purged = (held: string | null, aad: string) =>
    held === null ? null : cipher.encrypt(PURGED_TEXT, aad);

  const requests = await db.query<{
    id: string;
    outcome_enc: string | null;
    extension_reason_enc: string | null;
  }>('select id, outcome_enc, extension_reason_enc from privacy_request where customer_id = ? order by id', [
    customerId,
  ]);
  for (const request of requests) {
    await db.query('update privacy_request set outcome_enc = ?, extension_reason_enc = ? where id = ?', [
      purged(request.outcome_enc, privacyRequestTextAad(request.id, 'outcome')),
      purged(request.extension_reason_enc, privacyRequestTextAad(request.id, 'extensionReason')),
      request.id,
    ]);
    if (request.outcome_enc !== null) erased.add('privacyRequest.outcome');
    if (request.extension_reason_enc !== null) erased.add('privacyRequest.extensionReason');
  }

  const complaints = await db.query<{ id: string; resolution_enc: string | null }>(
    'select id, resolution_enc from complaint where customer_id = ? order by id',
    [customerId],
  );
  for (const complaint of complaints) {
    await db.query('update complaint set summary_enc = ?, resolution_enc = ? where id = ?', [
      cipher.encrypt(PURGED_TEXT, complaintSummaryAad(complaint.id)),
      purged(complaint.resolution_enc, complaintResolutionAad(complaint.id)),
      complaint.id,
    ]);
    erased.add('complaint.summary');
    if (complaint.resolution_enc !== null) erased.add('complaint.resolution');
  }
  const order = [
    'privacyRequest.outcome',
    'privacyRequest.extensionReason',
    'complaint.summary',
    'complaint.resolution',
  ];
  return order.filter((field) => erased.has(field));
}
