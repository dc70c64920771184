/**
 * Carrying out a data-subject request: erasure, rectification, restriction and mailing opt-out. Each
 * runs in one transaction with closing the request and telling every recipient of the data (GDPR
 * art. 19), so a request is never marked done while the change is not, or the other way round. Only
 * requests whose identity check passed are carried out.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import type { CustomerView } from '../customers/customer-view';
import type { CustomerPatch, CustomerService } from '../customers/customer.service';
import { CustomerEntity, CustomerStatus } from '../db/entities/customer.entity';
import { IdentityCheck, RequestKind, RequestStatus } from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { categoryOf, DataCategory, isCustomerPersonalField } from '../personal-data/data-categories';
import { ConflictError, NotFoundError } from '../errors/errors';
import { isUuid } from '../validation/uuid';
import { eraseCustomerData, type ErasureResult } from './erasure';
import type {
  PrivacyRequestService,
  PrivacyRequestView,
  RecipientNotification,
} from './privacy-requests.service';
import type { RetentionSettings } from './processing-register';

export interface CarriedOut {
  request: PrivacyRequestView;
  recipientsNotified: RecipientNotification[];
}

export class DataSubjectRightsService {
  constructor(
    private readonly requests: PrivacyRequestService,
    private readonly customers: CustomerService,
    private readonly audit: AuditLog,
    private readonly retention: RetentionSettings,
  ) {}

  async carryOutErasure(
    em: EntityManager,
    requestId: string,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<ErasureResult & CarriedOut> {
    return em.transactional(async (tx) => {
      const request = await this.openRequest(tx, requestId, RequestKind.Erasure);
      const customer = await this.lockCustomer(tx, request.entity.customer.id);
      if (customer.status === CustomerStatus.Erased) {
        throw new ConflictError(`Customer ${customer.id} has already been erased.`);
      }
      const result = await eraseCustomerData(tx, customer, 'request', now, this.retention);
      await tx.flush();
      await this.audit.recordInTransaction(sqlRunner(tx), [
        auditEvent(context, {
          action: 'erase',
          subjectId: customer.id,
          fields: result.erased.map((f) => f.replace(/^(customer|order)\./, '')),
          categories: ['erasure'],
        }),
      ]);
      const recipientsNotified = await this.requests.notifyRecipients(
        tx,
        requestId,
        'erasure of the personal data',
        now,
      );
      const outcome = `Erased: ${result.erased.join(', ') || 'nothing left to erase'}. Kept: ${result.kept.map((k) => `${k.category} (${k.reason})`).join('; ')}.`;
      const closed = await this.requests.completeCarriedOut(tx, requestId, outcome, context, now);
      return { ...result, request: closed, recipientsNotified };
    });
  }

  async carryOutRectification(
    em: EntityManager,
    requestId: string,
    patch: CustomerPatch,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<CarriedOut & { customer: CustomerView }> {
    return em.transactional(async (tx) => {
      const request = await this.openRequest(tx, requestId, RequestKind.Rectification);
      // The update records its own audit event: which fields changed and by whom, never the old values.
      const customer = await this.customers.update(tx, request.entity.customer.id, patch, context);
      const fields = Object.keys(patch).join(', ');
      // A correction is passed on to the recipients of the data corrected (art. 19), not to one that
      // never received it: a new phone number is no news to the payment provider.
      const recipientsNotified = await this.requests.notifyRecipients(
        tx,
        requestId,
        `correction of: ${fields}`,
        now,
        correctedCategories(patch),
      );
      const closed = await this.requests.completeCarriedOut(
        tx,
        requestId,
        `Corrected: ${fields}.`,
        context,
        now,
      );
      return { customer, request: closed, recipientsNotified };
    });
  }

  async carryOutRestriction(
    em: EntityManager,
    requestId: string,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<CarriedOut> {
    return em.transactional(async (tx) => {
      const request = await this.openRequest(tx, requestId, RequestKind.Restriction);
      const customer = await this.lockCustomer(tx, request.entity.customer.id);
      if (customer.status === CustomerStatus.Erased) {
        throw new ConflictError(
          `Customer ${customer.id} was erased: the data was erased, and what is kept is already kept only for the tax obligation, ` +
            'so there is nothing left to restrict; reject the request (closePrivacyRequest, status REJECTED) with that answer.',
          { customerId: customer.id, requestId },
        );
      }
      await this.setRestricted(tx, customer, true, context);
      const recipientsNotified = await this.requests.notifyRecipients(
        tx,
        requestId,
        'restriction of processing',
        now,
      );
      const closed = await this.requests.completeCarriedOut(
        tx,
        requestId,
        'Processing restricted: only the privacy officer can read the data until the restriction is lifted.',
        context,
        now,
      );
      return { request: closed, recipientsNotified };
    });
  }

  async liftRestriction(em: EntityManager, customerId: string, context: AuditContext): Promise<void> {
    await em.transactional(async (tx) => {
      const customer = await this.lockCustomer(tx, customerId);
      if (!customer.restricted) throw new ConflictError(`Customer ${customerId} is not restricted.`);
      await this.setRestricted(tx, customer, false, context);
    });
  }

  async carryOutMailingOptOut(
    em: EntityManager,
    requestId: string,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<CarriedOut> {
    return em.transactional(async (tx) => {
      const request = await this.openRequest(tx, requestId, RequestKind.MailingOptOut);
      // The update adds a line to the consent history.
      await this.customers.update(tx, request.entity.customer.id, { mailingOptOut: true }, context);
      const closed = await this.requests.completeCarriedOut(
        tx,
        requestId,
        'Opted out of internal mailings.',
        context,
        now,
      );
      return { request: closed, recipientsNotified: [] };
    });
  }

  private async openRequest(
    tx: EntityManager,
    requestId: string,
    kind: RequestKind,
  ): Promise<PrivacyRequestView> {
    const request = await this.requests.get(tx, requestId, true);
    const entity = request.entity;
    if (entity.kind !== kind)
      throw new ConflictError(`Privacy request ${requestId} is a ${entity.kind} request, not ${kind}.`);
    if (entity.status !== RequestStatus.Open)
      throw new ConflictError(`Privacy request ${requestId} is already ${entity.status}.`);
    if (entity.identityCheck !== IdentityCheck.Verified) {
      throw new ConflictError(
        `Privacy request ${requestId}: the requester's identity has not been verified (${entity.identityCheck}).`,
      );
    }
    return request;
  }

  /**
   * The customer, its row locked until the transaction ends (and re-read): an erasure and a
   * restriction of one customer take turns, so each sees what the other did.
   */
  private async lockCustomer(tx: EntityManager, id: string): Promise<CustomerEntity> {
    const customer = isUuid(id)
      ? await tx.findOne(CustomerEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true })
      : null;
    if (customer === null) throw new NotFoundError('customer', id);
    return customer;
  }

  private async setRestricted(
    tx: EntityManager,
    customer: CustomerEntity,
    restricted: boolean,
    context: AuditContext,
  ): Promise<void> {
    customer.restricted = restricted;
    await tx.flush();
    await this.audit.recordInTransaction(sqlRunner(tx), [
      auditEvent(context, {
        action: 'update',
        subjectId: customer.id,
        fields: ['restricted'],
        categories: ['restriction'],
      }),
    ]);
  }
}

/** The data categories a correction touches (the password is login data). */
function correctedCategories(patch: CustomerPatch): DataCategory[] {
  const categories = Object.keys(patch).map((field) =>
    field === 'password' ? DataCategory.Login : isCustomerPersonalField(field) ? categoryOf(field) : null,
  );
  return [...new Set(categories.filter((c): c is DataCategory => c !== null))];
}
