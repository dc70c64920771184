/**
 * The privacy policy gives customers' data to third parties "only to carry out the order". So a third
 * party reads a customer through the API only as far as the disclosure register says that customer's
 * data went to it: the order system records the disclosure (recordDisclosure, with its categories) when
 * it passes an order on, and from then on the registry or payment provider may look up those categories
 * of that customer, until the disclosure's end when it has one (validUntil, given with it, or an end
 * recorded later with endDisclosure, which a later call may bring forward: the earliest counts). Its
 * API actor is tied to its register entry (registerThirdParty with actorId, or linkThirdPartyActor);
 * an actor tied to none reads no one.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import { ActorKind } from '../db/entities/actor.entity';
import { DisclosureEndEntity, DisclosureEntity, ThirdPartyEntity } from '../db/entities/privacy.entities';
import { ForbiddenError, ValidationError } from '../errors/errors';

/** `X-On-Behalf-Of`: the order or contract a third party acts under, recorded with its reads. */
export const ON_BEHALF_OF_HEADER = 'X-On-Behalf-Of';

/**
 * The on-behalf-of a request's audit events record: only a third party acts under an order or contract
 * of the disclosure register, and only its reads are held against that register. From anyone else the
 * header would be text of the caller's choosing kept for good in the append-only log, read there as
 * the order or contract the access was for, so it is refused rather than recorded.
 */
export function onBehalfOfFor(actor: Actor | null, stated: string | null): string | null {
  if (stated !== null && actor?.kind !== ActorKind.ThirdParty) {
    throw new ValidationError(
      ON_BEHALF_OF_HEADER,
      'only a third party states the order or contract it acts under; leave the header out',
    );
  }
  return stated;
}

export interface DisclosedRead {
  /** The categories the request asks for, when known. */
  categories?: ReadonlySet<string> | null;
  /** The order or contract the third party says it acts under (X-On-Behalf-Of), if it says one. */
  onBehalfOf?: string | null;
  /** When the read happens (disclosures past their end no longer count). */
  now?: Date;
}

/**
 * Refuses a third-party actor's read of a customer not disclosed to it, or of categories of that
 * customer that were not. A read that names the order or contract it is for (X-On-Behalf-Of) counts
 * only the disclosures recorded under that reference (compared without regard to case), so the
 * on-behalf-of the audit log records for it is one the register bears out; a third party the register
 * marks `onBehalfOfRequired` must name one. Asked before the customer is loaded, so a third party
 * cannot tell an unknown customer id from one that is not its own.
 */
export async function assertDisclosedTo(
  em: EntityManager,
  actor: Actor,
  customerId: string,
  read: DisclosedRead = {},
): Promise<void> {
  if (actor.kind !== 'third_party') return;
  const now = read.now ?? new Date();
  const parties = await em.find(
    ThirdPartyEntity,
    { actor: actor.id },
    { fields: ['id', 'name', 'onBehalfOfRequired'] },
  );
  if (parties.length === 0) {
    throw new ForbiddenError(
      `Third-party actor ${actor.name} is not tied to an entry of the third-party register, so it may read no customer; an administrator ties it with linkThirdPartyActor.`,
      { reason: 'THIRD_PARTY_NOT_REGISTERED' },
    );
  }
  const names = parties.map((p) => p.name).join(', ');
  const stated = read.onBehalfOf ?? null;
  if (stated === null && parties.some((p) => p.onBehalfOfRequired)) {
    throw new ValidationError(
      ON_BEHALF_OF_HEADER,
      `reads by ${names} must name the order or contract they are for in this header (the third-party register requires it)`,
    );
  }
  const all = await em.find(
    DisclosureEntity,
    { customer: customerId, thirdParty: { $in: parties.map((p) => p.id) } },
    { fields: ['categories', 'validUntil', 'reference'] },
  );
  const ends = await disclosureEnds(em, all);
  const endOf = (d: Pick<DisclosureEntity, 'id' | 'validUntil'>) =>
    accessEndOf(d.validUntil, ends.get(d.id) ?? null);
  const open = all.filter((d) => (endOf(d)?.getTime() ?? Infinity) > now.getTime());
  if (open.length === 0) {
    const ended = all.map((d) => endOf(d)!.getTime());
    throw new ForbiddenError(
      ended.length === 0
        ? `No data of customer ${customerId} was disclosed to ${names}: a third party reads only customers whose data went to it for an order (recordDisclosure).`
        : `What was disclosed of customer ${customerId} to ${names} may be read only until ${new Date(Math.max(...ended)).toISOString()}, which has passed; a new order's disclosure (recordDisclosure) opens it again.`,
      { reason: 'NOT_DISCLOSED', customerId },
    );
  }
  const disclosures =
    stated === null ? open : open.filter((d) => d.reference?.toLowerCase() === stated.toLowerCase());
  if (disclosures.length === 0) {
    const references = [...new Set(open.flatMap((d) => (d.reference === null ? [] : [d.reference])))].sort();
    throw new ForbiddenError(
      `Nothing of customer ${customerId} was disclosed to ${names} under "${stated}" (${ON_BEHALF_OF_HEADER}); ` +
        (references.length === 0
          ? 'its disclosures name no order or contract, so leave the header out.'
          : `its disclosures are for ${references.join(', ')}.`),
      { reason: 'NOT_DISCLOSED', customerId, onBehalfOf: stated },
    );
  }
  const disclosed = new Set(disclosures.flatMap((d) => d.categories));
  const beyond = [...(read.categories ?? [])].filter((c) => !disclosed.has(c)).sort();
  if (beyond.length > 0) {
    throw new ForbiddenError(
      `Of customer ${customerId}, ${beyond.join(', ')} ${beyond.length === 1 ? 'was' : 'were'} not disclosed to ${names} (only ${[...disclosed].sort().join(', ')}); ask for those categories alone.`,
      { reason: 'NOT_DISCLOSED', customerId, categories: beyond },
    );
  }
}

/** When a disclosure stops opening its customer to the third party: the earlier of its two ends, if any. */
export function accessEndOf(
  validUntil: Date | null,
  end: Pick<DisclosureEndEntity, 'endsAt'> | null,
): Date | null {
  if (end === null) return validUntil;
  return validUntil !== null && validUntil.getTime() < end.endsAt.getTime() ? validUntil : end.endsAt;
}

/** The end that counts of these disclosures, by disclosure id: the earliest recorded (endDisclosure). */
export async function disclosureEnds(
  em: EntityManager,
  disclosures: readonly { id: string }[],
): Promise<Map<string, DisclosureEndEntity>> {
  const counting = new Map<string, DisclosureEndEntity>();
  for (const [id, ends] of await disclosureEndHistory(em, disclosures)) {
    counting.set(id, earliestEnd(ends)!);
  }
  return counting;
}

/**
 * Every end recorded of these disclosures, oldest recorded first, by disclosure id. Each end recorded
 * lies before the one it brings forward, so of two recorded at one instant the earlier end came second.
 */
export async function disclosureEndHistory(
  em: EntityManager,
  disclosures: readonly { id: string }[],
): Promise<Map<string, DisclosureEndEntity[]>> {
  if (disclosures.length === 0) return new Map();
  const ends = await em.find(
    DisclosureEndEntity,
    { disclosureId: { $in: disclosures.map((d) => d.id) } },
    { orderBy: [{ recordedAt: 'asc' }, { endsAt: 'desc' }, { id: 'asc' }] },
  );
  const history = new Map<string, DisclosureEndEntity[]>();
  for (const end of ends) history.set(end.disclosureId, [...(history.get(end.disclosureId) ?? []), end]);
  return history;
}

/** Of the ends recorded for one disclosure, the one that counts: the earliest. */
export function earliestEnd<T extends Pick<DisclosureEndEntity, 'endsAt'>>(ends: readonly T[]): T | null {
  let earliest: T | null = null;
  for (const end of ends) {
    if (earliest === null || end.endsAt.getTime() < earliest.endsAt.getTime()) earliest = end;
  }
  return earliest;
}
