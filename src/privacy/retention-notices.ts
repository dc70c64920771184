/**
 * GDPR art. 19 for the retention job. Each step the job carries out (retention.ts: bank details
 * dropped, a customer archived, a customer purged) erases personal data because it is no longer
 * needed (art. 17(1)(a)), and every recipient of that data must be told of it, as of an erasure the
 * person asked for (privacy-requests.service.ts, notifyRecipients). This module holds the rule for
 * which recipients a step owes a notice, lists the steps whose notices are still owed, and records the
 * notices the privacy officer sends. The platform sends nothing itself; it records that a notice went.
 *
 * The rule: a step owes a notice to each third party that
 * - received some of the customer's data before the step was done (the disclosure register, as for a
 *   request; a disclosure made after the step could not carry what the step had erased),
 * - among it a category the step erased (ERASED_BY_STEP), and
 * - has not been told of this step yet.
 * A disclosure that has ended still counts: the recipient may hold what it received.
 */
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import {
  RecipientNotificationEntity,
  RetentionActionEntity,
  RetentionActionKind,
  ThirdPartyEntity,
} from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { decodeTimeIdCursor, pageSize, toPage, type Page } from '../pagination/page';
import { ALL_DATA_CATEGORIES, DataCategory } from '../personal-data/data-categories';
import { requireLongText } from '../validation/text';
import { isUuid } from '../validation/uuid';
import { BANK_DETAILS_FIELDS, erasableFields, erasedForAudit } from './erasure';
import { NOTIFICATION_TEXT_MAX } from './privacy-requests.service';

/**
 * The data categories each retention step erases, worked out from what the step removes: the bank
 * details when the direct debit ends; at archiving what erasure.ts removes at depth 'archive' (what
 * administrative obligations do not need: contact details, bank details, ID card, licence plate,
 * login, IP addresses, the mailing-consent history); at the purge everything, since it removes the
 * last values that identify the person and what it leaves (order amounts, subscription dates) no
 * longer names anyone.
 */
export const ERASED_BY_STEP: Readonly<Record<RetentionActionKind, readonly DataCategory[]>> = {
  [RetentionActionKind.DropBankDetails]: categoriesOf(BANK_DETAILS_FIELDS),
  [RetentionActionKind.Archive]: categoriesOf(erasableFields('archive')),
  [RetentionActionKind.Purge]: [...ALL_DATA_CATEGORIES].sort(),
};

/** A recipient a retention step owes a notice, with the erased categories it had received. */
export interface OwedRecipient {
  thirdPartyId: string;
  /** The third party's name. */
  thirdParty: string;
  categories: DataCategory[];
}

/** A step of the retention job whose recipients are not all told yet. */
export interface RetentionNoticesOwed {
  retentionActionId: string;
  customerId: string;
  action: RetentionActionKind;
  dueAt: Date;
  doneAt: Date;
  recipients: OwedRecipient[];
}

/** One recipient told of a retention step's deletion. */
export interface RetentionNotice {
  id: string;
  retentionActionId: string;
  thirdPartyId: string;
  /** The third party's name. */
  thirdParty: string;
  /** The erased categories it had received: what the notice was about. */
  categories: DataCategory[];
  notifiedAt: Date;
  what: string;
}

export class RetentionNoticeService {
  constructor(private readonly audit: AuditLog) {}

  /** The steps that still owe some recipient a notice, longest owed first. */
  async owed(
    em: EntityManager,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<RetentionNoticesOwed>> {
    const size = pageSize(first);
    const cursor = decodeTimeIdCursor(after);
    if (cursor !== null && !isUuid(cursor.id)) {
      throw new ValidationError(
        'after',
        'is not a cursor returned by this list; pass an endCursor from a previous page',
      );
    }
    const rows = await sqlRunner(em).query<{
      id: string;
      customer_id: string;
      action: RetentionActionKind;
      due_at: Date;
      done_at: Date;
      done_key: string;
      recipients: { thirdPartyId: string; thirdParty: string; categories: DataCategory[] }[];
    }>(
      `${owedSql(cursor === null ? 'true' : '(ra.done_at, ra.id) > (?::timestamptz, ?::uuid)')}
       select o.retention_action_id as id, o.customer_id, o.action, o.due_at, o.done_at,
              to_char(o.done_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as done_key,
              json_agg(json_build_object('thirdPartyId', tp.id, 'thirdParty', tp.name, 'categories', o.categories)
                       order by tp.name, tp.id) as recipients
       from owed o join third_party tp on tp.id = o.third_party_id
       group by o.retention_action_id, o.customer_id, o.action, o.due_at, o.done_at
       order by o.done_at, o.retention_action_id
       limit ${size + 1}`,
      cursor === null ? [] : [cursor.t, cursor.id],
    );
    // The cursor keeps PostgreSQL's microseconds: a Date would cut them, and a row could show twice.
    const keys = new Map(rows.map((r) => [r.id, r.done_key]));
    return toPage(
      rows.map((r) => ({
        retentionActionId: r.id,
        customerId: r.customer_id,
        action: r.action,
        dueAt: new Date(r.due_at),
        doneAt: new Date(r.done_at),
        recipients: r.recipients,
      })),
      size,
      (r) => ({ t: keys.get(r.retentionActionId), id: r.retentionActionId }),
      cursor !== null,
    );
  }

  /**
   * Records that every recipient the step owes a notice was told (`what`: what they were told), one
   * row per recipient, all or none, with its audit event.
   */
  async notify(
    em: EntityManager,
    retentionActionId: string,
    what: string,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<RetentionNotice[]> {
    const text = requireLongText(what, 'what', NOTIFICATION_TEXT_MAX);
    return em.transactional(async (tx) => {
      const action = isUuid(retentionActionId)
        ? await tx.findOne(RetentionActionEntity, { id: retentionActionId })
        : null;
      if (action === null) throw new NotFoundError('retention action', retentionActionId);
      const owed = await sqlRunner(tx).query<{
        third_party_id: string;
        name: string;
        categories: DataCategory[];
      }>(
        `${owedSql('ra.id = ?')}
         select o.third_party_id, tp.name, o.categories
         from owed o join third_party tp on tp.id = o.third_party_id order by tp.name, tp.id`,
        [action.id],
      );
      if (owed.length === 0) throw await nothingOwed(tx, action);
      const rows = owed.map((o) =>
        tx.create(RecipientNotificationEntity, {
          id: randomUUID(),
          retentionAction: action,
          thirdParty: tx.getReference(ThirdPartyEntity, o.third_party_id),
          notifiedAt: now,
          what: text,
        }),
      );
      tx.persist(rows);
      try {
        await tx.flush();
      } catch (error) {
        // Another request recorded a notice of this step for one of these recipients since the look-up.
        if (error instanceof UniqueConstraintViolationException) {
          throw new ConflictError(
            `Retention action ${action.id}: some of its recipients were recorded as told meanwhile; look again at what is owed.`,
            { retentionActionId: action.id },
            { cause: error },
          );
        }
        throw error;
      }
      await this.audit.recordInTransaction(sqlRunner(tx), [
        auditEvent(context, {
          action: 'update',
          subjectId: action.customer.id,
          categories: owed.flatMap((o) => o.categories),
          fields: ['recipientNotification'],
        }),
      ]);
      return rows.map((row, i) => ({
        id: row.id,
        retentionActionId: action.id,
        thirdPartyId: row.thirdParty.id,
        thirdParty: owed[i]?.name ?? '',
        categories: owed[i]?.categories ?? [],
        notifiedAt: row.notifiedAt,
        what: row.what,
      }));
    });
  }
}

/** Per step, how many notices (one per recipient of one customer's data) are owed. */
export async function countNoticesOwed(em: EntityManager): Promise<Map<RetentionActionKind, number>> {
  const rows = await sqlRunner(em).query<{ action: RetentionActionKind; n: string }>(
    `${owedSql('true')} select action, count(*) as n from owed group by action`,
  );
  return new Map(rows.map((r) => [r.action, Number(r.n)]));
}

/** Why a step owes no notice: its recipients were all told, or none received what it erased. */
async function nothingOwed(tx: EntityManager, action: RetentionActionEntity): Promise<ConflictError> {
  const told = await tx.count(RecipientNotificationEntity, { retentionAction: action });
  const about = `Retention action ${action.id} (${action.action})`;
  return new ConflictError(
    told > 0
      ? `${about} owes no notice: its ${told} recipient(s) were told already.`
      : `${about} owes no notice: no third party received any of what it erased (${ERASED_BY_STEP[action.action].join(', ')}) before it was done.`,
    { retentionActionId: action.id, action: action.action },
  );
}

/**
 * The rule as SQL: a `with` clause defining `owed`, one row per step and recipient still owed a
 * notice, with the erased categories the recipient had received. `where` narrows the steps (over
 * `retention_action ra`).
 */
function owedSql(where: string): string {
  return `with erased (action, categories) as (values ${erasedValuesSql()}),
    owed as (
      select ra.id as retention_action_id, ra.customer_id, ra.action, ra.due_at, ra.done_at, d.third_party_id,
             array_agg(distinct c.category order by c.category) as categories
      from retention_action ra
      join erased e on e.action = ra.action
      join disclosure d on d.customer_id = ra.customer_id and d.disclosed_at <= ra.done_at
      cross join lateral unnest(d.categories) as c (category)
      where ${where}
        and c.category = any (e.categories)
        and not exists (select 1 from recipient_notification n
                        where n.retention_action_id = ra.id and n.third_party_id = d.third_party_id)
      group by ra.id, d.third_party_id
    )`;
}

/**
 * ERASED_BY_STEP as SQL `values` rows. Written into the text rather than bound: the query builder
 * would spread an array parameter into a list. The names are this code's own constants, checked
 * anyway so that nothing else can ever reach the SQL this way.
 */
function erasedValuesSql(): string {
  const literal = (name: string) => {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`Not a category or action name: ${name}`);
    return `'${name}'`;
  };
  return Object.entries(ERASED_BY_STEP)
    .map(
      ([action, categories]) => `(${literal(action)}, array[${categories.map(literal).join(', ')}]::text[])`,
    )
    .join(', ');
}

function categoriesOf(fields: readonly string[]): DataCategory[] {
  return [...new Set(erasedForAudit(fields).categories as DataCategory[])].sort();
}
