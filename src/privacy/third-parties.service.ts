/**
 * The register of third parties that receive customers' data (domain registries, registrars, the
 * payment provider), each with what it receives, what it makes public and its disclosure policy; and,
 * per customer, every disclosure: what went where, why, and what became public through it. A disclosure
 * is audited in its own transaction, so the register and the tamper-evident log never disagree. Every
 * change of what a third party may read (its actor, the X-On-Behalf-Of requirement) is kept, with who
 * made it, so the privacy officer can say since when it could read and who allowed it.
 */
import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import { parsePurpose, purposeMisfits, type Purpose } from '../auth/purpose';
import { ActorEntity } from '../db/entities/actor.entity';
import { CustomerEntity } from '../db/entities/customer.entity';
import {
  DisclosureEndEntity,
  DisclosureEntity,
  ThirdPartyChangeEntity,
  ThirdPartyChangeKind,
  ThirdPartyEntity,
  ThirdPartyKind,
} from '../db/entities/privacy.entities';
import { sqlRunner } from '../db/sql-runner';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors';
import { ALL_DATA_CATEGORIES, DataCategory } from '../personal-data/data-categories';
import { requireDate } from '../validation/date';
import { normalizeText, requireLongText } from '../validation/text';
import { isUuid } from '../validation/uuid';
import { happenedAt } from './gdpr-dates';
import { assertDisclosable } from './row-access';
import { accessEndOf, disclosureEndHistory, earliestEnd } from './third-party-access';

export interface ThirdPartyInput {
  name: string;
  kind: ThirdPartyKind;
  /** Data categories (src/personal-data/data-categories.ts) it receives. */
  receives: string[];
  /** Of those, the ones that become public through it. */
  madePublic: string[];
  disclosurePolicy: string;
  /** The actor it reads the API as, when it has one. */
  actorId?: string | null;
  /** Its reads must name the order or contract they are for (X-On-Behalf-Of); false when left out. */
  onBehalfOfRequired?: boolean | null;
}

export interface ThirdPartyView {
  id: string;
  name: string;
  kind: ThirdPartyKind;
  actorId: string | null;
  receives: string[];
  madePublic: string[];
  disclosurePolicy: string;
  onBehalfOfRequired: boolean;
  createdAt: Date;
}

export interface ThirdPartyChangeView {
  changedAt: Date;
  change: ThirdPartyChangeKind;
  /** Who made it; null: the platform itself or the command line. */
  changedBy: string | null;
  /** The settings after the change. */
  actorId: string | null;
  onBehalfOfRequired: boolean;
}

export interface DisclosureInput {
  customerId: string;
  thirdPartyId: string;
  categories: string[];
  purpose: string;
  /** The order, domain or contract it was disclosed for. */
  reference?: string | null;
  disclosedAt?: Date | null;
  /** Until when the third party may read these categories through the API (after disclosedAt). */
  validUntil?: Date | null;
}

export interface DisclosureView {
  id: string;
  customerId: string;
  /** Whose data went out (read by the audit layer). */
  dataSubjectId: string;
  thirdParty: ThirdPartyView;
  disclosedAt: Date;
  categories: string[];
  /** The disclosed categories that became public through this third party. */
  madePublic: string[];
  purpose: string;
  reference: string | null;
  actorId: string | null;
  validUntil: Date | null;
  /** The end recorded later (endDisclosure) that counts, the earliest, if any. */
  end: DisclosureEndView | null;
  /** Every end recorded, oldest recorded first: an end brought forward keeps the one it replaced. */
  ends: DisclosureEndView[];
  /** When the third party's API access to these categories ends: the earlier of the two; null: no end. */
  accessEndsAt: Date | null;
}

export interface DisclosureEndInput {
  disclosureId: string;
  /** From when the third party may no longer read; now when not given. May lie ahead (a contract's end). */
  endsAt?: Date | null;
  reason: string;
}

export interface DisclosureEndView {
  endsAt: Date;
  reason: string;
  actorId: string | null;
  recordedAt: Date;
}

export const NAME_MAX = 200;
export const DISCLOSURE_POLICY_MAX = 5_000;
export const PURPOSE_MAX = 500;
export const REFERENCE_MAX = 200;

/** The third parties the privacy policy names, registered by `ensureDefaults`. */
export const DEFAULT_THIRD_PARTIES: readonly Omit<ThirdPartyInput, 'actorId'>[] = [
  {
    name: 'SIDN',
    kind: ThirdPartyKind.DomainRegistry,
    receives: [
      DataCategory.Name,
      DataCategory.Company,
      DataCategory.Address,
      DataCategory.Email,
      DataCategory.Phone,
    ],
    // The policy: "alleen uw naam/bedrijfsnaam zichtbaar is als houder", the holder's name, which for a
    // business holder is the company name; so both categories, and only those, can become public.
    madePublic: [DataCategory.Name, DataCategory.Company],
    disclosurePolicy:
      'Stichting Internet Domeinregistratie Nederland (SIDN) is the registry for .nl domain names. To register ' +
      "a .nl domain name we pass on the holder's name, company name, address, email address and phone number, " +
      'as the registry requires, and for nothing else. SIDN has its own privacy policy and decides what it ' +
      'publishes: its WHOIS is shielded and shows only the name of the holder (the person or the company); ' +
      'the other details are not public.',
  },
  {
    name: 'ICANN-accredited registrar (.com)',
    kind: ThirdPartyKind.Registrar,
    receives: [
      DataCategory.Name,
      DataCategory.Company,
      DataCategory.Address,
      DataCategory.Email,
      DataCategory.Phone,
    ],
    madePublic: [
      DataCategory.Name,
      DataCategory.Company,
      DataCategory.Address,
      DataCategory.Email,
      DataCategory.Phone,
    ],
    disclosurePolicy:
      ".com domain names are registered through a registrar accredited by ICANN, under ICANN's rules. To " +
      "register a .com domain name we pass on the registrant's name, company name, address, email address " +
      'and phone number. ICANN applies an open policy: these details can be looked up publicly in the WHOIS, ' +
      'so a customer should choose the extension with that in mind.',
  },
  {
    name: 'Payment provider',
    kind: ThirdPartyKind.PaymentProvider,
    receives: [DataCategory.Name, DataCategory.BankDetails],
    madePublic: [],
    disclosurePolicy:
      "The payment provider collects direct debits on our behalf. It receives the account holder's name and " +
      'bank details (bank name and IBAN) only to carry out a direct debit the customer agreed to, must keep ' +
      'them confidential, and publishes nothing.',
  },
];

export class ThirdPartyService {
  constructor(private readonly audit: AuditLog) {}

  /** @param changedBy the actor registering it; null for the platform itself or the command line. */
  async register(
    em: EntityManager,
    input: ThirdPartyInput,
    changedBy: string | null,
  ): Promise<ThirdPartyView> {
    const name = normalizeText(input.name, 'name', { maxLength: NAME_MAX });
    const kind = requireOneOf(input.kind, ThirdPartyKind, 'kind');
    const receives = requireCategories(input.receives, 'receives', ALL_DATA_CATEGORIES);
    if (receives.length === 0) throw new ValidationError('receives', 'must name at least one data category');
    const madePublic = requireCategories(input.madePublic, 'madePublic', receives);
    const disclosurePolicy = requireLongText(
      input.disclosurePolicy,
      'disclosurePolicy',
      DISCLOSURE_POLICY_MAX,
    );
    const actorId = input.actorId == null ? null : requireUuid(input.actorId, 'actorId');
    return em.transactional(async (tx) => {
      const actor = actorId === null ? null : await loadThirdPartyActor(tx, actorId);
      if ((await tx.count(ThirdPartyEntity, { name })) > 0) {
        throw new ConflictError(`A third party named "${name}" is already registered.`);
      }
      const entity = tx.create(ThirdPartyEntity, {
        id: randomUUID(),
        name,
        kind,
        actor,
        receives,
        madePublic,
        disclosurePolicy,
        onBehalfOfRequired: input.onBehalfOfRequired ?? false,
        createdAt: new Date(),
      });
      tx.persist([entity, changeOf(tx, entity, ThirdPartyChangeKind.Registered, changedBy)]);
      try {
        await tx.flush();
      } catch (error) {
        // Two registrations of one name raced past the check above; the unique index decided.
        if (error instanceof UniqueConstraintViolationException) {
          throw new ConflictError(
            `A third party named "${name}" is already registered.`,
            {},
            { cause: error },
          );
        }
        throw error;
      }
      return thirdPartyView(entity);
    });
  }

  /**
   * Ties the actor a third party reads the API as to its register entry (null unties it): its reads
   * are then limited to the customers disclosed to it (src/privacy/third-party-access.ts).
   */
  async linkActor(
    em: EntityManager,
    thirdPartyId: string,
    actorId: string | null,
    changedBy: string | null,
  ): Promise<ThirdPartyView> {
    const id = requireUuid(thirdPartyId, 'thirdPartyId');
    const wanted = actorId === null ? null : requireUuid(actorId, 'actorId');
    return this.change(em, id, changedBy, async (thirdParty, tx) => {
      if ((thirdParty.actor?.id ?? null) === wanted) return null;
      thirdParty.actor = wanted === null ? null : await loadThirdPartyActor(tx, wanted);
      return wanted === null ? ThirdPartyChangeKind.ActorUnlinked : ThirdPartyChangeKind.ActorLinked;
    });
  }

  /**
   * Whether the third party's reads must name the order or contract they are for (X-On-Behalf-Of), so
   * that each of its audit events says on whose behalf it read.
   */
  async requireOnBehalfOf(
    em: EntityManager,
    thirdPartyId: string,
    required: boolean,
    changedBy: string | null,
  ): Promise<ThirdPartyView> {
    const id = requireUuid(thirdPartyId, 'thirdPartyId');
    return this.change(em, id, changedBy, (thirdParty) => {
      if (thirdParty.onBehalfOfRequired === required) return null;
      thirdParty.onBehalfOfRequired = required;
      return required ? ThirdPartyChangeKind.OnBehalfOfRequired : ThirdPartyChangeKind.OnBehalfOfNotRequired;
    });
  }

  /**
   * Changes a register entry (`id` already checked) in a transaction of its own, keeps the change in
   * its history, and returns the entry. `apply` says which change it made, or null for none.
   */
  private change(
    em: EntityManager,
    id: string,
    changedBy: string | null,
    apply: (
      thirdParty: ThirdPartyEntity,
      tx: EntityManager,
    ) => ThirdPartyChangeKind | null | Promise<ThirdPartyChangeKind | null>,
  ): Promise<ThirdPartyView> {
    return em.transactional(async (tx) => {
      // Locked, so that two changes of one entry are kept in the order they were made.
      const thirdParty = await loadThirdParty(tx, id, LockMode.PESSIMISTIC_WRITE);
      const kind = await apply(thirdParty, tx);
      if (kind !== null) tx.persist(changeOf(tx, thirdParty, kind, changedBy));
      await tx.flush();
      return thirdPartyView(thirdParty);
    });
  }

  /** What changed in what the third party may read, oldest first. */
  async changes(em: EntityManager, thirdPartyId: string): Promise<ThirdPartyChangeView[]> {
    const thirdParty = await loadThirdParty(em, requireUuid(thirdPartyId, 'thirdPartyId'));
    const rows = await em.find(
      ThirdPartyChangeEntity,
      { thirdParty },
      { orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] },
    );
    return rows.map((row) => ({
      changedAt: row.changedAt,
      change: row.change,
      changedBy: row.changedBy?.id ?? null,
      actorId: row.actor?.id ?? null,
      onBehalfOfRequired: row.onBehalfOfRequired,
    }));
  }

  async list(em: EntityManager): Promise<ThirdPartyView[]> {
    const rows = await em.find(ThirdPartyEntity, {}, { orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    return rows.map(thirdPartyView);
  }

  async get(em: EntityManager, id: string): Promise<ThirdPartyView> {
    return thirdPartyView(await loadThirdParty(em, id));
  }

  /**
   * Registers the third parties the privacy policy names, once: one that already exists under its name
   * is left as it is, since the privacy officer may have refined its policy since.
   */
  async ensureDefaults(em: EntityManager): Promise<ThirdPartyView[]> {
    const result: ThirdPartyView[] = [];
    for (const spec of DEFAULT_THIRD_PARTIES) {
      const existing = await em.findOne(ThirdPartyEntity, { name: spec.name });
      if (existing !== null) {
        result.push(thirdPartyView(existing));
        continue;
      }
      try {
        result.push(await this.register(em, spec, null));
      } catch (error) {
        // Another process registered it in the meantime; theirs is as good as ours.
        if (!(error instanceof ConflictError)) throw error;
        const raced = await em.findOneOrFail(ThirdPartyEntity, { name: spec.name });
        result.push(thirdPartyView(raced));
      }
    }
    return result;
  }

  /** Records what was given to a third party; what it makes public follows from its policy. */
  async recordDisclosure(
    em: EntityManager,
    input: DisclosureInput,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<DisclosureView> {
    const customerId = requireUuid(input.customerId, 'customerId');
    const thirdPartyId = requireUuid(input.thirdPartyId, 'thirdPartyId');
    // A purpose the platform knows, as a read states it in X-Purpose; whether it fits what went out is
    // checked below, by the rule that decides reads.
    const purpose = parsePurpose(requireString(input.purpose, 'purpose'), 'purpose');
    const reference =
      input.reference == null || input.reference.trim() === ''
        ? null
        : normalizeText(input.reference, 'reference', { maxLength: REFERENCE_MAX });
    const disclosedAt = happenedAt(input.disclosedAt, 'disclosedAt', now, { sinceGdpr: true });
    const validUntil = input.validUntil == null ? null : requireDate(input.validUntil, 'validUntil');
    if (validUntil !== null && validUntil.getTime() <= disclosedAt.getTime()) {
      throw new ValidationError('validUntil', 'must be after disclosedAt');
    }
    if (!Array.isArray(input.categories) || input.categories.length === 0) {
      throw new ValidationError('categories', 'must name at least one data category');
    }
    return em.transactional(async (tx) => {
      // Shared lock: an erasure, archiving or restriction of this customer waits until the disclosure is
      // in, so it sees the disclosure (and tells its recipient), or the disclosure sees it and is refused.
      const customer = await tx.findOne(
        CustomerEntity,
        { id: customerId },
        { lockMode: LockMode.PESSIMISTIC_READ },
      );
      if (customer === null) throw new NotFoundError('customer', customerId);
      assertDisclosable(customer);
      const thirdParty = await loadThirdParty(tx, thirdPartyId);
      const categories = requireCategories(input.categories, 'categories', thirdParty.receives);
      assertDisclosurePurposeFits(purpose, categories);
      const entity = tx.create(DisclosureEntity, {
        id: randomUUID(),
        customer,
        thirdParty,
        disclosedAt,
        categories,
        madePublic: categories.filter((c) => thirdParty.madePublic.includes(c)),
        purpose: purpose.text,
        reference,
        actor: actorOf(tx, context),
        validUntil,
      });
      tx.persist(entity);
      await tx.flush();
      await this.audit.recordInTransaction(sqlRunner(tx), [
        auditEvent(context, { action: 'disclose', subjectId: customer.id, categories, fields: categories }),
      ]);
      return disclosureView(entity, []);
    });
  }

  /**
   * Ends a disclosure recorded without an end, or brings forward an end that still lies ahead (its
   * validUntil, or an end recorded before, such as a contract's end entered far ahead): from `endsAt`
   * its third party no longer reads what it covers (a later disclosure opens access again). The
   * register is insert-only, so each end is a row of its own and the one it brings forward is kept;
   * the earliest counts. An end that has passed is final, and an end is never moved later.
   */
  async endDisclosure(
    em: EntityManager,
    input: DisclosureEndInput,
    context: AuditContext,
    now: Date = new Date(),
  ): Promise<DisclosureView> {
    const disclosureId = requireUuid(input.disclosureId, 'disclosureId');
    const reason = normalizeText(input.reason, 'reason', { maxLength: PURPOSE_MAX });
    const endsAt = input.endsAt == null ? now : requireDate(input.endsAt, 'endsAt');
    return em.transactional(async (tx) => {
      const entity = await tx.findOne(DisclosureEntity, { id: disclosureId }, { populate: ['thirdParty'] });
      if (entity === null) throw new NotFoundError('disclosure', disclosureId);
      if (endsAt.getTime() <= entity.disclosedAt.getTime()) {
        throw new ValidationError(
          'endsAt',
          `must be after the disclosure (${entity.disclosedAt.toISOString()})`,
        );
      }
      // Two ends of one customer's disclosures are recorded one after the other, so each sees the last.
      await tx.findOne(CustomerEntity, { id: entity.customer.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const earlier = await tx.find(
        DisclosureEndEntity,
        { disclosureId },
        { orderBy: [{ recordedAt: 'asc' }, { endsAt: 'desc' }, { id: 'asc' }] },
      );
      const recorded = earliestEnd(earlier);
      const endedAt = accessEndOf(entity.validUntil, recorded);
      if (endedAt !== null) {
        const which =
          recorded !== null && recorded.endsAt.getTime() === endedAt.getTime()
            ? `recorded ${recorded.recordedAt.toISOString()}: ${recorded.reason}`
            : 'its validUntil';
        const details = { disclosureId, accessEndsAt: endedAt.toISOString() };
        if (endedAt.getTime() <= now.getTime()) {
          throw new ConflictError(
            `Disclosure ${disclosureId} already ended at ${endedAt.toISOString()} (${which}).`,
            details,
          );
        }
        if (endsAt.getTime() >= endedAt.getTime()) {
          throw new ConflictError(
            `Disclosure ${disclosureId} is already set to end at ${endedAt.toISOString()} (${which}); ` +
              'an end can be brought forward, not moved later: give an endsAt before it.',
            details,
          );
        }
      }
      const end = tx.create(DisclosureEndEntity, {
        id: randomUUID(),
        disclosureId,
        endsAt,
        reason,
        actor: actorOf(tx, context),
        recordedAt: now,
      });
      tx.persist(end);
      await tx.flush();
      await this.audit.recordInTransaction(sqlRunner(tx), [
        auditEvent(context, {
          action: 'update',
          subjectId: entity.customer.id,
          categories: entity.categories,
          fields: ['disclosure.end'],
        }),
      ]);
      return disclosureView(entity, [...earlier, end]);
    });
  }

  /** Everything disclosed about a customer, newest first, each with its third party. */
  async disclosures(em: EntityManager, customerId: string): Promise<DisclosureView[]> {
    if (!isUuid(customerId) || (await em.count(CustomerEntity, { id: customerId })) === 0) {
      throw new NotFoundError('customer', customerId);
    }
    const rows = await em.find(
      DisclosureEntity,
      { customer: customerId },
      { populate: ['thirdParty'], orderBy: [{ disclosedAt: 'desc' }, { id: 'desc' }] },
    );
    const ends = await disclosureEndHistory(em, rows);
    return rows.map((d) => disclosureView(d, ends.get(d.id) ?? []));
  }
}

/**
 * The distinct third parties that received some of a customer's data, by name: the recipients of
 * art. 15(1)(c) and art. 19. Shared with the privacy-request service.
 */
export async function thirdPartiesWithDisclosures(
  em: EntityManager,
  customerId: string,
  /** Only those that received some of these categories; all recipients when left out. */
  categories?: readonly string[],
): Promise<{ entity: ThirdPartyEntity; view: ThirdPartyView }[]> {
  // Bound through knex (sqlRunner), which passes an array as one parameter.
  const rows = await sqlRunner(em).query<{ third_party_id: string }>(
    categories === undefined
      ? 'select distinct third_party_id from disclosure where customer_id = ?'
      : 'select distinct third_party_id from disclosure where customer_id = ? and categories && ?::text[]',
    categories === undefined ? [customerId] : [customerId, [...categories]],
  );
  if (rows.length === 0) return [];
  const parties = await em.find(
    ThirdPartyEntity,
    { id: { $in: rows.map((r) => r.third_party_id) } },
    { orderBy: [{ name: 'asc' }, { id: 'asc' }] },
  );
  return parties.map((entity) => ({ entity, view: thirdPartyView(entity) }));
}

export function thirdPartyView(entity: ThirdPartyEntity): ThirdPartyView {
  return {
    id: entity.id,
    name: entity.name,
    kind: entity.kind,
    actorId: entity.actor?.id ?? null,
    receives: [...entity.receives],
    madePublic: [...entity.madePublic],
    disclosurePolicy: entity.disclosurePolicy,
    onBehalfOfRequired: entity.onBehalfOfRequired,
    createdAt: entity.createdAt,
  };
}

/** A disclosure as shown, with every end recorded for it (oldest recorded first). */
function disclosureView(entity: DisclosureEntity, ends: readonly DisclosureEndEntity[]): DisclosureView {
  const end = earliestEnd(ends);
  return {
    id: entity.id,
    customerId: entity.customer.id,
    dataSubjectId: entity.customer.id,
    thirdParty: thirdPartyView(entity.thirdParty),
    disclosedAt: entity.disclosedAt,
    categories: [...entity.categories],
    madePublic: [...entity.madePublic],
    purpose: entity.purpose,
    reference: entity.reference,
    actorId: entity.actor?.id ?? null,
    validUntil: entity.validUntil,
    end: end === null ? null : disclosureEndView(end),
    ends: ends.map(disclosureEndView),
    accessEndsAt: accessEndOf(entity.validUntil, end),
  };
}

function disclosureEndView(end: DisclosureEndEntity): DisclosureEndView {
  return {
    endsAt: end.endsAt,
    reason: end.reason,
    actorId: end.actor?.id ?? null,
    recordedAt: end.recordedAt,
  };
}

async function loadThirdPartyActor(em: EntityManager, id: string): Promise<ActorEntity> {
  const actor = await em.findOne(ActorEntity, { id });
  if (actor === null) throw new NotFoundError('actor', id);
  if (actor.kind !== 'third_party') {
    throw new ValidationError(
      'actorId',
      `must be a third-party actor; ${actor.name} is of kind ${actor.kind}`,
    );
  }
  return actor;
}

async function loadThirdParty(
  em: EntityManager,
  id: string,
  lockMode?: LockMode.PESSIMISTIC_WRITE,
): Promise<ThirdPartyEntity> {
  const entity = isUuid(id) ? await em.findOne(ThirdPartyEntity, { id }, { lockMode }) : null;
  if (entity === null) throw new NotFoundError('third party', id);
  return entity;
}

/** The history row for a change just made to `thirdParty` (its settings as they now are). */
function changeOf(
  em: EntityManager,
  thirdParty: ThirdPartyEntity,
  change: ThirdPartyChangeKind,
  changedBy: string | null,
): ThirdPartyChangeEntity {
  return em.create(ThirdPartyChangeEntity, {
    id: randomUUID(),
    thirdParty,
    changedAt: new Date(),
    change,
    changedBy: changedBy === null ? null : em.getReference(ActorEntity, changedBy),
    actor: thirdParty.actor,
    onBehalfOfRequired: thirdParty.onBehalfOfRequired,
  });
}

/**
 * The policy gives data to third parties only to carry out the order, and binds some categories to
 * purposes (bank details to direct debit): a disclosure's purpose must cover every category it gave,
 * by the rule that decides reads (src/auth/purpose.ts).
 */
function assertDisclosurePurposeFits(purpose: Purpose, categories: readonly string[]): void {
  const misfits = purposeMisfits(purpose, categories);
  if (misfits.length > 0) {
    throw new ValidationError(
      'purpose',
      `${purpose.kind} does not cover ${misfits.join('; ')}; record the disclosure under a purpose that covers every category it gave`,
      { purpose: purpose.kind, misfits },
    );
  }
}

function requireString(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  return value;
}

/** Distinct categories, each one of `allowed`, in their given order. */
function requireCategories(value: string[], field: string, allowed: readonly string[]): string[] {
  if (!Array.isArray(value) || value.some((c) => typeof c !== 'string')) {
    throw new ValidationError(field, 'must be a list of data categories');
  }
  const unknown = value.filter((c) => !allowed.includes(c));
  if (unknown.length > 0) {
    throw new ValidationError(
      field,
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the allowed categories (${allowed.join(', ') || 'none'})`,
      { unknown },
    );
  }
  return [...new Set(value)];
}

// Input checks shared by the privacy services. They sit here because this module imports none of the
// others; a module of their own (src/privacy/privacy-input.ts) would be the better home.

/** The acting employee or service as the row's handler; customers and the system are not actor rows. */
export function actorOf(em: EntityManager, context: AuditContext): ActorEntity | null {
  if (context.actorId === null || context.actorKind === 'customer' || context.actorKind === 'system') {
    return null;
  }
  return em.getReference(ActorEntity, context.actorId);
}

export function requireUuid(value: string, field: string): string {
  if (typeof value !== 'string' || !isUuid(value)) throw new ValidationError(field, 'must be an id (a UUID)');
  return value.toLowerCase();
}

export function requireOneOf<T extends string>(value: T, allowed: Record<string, T>, field: string): T {
  const values = Object.values(allowed);
  if (!values.includes(value)) throw new ValidationError(field, `must be one of ${values.join(', ')}`);
  return value;
}
