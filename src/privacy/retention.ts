/**
 * Retention, as the policy and the law set it: bank details go when the direct debit ends (the
 * subscription ends); a customer is archived one year after the subscription ended, and as the archive
 * is only for administrative obligations, what those do not require goes then (the fields an erasure
 * request removes, erasure.ts; what is left is readable only for administrative obligations, see
 * row-access.ts); everything is purged when the fiscal retention period is over (seven years; ten for
 * One Stop Shop supplies), for archived customers and for what an erasure request kept until that date
 * (erasure.ts gives the same date). A restricted customer's data (GDPR art. 18) is held: restriction
 * allows nothing but storage, and a customer who asked for it may need the data kept beyond its period
 * (art. 18(1)(c), legal claims), so each step waits until the restriction is lifted; the report counts
 * what is held. (An erasure lifts the restriction, so what an erasure kept is never held.) Each step
 * erases data that recipients may have received, and they must be told (GDPR art. 19): the report
 * counts the notices the steps owe (retention-notices.ts), which the privacy officer records once
 * sent. The job is idempotent and safe to run in several processes at once: each batch locks its
 * rows with SKIP LOCKED and every step moves a customer to a state the step no longer selects (for an
 * erased customer's purge, the purge it records in retention_action).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, offlineContext, type AuditContext } from '../../audit/audit-context';
import type { AuditEventInput } from '../../audit/audit-event';
import type { AuditLog } from '../../audit/audit-log';
import type { FieldCipher } from '../crypto/field-cipher';
import { CustomerEntity } from '../db/entities/customer.entity';
import { OrderEntity } from '../db/entities/order.entity';
import { RetentionActionKind } from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { purgeCorrespondence } from './correspondence-purge';
import { BANK_DETAILS_FIELDS, eraseCustomerData, erasedForAudit } from './erasure';
import type { RetentionSettings } from './processing-register';
import { countNoticesOwed } from './retention-notices';

export interface RetentionRun {
  bankDetailsDropped: number;
  archived: number;
  purged: number;
}

export interface RetentionDue {
  action: RetentionActionKind;
  /** Customers for whom the action is due now and not done (restricted customers not counted). */
  due: number;
  /**
   * Customers for whom the action is due but held because their processing is restricted (GDPR art.
   * 18): the job carries it out once the restriction is lifted.
   */
  held: number;
  /** Of those, due for longer than the grace period: the job is not keeping up, or failing. */
  overdue: number;
  /** Done by the job in the last 30 days, and ever. */
  doneLast30Days: number;
  doneTotal: number;
  /** Due within the next 30 days. */
  upcoming: number;
  /** Up to 50 customer ids that are overdue, oldest first, to look into. */
  overdueCustomerIds: string[];
  /** Up to 50 customer ids that are held, longest held first, to review the restriction. */
  heldCustomerIds: string[];
  /**
   * Notices the steps done owe the recipients of the erased data (GDPR art. 19), one per recipient
   * per customer, not yet recorded as sent (retention-notices.ts).
   */
  noticesOwed: number;
}

export interface RetentionReport {
  generatedAt: Date;
  graceDays: number;
  actions: RetentionDue[];
}

const BATCH = 200;
const GRACE_DAYS = 7;

export class RetentionService {
  constructor(
    private readonly audit: AuditLog,
    private readonly settings: RetentionSettings,
    private readonly cipher: FieldCipher,
  ) {}

  /** One pass over everything that is due. The context defaults to the platform itself. */
  async run(em: EntityManager, now: Date = new Date(), context?: AuditContext): Promise<RetentionRun> {
    const ctx = context ?? offlineContext(null, 'administrative-obligation');
    return {
      bankDetailsDropped: await this.inBatches(em, now, ctx, RetentionActionKind.DropBankDetails),
      archived: await this.inBatches(em, now, ctx, RetentionActionKind.Archive),
      purged: await this.inBatches(em, now, ctx, RetentionActionKind.Purge),
    };
  }

  async report(em: EntityManager, now: Date = new Date()): Promise<RetentionReport> {
    const db = sqlRunner(em);
    const at = now.toISOString();
    const actions: RetentionDue[] = [];
    const noticesOwed = await countNoticesOwed(em);
    for (const action of Object.values(RetentionActionKind)) {
      const dueAt = this.dueAtSql(action);
      const pending = `(${this.pendingSql(action)})`;
      const [row] = await db.query<Record<string, string>>(
        `select
           count(*) filter (where ${dueAt} <= ?::timestamptz and not c.restricted) as due,
           count(*) filter (where ${dueAt} <= ?::timestamptz - interval '${GRACE_DAYS} days' and not c.restricted) as overdue,
           count(*) filter (where ${dueAt} > ?::timestamptz and ${dueAt} <= ?::timestamptz + interval '30 days'
                            and not c.restricted) as upcoming,
           count(*) filter (where ${dueAt} <= ?::timestamptz and c.restricted) as held
         from customer c where ${pending}`,
        [at, at, at, at, at],
      );
      const idsWhere = async (condition: string) =>
        (
          await db.query<{ id: string }>(
            `select c.id from customer c where ${pending} and ${condition} order by ${dueAt}, c.id limit 50`,
            [at],
          )
        ).map((r) => r.id);
      const [done] = await db.query<{ last30: string; total: string }>(
        `select count(*) filter (where done_at >= ?::timestamptz - interval '30 days') as last30, count(*) as total
         from retention_action where action = ?`,
        [at, action],
      );
      actions.push({
        action,
        due: Number(row?.due ?? 0),
        held: Number(row?.held ?? 0),
        overdue: Number(row?.overdue ?? 0),
        upcoming: Number(row?.upcoming ?? 0),
        doneLast30Days: Number(done?.last30 ?? 0),
        doneTotal: Number(done?.total ?? 0),
        overdueCustomerIds: await idsWhere(
          `not c.restricted and ${dueAt} <= ?::timestamptz - interval '${GRACE_DAYS} days'`,
        ),
        heldCustomerIds: await idsWhere(`c.restricted and ${dueAt} <= ?::timestamptz`),
        noticesOwed: noticesOwed.get(action) ?? 0,
      });
    }
    return { generatedAt: now, graceDays: GRACE_DAYS, actions };
  }

  private async inBatches(
    em: EntityManager,
    now: Date,
    context: AuditContext,
    action: RetentionActionKind,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await em.fork().transactional(async (tx) => {
        const ids = await sqlRunner(tx).query<{ id: string; due_at: string }>(
          `select c.id, ${this.dueAtSql(action)} as due_at from customer c
           where ${this.pendingSql(action)} and not c.restricted and ${this.dueAtSql(action)} <= ?::timestamptz
           order by c.id limit ${BATCH} for update of c skip locked`,
          [now.toISOString()],
        );
        if (ids.length === 0) return { seen: 0, applied: 0 };
        const customers = await tx.find(
          CustomerEntity,
          { id: { $in: ids.map((r) => r.id) } },
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
        );
        const dueAt = new Map(ids.map((r) => [r.id, new Date(r.due_at)]));
        const events: AuditEventInput[] = [];
        let applied = 0;
        for (const customer of customers) {
          // The action is recorded first. A purge leaves an erased customer in the state that selects it,
          // so a second process that read it before the first committed still finds it pending: only the
          // process whose record goes in purges (else a second erase event, with nothing left to erase).
          // The other actions change what selects them and may fall due again (bank details given anew
          // after a new subscription ended), so they run whenever they are pending.
          const [claimed] = await sqlRunner(tx).query<{ id: string }>(
            `insert into retention_action (id, customer_id, action, due_at, done_at) values (?, ?, ?, ?, ?)
             on conflict (customer_id, action) do nothing returning id`,
            [
              randomUUID(),
              customer.id,
              action,
              (dueAt.get(customer.id) ?? now).toISOString(),
              now.toISOString(),
            ],
          );
          if (claimed === undefined && action === RetentionActionKind.Purge) continue;
          events.push(...(await this.apply(tx, customer, action, now, context)));
          applied++;
        }
        await tx.flush();
        await this.audit.recordInTransaction(sqlRunner(tx), events);
        return { seen: customers.length, applied };
      });
      total += done.applied;
      if (done.seen < BATCH) return total;
    }
  }

  private async apply(
    tx: EntityManager,
    customer: CustomerEntity,
    action: RetentionActionKind,
    now: Date,
    context: AuditContext,
  ): Promise<AuditEventInput[]> {
    const subjectId = customer.id;
    switch (action) {
      case RetentionActionKind.DropBankDetails: {
        customer.ibanEnc = null;
        customer.ibanBidx = null;
        customer.bankNameEnc = null;
        await tx.nativeUpdate(OrderEntity, { customer: customer.id }, { ibanEnc: null, ibanBidx: null });
        return [auditEvent(context, { action: 'erase', subjectId, ...erasedForAudit(BANK_DETAILS_FIELDS) })];
      }
      case RetentionActionKind.Archive: {
        const result = await eraseCustomerData(tx, customer, 'archive', now, this.settings);
        const events = [
          auditEvent(context, {
            action: 'update',
            subjectId,
            fields: ['status'],
            categories: ['subscription'],
          }),
        ];
        if (result.erased.length > 0) {
          events.push(auditEvent(context, { action: 'erase', subjectId, ...erasedForAudit(result.erased) }));
        }
        return events;
      }
      case RetentionActionKind.Purge: {
        const result = await eraseCustomerData(tx, customer, 'purge', now, this.settings);
        result.erased.push(...(await purgeCorrespondence(tx, customer.id, this.cipher)));
        const fields = result.erased.map((f) => f.replace(/^(customer|order)\./, ''));
        return [auditEvent(context, { action: 'erase', subjectId, fields, categories: ['all'] })];
      }
    }
  }

  /** Which customers an action still has to be done for (SQL over `customer c`). */
  private pendingSql(action: RetentionActionKind): string {
    switch (action) {
      case RetentionActionKind.DropBankDetails:
        return "c.subscription_end is not null and c.iban_enc is not null and c.status <> 'erased'";
      case RetentionActionKind.Archive:
        return "c.status = 'ended' and c.subscription_end is not null";
      case RetentionActionKind.Purge:
        // An erased customer was either purged already (and has its purge recorded) or erased on
        // request, which keeps the invoice data and One Stop Shop evidence until this same date.
        return `(c.status = 'archived' or (c.status = 'erased' and not exists (select 1 from retention_action ra
                 where ra.customer_id = c.id and ra.action = '${RetentionActionKind.Purge}')))`;
    }
  }

  /** When the action falls due for a customer (SQL over `customer c`). */
  private dueAtSql(action: RetentionActionKind): string {
    const s = this.settings;
    switch (action) {
      case RetentionActionKind.DropBankDetails:
        return 'c.subscription_end';
      case RetentionActionKind.Archive:
        return plusYearsSql('c.subscription_end', `${s.archiveAfterYears}`);
      case RetentionActionKind.Purge:
        // Ten years when any order was a One Stop Shop supply, seven otherwise.
        return plusYearsSql(
          'c.subscription_end',
          `case when exists (select 1 from customer_order o where o.customer_id = c.id
             and o.vat ->> 'treatment' = 'OSS') then ${s.ossYears} else ${s.fiscalYears} end`,
        );
    }
  }
}

/**
 * `timestamptz + interval 'n years'` counts calendar years in the session's time zone, so a date near
 * midnight or a leap day could fall due a day apart depending on the connection. Counted in UTC, it is
 * the date erasure.ts's plusYears gives the customer in the erasure answer.
 */
export function plusYearsSql(timestamp: string, years: string): string {
  return `((${timestamp} at time zone 'UTC') + make_interval(years => ${years})) at time zone 'UTC'`;
}
