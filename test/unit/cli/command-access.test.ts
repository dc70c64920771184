/**
 * The command line's audited exports are decided by the API's access policy: the operations they name
 * exist, and a command is allowed exactly when the API would allow its operations with that purpose.
 */
import { describe, expect, it } from 'vitest';
import { allOperations, authorizeOperation, OPERATION_CATEGORIES } from '../../../src/auth/access-policy';
import type { Actor } from '../../../src/auth/actor';
import { parsePurpose } from '../../../src/auth/purpose';
import { Role, ROLES_BY_KIND } from '../../../src/auth/roles';
import { authorizeCommand, COMMAND_ACCESS, type AuditedCommand } from '../../../src/cli/command-access';
import { ForbiddenError } from '../../../src/errors/errors';

const PURPOSES = ['support-ticket:1', 'direct-debit', 'vat-audit', 'privacy-request:7', 'inspection'];

const actorFor = (role: Role): Actor => ({
  id: '7d2a1e0c-0000-4000-8000-000000000001',
  kind: Object.entries(ROLES_BY_KIND).find(([, roles]) => roles.includes(role))![0] as Actor['kind'],
  role,
  name: role,
});

const allowed = (run: () => unknown) => {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
};

describe('command line access', () => {
  it('names only operations the access policy knows', () => {
    const known = allOperations();
    for (const access of Object.values(COMMAND_ACCESS)) {
      for (const op of access.operations) expect(known.has(op), op).toBe(true);
    }
  });

  it('allows a command exactly when the API allows its operations, for every role and purpose', () => {
    for (const command of Object.keys(COMMAND_ACCESS) as AuditedCommand[]) {
      const { operations, categories } = COMMAND_ACCESS[command];
      for (const role of Object.values(Role)) {
        for (const text of PURPOSES) {
          const actor = actorFor(role);
          const purpose = parsePurpose(text);
          const api = allowed(() =>
            authorizeOperation(actor, purpose, {
              operations,
              categories: new Set([
                ...categories,
                ...operations.flatMap((op) => OPERATION_CATEGORIES[op] ?? []),
              ]),
            }),
          );
          expect(
            allowed(() => authorizeCommand(command, actor, purpose)),
            `${command} ${role} ${text}`,
          ).toBe(api);
        }
      }
    }
  });

  it('refuses what the review found: support writing an access report, a registry exporting the access log, support running the VAT report', () => {
    const support = actorFor(Role.Support);
    const ticket = parsePurpose('support-ticket:1');
    expect(() => authorizeCommand('privacy access-report', support, ticket)).toThrow(
      /Role support may not call subjectAccessReport/,
    );
    expect(() =>
      authorizeCommand('audit export', actorFor(Role.Registry), parsePurpose('direct-debit')),
    ).toThrow(/Role registry may not call auditEvents/);
    expect(() => authorizeCommand('finance vat-report', support, ticket)).toThrow(
      /Role support may not call vatMismatches, vatEvidenceSummary/,
    );
    // The privacy officer, but for a purpose bank details are not bound to.
    expect(() => authorizeCommand('privacy access-report', actorFor(Role.PrivacyOfficer), ticket)).toThrow(
      /Purpose support-ticket does not cover: bank_details/,
    );
    expect(authorizeCommand('finance vat-report', actorFor(Role.Finance), parsePurpose('vat-audit'))).toEqual(
      new Set(['address']),
    );
  });
});
