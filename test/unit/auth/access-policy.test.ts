/** The role x operation and role x category matrices, written out so a change to the policy is a visible diff. */
import { describe, expect, it } from 'vitest';
import {
  authorizeOperation,
  impliedPurpose,
  mayCall,
  mayRead,
  ROLE_POLICIES,
} from '../../../src/auth/access-policy';
import type { Actor } from '../../../src/auth/actor';
import { parsePurpose } from '../../../src/auth/purpose';
import { Role } from '../../../src/auth/roles';
import { ErrorCode } from '../../../src/errors/errors';
import { DataCategory as C, type DataCategory } from '../../../src/personal-data/data-categories';

const OPERATIONS = [
  'me',
  'customer',
  'customers',
  'createCustomer',
  'updateCustomer',
  'endSubscription',
] as const;
const Y = true;
const N = false;

// prettier-ignore
const OPERATION_MATRIX: Record<Role, Record<(typeof OPERATIONS)[number], boolean>> = {
  support:          { me: Y, customer: Y, customers: Y, createCustomer: N, updateCustomer: Y, endSubscription: Y },
  finance:          { me: Y, customer: Y, customers: Y, createCustomer: N, updateCustomer: N, endSubscription: N },
  privacy_officer:  { me: Y, customer: Y, customers: Y, createCustomer: N, updateCustomer: Y, endSubscription: Y },
  admin:            { me: Y, customer: Y, customers: Y, createCustomer: Y, updateCustomer: Y, endSubscription: Y },
  order_system:     { me: Y, customer: Y, customers: N, createCustomer: Y, updateCustomer: N, endSubscription: N },
  registry:         { me: Y, customer: Y, customers: N, createCustomer: N, updateCustomer: N, endSubscription: N },
  payment_provider: { me: Y, customer: Y, customers: N, createCustomer: N, updateCustomer: N, endSubscription: N },
};

const SENSITIVE: DataCategory[] = [C.BankDetails, C.IdDocument, C.IpAddress, C.Email, C.Login];
// prettier-ignore
const CATEGORY_MATRIX: Record<Role, Record<string, boolean>> = {
  support:          { bank_details: N, id_document: N, ip_address: N, email: Y, login: Y },
  finance:          { bank_details: Y, id_document: N, ip_address: N, email: N, login: N },
  privacy_officer:  { bank_details: Y, id_document: Y, ip_address: Y, email: Y, login: Y },
  admin:            { bank_details: Y, id_document: Y, ip_address: Y, email: Y, login: Y },
  order_system:     { bank_details: N, id_document: N, ip_address: Y, email: Y, login: N },
  registry:         { bank_details: N, id_document: N, ip_address: N, email: Y, login: N },
  payment_provider: { bank_details: Y, id_document: N, ip_address: N, email: N, login: N },
};

const actor = (role: Role): Actor => ({ id: 'a', kind: 'employee', role, name: role });

describe('access policy', () => {
  for (const role of Object.values(Role)) {
    for (const op of OPERATIONS) {
      const expected = OPERATION_MATRIX[role][op];
      it(`${role} ${expected ? 'may' : 'may not'} call ${op}`, () => {
        expect(mayCall(role, op)).toBe(expected);
        // A purpose, since changes need one as reads do; the role is what this matrix is about.
        const run = () =>
          authorizeOperation(actor(role), parsePurpose('account-management'), {
            operations: [op],
            categories: new Set(),
          });
        if (expected) expect(run).not.toThrow();
        else expect(run).toThrow(expect.objectContaining({ code: ErrorCode.Forbidden }));
      });
    }
    for (const category of SENSITIVE) {
      const expected = CATEGORY_MATRIX[role][category];
      it(`${role} ${expected ? 'may' : 'may not'} read ${category}`, () => {
        expect(mayRead(role, category)).toBe(expected);
      });
    }
  }

  it('lets anyone ask for __typename, and nobody anonymous for anything else', () => {
    expect(() =>
      authorizeOperation(null, null, { operations: ['__typename'], categories: new Set() }),
    ).not.toThrow();
    expect(() => authorizeOperation(null, null, { operations: ['me'], categories: new Set() })).toThrow(
      expect.objectContaining({ code: ErrorCode.Unauthenticated }),
    );
  });

  it('checks in order: operation, then purpose present, then category, then purpose fit', () => {
    const categories = new Set<DataCategory>([C.BankDetails]);
    expect(() =>
      authorizeOperation(actor(Role.Finance), null, { operations: ['createCustomer'], categories }),
    ).toThrow(
      expect.objectContaining({
        code: ErrorCode.Forbidden,
        details: expect.objectContaining({ reason: 'OPERATION_NOT_ALLOWED' }),
      }),
    );
    expect(() =>
      authorizeOperation(actor(Role.Finance), null, { operations: ['customer'], categories }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.PurposeRequired }));
    expect(() =>
      authorizeOperation(actor(Role.Support), parsePurpose('direct-debit'), {
        operations: ['customer'],
        categories,
      }),
    ).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'CATEGORY_NOT_ALLOWED' }) }),
    );
    expect(() =>
      authorizeOperation(actor(Role.Finance), parsePurpose('support-ticket:1'), {
        operations: ['customer'],
        categories,
      }),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'PURPOSE_MISMATCH' }) }));
    expect(() =>
      authorizeOperation(actor(Role.Finance), parsePurpose('direct-debit'), {
        operations: ['customer'],
        categories,
      }),
    ).not.toThrow();
  });

  it('refuses an operation with a purpose of its own under any other purpose, before anything else about purposes', () => {
    for (const role of [Role.OrderSystem, Role.Admin]) {
      for (const purpose of ['privacy-request:9', 'inspection', 'support-ticket:1', 'account-management']) {
        expect(() =>
          authorizeOperation(actor(role), parsePurpose(purpose), {
            operations: ['scoreOrder'],
            categories: new Set(),
          }),
        ).toThrow(
          expect.objectContaining({
            code: ErrorCode.Forbidden,
            message: expect.stringMatching(/^scoreOrder is done for fraud-prevention only/),
            details: expect.objectContaining({
              reason: 'PURPOSE_MISMATCH',
              operation: 'scoreOrder',
              allowedPurposes: ['fraud-prevention'],
            }),
          }),
        );
      }
      const categories = new Set<DataCategory>([C.Email, C.IpAddress]);
      for (const purpose of ['fraud-prevention', 'fraud-prevention:order-77']) {
        expect(() =>
          authorizeOperation(actor(role), parsePurpose(purpose), { operations: ['scoreOrder'], categories }),
        ).not.toThrow();
      }
    }
    // Still a matter of the role first: finance may not score orders for any purpose.
    expect(() =>
      authorizeOperation(actor(Role.Finance), parsePurpose('inspection'), {
        operations: ['scoreOrder'],
        categories: new Set(),
      }),
    ).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'OPERATION_NOT_ALLOWED' }) }),
    );
  });

  it('implies an operation’s own purpose beside public fields, not beside operations without it', () => {
    expect(impliedPurpose(['scoreOrder'])).toBe('fraud-prevention');
    expect(impliedPurpose(['ping', 'scoreOrder'])).toBe('fraud-prevention');
    expect(impliedPurpose(['__typename', 'scoreOrder'])).toBe('fraud-prevention');
    expect(impliedPurpose(['scoreOrder', 'createCustomer'])).toBeNull();
    expect(impliedPurpose(['customer'])).toBeNull();
    expect(impliedPurpose(['ping'])).toBeNull();
    // Beside an operation that does not imply it, the purpose must be stated.
    expect(() =>
      authorizeOperation(actor(Role.OrderSystem), null, {
        operations: ['scoreOrder', 'createCustomer'],
        categories: new Set(),
      }),
    ).toThrow(
      expect.objectContaining({
        code: ErrorCode.PurposeRequired,
        details: expect.objectContaining({ operation: 'scoreOrder', allowedPurposes: ['fraud-prevention'] }),
      }),
    );
  });

  it('asks a change of personal data for a purpose, whatever its answer selects', () => {
    for (const op of ['createCustomer', 'updateCustomer', 'endSubscription']) {
      expect(() =>
        authorizeOperation(actor(Role.Admin), null, { operations: [op], categories: new Set() }),
      ).toThrow(
        expect.objectContaining({
          code: ErrorCode.PurposeRequired,
          message: expect.stringContaining(`changes personal data (${op})`),
        }),
      );
    }
    // Reads that touch nothing personal still need none.
    expect(() =>
      authorizeOperation(actor(Role.Support), null, { operations: ['customer'], categories: new Set() }),
    ).not.toThrow();
  });

  it('implies the purposes of re-scoring (fraud-prevention) and of the retention job (administrative-obligation)', () => {
    expect(impliedPurpose(['rescoreOrders'])).toBe('fraud-prevention');
    expect(impliedPurpose(['runRetention'])).toBe('administrative-obligation');
    expect(() =>
      authorizeOperation(actor(Role.Admin), parsePurpose('account-management'), {
        operations: ['runRetention'],
        categories: new Set(),
      }),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'PURPOSE_MISMATCH' }) }));
  });

  it('gives every role at least `me`', () => {
    for (const policy of Object.values(ROLE_POLICIES)) expect(policy.operations).toContain('me');
  });
});

describe('parsePurpose', () => {
  it('accepts a kind with or without a reference', () => {
    expect(parsePurpose('vat-audit')).toEqual({ kind: 'vat-audit', reference: null, text: 'vat-audit' });
    expect(parsePurpose(' support-ticket:4711 ')).toEqual({
      kind: 'support-ticket',
      reference: '4711',
      text: 'support-ticket:4711',
    });
  });
});

/** Every operation beyond the foundation's, with the roles that may call it; all other roles may not. */
const LATER_OPERATIONS: Record<string, readonly Role[]> = {
  scoreOrder: ['order_system', 'admin'],
  ipIntelligence: ['order_system', 'finance', 'admin'],
  orders: ['support', 'finance', 'privacy_officer', 'admin'],
  reviewOrder: ['support', 'admin'],
  rescoreOrders: ['admin'],
  vatMismatches: ['finance', 'admin'],
  vatEvidenceSummary: ['finance', 'admin'],
  auditEvents: ['privacy_officer'],
  accessSummary: ['privacy_officer'],
  unusualAccess: ['privacy_officer'],
  auditCheckpoint: [
    'support',
    'finance',
    'privacy_officer',
    'admin',
    'order_system',
    'registry',
    'payment_provider',
  ],
  auditInclusionProof: ['privacy_officer', 'admin'],
  auditConsistencyProof: ['privacy_officer', 'admin'],
  verifyAuditLog: ['privacy_officer', 'admin'],
  subjectAccessReport: ['privacy_officer'],
  inspectionReport: ['privacy_officer'],
  privacyRequests: ['privacy_officer'],
  createPrivacyRequest: ['support', 'privacy_officer'],
  extendPrivacyRequest: ['privacy_officer'],
  setPrivacyRequestIdentityCheck: ['privacy_officer'],
  closePrivacyRequest: ['privacy_officer'],
  carryOutErasure: ['privacy_officer'],
  carryOutRectification: ['privacy_officer'],
  carryOutRestriction: ['privacy_officer'],
  carryOutMailingOptOut: ['privacy_officer'],
  liftRestriction: ['privacy_officer'],
  complaints: ['privacy_officer'],
  createComplaint: ['support', 'privacy_officer'],
  updateComplaint: ['privacy_officer'],
  disclosures: ['privacy_officer', 'admin'],
  recordDisclosure: ['order_system', 'privacy_officer', 'admin'],
  endDisclosure: ['privacy_officer', 'admin'],
  thirdParties: ['privacy_officer', 'admin'],
  thirdPartyChanges: ['privacy_officer', 'admin'],
  registerThirdParty: ['admin'],
  linkThirdPartyActor: ['admin'],
  requireOnBehalfOf: ['privacy_officer', 'admin'],
  retentionReport: ['privacy_officer', 'admin'],
  retentionNoticesOwed: ['privacy_officer', 'admin'],
  notifyRecipientsOfRetention: ['privacy_officer', 'admin'],
  runRetention: ['admin'],
  publishPolicyVersion: ['privacy_officer', 'admin'],
  notifyPolicyVersion: ['privacy_officer', 'admin'],
  policyVersions: ['privacy_officer', 'admin'],
  policyVersionAt: ['privacy_officer', 'admin'],
};

describe('access policy for orders, audit and privacy operations', () => {
  for (const [operation, allowed] of Object.entries(LATER_OPERATIONS)) {
    it(`${operation}: only ${allowed.join(', ')}`, () => {
      for (const role of Object.values(Role)) {
        expect(mayCall(role, operation), `${role} -> ${operation}`).toBe(allowed.includes(role));
      }
    });
  }

  it('asks why of the retention notices, which show what went to which recipient, as disclosures does', () => {
    for (const operation of ['retentionNoticesOwed', 'notifyRecipientsOfRetention']) {
      for (const role of [Role.PrivacyOfficer, Role.Admin]) {
        const request = { operations: [operation], categories: new Set<DataCategory>() };
        expect(() => authorizeOperation(actor(role), null, request)).toThrow(
          expect.objectContaining({ code: ErrorCode.PurposeRequired }),
        );
        expect(() => authorizeOperation(actor(role), parsePurpose('inspection'), request)).not.toThrow();
      }
    }
  });

  it('covers every operation the policy knows', () => {
    const known = new Set([...OPERATIONS, ...Object.keys(LATER_OPERATIONS)]);
    const inPolicy = new Set(Object.values(ROLE_POLICIES).flatMap((p) => p.operations));
    expect([...inPolicy].filter((op) => !known.has(op))).toEqual([]);
  });
});
