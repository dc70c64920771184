/**
 * Data-subject requests (access, rectification, erasure, restriction, objection, portability, mailing
 * opt-out): registering them with their statutory deadline, extending it once with a reason, the
 * identity check, closing them, and passing corrections, erasures and restrictions on to every recipient
 * of the person's data (GDPR art. 19). Every change is audited in its own transaction, as a change to
 * the person's record: the request itself says something about the person.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import type { FieldCipher } from '../crypto/field-cipher';
import { CustomerEntity } from '../db/entities/customer.entity';
import {
  IdentityCheck,
  PrivacyRequestEntity,
  RecipientNotificationEntity,
  RequestChannel,
  RequestKind,
  RequestStatus,
} from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { decodeTimeIdCursor, pageSize, toPage, type Page } from '../pagination/page';
import { DataCategory } from '../personal-data/data-categories';
import { normalizeText } from '../validation/text';
import { requireLongText } from '../validation/text';
import { isUuid } from '../validation/uuid';
import { dueDate, effectiveDeadline, isOverdue, isWithinExtensionLimit, latestExtension } from './deadlines';
import { requireDate } from '../validation/date';
import { happenedAt } from './gdpr-dates';
import { assertMayClose } from './request-closing';
import {
  actorOf,
  requireOneOf,
  requireUuid,
  thirdPartiesWithDisclosures,
  type ThirdPartyView,
} from './third-parties.service';

export interface PrivacyRequestInput {
  customerId: string;
  kind: RequestKind;
  channel: RequestChannel;
  /** When the request reached us (the deadline runs from here); defaults to now. */
  receivedAt?: Date | null;
  identityCheck?: IdentityCheck | null;
}

export interface PrivacyRequestFilter {
  status?: RequestStatus | null;
  kind?: RequestKind | null;
  customerId?: string | null;
  /** Open and past its binding deadline (the extension when there is one). */
  overdue?: boolean | null;
  open?: boolean | null;
}

export type ClosingStatus = typeof RequestStatus.Completed | typeof RequestStatus.Rejected;

export interface CloseRequestInput {
  status: ClosingStatus;
  /** What was done, or why the request was refused; told to the data subject. */
  outcome: string;
}

/** One recipient told of a correction, erasure or restriction. */
export interface RecipientNotification {
  id: string;
  requestId: string;
  thirdPartyId: string;
  /** The third party's name. */
  thirdParty: string;
  notifiedAt: Date;
  what: string;
}

/** The kinds whose outcome art. 19 requires to be passed on to every recipient. */
export const RECIPIENT_NOTIFIED_KINDS: readonly RequestKind[] = [
  RequestKind.Rectification,
  RequestKind.Erasure,
  RequestKind.Restriction,
];

export const EXTENSION_REASON_MIN = 3;
export const EXTENSION_REASON_MAX = 500;
export const OUTCOME_MAX = 2_000;
export const NOTIFICATION_TEXT_MAX = 500;

/**
 * Associated data of a request's texts (its outcome, the reason for its extension): what we told the
 * person about them is their personal data, stored encrypted and bound to its row and field.
 */
export function privacyRequestTextAad(requestId: string, field: 'outcome' | 'extensionReason'): string {
  return `privacy_request:${requestId}:${field}`;
}

/** The readable view of a stored request; its texts are decrypted only when read. */
export class PrivacyRequestView {
  constructor(
    readonly entity: PrivacyRequestEntity,
    private readonly cipher: FieldCipher,
  ) {}

  get id(): string {
    return this.entity.id;
  }
  /** Whose request this is (read by the audit layer). */
  get dataSubjectId(): string {
    return this.entity.customer.id;
  }
  get customerId(): string {
    return this.entity.customer.id;
  }
  get kind(): RequestKind {
    return this.entity.kind;
  }
  get channel(): RequestChannel {
    return this.entity.channel;
  }
  get identityCheck(): IdentityCheck {
    return this.entity.identityCheck;
  }
  get receivedAt(): Date {
    return this.entity.receivedAt;
  }
  get dueAt(): Date {
    return this.entity.dueAt;
  }
  get extendedUntil(): Date | null {
    return this.entity.extendedUntil;
  }
  get extensionReason(): string | null {
    return this.text(this.entity.extensionReasonEnc, 'extensionReason');
  }
  /** The deadline that binds now: the extension when there is one. */
  get deadline(): Date {
    return effectiveDeadline(this.entity.dueAt, this.entity.extendedUntil);
  }
  /** How far an extension may still reach. */
  get latestExtension(): Date {
    return latestExtension(this.entity.receivedAt);
  }
  get status(): RequestStatus {
    return this.entity.status;
  }
  get isOpen(): boolean {
    return this.entity.status === RequestStatus.Open;
  }
  get handlerId(): string | null {
    return this.entity.handler?.id ?? null;
  }
  get outcome(): string | null {
    return this.text(this.entity.outcomeEnc, 'outcome');
  }
  get closedAt(): Date | null {
    return this.entity.closedAt;
  }
  get createdAt(): Date {
    return this.entity.createdAt;
  }
  isOverdue(now: Date = new Date()): boolean {
    return this.isOpen && isOverdue(this.entity.dueAt, this.entity.extendedUntil, now);
  }

  private text(stored: string | null, field: 'outcome' | 'extensionReason'): string | null {
    return stored === null ? null : this.cipher.decrypt(stored, privacyRequestTextAad(this.entity.id, field));
  }
}

export class PrivacyRequestService {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
  ) {}

  view(entity: PrivacyRequestEntity): PrivacyRequestView {
    return new PrivacyRequestView(entity, this.cipher);
  }

  async create(
    em: EntityManager,
    input: PrivacyRequestInput,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<PrivacyRequestView> {
    const customerId = requireUuid(input.customerId, 'customerId');
    const kind = requireOneOf(input.kind, RequestKind, 'kind');
    const channel = requireOneOf(input.channel, RequestChannel, 'channel');
    const identityCheck =
      input.identityCheck == null
        ? IdentityCheck.Pending
        : requireOneOf(input.identityCheck, IdentityCheck, 'identityCheck');
    // A data-subject request under the GDPR cannot have been received before it applied.
    const receivedAt = happenedAt(input.receivedAt, 'receivedAt', now, { sinceGdpr: true });
    return em.transactional(async (tx) => {
      const customer = await tx.findOne(CustomerEntity, { id: customerId });
      if (customer === null) throw new NotFoundError('customer', customerId);
      const entity = tx.create(PrivacyRequestEntity, {
        id: randomUUID(),
        customer,
        kind,
        channel,
        identityCheck,
        receivedAt,
        dueAt: dueDate(receivedAt),
        handler: actorOf(tx, context),
        createdAt: now,
      });
      tx.persist(entity);
      await tx.flush();
      await this.recordChange(tx, context, customer.id, 'create');
      return this.view(entity);
    });
  }

  /** With `lock` (inside a transaction), the request's row stays locked until it ends. */
  async get(em: EntityManager, id: string, lock = false): Promise<PrivacyRequestView> {
    return this.view(await loadRequest(em, id, lock));
  }

  async list(
    em: EntityManager,
    filter: PrivacyRequestFilter,
    first?: number | null,
    after?: string | null,
    now: Date = new Date(),
  ): Promise<Page<PrivacyRequestView>> {
    const size = pageSize(first);
    const cursor = decodeTimeIdCursor(after);
    const and: Record<string, unknown>[] = [];
    if (filter.status != null)
      and.push({ status: requireOneOf(filter.status, RequestStatus, 'filter.status') });
    if (filter.kind != null) and.push({ kind: requireOneOf(filter.kind, RequestKind, 'filter.kind') });
    if (filter.customerId != null) {
      and.push({ customer: requireUuid(filter.customerId, 'filter.customerId') });
    }
    if (filter.open === true) and.push({ status: RequestStatus.Open });
    if (filter.open === false) and.push({ status: { $ne: RequestStatus.Open } });
    if (filter.overdue === true) {
      and.push({
        status: RequestStatus.Open,
        $or: [{ extendedUntil: null, dueAt: { $lt: now } }, { extendedUntil: { $lt: now } }],
      });
    }
    if (filter.overdue === false) {
      and.push({
        $or: [
          { status: { $ne: RequestStatus.Open } },
          { extendedUntil: null, dueAt: { $gte: now } },
          { extendedUntil: { $gte: now } },
        ],
      });
    }
    if (cursor !== null) {
      const t = new Date(cursor.t);
      and.push({ $or: [{ receivedAt: { $lt: t } }, { receivedAt: t, id: { $lt: cursor.id } }] });
    }
    const rows = await em.find(PrivacyRequestEntity, and.length === 0 ? {} : { $and: and }, {
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      limit: size + 1,
    });
    return toPage(
      rows.map((r) => this.view(r)),
      size,
      (v) => ({ t: v.receivedAt.toISOString(), id: v.id }),
      cursor !== null,
    );
  }

  /**
   * Extends the deadline (art. 12(3)). The data subject must be told of an extension, with its reason,
   * within the first month, so an extension is refused once the original due date has passed. The
   * article allows one extension ("may be extended by two further months"; "such an extension" is told
   * with "the reasons for the delay"), so a request is extended once: a second is refused, and the
   * reason the person was given stays as it was. Give the whole extension needed at once.
   */
  async extend(
    em: EntityManager,
    id: string,
    until: Date,
    reason: string,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<PrivacyRequestView> {
    const untilDate = requireDate(until, 'until');
    const why = normalizeText(reason, 'reason', {
      minLength: EXTENSION_REASON_MIN,
      maxLength: EXTENSION_REASON_MAX,
    });
    return em.transactional(async (tx) => {
      const entity = await loadRequest(tx, id, true);
      assertOpen(entity);
      if (now.getTime() > entity.dueAt.getTime()) {
        throw new ConflictError(
          `Privacy request ${id} was due on ${entity.dueAt.toISOString()}; an extension had to be given before then.`,
        );
      }
      if (entity.extendedUntil !== null) {
        throw new ConflictError(
          `Privacy request ${id} was already extended until ${entity.extendedUntil.toISOString()} ` +
            `("${this.view(entity).extensionReason ?? ''}"); GDPR art. 12(3) allows one extension, of at most two further months, ` +
            'so it is not extended again.',
          { requestId: id, extendedUntil: entity.extendedUntil.toISOString() },
        );
      }
      const current = effectiveDeadline(entity.dueAt, entity.extendedUntil);
      if (untilDate.getTime() <= current.getTime()) {
        throw new ValidationError('until', `must be after the current deadline ${current.toISOString()}`);
      }
      if (!isWithinExtensionLimit(entity.receivedAt, untilDate)) {
        throw new ValidationError(
          'until',
          `must not be after ${latestExtension(entity.receivedAt).toISOString()} (three months after receipt)`,
        );
      }
      entity.extendedUntil = untilDate;
      entity.extensionReasonEnc = this.cipher.encrypt(
        why,
        privacyRequestTextAad(entity.id, 'extensionReason'),
      );
      entity.handler = actorOf(tx, context) ?? entity.handler;
      await tx.flush();
      await this.recordChange(tx, context, entity.customer.id);
      return this.view(entity);
    });
  }

  async setIdentityCheck(
    em: EntityManager,
    id: string,
    status: IdentityCheck,
    context: AuditContext,
  ): Promise<PrivacyRequestView> {
    const check = requireOneOf(status, IdentityCheck, 'status');
    return em.transactional(async (tx) => {
      const entity = await loadRequest(tx, id, true);
      assertOpen(entity);
      entity.identityCheck = check;
      entity.handler = actorOf(tx, context) ?? entity.handler;
      await tx.flush();
      await this.recordChange(tx, context, entity.customer.id);
      return this.view(entity);
    });
  }

  /**
   * Closes the request by hand (closePrivacyRequest), by the rules of request-closing.ts: a request
   * carried out by an operation of its own (erasure, rectification, restriction, mailing opt-out) can
   * only be rejected here, and completing any request needs a verified identity.
   */
  async close(
    em: EntityManager,
    id: string,
    input: CloseRequestInput,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<PrivacyRequestView> {
    return this.closeRequest(em, id, input, context, now, false);
  }

  /**
   * Completes a request that has just been carried out (data-subject-rights.service.ts), in the
   * carry-out's own transaction.
   */
  async completeCarriedOut(
    tx: EntityManager,
    id: string,
    outcome: string,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<PrivacyRequestView> {
    return this.closeRequest(tx, id, { status: RequestStatus.Completed, outcome }, context, now, true);
  }

  private async closeRequest(
    em: EntityManager,
    id: string,
    input: CloseRequestInput,
    context: AuditContext,
    now: Date,
    carriedOut: boolean,
  ): Promise<PrivacyRequestView> {
    const status = requireOneOf(
      input.status,
      { Completed: RequestStatus.Completed, Rejected: RequestStatus.Rejected },
      'status',
    );
    const outcome = requireLongText(input.outcome, 'outcome', OUTCOME_MAX);
    return em.transactional(async (tx) => {
      const entity = await loadRequest(tx, id, true);
      assertOpen(entity);
      assertMayClose(entity, status, carriedOut);
      entity.status = status;
      entity.outcomeEnc = this.cipher.encrypt(outcome, privacyRequestTextAad(entity.id, 'outcome'));
      entity.closedAt = now;
      entity.handler = actorOf(tx, context) ?? entity.handler;
      await tx.flush();
      await this.recordChange(tx, context, entity.customer.id);
      return this.view(entity);
    });
  }

  /**
   * GDPR art. 19: records that every third party that received this customer's data was told of the
   * correction, erasure or restriction, one row per recipient, all or none.
   */
  async notifyRecipients(
    em: EntityManager,
    requestId: string,
    what: string,
    now: Date = new Date(),
    /** The categories the change concerns: only recipients of some of them are told (all when left out). */
    categories?: readonly string[],
  ): Promise<RecipientNotification[]> {
    const text = requireLongText(what, 'what', NOTIFICATION_TEXT_MAX);
    return em.transactional(async (tx) => {
      const request = await loadRequest(tx, requestId);
      if (!RECIPIENT_NOTIFIED_KINDS.includes(request.kind)) {
        throw new ConflictError(
          `Privacy request ${requestId} is a ${request.kind} request; only rectification, erasure and restriction are passed on to recipients.`,
        );
      }
      const recipients = await thirdPartiesWithDisclosures(tx, request.customer.id, categories);
      const rows = recipients.map((r) =>
        tx.create(RecipientNotificationEntity, {
          id: randomUUID(),
          request,
          thirdParty: r.entity,
          notifiedAt: now,
          what: text,
        }),
      );
      tx.persist(rows);
      await tx.flush();
      return rows.map((row) => notificationOf(row, request.id));
    });
  }

  /** The recipients already told of this request's outcome, oldest first. */
  async recipientNotifications(em: EntityManager, requestId: string): Promise<RecipientNotification[]> {
    const request = await loadRequest(em, requestId);
    const rows = await em.find(
      RecipientNotificationEntity,
      { request },
      { populate: ['thirdParty'], orderBy: [{ notifiedAt: 'asc' }, { id: 'asc' }] },
    );
    return rows.map((row) => notificationOf(row, request.id));
  }

  /** Every third party that received some of this customer's data (art. 15(1)(c) and art. 19). */
  async recipients(em: EntityManager, customerId: string): Promise<ThirdPartyView[]> {
    if (!isUuid(customerId) || (await em.count(CustomerEntity, { id: customerId })) === 0) {
      throw new NotFoundError('customer', customerId);
    }
    return (await thirdPartiesWithDisclosures(em, customerId)).map((r) => r.view);
  }

  /**
   * The change's audit event, committed with the change or not at all. A request is the person's
   * correspondence (its reasons and outcome may name them), so the event says so, as a read of it does,
   * and the privacy officer's `category: correspondence` finds who wrote it as well as who read it.
   */
  private async recordChange(
    tx: EntityManager,
    context: AuditContext,
    customerId: string,
    action: 'create' | 'update' = 'update',
  ): Promise<void> {
    await this.audit.recordInTransaction(sqlRunner(tx), [
      auditEvent(context, {
        action,
        subjectId: customerId,
        categories: [DataCategory.Correspondence],
        fields: ['privacyRequest'],
      }),
    ]);
  }
}

/**
 * The request; with `lock`, its row is locked until the transaction ends (and re-read), so that two
 * changes of one request (a double-submitted extension, a rejection racing a carry-out) take turns
 * and the second sees what the first did.
 */
async function loadRequest(em: EntityManager, id: string, lock = false): Promise<PrivacyRequestEntity> {
  const options = lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {};
  const entity = isUuid(id) ? await em.findOne(PrivacyRequestEntity, { id }, options) : null;
  if (entity === null) throw new NotFoundError('privacy request', id);
  return entity;
}

function assertOpen(entity: PrivacyRequestEntity): void {
  if (entity.status !== RequestStatus.Open) {
    throw new ConflictError(`Privacy request ${entity.id} is already closed (${entity.status}).`);
  }
}

/** A request's notice; `requestId` is given, as a notice may belong to a retention action instead. */
function notificationOf(row: RecipientNotificationEntity, requestId: string): RecipientNotification {
  return {
    id: row.id,
    requestId,
    thirdPartyId: row.thirdParty.id,
    thirdParty: row.thirdParty.name,
    notifiedAt: row.notifiedAt,
    what: row.what,
  };
}
