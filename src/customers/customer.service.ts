/**
 * Customers: creating, changing and finding them. Input is validated and normalised first (so nothing
 * half-valid is stored), personal values are encrypted with their row and field bound in, and the
 * exact-match look-ups go through keyed blind indexes of the normalised values.
 */
import { isUuid } from '../validation/uuid';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditAction, AuditEventInput } from '../../audit/audit-event';
import type { AuditLog } from '../../audit/audit-log';
import type { BlindIndex } from '../crypto/blind-index';
import { sqlRunner } from '../db/sql-runner';
import type { FieldCipher } from '../crypto/field-cipher';
import { hashPassword } from '../crypto/password-hash';
import { CustomerEntity, CustomerStatus, CustomerType } from '../db/entities/customer.entity';
import { MailingConsentChangeEntity } from '../db/entities/mailing-consent-change.entity';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { decodeTimeIdCursor, pageSize, toPage, type Page } from '../pagination/page';
import {
  CUSTOMER_PERSONAL_FIELDS,
  isCustomerPersonalField,
  type CustomerPersonalField,
} from '../personal-data/data-categories';
import type { CustomerInput, CustomerInputPatch } from '../validation/customer-input';
import {
  normalizeCountry,
  normalizeEmail,
  normalizeIban,
  normalizeIdCardNumber,
  normalizeVatNumber,
  validateCustomerInput,
} from '../validation';
import { assertDisclosedTo } from '../privacy/third-party-access';
import {
  assertCustomerReadable,
  assertCustomerWritable,
  isAdministrativeOnly,
  visibleCustomersWhere,
  type ReadAccess,
} from '../privacy/row-access';
import { customerAad, CustomerView } from './customer-view';
import { nameIndex } from './name-index';

export interface CustomerFilter {
  email?: string | null;
  iban?: string | null;
  vatNumber?: string | null;
  idCardNumber?: string | null;
  country?: string | null;
  customerType?: CustomerType | null;
  status?: CustomerStatus | null;
}

export type CustomerPatch = CustomerInputPatch;

/** A customer about to be created: see CustomerService.prepareNew. */
export interface NewCustomer {
  entity: CustomerEntity;
  /** The audit event of the creation, to record in the transaction that stores the customer. */
  event: AuditEventInput;
}

export class CustomerService {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly blindIndex: BlindIndex,
    private readonly audit: AuditLog,
  ) {}

  view(entity: CustomerEntity): CustomerView {
    return new CustomerView(entity, this.cipher);
  }

  /**
   * One customer; with `access`, refused when the customer's restriction or archive rules say so, or
   * when a third party asks for a customer whose data was not disclosed to it.
   */
  async get(em: EntityManager, id: string, access?: ReadAccess): Promise<CustomerView> {
    if (access?.actor != null && isUuid(id)) {
      await assertDisclosedTo(em, access.actor, id, {
        categories: access.categories ?? null,
        onBehalfOf: access.onBehalfOf ?? null,
      });
    }
    const entity = await this.load(em, id);
    if (access !== undefined) assertCustomerReadable(entity, access);
    return this.view(entity);
  }

  async create(em: EntityManager, input: CustomerInput, context: AuditContext): Promise<CustomerView> {
    const prepared = await this.prepareNew(input, context);
    await em.transactional(async (tx) => {
      await this.assertUsernameFree(tx, prepared.entity);
      tx.persist(prepared.entity);
      this.recordConsent(tx, prepared.entity, context);
      await tx.flush();
      await this.audit.recordInTransaction(sqlRunner(tx), [prepared.event]);
    });
    return this.view(prepared.entity);
  }

  /**
   * A new customer, validated, encrypted and indexed, with the audit event of its creation; nothing is
   * written. Order scoring stores it with the order's own rows in one statement (src/orders/order-store.ts).
   */
  async prepareNew(input: CustomerInput, context: AuditContext): Promise<NewCustomer> {
    const valid = validateCustomerInput(input, { partial: false });
    const entity = new CustomerEntity();
    entity.id = randomUUID();
    entity.subscriptionStart = valid.subscriptionStart ?? new Date();
    await this.apply(entity, valid);
    // A customer recorded with a subscription that has already ended (an import, the demo data) is
    // ended, as endSubscription would have left it, so that retention archives it in time.
    if (entity.subscriptionEnd !== null && entity.subscriptionEnd.getTime() <= Date.now()) {
      entity.status = CustomerStatus.Ended;
    }
    return { entity, event: this.changeEvent(context, 'create', entity.id, Object.keys(valid)) };
  }

  async update(
    em: EntityManager,
    id: string,
    patch: CustomerPatch,
    context: AuditContext,
    access?: ReadAccess,
  ): Promise<CustomerView> {
    const valid = validateCustomerInput(patch, { partial: true });
    if (Object.keys(valid).length === 0) throw new ValidationError('input', 'names no field to change');
    return em.transactional(async (tx) => {
      const entity = await this.load(tx, id);
      if (access !== undefined) assertCustomerWritable(entity, access);
      if (entity.status === CustomerStatus.Erased) {
        throw new ConflictError(`Customer ${id} has been erased and cannot be changed.`);
      }
      const consentBefore = entity.mailingOptOut;
      await this.apply(entity, valid);
      await this.assertUsernameFree(tx, entity);
      if (entity.mailingOptOut !== consentBefore) this.recordConsent(tx, entity, context);
      await tx.flush();
      await this.recordChange(tx, context, 'update', entity.id, Object.keys(valid));
      return this.view(entity);
    });
  }

  /**
   * Ends the subscription now, or at a moment that has passed (the contract ended last week). A moment
   * ahead is refused: the status becomes ENDED at once and the retention job counts from the end, so a
   * scheduled end would stop the customer's service early and could not be taken back; end it on the
   * day instead. With `access`, the restriction and archive rules hold as for updates: a restricted
   * customer's subscription is ended by the privacy officer only (GDPR art. 18).
   */
  async endSubscription(
    em: EntityManager,
    id: string,
    context: AuditContext,
    at?: Date,
    access?: ReadAccess,
    now: Date = new Date(),
  ): Promise<CustomerView> {
    const end = at ?? now;
    if (!(end instanceof Date) || Number.isNaN(end.getTime())) {
      throw new ValidationError('at', 'must be a valid date and time');
    }
    if (end.getTime() > now.getTime()) {
      throw new ValidationError(
        'at',
        'lies in the future; a subscription is ended when it ends (now, or a moment that has passed), not ahead of time',
      );
    }
    return em.transactional(async (tx) => {
      const entity = await this.load(tx, id);
      if (access !== undefined) assertCustomerWritable(entity, access);
      if (entity.status !== CustomerStatus.Active) {
        throw new ConflictError(
          `The subscription of customer ${id} is not active (status ${entity.status}).`,
        );
      }
      if (end.getTime() < entity.subscriptionStart.getTime()) {
        throw new ValidationError('at', 'lies before the subscription started');
      }
      entity.subscriptionEnd = end;
      entity.status = CustomerStatus.Ended;
      await tx.flush();
      await this.recordChange(tx, context, 'update', entity.id, ['subscriptionEnd']);
      return this.view(entity);
    });
  }

  async list(
    em: EntityManager,
    filter: CustomerFilter,
    first?: number | null,
    after?: string | null,
    access?: ReadAccess,
  ): Promise<Page<CustomerView>> {
    const size = pageSize(first);
    const cursor = decodeTimeIdCursor(after);
    const where: Record<string, unknown> = {};
    if (filter.email != null)
      where.emailBidx = this.index('email', normalizeEmail(filter.email, 'filter.email'));
    if (filter.iban != null) where.ibanBidx = this.index('iban', normalizeIban(filter.iban, 'filter.iban'));
    if (filter.vatNumber != null) {
      where.vatNumberBidx = this.index(
        'vatNumber',
        normalizeVatNumber(filter.vatNumber, 'filter.vatNumber').canonical,
      );
    }
    if (filter.idCardNumber != null) {
      where.idCardNumberBidx = this.index(
        'idCardNumber',
        normalizeIdCardNumber(filter.idCardNumber, 'filter.idCardNumber'),
      );
    }
    if (filter.country != null) where.country = normalizeCountry(filter.country, 'filter.country');
    if (filter.customerType != null) where.customerType = filter.customerType;
    if (filter.status != null) where.status = filter.status;
    if (cursor !== null) {
      const t = new Date(cursor.t);
      where.$or = [{ createdAt: { $lt: t } }, { createdAt: t, id: { $lt: cursor.id } }];
    }
    const visible = visibleCustomersWhere(access);
    if (visible.status !== undefined && filter.status != null && isAdministrativeOnly(filter.status)) {
      return toPage([], size, () => ({}), cursor !== null);
    }
    // A status the filter names is then neither archived nor erased, so it stands in for the visibility one.
    Object.assign(where, { ...visible, ...where });
    const rows = await em.find(CustomerEntity, where, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      limit: size + 1,
    });
    return toPage(
      rows.map((r) => this.view(r)),
      size,
      (v) => ({ t: v.createdAt.toISOString(), id: v.id }),
      cursor !== null,
    );
  }

  private async load(em: EntityManager, id: string): Promise<CustomerEntity> {
    if (!isUuid(id)) throw new NotFoundError('customer', id);
    const entity = await em.findOne(CustomerEntity, { id });
    if (entity === null) throw new NotFoundError('customer', id);
    return entity;
  }

  /** Copies validated, normalised values onto the entity: encrypted, indexed, hashed as the field requires. */
  private async apply(entity: CustomerEntity, v: CustomerInputPatch): Promise<void> {
    const enc = (field: CustomerPersonalField, value: string | null | undefined): string | null =>
      value === null || value === undefined
        ? null
        : this.cipher.encrypt(value, customerAad(entity.id, field));
    const idx = (field: CustomerPersonalField, value: string | null | undefined): string | null =>
      value === null || value === undefined ? null : this.index(field, value);

    if (v.companyName !== undefined) entity.companyNameEnc = enc('companyName', v.companyName);
    if (v.kvkNumber !== undefined) entity.kvkNumberEnc = enc('kvkNumber', v.kvkNumber);
    if (v.vatNumber !== undefined) {
      entity.vatNumberEnc = enc('vatNumber', v.vatNumber);
      entity.vatNumberBidx = idx('vatNumber', v.vatNumber);
    }
    if (v.name !== undefined) {
      entity.nameEnc = enc('name', v.name) ?? '';
      entity.nameBidx = v.name === null ? null : nameIndex(this.blindIndex, v.name);
    }
    if (v.address !== undefined && v.address !== null) {
      const { street, postalCode, city, country } = v.address;
      entity.addressEnc = enc('address', JSON.stringify({ street, postalCode, city, country })) ?? '';
      entity.country = country;
    }
    if (v.phone !== undefined) entity.phoneEnc = enc('phone', v.phone);
    if (v.email !== undefined) {
      entity.emailEnc = enc('email', v.email) ?? '';
      entity.emailBidx = idx('email', v.email) ?? '';
    }
    if (v.bankName !== undefined) entity.bankNameEnc = enc('bankName', v.bankName);
    if (v.iban !== undefined) {
      entity.ibanEnc = enc('iban', v.iban);
      entity.ibanBidx = idx('iban', v.iban);
    }
    if (v.idCardNumber !== undefined) {
      entity.idCardNumberEnc = enc('idCardNumber', v.idCardNumber);
      entity.idCardNumberBidx = idx('idCardNumber', v.idCardNumber);
    }
    if (v.licencePlate !== undefined) entity.licencePlateEnc = enc('licencePlate', v.licencePlate);
    if (v.username !== undefined) {
      entity.usernameEnc = enc('username', v.username);
      entity.usernameBidx = idx('username', v.username);
    }
    if (v.password !== undefined)
      entity.passwordHash = v.password === null ? null : await hashPassword(v.password);
    if (v.mailingOptOut !== undefined && v.mailingOptOut !== null) entity.mailingOptOut = v.mailingOptOut;
    if (v.subscriptionStart !== undefined && v.subscriptionStart !== null)
      entity.subscriptionStart = v.subscriptionStart;
    if (v.subscriptionEnd !== undefined) entity.subscriptionEnd = v.subscriptionEnd;
    if (v.companyName !== undefined || entity.customerType === undefined) {
      entity.customerType = entity.companyNameEnc === null ? CustomerType.Consumer : CustomerType.Business;
    }
  }

  /** Appends a line to the mailing-consent history. */
  private recordConsent(em: EntityManager, entity: CustomerEntity, context: AuditContext): void {
    em.persist(this.consentLine(entity, context));
  }

  /**
   * The mailing-consent line for the customer's current choice, not yet stored: recordConsent persists it
   * through the ORM, order scoring writes it with the customer's row (src/orders/order-store.ts).
   */
  consentLine(entity: CustomerEntity, context: AuditContext): MailingConsentChangeEntity {
    return Object.assign(new MailingConsentChangeEntity(), {
      customer: entity,
      optedOut: entity.mailingOptOut,
      actorId: context.actorId,
      source: context.purpose ?? 'unspecified',
    });
  }

  /** The change's audit event, in the change's own transaction: both commit or neither does. */
  private async recordChange(
    tx: EntityManager,
    context: AuditContext,
    action: AuditAction,
    subjectId: string,
    changed: string[],
  ): Promise<void> {
    await this.audit.recordInTransaction(sqlRunner(tx), [
      this.changeEvent(context, action, subjectId, changed),
    ]);
  }

  private changeEvent(
    context: AuditContext,
    action: AuditAction,
    subjectId: string,
    changed: string[],
  ): AuditEventInput {
    const fields = changed.filter(isCustomerPersonalField);
    const categories = fields.map((f) => CUSTOMER_PERSONAL_FIELDS[f].category);
    if (changed.includes('password')) {
      fields.push('username');
      categories.push('login');
    }
    return auditEvent(context, { action, subjectId, categories, fields });
  }

  private async assertUsernameFree(em: EntityManager, entity: CustomerEntity): Promise<void> {
    if (entity.usernameBidx === null) return;
    const other = await em.findOne(CustomerEntity, {
      usernameBidx: entity.usernameBidx,
      id: { $ne: entity.id },
    });
    if (other !== null) usernameTaken();
  }

  private index(field: CustomerPersonalField, canonical: string): string {
    const kind = (CUSTOMER_PERSONAL_FIELDS[field] as { blindIndex?: string }).blindIndex;
    if (kind === undefined) throw new Error(`field ${field} has no blind index`);
    // People do not treat case in email addresses and login names as meaningful, so neither does search.
    const value = field === 'email' || field === 'username' ? canonical.toLowerCase() : canonical;
    return this.blindIndex.compute(kind, value);
  }
}

/** The refusal of a login name another customer has (order scoring checks it in its own look-up). */
export function usernameTaken(): never {
  throw new ValidationError('username', 'is already taken by another customer');
}
