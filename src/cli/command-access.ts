/**
 * The command line's audited exports under the API's access policy. Each command does the work of one
 * or more API operations and is decided by the same function the GraphQL guard calls,
 * `authorizeOperation` (src/auth/access-policy.ts): which roles may run the operation, which
 * categories the role may read, and whether the purpose fits them. Naming the operations here, rather
 * than keeping a second table of roles, is what keeps the command line and the API in step.
 */
import type { Actor } from '../auth/actor';
import { authorizeOperation, OPERATION_CATEGORIES } from '../auth/access-policy';
import type { Purpose } from '../auth/purpose';
import { ORDER_PERSONAL_FIELDS, type DataCategory } from '../personal-data/data-categories';

export interface CommandAccess {
  /** The API operations whose work the command does. */
  operations: readonly string[];
  /** The personal-data categories its output holds beyond the operations' own (OPERATION_CATEGORIES). */
  categories: readonly DataCategory[];
}

export const COMMAND_ACCESS = {
  'audit export': { operations: ['auditEvents'], categories: [] },
  // A proof bundle holds one audit event, as auditEvents releases it.
  'audit proof': { operations: ['auditEvents'], categories: [] },
  'finance vat-report': {
    operations: ['vatMismatches', 'vatEvidenceSummary'],
    // The mismatch file holds each order's evidence countries, as vatMismatches' evidence fields do.
    categories: [ORDER_PERSONAL_FIELDS.orderVatEvidence.category],
  },
  'privacy access-report': { operations: ['subjectAccessReport'], categories: [] },
} as const satisfies Record<string, CommandAccess>;

export type AuditedCommand = keyof typeof COMMAND_ACCESS;

/**
 * Throws the API's ForbiddenError when the actor's role may not run the command or read what it
 * writes, or the purpose does not fit; returns the categories the command touches.
 */
export function authorizeCommand(command: AuditedCommand, actor: Actor, purpose: Purpose): Set<DataCategory> {
  const access: CommandAccess = COMMAND_ACCESS[command];
  const categories = new Set<DataCategory>([
    ...access.categories,
    ...access.operations.flatMap((op) => OPERATION_CATEGORIES[op] ?? []),
  ]);
  authorizeOperation(actor, purpose, { operations: access.operations, categories });
  return categories;
}
