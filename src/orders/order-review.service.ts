/**
 * Working through scored orders: listing them by decision, reason, period and customer, recording the
 * review outcome of a REVIEW decision, and re-scoring a period under the current rules (kept beside the
 * original, which never changes).
 */
import { checkPeriod } from '../validation/period';
import { requireLongText } from '../validation/text';
import { isUuid } from '../validation/uuid';
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import { locateCity } from '../../geo/city-locations';
import type { FieldCipher } from '../crypto/field-cipher';
import { CustomerView } from '../customers/customer-view';
import { ActorEntity } from '../db/entities/actor.entity';
import {
  Decision,
  OrderEntity,
  OrderRescoreEntity,
  ReviewOutcome,
  type StoredReason,
} from '../db/entities/order.entity';
import { sqlRunner } from '../db/sql-runner';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { decodeTimeIdCursor, pageSize, toPage, type Page } from '../pagination/page';
import { assertCustomerReadable, visibleCustomersWhere, type ReadAccess } from '../privacy/row-access';
import type { RiskRules } from '../scoring/risk-rules';
import { REASON_CODES } from '../scoring/reason-codes';
import { scoreOrderSignals } from '../scoring/score-order';
import type { VatNumberVerdict } from '../vat/vat-determination';
import { countSignals } from './order-velocity';
import { ORDER_PERSONAL_FIELDS } from '../personal-data/data-categories';
import { orderAad, OrderView } from './order-view';

export interface OrderFilter {
  decision?: Decision | null;
  reasonCode?: string | null;
  from?: Date | null;
  to?: Date | null;
  customerId?: string | null;
  unreviewed?: boolean | null;
}

export interface RescoreResult {
  orderId: string;
  originalRiskScore: number;
  originalDecision: Decision;
  originalRulesVersion: string;
  riskScore: number;
  decision: Decision;
  rulesVersion: string;
  reasons: StoredReason[];
  changed: boolean;
}

export const MAX_RESCORE = 5_000;

export class OrderReviewService {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
    private readonly rules: () => RiskRules,
  ) {}

  view(entity: OrderEntity): OrderView {
    return new OrderView(entity, this.cipher);
  }

  async get(em: EntityManager, id: string): Promise<OrderView> {
    const entity = isUuid(id) ? await em.findOne(OrderEntity, { id }, { populate: ['customer'] }) : null;
    if (entity === null) throw new NotFoundError('order', id);
    return this.view(entity);
  }

  async list(
    em: EntityManager,
    filter: OrderFilter,
    first?: number | null,
    after?: string | null,
    access?: ReadAccess,
  ): Promise<Page<OrderView>> {
    if (filter.customerId != null && !isUuid(filter.customerId)) {
      throw new ValidationError('filter.customerId', 'is not a customer id');
    }
    if (filter.reasonCode != null && !(REASON_CODES as readonly string[]).includes(filter.reasonCode)) {
      throw new ValidationError('filter.reasonCode', 'is not a reason code (see the README for the list)');
    }
    checkPeriod(filter.from, filter.to, { from: 'filter.from', to: 'filter.to' });
    const size = pageSize(first);
    const cursor = decodeTimeIdCursor(after);
    const where: Record<string, unknown> = {};
    if (filter.decision != null) where.decision = filter.decision;
    if (filter.reasonCode != null) where.reasonCodes = { $contains: [filter.reasonCode] };
    // As in customer lists, the orders of customers this reader may not see (restricted, archived) are
    // left out rather than failing the page.
    const customer = visibleCustomersWhere(access);
    if (filter.customerId != null) customer.id = filter.customerId;
    if (Object.keys(customer).length > 0) where.customer = customer;
    if (filter.unreviewed === true) where.reviewOutcome = null;
    const time: Record<string, Date> = {};
    if (filter.from != null) time.$gte = filter.from;
    if (filter.to != null) time.$lt = filter.to;
    if (Object.keys(time).length > 0) where.createdAt = time;
    if (cursor !== null) {
      const t = new Date(cursor.t);
      where.$and = [{ $or: [{ createdAt: { $lt: t } }, { createdAt: t, id: { $lt: cursor.id } }] }];
    }
    const rows = await em.find(OrderEntity, where, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      limit: size + 1,
      populate: ['customer'],
    });
    return toPage(
      rows.map((r) => this.view(r)),
      size,
      (v) => ({ t: v.createdAt.toISOString(), id: v.id }),
      cursor !== null,
    );
  }

  async review(
    em: EntityManager,
    id: string,
    outcome: ReviewOutcome,
    note: string | null,
    context: AuditContext,
    access?: ReadAccess,
  ): Promise<OrderView> {
    // Free text like every other note the platform keeps; a blank note is kept as given (empty).
    const text = note == null ? null : note.trim() === '' ? '' : requireLongText(note, 'note', 2_000);
    return em.transactional(async (tx) => {
      // The order's row is locked (and read again) before its outcome is looked at, so that of two
      // reviews given at once the second waits for the first and is refused, instead of both being
      // told they were recorded while the later one overwrites the earlier.
      const entity = isUuid(id)
        ? await tx.findOne(OrderEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true })
        : null;
      if (entity === null) throw new NotFoundError('order', id);
      await tx.populate(entity, ['customer']);
      // Reviewing works on the order's personal data (and returns it): not for a customer this reader
      // may not see, as the list already leaves such orders out.
      if (access !== undefined) assertCustomerReadable(entity.customer, access);
      if (entity.reviewOutcome !== null) {
        throw new ConflictError(`Order ${id} was already reviewed (${entity.reviewOutcome}).`);
      }
      entity.reviewOutcome = outcome;
      // The note is the customer's personal data (it may name them, a call, a phone number): stored
      // encrypted, bound to its order, and its writing audited with it.
      entity.reviewNoteEnc =
        text === null || text === ''
          ? null
          : this.cipher.encrypt(text, orderAad(entity.id, 'orderReviewNote'));
      entity.reviewedAt = new Date();
      entity.reviewedBy = context.actorId === null ? null : tx.getReference(ActorEntity, context.actorId);
      if (entity.reviewNoteEnc !== null) {
        await tx.flush();
        await this.audit.recordInTransaction(sqlRunner(tx), [
          auditEvent(context, {
            action: 'update',
            subjectId: entity.customer.id,
            fields: ['orderReviewNote'],
            categories: [ORDER_PERSONAL_FIELDS.orderReviewNote.category],
          }),
        ]);
      }
      return this.view(entity);
    });
  }

  /**
   * Scores the orders of a period again under the current rules; the originals stay as they were. The
   * orders of customers the reader may not see are left out: re-scoring decrypts and uses their data,
   * which a restriction (GDPR art. 18) or the archive forbids for this purpose.
   */
  async rescore(
    em: EntityManager,
    from: Date,
    to: Date,
    context: AuditContext,
    access?: ReadAccess,
  ): Promise<RescoreResult[]> {
    if (to.getTime() <= from.getTime()) throw new ValidationError('to', 'must be after from');
    const customer = visibleCustomersWhere(access);
    const inPeriod = {
      createdAt: { $gte: from, $lt: to },
      ...(Object.keys(customer).length > 0 ? { customer } : {}),
    };
    const count = await em.count(OrderEntity, inPeriod);
    if (count > MAX_RESCORE) {
      throw new ValidationError(
        'from',
        `the period holds ${count} orders; re-score at most ${MAX_RESCORE} at a time`,
      );
    }
    const rules = this.rules();
    // Orders whose IP evidence was erased cannot be scored again; they are left out.
    const orders = await em.find(
      OrderEntity,
      { ...inPeriod, geoEnc: { $ne: null }, billingAddressEnc: { $ne: null } },
      { populate: ['customer'], orderBy: { createdAt: 'asc' } },
    );
    const db = sqlRunner(em);
    const results: RescoreResult[] = [];
    const emailReadFromFile = new Set<string>();
    for (const entity of orders) {
      const order = this.view(entity);
      const address = order.billingAddress;
      const geo = order.geoIp;
      if (address === null || geo === null || entity.ipBidx === null || entity.ipNetworkBidx === null)
        continue;
      const located = locateCity(address.country, address.city);
      // An order that named no email was scored with the customer's email on file (order-scoring.service.ts),
      // so it is scored again with it, or its email signals (DISPOSABLE_EMAIL) would be lost.
      const emailOnFile = order.email === null ? new CustomerView(entity.customer, this.cipher).email : null;
      if (emailOnFile !== null) emailReadFromFile.add(entity.customer.id);
      const email = order.email ?? emailOnFile;
      const keys = {
        ipBidx: entity.ipBidx,
        networkBidx: entity.ipNetworkBidx,
        ipVersion: geo.version ?? (geo.ip.includes(':') ? 6 : 4),
        emailBidx: entity.emailBidx,
        emailMailboxBidx: entity.emailMailboxBidx,
        ibanBidx: entity.ibanBidx,
        idCardBidx: entity.customer.idCardNumberBidx,
        customerId: entity.customer.id,
        nameBidx: entity.customer.nameBidx,
      };
      const { velocity, identityReuse: reuse } = await countSignals(db, keys, rules, entity.createdAt);
      // As VIES answered when the order was scored (orders from before names or addresses were compared
      // have no verdict on them).
      const storedVerdict = entity.vat.vatNumber as Partial<VatNumberVerdict> | undefined;
      const assessment = scoreOrderSignals(
        {
          ip: geo,
          billingCountry: entity.billingCountry,
          billingLocation: located,
          vatNumber: order.vatNumber,
          ibanCountry: entity.ibanCountry,
          phoneCountry: entity.phoneCountry,
          emailDomain: email,
          amountCents: entity.amountCents,
          currency: entity.currency,
          isFirstOrder: entity.firstOrder,
          velocity,
          identityReuse: reuse,
          vatEvidenceConflict: (entity.vat.evidence as { conflict?: boolean } | undefined)?.conflict ?? null,
          vatNameMatch: storedVerdict?.nameMatch ?? null,
          vatAddressMatch: storedVerdict?.addressMatch ?? null,
        },
        rules,
      );
      const reasons = assessment.reasons.map((r) => ({ ...r, evidence: { ...r.evidence } }));
      em.persist(
        em.create(OrderRescoreEntity, {
          id: randomUUID(),
          order: entity,
          rescoredAt: new Date(),
          rulesVersion: assessment.rulesVersion,
          riskScore: assessment.riskScore,
          decision: assessment.decision,
          reasons,
        }),
      );
      results.push({
        orderId: entity.id,
        originalRiskScore: entity.riskScore,
        originalDecision: entity.decision,
        originalRulesVersion: entity.rulesVersion,
        riskScore: assessment.riskScore,
        decision: assessment.decision,
        rulesVersion: assessment.rulesVersion,
        reasons,
        changed: assessment.decision !== entity.decision || assessment.riskScore !== entity.riskScore,
      });
    }
    await em.flush();
    // The personal values of every order re-scored were decrypted and used: one read event per customer.
    const subjects = [...new Set(orders.map((o) => o.customer.id))];
    await this.audit.record([
      ...subjects.map((subjectId) =>
        auditEvent(context, {
          action: 'read',
          subjectId,
          fields: ['orderIpAddress', 'orderGeoIp', 'orderBillingAddress', 'orderVatNumber', 'orderEmail'],
          categories: ['ip_address', 'address', 'vat_number', 'email'],
        }),
      ),
      // And the email on file of those whose orders named none, as scoring records it.
      ...[...emailReadFromFile].map((subjectId) =>
        auditEvent(context, { action: 'read', subjectId, fields: ['email'], categories: ['email'] }),
      ),
    ]);
    return results;
  }
}
