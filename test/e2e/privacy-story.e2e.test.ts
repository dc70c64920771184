/**
 * The privacy officer's story over HTTP: a customer orders, support and a registry read the data, the
 * customer asks for access (the answer holds the recipients and the reads), then for erasure (invoices
 * kept, the rest gone from every table, checked with SQL), then complains; the inspection report shows
 * it all, with proofs that verify without this system.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEventProof } from '../../audit/standalone-verifier';
import {
  CarryOutErasureDocument,
  ComplaintsDocument,
  CreateComplaintDocument,
  CreatePrivacyRequestDocument,
  CustomerDocument,
  CustomerRegistrantContactDocument,
  CustomerRegistrantDocument,
  DisclosuresDocument,
  EndDisclosureDocument,
  InspectionReportDocument,
  LinkThirdPartyActorDocument,
  RequireOnBehalfOfDocument,
  PrivacyRequestsDocument,
  RecordDisclosureDocument,
  ScoreOrderDocument,
  SetPrivacyRequestIdentityCheckDocument,
  SubjectAccessReportDocument,
  ThirdPartiesDocument,
  ThirdPartyChangesDocument,
  UpdateComplaintDocument,
} from '../../schema/generated/graphql';
import type { SubjectAccessReport } from '../../src/privacy/subject-access-report';
import type { InspectionReport } from '../../src/privacy/inspection-report';
import { startTestServer, type TestServer } from '../support/test-platform';

const EMAIL = 'femke.story@example.nl';
const PHONE = '+31 6 12345679';
const IBAN = 'NL91ABNA0417164300';

describe('privacy officer story', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  /** Actor ids by the names of `tokens`. */
  const actorIds: Record<string, string> = {};
  let customerId: string;
  let sidnId: string;
  let registryActorId: string;
  let requestId: string;
  let disclosureId: string;
  /** The registration runs a year; SIDN may look the registrant up until then. */
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const start = new Date(Date.now() - 60_000).toISOString();

  /** A registry's look-up of a registrant's contact details, on behalf of the .nl domain the story orders. */
  const readAsRegistry = (token: string | undefined, id: string) =>
    t.graphql(CustomerRegistrantContactDocument, {
      variables: { id },
      token,
      purpose: 'domain-registration',
      headers: { 'x-on-behalf-of': 'femke.nl' },
    });

  beforeAll(async () => {
    t = await startTestServer();
    const em = t.platform.db.orm.em.fork();
    const make = async (kind: 'employee' | 'service' | 'third_party', role: string, name: string) => {
      const created = await t.platform.services.actors.create(em, { kind, role, name });
      actorIds[role] = created.actor.id;
      return created.token;
    };
    const registry = await t.platform.services.actors.create(em, {
      kind: 'third_party',
      role: 'registry',
      name: 'SIDN',
    });
    tokens.orders = await make('service', 'order_system', 'order system');
    tokens.support = await make('employee', 'support', 'Sanne Support');
    tokens.registry = registry.token;
    registryActorId = registry.actor.id;
    tokens.unlinkedRegistry = await make('third_party', 'registry', 'a registry not in the register');
    tokens.officer = await make('employee', 'privacy_officer', 'Pieter Privacy');
    tokens.admin = await make('employee', 'admin', 'Anna Admin');
    await t.platform.services.thirdParties.ensureDefaults(em);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('1. the customer orders a .nl domain; the order system records the disclosure to SIDN', async () => {
    const address = { street: 'Lange Voorhout 9', postalCode: '2514 EA', city: 'Den Haag', country: 'NL' };
    const scored = await t.graphql(ScoreOrderDocument, {
      variables: {
        input: {
          idempotencyKey: 'story-1',
          customer: {
            name: 'Femke Jansen',
            email: EMAIL,
            phone: PHONE,
            iban: IBAN,
            bankName: 'ABN AMRO',
            address,
            username: 'femkej',
            password: 'a long enough password',
          },
          ipAddress: '94.208.1.1',
          billingAddress: address,
          email: EMAIL,
          phone: PHONE,
          iban: IBAN,
          items: [{ product: 'domain-registration', tld: 'nl', amountCents: 999 }],
          currency: 'EUR',
        },
      },
      token: tokens.orders,
    });
    expect(scored.body.errors, JSON.stringify(scored.body.errors)).toBeUndefined();
    customerId = scored.body.data!.scoreOrder.order.customerId;

    const parties = await t.graphql(ThirdPartiesDocument, { token: tokens.admin });
    const sidn = parties.body.data!.thirdParties.find((p) => p.name === 'SIDN')!;
    expect(sidn.madePublic).toContain('name');
    expect(sidn.madePublic).not.toContain('email');
    sidnId = sidn.id;
    const linked = await t.graphql(LinkThirdPartyActorDocument, {
      variables: { thirdPartyId: sidnId, actorId: registryActorId },
      token: tokens.admin,
    });
    expect(linked.body.data?.linkThirdPartyActor.actorId).toBe(registryActorId);
    // Before the order system records the disclosure, SIDN may not look the customer up.
    const early = await readAsRegistry(tokens.registry, customerId);
    expect(early.body.data ?? null).toBeNull();
    expect(early.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_DISCLOSED' });
    const disclose = (until: string) =>
      t.graphql(RecordDisclosureDocument, {
        variables: {
          input: {
            customerId,
            thirdPartyId: sidnId,
            categories: ['name', 'address', 'email', 'phone'],
            purpose: 'domain-registration:femke.nl',
            reference: 'femke.nl',
            validUntil: until,
          },
        },
        token: tokens.orders,
        purpose: 'domain-registration',
      });
    const backwards = await disclose(start);
    expect(backwards.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'validUntil',
    });
    const disclosed = await disclose(validUntil);
    expect(disclosed.body.errors, JSON.stringify(disclosed.body.errors)).toBeUndefined();
    expect(disclosed.body.data!.recordDisclosure.madePublic).toEqual(['name']);
    expect(disclosed.body.data!.recordDisclosure.validUntil).toBe(validUntil);
    disclosureId = disclosed.body.data!.recordDisclosure.id;
  });

  it('2. support and the registry read the data', async () => {
    const support = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'support-ticket:501',
    });
    expect(support.body.data!.customer.email).toBe(EMAIL);
    const registry = await readAsRegistry(tokens.registry, customerId);
    expect(registry.body.data!.customer.name).toBe('Femke Jansen');
    // The company name was not among what went to SIDN, so asking for it too is refused as a whole.
    const beyond = await t.graphql(CustomerRegistrantDocument, {
      variables: { id: customerId },
      token: tokens.registry,
      purpose: 'domain-registration',
    });
    expect(beyond.body.data ?? null).toBeNull();
    expect(beyond.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NOT_DISCLOSED',
      categories: ['company'],
    });

    // A read for another domain than the one the data went out for is refused: what the audit log
    // records as on whose behalf, the register bears out.
    const elsewhere = await t.graphql(CustomerRegistrantContactDocument, {
      variables: { id: customerId },
      token: tokens.registry,
      purpose: 'domain-registration',
      headers: { 'x-on-behalf-of': 'jansen.nl' },
    });
    expect(elsewhere.body.data ?? null).toBeNull();
    expect(elsewhere.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NOT_DISCLOSED',
      onBehalfOf: 'jansen.nl',
    });

    // Only customers disclosed to it: an unknown id is refused alike, so SIDN learns nothing from it.
    const other = await readAsRegistry(tokens.registry, '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f');
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_DISCLOSED' });
    // A third-party actor tied to no entry of the register reads no one.
    const unlinked = await readAsRegistry(tokens.unlinkedRegistry, customerId);
    expect(unlinked.body.data ?? null).toBeNull();
    expect(unlinked.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'THIRD_PARTY_NOT_REGISTERED',
    });

    // The privacy officer requires SIDN to name the order each read is for: a read without it is refused.
    const requireIt = (token: string | undefined) =>
      t.graphql(RequireOnBehalfOfDocument, {
        variables: { thirdPartyId: sidnId, required: true },
        token,
        purpose: 'inspection',
      });
    expect((await requireIt(tokens.support)).body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
    });
    const required = await requireIt(tokens.officer);
    expect(required.body.errors, JSON.stringify(required.body.errors)).toBeUndefined();
    expect(required.body.data!.requireOnBehalfOf).toMatchObject({ id: sidnId, onBehalfOfRequired: true });
    const unnamed = await t.graphql(CustomerRegistrantContactDocument, {
      variables: { id: customerId },
      token: tokens.registry,
      purpose: 'domain-registration',
    });
    expect(unnamed.body.data ?? null).toBeNull();
    expect(unnamed.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'X-On-Behalf-Of',
    });
    expect((await readAsRegistry(tokens.registry, customerId)).body.errors).toBeUndefined();

    // The register keeps who allowed what: registered at start, linked by the admin, required by the officer.
    const changes = (token: string | undefined) =>
      t.graphql(ThirdPartyChangesDocument, {
        variables: { thirdPartyId: sidnId },
        token,
        purpose: 'inspection',
      });
    expect((await changes(tokens.support)).body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const history = await changes(tokens.officer);
    expect(history.body.errors, JSON.stringify(history.body.errors)).toBeUndefined();
    expect(history.body.data!.thirdPartyChanges).toEqual([
      expect.objectContaining({
        change: 'REGISTERED',
        changedBy: null,
        actorId: null,
        onBehalfOfRequired: false,
      }),
      expect.objectContaining({
        change: 'ACTOR_LINKED',
        changedBy: actorIds.admin,
        actorId: registryActorId,
        onBehalfOfRequired: false,
      }),
      expect.objectContaining({
        change: 'ON_BEHALF_OF_REQUIRED',
        changedBy: actorIds.privacy_officer,
        actorId: registryActorId,
        onBehalfOfRequired: true,
      }),
    ]);
  });

  it('2b. the registration is done: the privacy officer ends the disclosure and SIDN reads no more', async () => {
    const end = (input: { disclosureId: string; reason: string; endsAt?: string }, token = tokens.officer) =>
      t.graphql(EndDisclosureDocument, { variables: { input }, token, purpose: 'privacy-request:77' });
    const reason = 'registration of femke.nl completed';

    const bySupport = await end({ disclosureId, reason }, tokens.support);
    expect(bySupport.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const beforeDisclosure = await end({ disclosureId, reason, endsAt: start });
    expect(beforeDisclosure.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'endsAt',
    });
    const unknown = await end({ disclosureId: '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f', reason });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    // None of the refused calls ended it: SIDN still reads.
    expect((await readAsRegistry(tokens.registry, customerId)).body.errors).toBeUndefined();

    const ended = await end({ disclosureId, reason });
    expect(ended.body.errors, JSON.stringify(ended.body.errors)).toBeUndefined();
    const view = ended.body.data!.endDisclosure;
    expect(view.validUntil).toBe(validUntil); // as recorded; the earlier end is what counts
    expect(view.end).toMatchObject({ reason, actorId: expect.any(String) });
    expect(view.accessEndsAt).toBe(view.end!.endsAt);
    expect(Date.parse(view.accessEndsAt!)).toBeLessThan(Date.parse(validUntil));

    const refused = await readAsRegistry(tokens.registry, customerId);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NOT_DISCLOSED',
    });
    expect(refused.body.errors?.[0]?.message).toMatch(/may be read only until .*, which has passed/);

    const again = await end({ disclosureId, reason: 'twice' });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', disclosureId });
    const listed = await t.graphql(DisclosuresDocument, {
      variables: { customerId },
      token: tokens.officer,
      purpose: 'privacy-request:77',
    });
    expect(listed.body.data!.disclosures.map((d) => d.accessEndsAt)).toEqual([view.accessEndsAt]);
  });

  it('3. the customer asks for access: the answer lists the data, the recipients and the reads (by role, not name)', async () => {
    const created = await t.graphql(CreatePrivacyRequestDocument, {
      variables: { input: { customerId, kind: 'ACCESS', channel: 'EMAIL' } },
      token: tokens.support,
      purpose: 'support-ticket:502',
    });
    expect(created.body.errors, JSON.stringify(created.body.errors)).toBeUndefined();
    const due = new Date(created.body.data!.createPrivacyRequest.dueAt).getTime();
    expect(due - Date.now()).toBeGreaterThan(27 * 86_400_000);

    await t.platform.services.audit.sealer.sealPending();
    const r = await t.graphql(SubjectAccessReportDocument, {
      variables: { customerId },
      token: tokens.officer,
      purpose: 'privacy-request:1',
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const report = r.body.data!.subjectAccessReport.json as SubjectAccessReport;
    expect(report.personalData).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'email', value: EMAIL })]),
    );
    expect(report.personalData.find((p) => p.field === 'password')?.value).toMatch(/cannot be shown/);
    expect(report.recipients).toEqual([
      expect.objectContaining({ thirdParty: sidnIdName(), madePublic: ['name'] }),
    ]);
    expect(report.reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reader: 'employee (support)', purpose: 'support-ticket:501' }),
        expect.objectContaining({
          reader: 'SIDN',
          readerKind: 'third_party',
          purpose: 'domain-registration',
        }),
      ]),
    );
    expect(JSON.stringify(report.reads)).not.toContain('Sanne');
    expect(report.processing.find((p) => p.category === 'bank_details')?.purposes).toEqual([
      'direct debit only',
    ]);
    expect(report.complaintAuthority.name).toBe('Autoriteit Persoonsgegevens');
    const html = r.body.data!.subjectAccessReport.html;
    expect(html).toContain('Autoriteit Persoonsgegevens');
    expect(html).toContain(EMAIL);
    expect(html).not.toContain('Sanne');

    const named = await t.graphql(SubjectAccessReportDocument, {
      variables: { customerId, includeEmployeeNames: true },
      token: tokens.officer,
      purpose: 'privacy-request:1',
    });
    expect(
      JSON.stringify((named.body.data!.subjectAccessReport.json as SubjectAccessReport).reads),
    ).toContain('Sanne Support');

    const refused = await t.graphql(SubjectAccessReportDocument, {
      variables: { customerId },
      token: tokens.support,
      purpose: 'support-ticket:1',
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('4. erasure: invoices kept, the rest gone from every table (SQL), recipients told', async () => {
    const created = await t.graphql(CreatePrivacyRequestDocument, {
      variables: { input: { customerId, kind: 'ERASURE', channel: 'EMAIL' } },
      token: tokens.officer,
      purpose: 'privacy-request:2',
    });
    requestId = created.body.data!.createPrivacyRequest.id;
    const early = await t.graphql(CarryOutErasureDocument, {
      variables: { requestId },
      token: tokens.officer,
      purpose: 'privacy-request:2',
    });
    expect(early.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(early.body.errors?.[0]?.message).toMatch(/identity has not been verified/);
    await t.graphql(SetPrivacyRequestIdentityCheckDocument, {
      variables: { id: requestId, identityCheck: 'VERIFIED' },
      token: tokens.officer,
      purpose: 'privacy-request:2',
    });

    const erased = await t.graphql(CarryOutErasureDocument, {
      variables: { requestId },
      token: tokens.officer,
      purpose: 'privacy-request:2',
    });
    expect(erased.body.errors, JSON.stringify(erased.body.errors)).toBeUndefined();
    const result = erased.body.data!.carryOutErasure;
    expect(result.erased).toEqual(
      expect.arrayContaining([
        'customer.email',
        'customer.phone',
        'customer.iban',
        'customer.username',
        'customer.password',
        'order.ipAddress',
        'order.email',
      ]),
    );
    expect(result.kept.map((k) => k.category)).toEqual(
      expect.arrayContaining(['invoice data', 'purchase history', 'access log']),
    );
    expect(result.kept.find((k) => k.category === 'invoice data')!.reason).toMatch(/7 years/);
    expect(result.recipientsNotified.map((n) => n.thirdParty)).toEqual([sidnIdName()]);
    expect(result.request.status).toBe('COMPLETED');

    const sql = await t.db.superuser();
    const customer = (await sql.query('select * from customer where id = $1', [customerId])).rows[0];
    for (const column of [
      'email_enc',
      'email_bidx',
      'phone_enc',
      'iban_enc',
      'iban_bidx',
      'bank_name_enc',
      'username_enc',
      'username_bidx',
      'password_hash',
      'ip_addresses_enc',
      'name_bidx',
    ]) {
      expect(customer[column], column).toBeNull();
    }
    expect(customer.name_enc).not.toBeNull(); // invoice data, kept
    expect(customer.status).toBe('erased');
    const order = (await sql.query('select * from customer_order where customer_id = $1', [customerId]))
      .rows[0];
    for (const column of [
      'ip_address_enc',
      'ip_bidx',
      'geo_enc',
      'email_enc',
      'email_bidx',
      'email_mailbox_bidx',
      'phone_enc',
      'iban_enc',
      'iban_bidx',
    ]) {
      expect(order[column], column).toBeNull();
    }
    expect(order.billing_address_enc).not.toBeNull();
    expect(order.amount_cents).toBe('999');
    expect(
      (
        await sql.query('select count(*)::int as n from mailing_consent_change where customer_id = $1', [
          customerId,
        ])
      ).rows[0].n,
    ).toBe(0);
    // No table holds the erased values in any form: not even the blind indexes of the email, IBAN or IP.
    const dump = JSON.stringify(
      (
        await sql.query('select row_to_json(t) as r from (select * from customer where id = $1) t', [
          customerId,
        ])
      ).rows,
    );
    expect(dump).not.toContain(t.platform.keys.blindIndex.compute('email', EMAIL));
    expect(dump).not.toContain(t.platform.keys.blindIndex.compute('iban', IBAN));
  });

  it('5. the customer complains; the complaint links the request', async () => {
    const c = await t.graphql(CreateComplaintDocument, {
      variables: {
        input: {
          customerId,
          source: 'CUSTOMER',
          summary: 'I want to know why SIDN still shows my name.',
          requestIds: [requestId],
        },
      },
      token: tokens.support,
      purpose: 'support-ticket:503',
    });
    expect(c.body.errors, JSON.stringify(c.body.errors)).toBeUndefined();
    const id = c.body.data!.createComplaint.id;
    const escalated = await t.graphql(UpdateComplaintDocument, {
      variables: { id, input: { status: 'INVESTIGATING', escalated: true } },
      token: tokens.officer,
      purpose: 'privacy-request:2',
    });
    expect(escalated.body.data!.updateComplaint).toMatchObject({ status: 'INVESTIGATING', escalated: true });
    const open = await t.graphql(ComplaintsDocument, {
      variables: { filter: { customerId, open: true } },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(open.body.data!.complaints.edges.map((e) => e.node.id)).toEqual([id]);
    const disclosures = await t.graphql(DisclosuresDocument, {
      variables: { customerId },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(disclosures.body.data!.disclosures[0]).toMatchObject({
      reference: 'femke.nl',
      madePublic: ['name'],
      validUntil,
    });
    const requests = await t.graphql(PrivacyRequestsDocument, {
      variables: { filter: { customerId } },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(requests.body.data!.privacyRequests.edges.map((e) => e.node.kind).sort()).toEqual([
      'ACCESS',
      'ERASURE',
    ]);

    // Lists without a customer filter are reads of each listed person's correspondence, and show in
    // that person's own trail (and so in their access report), not under nobody.
    const readsOf = async (field: string) => {
      const sql = await t.db.superuser();
      const { rows } = await sql.query<{ n: number }>(
        `select count(*)::int as n from audit_event where subject_id = $1 and $2 = any(fields)`,
        [customerId, field],
      );
      return rows[0]!.n;
    };
    const before = { complaints: await readsOf('complaints'), requests: await readsOf('privacyRequests') };
    const all = await t.graphql(ComplaintsDocument, { token: tokens.officer, purpose: 'inspection' });
    expect(all.body.data!.complaints.edges.map((e) => e.node.id)).toContain(id);
    const allRequests = await t.graphql(PrivacyRequestsDocument, {
      variables: { first: 100 },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(allRequests.body.errors).toBeUndefined();
    expect(await readsOf('complaints')).toBe(before.complaints + 1);
    expect(await readsOf('privacyRequests')).toBe(before.requests + 1);
  });

  it('6. the inspection report shows it all, with proofs that verify with the standalone verifier', async () => {
    const r = await t.graphql(InspectionReportDocument, {
      variables: { customerId, from: start, to: new Date(Date.now() + 60_000).toISOString() },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const report = r.body.data!.inspectionReport.json as InspectionReport;
    const actions = new Set(report.events.map((e) => e.event.action));
    for (const action of ['create', 'read', 'export', 'disclose', 'erase'])
      expect(actions, action).toContain(action);
    expect(report.requests.map((q) => q.kind).sort()).toEqual(['access', 'erasure']);
    expect(report.complaints).toHaveLength(1);
    expect(report.disclosures).toHaveLength(1);
    expect(report.disclosures[0]).toMatchObject({
      reference: 'femke.nl',
      validUntil,
      ended: { reason: 'registration of femke.nl completed' },
    });
    expect(Date.parse(report.disclosures[0]!.accessEndsAt as string)).toBeLessThan(Date.parse(validUntil));
    for (const { event, proof } of report.events) {
      const verdict = verifyEventProof({
        event,
        proof,
        checkpoint: report.checkpoint,
        trustedPublicKey: t.platform.services.audit.publicKeyHex,
      });
      expect(verdict.ok, verdict.message).toBe(true);
    }
  });

  function sidnIdName(): string {
    return 'SIDN';
  }
});
