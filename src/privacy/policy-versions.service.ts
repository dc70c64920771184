/**
 * Versions of the privacy policy and which one governed a customer at a given date. The policy itself
 * says how changes take effect: a change applies to existing agreements 30 days after it is announced on
 * the website or by electronic message; a change of minor importance may take effect at any time.
 *
 * The rule implemented:
 * - a minor version takes effect when it is announced and then applies to everyone;
 * - a major version takes effect 30 days (30 × 24 hours) after its announcement, and applies to a
 *   customer only once that customer has been notified of it (on or before the date asked about), or
 *   when the customer's agreement began on or after its announcement: they agreed while it was on the
 *   website, so there is no earlier agreement to give notice of a change to. Until then the newest
 *   other version that applies to them still governs them.
 * Of the versions that apply to a customer, the one announced last governs: versions are successive
 * texts of one policy, whatever order they took effect in.
 * A late notification does not restart the 30 days: the announcement on the website started them.
 */
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import { CustomerEntity, CustomerStatus } from '../db/entities/customer.entity';
import {
  PolicyChangeKind,
  PolicyNotificationEntity,
  PolicyVersionEntity,
} from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { normalizeText } from '../validation/text';
import { isUuid } from '../validation/uuid';
import { requireLongText } from '../validation/text';
import { happenedAt } from './gdpr-dates';
import { requireDate } from '../validation/date';
import { requireOneOf, requireUuid } from './third-parties.service';

/** The policy's notice period for a change that is not of minor importance. */
export const MAJOR_CHANGE_NOTICE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export const VERSION_MAX = 50;
export const POLICY_SUMMARY_MAX = 5_000;
export const CHANNEL_MAX = 50;
/** Customers who still have (or recently had) an agreement the policy governs. */
export const NOTIFIED_BY_DEFAULT: readonly CustomerStatus[] = [CustomerStatus.Active, CustomerStatus.Ended];

export interface PublishPolicyInput {
  version: string;
  kind: PolicyChangeKind;
  /** When it was announced on the website or by message; defaults to now. */
  announcedAt?: Date | null;
  summary: string;
}

export interface NotifyPolicyInput {
  /** Default: every customer whose status is active or ended. */
  customerIds?: string[] | null;
  /** How they were told (email, customer panel, ...). */
  channel: string;
  notifiedAt?: Date | null;
}

export interface PolicyVersionView {
  id: string;
  version: string;
  kind: PolicyChangeKind;
  announcedAt: Date;
  effectiveAt: Date;
  summary: string;
  createdAt: Date;
}

export interface PolicyNotifyResult {
  versionId: string;
  /** Customers told now. */
  notified: number;
  /** Customers asked about who had already been told; their first notification stands. */
  alreadyNotified: number;
}

/** When a version announced at `announcedAt` takes effect. */
export function policyEffectiveAt(kind: PolicyChangeKind, announcedAt: Date): Date {
  return kind === PolicyChangeKind.Major
    ? new Date(announcedAt.getTime() + MAJOR_CHANGE_NOTICE_DAYS * DAY_MS)
    : new Date(announcedAt.getTime());
}

export class PolicyVersionService {
  constructor(private readonly audit: AuditLog) {}

  async publish(
    em: EntityManager,
    input: PublishPolicyInput,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<PolicyVersionView> {
    const version = normalizeText(input.version, 'version', { maxLength: VERSION_MAX });
    const kind = requireOneOf(input.kind, PolicyChangeKind, 'kind');
    // A version is recorded once it is announced (on the website or by message), not ahead of time:
    // its 30 days run from the announcement, and customers are told of it only after. One announced
    // before the platform may be recorded, back to the day the GDPR applied.
    const announcedAt = happenedAt(input.announcedAt, 'announcedAt', now, {
      sinceGdpr: true,
      inFuture:
        'lies in the future; publish a version when it is announced (a major one takes effect 30 days later by itself)',
    });
    const summary = requireLongText(input.summary, 'summary', POLICY_SUMMARY_MAX);
    return em.transactional(async (tx) => {
      if ((await tx.count(PolicyVersionEntity, { version })) > 0) {
        throw new ConflictError(`Policy version "${version}" has already been published.`);
      }
      const entity = tx.create(PolicyVersionEntity, {
        id: randomUUID(),
        version,
        kind,
        announcedAt,
        effectiveAt: policyEffectiveAt(kind, announcedAt),
        summary,
        createdAt: now,
      });
      tx.persist(entity);
      try {
        await tx.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) {
          throw new ConflictError(
            `Policy version "${version}" has already been published.`,
            {},
            { cause: error },
          );
        }
        throw error;
      }
      // Not about anyone's personal data, but who changed the terms everyone is held to is worth a record.
      await this.audit.recordInTransaction(sqlRunner(tx), [
        auditEvent(context, { action: 'create', subjectId: null, categories: [], fields: ['policyVersion'] }),
      ]);
      return policyVersionView(entity);
    });
  }

  /**
   * Records that customers were told of a version. Telling someone twice changes nothing: the first
   * notification is the one the notice period and `versionAt` rely on.
   */
  async notify(
    em: EntityManager,
    versionId: string,
    input: NotifyPolicyInput,
    now: Date = new Date(),
  ): Promise<PolicyNotifyResult> {
    const channel = normalizeText(input.channel, 'channel', { maxLength: CHANNEL_MAX });
    const notifiedAt = input.notifiedAt == null ? now : requireDate(input.notifiedAt, 'notifiedAt');
    // The API takes no notifiedAt (customers are told now): a refusal then names the version asked for.
    const whenField = input.notifiedAt == null ? 'versionId' : 'notifiedAt';
    let customerIds: string[] | null = null;
    if (input.customerIds != null) {
      if (!Array.isArray(input.customerIds) || input.customerIds.length === 0) {
        throw new ValidationError('customerIds', 'must name at least one customer (or be left out for all)');
      }
      customerIds = [...new Set(input.customerIds.map((id) => requireUuid(id, 'customerIds')))];
    }
    return em.transactional(async (tx) => {
      const run = sqlRunner(tx);
      const version = await loadVersion(tx, versionId);
      if (notifiedAt.getTime() < version.announcedAt.getTime()) {
        throw new ValidationError(
          whenField,
          whenField === 'versionId'
            ? `names version ${version.version}, announced at ${version.announcedAt.toISOString()}, which is still ahead; customers are told of a version once it is announced`
            : `lies before the version was announced (${version.announcedAt.toISOString()})`,
        );
      }
      let targets: string;
      let params: unknown[];
      if (customerIds === null) {
        targets = 'select id from customer where status = any(?::text[])';
        params = [[...NOTIFIED_BY_DEFAULT]];
      } else {
        const found = new Set(
          (
            await run.query<{ id: string }>('select id from customer where id = any(?::uuid[])', [
              customerIds,
            ])
          ).map((r) => r.id),
        );
        const missing = customerIds.find((id) => !found.has(id));
        if (missing !== undefined) throw new NotFoundError('customer', missing);
        targets = 'select id from customer where id = any(?::uuid[])';
        params = [customerIds];
      }
      // One statement, so the count and the insert see the same customers.
      const [result] = await run.query<{ total: number; notified: number }>(
        `with targets as (${targets}),
         inserted as (
           insert into policy_notification (policy_version_id, customer_id, notified_at, channel)
           select ?, id, ?::timestamptz, ? from targets
           on conflict (policy_version_id, customer_id) do nothing
           returning customer_id
         )
         select (select count(*) from targets)::int as total, (select count(*) from inserted)::int as notified`,
        [...params, version.id, notifiedAt, channel],
      );
      const total = result?.total ?? 0;
      const notified = result?.notified ?? 0;
      return { versionId: version.id, notified, alreadyNotified: total - notified };
    });
  }

  /** Every version, the newest in effect first. */
  async list(em: EntityManager): Promise<PolicyVersionView[]> {
    const rows = await em.find(
      PolicyVersionEntity,
      {},
      { orderBy: [{ effectiveAt: 'desc' }, { announcedAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] },
    );
    return rows.map(policyVersionView);
  }

  /** The version that governed this customer at `at` (see the rule above); null when none did yet. */
  async versionAt(em: EntityManager, customerId: string, at: Date): Promise<PolicyVersionView | null> {
    const when = requireDate(at, 'at');
    const customer = isUuid(customerId) ? await em.findOne(CustomerEntity, { id: customerId }) : null;
    if (customer === null) throw new NotFoundError('customer', customerId);
    // Newest text first: versions follow one another in the order they were announced. A minor change
    // announced during a major one's 30 days takes effect before it but is the newer text, so once both
    // govern the customer the minor one does (ordering by effective date gave the older major).
    const candidates = await em.find(
      PolicyVersionEntity,
      { effectiveAt: { $lte: when } },
      { orderBy: [{ announcedAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] },
    );
    const majors = candidates.filter((v) => v.kind === PolicyChangeKind.Major).map((v) => v.id);
    const told =
      majors.length === 0
        ? []
        : await em.find(PolicyNotificationEntity, {
            customer: customerId,
            policyVersion: { $in: majors },
            notifiedAt: { $lte: when },
          });
    const notified = new Set(told.map((n) => n.policyVersion.id));
    const joinedAfter = (v: PolicyVersionEntity) => customer.subscriptionStart >= v.announcedAt;
    const governing = candidates.find(
      (v) => v.kind === PolicyChangeKind.Minor || notified.has(v.id) || joinedAfter(v),
    );
    return governing === undefined ? null : policyVersionView(governing);
  }
}

async function loadVersion(em: EntityManager, id: string): Promise<PolicyVersionEntity> {
  const entity = isUuid(id) ? await em.findOne(PolicyVersionEntity, { id }) : null;
  if (entity === null) throw new NotFoundError('policy version', id);
  return entity;
}

function policyVersionView(entity: PolicyVersionEntity): PolicyVersionView {
  return {
    id: entity.id,
    version: entity.version,
    kind: entity.kind,
    announcedAt: entity.announcedAt,
    effectiveAt: entity.effectiveAt,
    summary: entity.summary,
    createdAt: entity.createdAt,
  };
}
