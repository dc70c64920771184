/**
 * The complaints register: complaints made to the company and those the Autoriteit Persoonsgegevens
 * forwards or investigates, each with its deadline, linked to the evidence (the data-subject requests
 * and audit events it is about), and closed once with a resolution. What a complaint says, and what we
 * answer, may hold personal data, so the summary and the resolution are stored encrypted, each bound to
 * its row and field.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import type { FieldCipher } from '../crypto/field-cipher';
import { CustomerEntity } from '../db/entities/customer.entity';
import {
  ComplaintEntity,
  ComplaintSource,
  ComplaintStatus,
  PrivacyRequestEntity,
} from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { decodeTimeIdCursor, pageSize, toPage, type Page } from '../pagination/page';
import { DataCategory } from '../personal-data/data-categories';
import { normalizeText } from '../validation/text';
import { isUuid } from '../validation/uuid';
import { complaintDueDate, isOverdue } from './deadlines';
import { requireLongText } from '../validation/text';
import { happenedAt } from './gdpr-dates';
import { actorOf, requireOneOf, requireUuid } from './third-parties.service';

export interface ComplaintInput {
  /** The person it is about; none for an anonymous complaint or one the regulator has not tied to anyone. */
  customerId?: string | null;
  source: ComplaintSource;
  /** The Autoriteit Persoonsgegevens' case number, for a complaint that came through it. */
  regulatorReference?: string | null;
  receivedAt?: Date | null;
  summary: string;
  requestIds?: string[] | null;
  eventIds?: string[] | null;
}

export interface ComplaintFilter {
  status?: ComplaintStatus | null;
  customerId?: string | null;
  escalated?: boolean | null;
  /** Still open (or being investigated) past its due date. */
  overdue?: boolean | null;
  open?: boolean | null;
}

export interface ComplaintPatch {
  status?: ComplaintStatus | null;
  resolution?: string | null;
  /** Taken to (or raised by) the Autoriteit Persoonsgegevens. */
  escalated?: boolean | null;
  /** Added to the linked requests; links are never removed, evidence once linked stays linked. */
  linkRequestIds?: string[] | null;
  linkEventIds?: string[] | null;
}

export const SUMMARY_MAX = 5_000;
export const RESOLUTION_MAX = 5_000;
export const REGULATOR_REFERENCE_MAX = 100;
export const MAX_LINKS = 100;

const OPEN_STATUSES: readonly ComplaintStatus[] = [ComplaintStatus.Open, ComplaintStatus.Investigating];
const CLOSED_STATUSES: readonly ComplaintStatus[] = [ComplaintStatus.Resolved, ComplaintStatus.Rejected];

/** Associated data for the summary: its ciphertext only decrypts in its own row. */
export function complaintSummaryAad(complaintId: string): string {
  return `complaint:${complaintId}:summary`;
}

/** Associated data for the resolution, bound to its row as the summary is. */
export function complaintResolutionAad(complaintId: string): string {
  return `complaint:${complaintId}:resolution`;
}

/** The readable view of a stored complaint; the summary is decrypted only when read. */
export class ComplaintView {
  constructor(
    readonly entity: ComplaintEntity,
    private readonly cipher: FieldCipher,
  ) {}

  get id(): string {
    return this.entity.id;
  }
  /** Whose personal data the complaint is about, if anyone's (read by the audit layer). */
  get dataSubjectId(): string | null {
    return this.entity.customer?.id ?? null;
  }
  get customerId(): string | null {
    return this.entity.customer?.id ?? null;
  }
  get source(): ComplaintSource {
    return this.entity.source;
  }
  get regulatorReference(): string | null {
    return this.entity.regulatorReference;
  }
  get receivedAt(): Date {
    return this.entity.receivedAt;
  }
  get dueAt(): Date {
    return this.entity.dueAt;
  }
  get status(): ComplaintStatus {
    return this.entity.status;
  }
  get isOpen(): boolean {
    return OPEN_STATUSES.includes(this.entity.status);
  }
  get escalated(): boolean {
    return this.entity.escalated;
  }
  get summary(): string {
    return this.cipher.decrypt(this.entity.summaryEnc, complaintSummaryAad(this.entity.id));
  }
  get resolution(): string | null {
    const stored = this.entity.resolutionEnc;
    return stored === null ? null : this.cipher.decrypt(stored, complaintResolutionAad(this.entity.id));
  }
  get requestIds(): string[] {
    return [...this.entity.requestIds];
  }
  get eventIds(): string[] {
    return [...this.entity.eventIds];
  }
  get handlerId(): string | null {
    return this.entity.handler?.id ?? null;
  }
  get closedAt(): Date | null {
    return this.entity.closedAt;
  }
  get createdAt(): Date {
    return this.entity.createdAt;
  }
  isOverdue(now: Date = new Date()): boolean {
    return this.isOpen && isOverdue(this.entity.dueAt, null, now);
  }
}

export class ComplaintService {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
  ) {}

  view(entity: ComplaintEntity): ComplaintView {
    return new ComplaintView(entity, this.cipher);
  }

  async create(
    em: EntityManager,
    input: ComplaintInput,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<ComplaintView> {
    const customerId = input.customerId == null ? null : requireUuid(input.customerId, 'customerId');
    const source = requireOneOf(input.source, ComplaintSource, 'source');
    let regulatorReference: string | null = null;
    if (input.regulatorReference != null && input.regulatorReference.trim() !== '') {
      if (source !== ComplaintSource.Regulator) {
        throw new ValidationError(
          'regulatorReference',
          'is only for complaints that came through the regulator',
        );
      }
      regulatorReference = normalizeText(input.regulatorReference, 'regulatorReference', {
        maxLength: REGULATOR_REFERENCE_MAX,
      });
    }
    // A complaint the regulator forwards or investigates is answered under its case number.
    if (source === ComplaintSource.Regulator && regulatorReference === null) {
      throw new ValidationError(
        'regulatorReference',
        "is required for a complaint that came through the regulator: give the Autoriteit Persoonsgegevens' case number",
      );
    }
    const receivedAt = happenedAt(input.receivedAt, 'receivedAt', now, { sinceGdpr: false });
    const summary = requireLongText(input.summary, 'summary', SUMMARY_MAX);
    const requestIds = requireIdList(input.requestIds ?? [], 'requestIds');
    const eventIds = requireIdList(input.eventIds ?? [], 'eventIds');
    return em.transactional(async (tx) => {
      let customer: CustomerEntity | null = null;
      if (customerId !== null) {
        customer = await tx.findOne(CustomerEntity, { id: customerId });
        if (customer === null) throw new NotFoundError('customer', customerId);
      }
      await assertRequestsExist(tx, requestIds, customerId, 'requestIds');
      await assertEventsExist(tx, eventIds, customerId, 'eventIds');
      const id = randomUUID();
      const entity = tx.create(ComplaintEntity, {
        id,
        customer,
        source,
        regulatorReference,
        receivedAt,
        dueAt: complaintDueDate(receivedAt),
        escalated: source === ComplaintSource.Regulator,
        summaryEnc: this.cipher.encrypt(summary, complaintSummaryAad(id)),
        requestIds,
        eventIds,
        handler: actorOf(tx, context),
        createdAt: now,
      });
      tx.persist(entity);
      await tx.flush();
      await this.recordChange(tx, context, customerId, 'create');
      return this.view(entity);
    });
  }

  async get(em: EntityManager, id: string): Promise<ComplaintView> {
    return this.view(await loadComplaint(em, id));
  }

  async list(
    em: EntityManager,
    filter: ComplaintFilter,
    first?: number | null,
    after?: string | null,
    now: Date = new Date(),
  ): Promise<Page<ComplaintView>> {
    const size = pageSize(first);
    const cursor = decodeTimeIdCursor(after);
    const and: Record<string, unknown>[] = [];
    if (filter.status != null) {
      and.push({ status: requireOneOf(filter.status, ComplaintStatus, 'filter.status') });
    }
    if (filter.customerId != null)
      and.push({ customer: requireUuid(filter.customerId, 'filter.customerId') });
    if (filter.escalated != null) and.push({ escalated: filter.escalated });
    if (filter.open === true) and.push({ status: { $in: OPEN_STATUSES } });
    if (filter.open === false) and.push({ status: { $in: CLOSED_STATUSES } });
    if (filter.overdue === true) and.push({ status: { $in: OPEN_STATUSES }, dueAt: { $lt: now } });
    if (filter.overdue === false) {
      and.push({ $or: [{ status: { $in: CLOSED_STATUSES } }, { dueAt: { $gte: now } }] });
    }
    if (cursor !== null) {
      const t = new Date(cursor.t);
      and.push({ $or: [{ receivedAt: { $lt: t } }, { receivedAt: t, id: { $lt: cursor.id } }] });
    }
    const rows = await em.find(ComplaintEntity, and.length === 0 ? {} : { $and: and }, {
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
   * Moves a complaint on. Resolving or rejecting it closes it for good and needs a resolution, the
   * answer the complainant (or the regulator) gets; a closed complaint is evidence and no longer changes.
   */
  async update(
    em: EntityManager,
    id: string,
    patch: ComplaintPatch,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<ComplaintView> {
    const status = patch.status == null ? null : requireOneOf(patch.status, ComplaintStatus, 'status');
    const resolution =
      patch.resolution == null ? null : requireLongText(patch.resolution, 'resolution', RESOLUTION_MAX);
    if (patch.escalated != null && typeof patch.escalated !== 'boolean') {
      throw new ValidationError('escalated', 'must be true or false');
    }
    const linkRequestIds = requireIdList(patch.linkRequestIds ?? [], 'linkRequestIds');
    const linkEventIds = requireIdList(patch.linkEventIds ?? [], 'linkEventIds');
    if (
      status === null &&
      resolution === null &&
      patch.escalated == null &&
      linkRequestIds.length === 0 &&
      linkEventIds.length === 0
    ) {
      throw new ValidationError('input', 'names nothing to change');
    }
    return em.transactional(async (tx) => {
      const entity = await loadComplaint(tx, id);
      if (CLOSED_STATUSES.includes(entity.status)) {
        throw new ConflictError(`Complaint ${id} is already closed (${entity.status}) and cannot change.`);
      }
      await assertRequestsExist(tx, linkRequestIds, entity.customer?.id ?? null, 'linkRequestIds');
      await assertEventsExist(tx, linkEventIds, entity.customer?.id ?? null, 'linkEventIds');
      if (resolution !== null) {
        entity.resolutionEnc = this.cipher.encrypt(resolution, complaintResolutionAad(entity.id));
      }
      if (patch.escalated != null) entity.escalated = patch.escalated;
      entity.requestIds = union(entity.requestIds, linkRequestIds);
      entity.eventIds = union(entity.eventIds, linkEventIds);
      if (status !== null) {
        if (CLOSED_STATUSES.includes(status)) {
          if (entity.resolutionEnc === null) {
            throw new ValidationError('resolution', `is required to mark a complaint ${status}`);
          }
          entity.closedAt = now;
        }
        entity.status = status;
      }
      entity.handler = actorOf(tx, context) ?? entity.handler;
      await tx.flush();
      await this.recordChange(tx, context, entity.customer?.id ?? null);
      return this.view(entity);
    });
  }

  /**
   * The change's audit event, committed with the change or not at all. A complaint's summary and
   * resolution are the person's correspondence, so the event says so, as a read of them does.
   */
  private async recordChange(
    tx: EntityManager,
    context: AuditContext,
    customerId: string | null,
    action: 'create' | 'update' = 'update',
  ): Promise<void> {
    await this.audit.recordInTransaction(sqlRunner(tx), [
      auditEvent(context, {
        action,
        subjectId: customerId,
        categories: [DataCategory.Correspondence],
        fields: ['complaint'],
      }),
    ]);
  }
}

async function loadComplaint(em: EntityManager, id: string): Promise<ComplaintEntity> {
  const entity = isUuid(id) ? await em.findOne(ComplaintEntity, { id }) : null;
  if (entity === null) throw new NotFoundError('complaint', id);
  return entity;
}

function requireIdList(value: string[], field: string): string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be a list of ids');
  if (value.length > MAX_LINKS) throw new ValidationError(field, `must hold at most ${MAX_LINKS} ids`);
  return [...new Set(value.map((v) => requireUuid(v, field)))];
}

/**
 * Linked requests must exist, and when the complaint is about a customer they must be that customer's:
 * evidence about someone else would be both wrong and a leak.
 */
async function assertRequestsExist(
  em: EntityManager,
  ids: string[],
  customerId: string | null,
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const found = await em.find(PrivacyRequestEntity, { id: { $in: ids } });
  const missing = ids.filter((id) => !found.some((r) => r.id === id));
  if (missing.length > 0) {
    throw new ValidationError(field, `names no privacy request: ${missing.join(', ')}`, { missing });
  }
  const foreign = found.filter((r) => customerId !== null && r.customer.id !== customerId);
  if (foreign.length > 0) {
    throw new ValidationError(field, `belongs to another customer: ${foreign.map((r) => r.id).join(', ')}`);
  }
}

/**
 * Linked audit events must exist, sealed (audit_event) or still waiting to be (audit_inbox), and when
 * the complaint is about a customer they must be about that customer, as linked requests must: an event
 * linked to A's complaint is shown in A's inspection report, so one about someone else would put
 * another person's processing in it. An event about no one (a policy version published, a change of the
 * third-party register) holds no one else's data and may be linked: a complaint may be about it.
 */
async function assertEventsExist(
  em: EntityManager,
  ids: string[],
  customerId: string | null,
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await em.getConnection().execute<{ event_id: string; subject_id: string | null }[]>(
    // MikroORM inlines an array parameter as a list, hence `in (?)`.
    `select event_id, subject_id from audit_event where event_id in (?)
       union select event_id, subject_id from audit_inbox where event_id in (?)`,
    [ids, ids],
    'all',
    em.getTransactionContext(),
  );
  const found = new Set(rows.map((r) => r.event_id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new ValidationError(field, `names no audit event: ${missing.join(', ')}`, { missing });
  }
  const foreign = [
    ...new Set(
      rows
        .filter((r) => customerId !== null && r.subject_id !== null && r.subject_id !== customerId)
        .map((r) => r.event_id),
    ),
  ];
  if (foreign.length > 0) {
    throw new ValidationError(
      field,
      `is about another data subject than the complaint's customer: ${foreign.join(', ')}`,
      { foreign },
    );
  }
}

function union(existing: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...existing, ...added])];
}
