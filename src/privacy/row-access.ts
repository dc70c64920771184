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
}

const OFFICER_PURPOSES: readonly PurposeKind[] = [PurposeKind.PrivacyRequest, PurposeKind.Inspection];

export function customerReadRefusal(customer: CustomerEntity, access: ReadAccess): string | null {
  if (access.actor === null) return null;
  const officer = access.actor.role === Role.PrivacyOfficer;
  if (customer.restricted && !officer) {
    return `Customer ${customer.id} is restricted (GDPR art. 18): only the privacy officer may read its data.`;
  }
  if (customer.status === CustomerStatus.Archived) {
    const kind = access.purpose?.kind;
    const allowed =
      kind === PurposeKind.AdministrativeObligation ||
      (officer && kind !== undefined && OFFICER_PURPOSES.includes(kind));
    if (!allowed) {
      return `Customer ${customer.id} is archived: its data may be read only with purpose administrative-obligation.`;
    }
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
