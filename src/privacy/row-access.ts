/**
 * Rules that depend on the customer, not only on the role: a restricted customer's data (GDPR art. 18)
 * is readable only by the privacy officer; an archived customer's data only for administrative
 * obligations (the policy: "archived ... then used only for administrative obligations"), or by the
 * privacy officer answering a request or an inspection.
 */
import type { Actor } from '../auth/actor';
import { PurposeKind, type Purpose } from '../auth/purpose';
import { Role } from '../auth/roles';
import { CustomerStatus, type CustomerEntity } from '../db/entities/customer.entity';
import { ForbiddenError } from '../errors/errors';

/** Who is reading; null actor means the platform itself (jobs, scoring internals). */
export interface ReadAccess {
  actor: Actor | null;
  purpose: Purpose | null;
  /** The personal-data categories the request asks for, when known (a GraphQL operation's). */
  categories?: ReadonlySet<string> | null;
  /** The order or contract a third party says it acts under (X-On-Behalf-Of). */
  onBehalfOf?: string | null;
}

const OFFICER_PURPOSES: readonly PurposeKind[] = [PurposeKind.PrivacyRequest, PurposeKind.Inspection];

/** May this reader see restricted customers? */
export function seesRestricted(access: ReadAccess): boolean {
  return access.actor === null || access.actor.role === Role.PrivacyOfficer;
}

/** May this reader see archived customers? */
export function seesArchived(access: ReadAccess): boolean {
  if (access.actor === null) return true;
  const kind = access.purpose?.kind;
  if (kind === PurposeKind.AdministrativeObligation) return true;
  return access.actor.role === Role.PrivacyOfficer && kind !== undefined && OFFICER_PURPOSES.includes(kind);
}

/**
 * The condition on a customer row (as a MikroORM filter) that leaves out those this reader may not
 * see; empty without a reader. Lists use it so that such customers, or their orders, drop out of the
 * page instead of failing it.
 */
export function visibleCustomersWhere(access: ReadAccess | undefined): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (access !== undefined && !seesRestricted(access)) where.restricted = false;
  if (access !== undefined && !seesArchived(access)) where.status = { $ne: CustomerStatus.Archived };
  return where;
}

export function customerReadRefusal(customer: CustomerEntity, access: ReadAccess): string | null {
  if (customer.restricted && !seesRestricted(access)) {
    return `Customer ${customer.id} is restricted (GDPR art. 18): only the privacy officer may read its data.`;
  }
  if (customer.status === CustomerStatus.Archived && !seesArchived(access)) {
    return `Customer ${customer.id} is archived: its data may be read only with purpose administrative-obligation.`;
  }
  return null;
}

export function assertCustomerReadable(customer: CustomerEntity, access: ReadAccess): void {
  const refusal = customerReadRefusal(customer, access);
  if (refusal !== null) {
    throw new ForbiddenError(refusal, {
      reason: customer.restricted ? 'RESTRICTED' : 'ARCHIVED',
      customerId: customer.id,
    });
  }
}
