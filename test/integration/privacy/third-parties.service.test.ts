import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePurpose } from '../../../src/auth/purpose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../src/errors/errors';
import { assertDisclosedTo } from '../../../src/privacy/third-party-access';
import {
  DEFAULT_THIRD_PARTIES,
  ThirdPartyService,
  type ThirdPartyView,
} from '../../../src/privacy/third-parties.service';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import {
  countRows,
  expectRejection,
  failingAudit,
  newCustomer,
  officer,
  sealedEvents,
} from './privacy-fixtures';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('ThirdPartyService on PostgreSQL', () => {
  let t: TestPlatform;
  let service: ThirdPartyService;
  let sidn: ThirdPartyView;
  let registrar: ThirdPartyView;
  let payments: ThirdPartyView;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
    service = new ThirdPartyService(t.platform.services.audit);
    // Two processes starting at once on an empty register: the unique name decides, neither fails.
    const [first, second] = await Promise.all([service.ensureDefaults(em()), service.ensureDefaults(em())]);
    expect(second?.map((p) => p.id)).toEqual(first?.map((p) => p.id));
    [sidn, registrar, payments] = first as [ThirdPartyView, ThirdPartyView, ThirdPartyView];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers the three third parties the policy names, once, even when asked concurrently', async () => {
    expect(sidn.name).toBe('SIDN');
    expect(sidn.kind).toBe('domain_registry');
    expect(sidn.madePublic).toEqual(['name', 'company']);
    expect(registrar.kind).toBe('registrar');
    expect(registrar.madePublic).toEqual(registrar.receives);
    expect(payments.kind).toBe('payment_provider');
    expect(payments.receives).toEqual(['name', 'bank_details']);
    expect(payments.madePublic).toEqual([]);
    for (const party of [sidn, registrar, payments])
      expect(party.disclosurePolicy.length).toBeGreaterThan(100);

    const again = await Promise.all([service.ensureDefaults(em()), service.ensureDefaults(em())]);
    for (const run of again) expect(run.map((p) => p.id)).toEqual([sidn.id, registrar.id, payments.id]);
    expect(await countRows(t, 'third_party')).toBe(DEFAULT_THIRD_PARTIES.length);
    expect((await service.list(em())).map((p) => p.name)).toEqual([
      'ICANN-accredited registrar (.com)',
      'Payment provider',
      'SIDN',
    ]);
  });

  it('refuses a third party that would publish what it does not receive, unknown categories, and a taken name', async () => {
    const base = {
      name: 'EURid',
      kind: 'domain_registry' as const,
      receives: ['name', 'email'],
      madePublic: [] as string[],
      disclosurePolicy: 'The .eu registry; shows nothing publicly.',
    };
    await expectRejection(
      service.register(em(), { ...base, madePublic: ['address'] }, null),
      ValidationError,
      'madePublic',
    );
    await expectRejection(
      service.register(em(), { ...base, receives: ['shoe_size'] }, null),
      ValidationError,
      'receives',
    );
    await expectRejection(
      service.register(em(), { ...base, receives: [] }, null),
      ValidationError,
      'receives',
    );
    await expectRejection(
      service.register(em(), { ...base, kind: 'bank' as never }, null),
      ValidationError,
      'kind',
    );
    await expectRejection(service.register(em(), { ...base, name: '  ' }, null), ValidationError, 'name');
    await expectRejection(service.register(em(), { ...base, actorId: UNKNOWN }, null), NotFoundError);
    await expectRejection(service.register(em(), { ...base, name: 'SIDN' }, null), ConflictError);

    const eurid = await service.register(em(), { ...base, receives: ['name', 'email', 'name'] }, null);
    expect(eurid.receives).toEqual(['name', 'email']);
    await service
      .register(em(), { ...base, name: ' EURid  (2) ' }, null)
      .then((p) => expect(p.name).toBe('EURid (2)'));
  });

  /** A registry entry that receives name and email and publishes nothing, tied to `actorId` if given. */
  const registryEntry = (name: string, actorId?: string) =>
    service.register(
      em(),
      {
        name,
        kind: 'domain_registry',
        receives: ['name', 'email'],
        madePublic: [],
        disclosurePolicy: `${name}: shows nothing publicly.`,
        ...(actorId === undefined ? {} : { actorId }),
      },
      null,
    );
  /** A registry's API actor tied to a new register entry, and a new customer to disclose to it. */
  const registryWithCustomer = async (actorName: string, entryName: string) => {
    const registry = (
      await t.platform.services.actors.create(em(), {
        kind: 'third_party',
        role: 'registry',
        name: actorName,
      })
    ).actor;
    const entry = await registryEntry(entryName, registry.id);
    return { registry, entry, customerId: await newCustomer(t) };
  };

  it('ties only a third-party actor to an entry, which then reads just the customers disclosed to it', async () => {
    const actors = t.platform.services.actors;
    const customers = t.platform.services.customers;
    const registry = (await actors.create(em(), { kind: 'third_party', role: 'registry', name: 'EURid API' }))
      .actor;
    const employee = (await actors.create(em(), { kind: 'employee', role: 'support', name: 'Sam' })).actor;
    const entry = await registryEntry('EURid (linking)');
    await expectRejection(service.linkActor(em(), entry.id, employee.id, null), ValidationError, 'actorId');
    await expectRejection(
      service.register(em(), { ...entry, name: 'x', actorId: employee.id }, null),
      ValidationError,
    );
    await expectRejection(service.linkActor(em(), entry.id, UNKNOWN, null), NotFoundError);
    await expectRejection(service.linkActor(em(), UNKNOWN, registry.id, null), NotFoundError);

    const access = { actor: registry, purpose: parsePurpose('domain-registration') };
    const [mine, other] = [await newCustomer(t), await newCustomer(t)];
    const reason = async (customerId: string) =>
      (await expectRejection(customers.get(em(), customerId, access), ForbiddenError)).details.reason;
    expect(await reason(mine)).toBe('THIRD_PARTY_NOT_REGISTERED');

    expect((await service.linkActor(em(), entry.id, registry.id, null)).actorId).toBe(registry.id);
    expect(await reason(mine)).toBe('NOT_DISCLOSED');
    await service.recordDisclosure(
      em(),
      { customerId: mine, thirdPartyId: entry.id, categories: ['name'], purpose: 'domain-registration' },
      officer,
    );
    expect((await customers.get(em(), mine, access)).id).toBe(mine);
    // Only what was disclosed: the name went to EURid, the email did not.
    const asking = (...categories: string[]) => ({ ...access, categories: new Set(categories) });
    expect((await customers.get(em(), mine, asking('name'))).id).toBe(mine);
    const beyond = await expectRejection(customers.get(em(), mine, asking('name', 'email')), ForbiddenError);
    expect(beyond.details).toMatchObject({ reason: 'NOT_DISCLOSED', categories: ['email'] });
    expect(await reason(other)).toBe('NOT_DISCLOSED');
    // An unknown id is refused as a customer not disclosed, not as unknown.
    expect(await reason(UNKNOWN)).toBe('NOT_DISCLOSED');

    expect((await service.linkActor(em(), entry.id, null, null)).actorId).toBeNull();
    expect(await reason(mine)).toBe('THIRD_PARTY_NOT_REGISTERED');
  });

  it("ends a third party's reads of a disclosure at its validUntil", async () => {
    const customers = t.platform.services.customers;
    const { registry, entry, customerId } = await registryWithCustomer(
      'DNS.be API',
      'DNS Belgium (validity)',
    );
    const access = { actor: registry, purpose: parsePurpose('domain-registration') };
    const hour = 3_600_000;
    const disclose = (disclosedAt: Date, validUntil: Date | null, reference: string) =>
      service.recordDisclosure(
        em(),
        {
          customerId,
          thirdPartyId: entry.id,
          categories: ['name'],
          purpose: 'domain-registration',
          reference,
          disclosedAt,
          validUntil,
        },
        officer,
      );

    const now = Date.now();
    await expectRejection(
      disclose(new Date(now - hour), new Date(now - hour), 'a.be'),
      ValidationError,
      'validUntil',
    );
    const ended = await disclose(new Date(now - 2 * hour), new Date(now - hour), 'a.be');
    expect(ended.validUntil).toEqual(new Date(now - hour));
    const refused = await expectRejection(customers.get(em(), customerId, access), ForbiddenError);
    expect(refused.details).toMatchObject({ reason: 'NOT_DISCLOSED', customerId });
    expect(refused.message).toMatch(/may be read only until .*, which has passed/);

    // A later order's disclosure, open until tomorrow, lets it read again; the ended one stays on record.
    const open = await disclose(new Date(), new Date(Date.now() + 24 * hour), 'b.be');
    expect((await customers.get(em(), customerId, access)).id).toBe(customerId);
    expect((await service.disclosures(em(), customerId)).map((d) => [d.reference, d.validUntil])).toEqual([
      ['b.be', open.validUntil],
      ['a.be', ended.validUntil],
    ]);
    // A read is judged at its own time: a day and an hour on, the later disclosure has ended too.
    const later = new Date(Date.now() + 25 * hour);
    await expectRejection(assertDisclosedTo(em(), registry, customerId, { now: later }), ForbiddenError);
  });

  it('ends a disclosure later (endDisclosure): the earlier of its two ends counts, and it ends once', async () => {
    const { registry, entry, customerId } = await registryWithCustomer('EURid API', 'EURid (ends)');
    const hour = 3_600_000;
    const now = Date.now();
    const disclose = (validUntil: Date | null, reference: string) =>
      service.recordDisclosure(
        em(),
        {
          customerId,
          thirdPartyId: entry.id,
          categories: ['name'],
          purpose: 'domain-registration',
          reference,
          disclosedAt: new Date(now - 2 * hour),
          validUntil,
        },
        officer,
      );
    const readAt = (at: number) => assertDisclosedTo(em(), registry, customerId, { now: new Date(at) });

    // Open until tomorrow; ended from two hours on: reads stop then, not tomorrow.
    const eu = await disclose(new Date(now + 24 * hour), 'a.eu');
    const beyond = await expectRejection(
      service.endDisclosure(
        em(),
        { disclosureId: eu.id, reason: 'x', endsAt: new Date(now + 25 * hour) },
        officer,
      ),
      ConflictError,
    );
    expect(beyond.details).toMatchObject({ accessEndsAt: new Date(now + 24 * hour).toISOString() });
    const ended = await service.endDisclosure(
      em(),
      { disclosureId: eu.id, reason: 'transfer to another registrar', endsAt: new Date(now + 2 * hour) },
      officer,
    );
    expect(ended.accessEndsAt).toEqual(new Date(now + 2 * hour));
    expect(ended.validUntil).toEqual(new Date(now + 24 * hour));
    await readAt(now + hour);
    const refused = await expectRejection(readAt(now + 3 * hour), ForbiddenError);
    expect(refused.message).toContain(new Date(now + 2 * hour).toISOString());
    const moved = await expectRejection(
      service.endDisclosure(
        em(),
        { disclosureId: eu.id, reason: 'again', endsAt: new Date(now + 3 * hour) },
        officer,
      ),
      ConflictError,
    );
    expect(moved.message).toMatch(
      /is already set to end at .*transfer to another registrar.*not moved later/,
    );

    // Past its validUntil already: nothing left to end.
    const past = await disclose(new Date(now - hour), 'b.eu');
    await expectRejection(
      service.endDisclosure(em(), { disclosureId: past.id, reason: 'late' }, officer),
      ConflictError,
    );
    await expectRejection(
      service.endDisclosure(em(), { disclosureId: past.id, reason: ' ' }, officer),
      ValidationError,
      'reason',
    );
    // Open-ended: it lets the read three hours on through until it is ended (now).
    const open = await disclose(null, 'c.eu');
    await readAt(now + 3 * hour);
    await service.endDisclosure(em(), { disclosureId: open.id, reason: 'done' }, officer, new Date(now));
    await expectRejection(readAt(now + 3 * hour), ForbiddenError);
    const listed = await service.disclosures(em(), customerId);
    // (All three were disclosed at the same moment, so their order is by id; compared by reference.)
    expect(listed.map((d) => [d.reference, d.end?.reason ?? null, d.accessEndsAt]).sort()).toEqual([
      ['a.eu', 'transfer to another registrar', new Date(now + 2 * hour)],
      ['b.eu', null, new Date(now - hour)],
      ['c.eu', 'done', new Date(now)],
    ]);
  });

  it('brings a recorded end forward, never later, keeping every end; an end that has passed is final', async () => {
    const { registry, entry, customerId } = await registryWithCustomer('CZ.NIC API', 'CZ.NIC (ends forward)');
    const hour = 3_600_000;
    const now = Date.now();
    const disclosure = await service.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: entry.id,
        categories: ['name'],
        purpose: 'domain-registration',
        disclosedAt: new Date(now - 2 * hour),
      },
      officer,
    );
    const end = (reason: string, endsAt?: Date, at = new Date(now)) =>
      service.endDisclosure(em(), { disclosureId: disclosure.id, reason, endsAt }, officer, at);
    const farFuture = new Date('9999-12-31T00:00:00.000Z');

    const contract = await end('contract end', farFuture);
    expect(contract.accessEndsAt).toEqual(farFuture);
    // Later than the end already set: refused, saying when it ends and why, not that it "ended".
    const later = await expectRejection(
      end('later still', new Date('9999-12-31T12:00:00.000Z')),
      ConflictError,
    );
    expect(later.message).toMatch(
      /is already set to end at 9999-12-31T00:00:00\.000Z \(recorded .*: contract end\); an end can be brought forward, not moved later/,
    );
    expect(later.message).not.toMatch(/ended before/);
    expect(later.details).toMatchObject({ accessEndsAt: farFuture.toISOString() });
    await expectRejection(end('the same', farFuture), ConflictError);

    // Brought forward to an hour from now, then to now: each end is kept, the earliest counts.
    const sooner = await end('customer moved the domain', new Date(now + hour));
    expect(sooner.accessEndsAt).toEqual(new Date(now + hour));
    const ended = await end('moved today');
    expect(ended.accessEndsAt).toEqual(new Date(now));
    expect(ended.end).toMatchObject({ reason: 'moved today', endsAt: new Date(now) });
    expect(ended.ends.map((e) => [e.reason, e.endsAt])).toEqual([
      ['contract end', farFuture],
      ['customer moved the domain', new Date(now + hour)],
      ['moved today', new Date(now)],
    ]);
    await expectRejection(
      assertDisclosedTo(em(), registry, customerId, { now: new Date(now + 1) }),
      ForbiddenError,
    );

    // An end that has passed is final: neither earlier nor later ends are taken.
    const final = await expectRejection(
      end('earlier yet', new Date(now - hour), new Date(now + 1)),
      ConflictError,
    );
    expect(final.message).toMatch(/already ended at .*moved today/);

    const listed = (await service.disclosures(em(), customerId)).find((d) => d.id === disclosure.id)!;
    expect(listed.end?.reason).toBe('moved today');
    expect(listed.ends).toHaveLength(3);
    const events = await sealedEvents(t, customerId, 'disclosure.end');
    expect(events).toHaveLength(3);
    const report = await t.platform.services.privacyReports.inspection(
      em(),
      customerId,
      new Date(now - 3 * hour),
      new Date(now + hour),
    );
    expect(report.disclosures[0]).toMatchObject({
      ended: { reason: 'moved today' },
      ends: [{ reason: 'contract end' }, { reason: 'customer moved the domain' }, { reason: 'moved today' }],
    });
  });

  it('counts, for a read that names its order (X-On-Behalf-Of), only the disclosures under that reference', async () => {
    const { registry, entry, customerId } = await registryWithCustomer('Nominet API', 'Nominet (references)');
    const disclose = (categories: string[], reference: string | null) =>
      service.recordDisclosure(
        em(),
        { customerId, thirdPartyId: entry.id, categories, purpose: 'domain-registration', reference },
        officer,
      );
    await disclose(['name'], 'shop.uk');
    await disclose(['email'], 'blog.uk');
    const read = (onBehalfOf: string | null, ...categories: string[]) =>
      t.platform.services.customers.get(em(), customerId, {
        actor: registry,
        purpose: parsePurpose('domain-registration'),
        onBehalfOf,
        categories: new Set(categories),
      });

    // Without a reference, everything disclosed to it counts; with one, only that order's disclosures.
    expect((await read(null, 'name', 'email')).id).toBe(customerId);
    expect((await read('SHOP.uk', 'name')).id).toBe(customerId);
    const other = await expectRejection(read('shop.uk', 'email'), ForbiddenError);
    expect(other.details).toMatchObject({ reason: 'NOT_DISCLOSED', categories: ['email'] });
    const unknown = await expectRejection(read('mail.uk', 'name'), ForbiddenError);
    expect(unknown.details).toMatchObject({ reason: 'NOT_DISCLOSED', onBehalfOf: 'mail.uk' });
    expect(unknown.message).toMatch(/under "mail.uk".*its disclosures are for blog.uk, shop.uk/);
  });

  it('keeps each change of what a third party may read, with who made it and the settings after it', async () => {
    const actors = t.platform.services.actors;
    const third = async (name: string) =>
      (await actors.create(em(), { kind: 'third_party', role: 'registry', name })).actor.id;
    const [first, second] = [await third('DNS.be API'), await third('DNS.be API (new)')];
    const by = (await actors.create(em(), { kind: 'employee', role: 'privacy_officer', name: 'Pia' })).actor
      .id;
    const entry = await registryEntry('DNS Belgium (history)', first);
    const history = async () =>
      (await service.changes(em(), entry.id)).map((c) => [
        c.change,
        c.changedBy,
        c.actorId,
        c.onBehalfOfRequired,
      ]);
    expect(await history()).toEqual([['registered', null, first, false]]);

    // What changes nothing is not kept; what is refused is not kept either.
    await service.linkActor(em(), entry.id, first, by);
    await service.requireOnBehalfOf(em(), entry.id, false, by);
    const employee = (await actors.create(em(), { kind: 'employee', role: 'support', name: 'Sid' })).actor.id;
    await expectRejection(service.linkActor(em(), entry.id, employee, by), ValidationError, 'actorId');
    expect(await history()).toHaveLength(1);

    await service.linkActor(em(), entry.id, second, by);
    await service.requireOnBehalfOf(em(), entry.id, true, null);
    await service.linkActor(em(), entry.id, null, by);
    await service.requireOnBehalfOf(em(), entry.id, false, by);
    expect(await history()).toEqual([
      ['registered', null, first, false],
      ['actor_linked', by, second, false],
      ['on_behalf_of_required', null, second, true],
      ['actor_unlinked', by, null, true],
      ['on_behalf_of_not_required', by, null, false],
    ]);

    // Two changes at once are kept in the order they were made: the newest row is the entry as it is.
    await Promise.all([
      service.linkActor(em(), entry.id, first, by),
      service.requireOnBehalfOf(em(), entry.id, true, by),
    ]);
    const now = await service.get(em(), entry.id);
    expect((await history()).at(-1)).toEqual([expect.any(String), by, now.actorId, now.onBehalfOfRequired]);
    expect([now.actorId, now.onBehalfOfRequired]).toEqual([first, true]);

    expect((await service.changes(em(), sidn.id)).map((c) => [c.change, c.changedBy])).toEqual([
      ['registered', null],
    ]);
    await expectRejection(service.changes(em(), UNKNOWN), NotFoundError);
    await expectRejection(service.changes(em(), 'sidn'), ValidationError, 'thirdPartyId');
  });

  it('refuses a read without X-On-Behalf-Of from a third party the register requires it of', async () => {
    const { registry, entry, customerId } = await registryWithCustomer('SWITCH API', 'SWITCH (on behalf)');
    expect(entry.onBehalfOfRequired).toBe(false);
    await service.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: entry.id,
        categories: ['name'],
        purpose: 'domain-registration',
        reference: 'a.ch',
      },
      officer,
    );
    const read = (onBehalfOf: string | null) =>
      t.platform.services.customers.get(em(), customerId, {
        actor: registry,
        purpose: parsePurpose('domain-registration'),
        onBehalfOf,
        categories: new Set(['name']),
      });
    expect((await read(null)).id).toBe(customerId);

    expect((await service.requireOnBehalfOf(em(), entry.id, true, null)).onBehalfOfRequired).toBe(true);
    const missing = await expectRejection(read(null), ValidationError, 'X-On-Behalf-Of');
    expect(missing.message).toMatch(/SWITCH \(on behalf\) must name the order or contract/);
    expect((await read('a.ch')).id).toBe(customerId);
    // Naming an order still counts only that order's disclosures.
    await expectRejection(read('b.ch'), ForbiddenError);

    await service.requireOnBehalfOf(em(), entry.id, false, null);
    expect((await read(null)).id).toBe(customerId);
    await expectRejection(service.requireOnBehalfOf(em(), UNKNOWN, true, null), NotFoundError);
    // Registered with the requirement from the start.
    const strict = await service.register(
      em(),
      {
        name: 'Strict registry',
        kind: entry.kind,
        receives: ['name'],
        madePublic: [],
        disclosurePolicy: 'Reads only for a named order.',
        onBehalfOfRequired: true,
      },
      null,
    );
    expect((await service.get(em(), strict.id)).onBehalfOfRequired).toBe(true);
  });

  it('records a disclosure with what became public, audited as a disclosure in the same transaction', async () => {
    const customerId = await newCustomer(t);
    const nl = await service.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: sidn.id,
        categories: ['name', 'address', 'email'],
        purpose: 'domain-registration',
        reference: 'example.nl',
        disclosedAt: new Date('2025-05-01T10:00:00Z'),
      },
      officer,
    );
    expect(nl.madePublic).toEqual(['name']);
    expect(nl.thirdParty.name).toBe('SIDN');
    expect(nl.dataSubjectId).toBe(customerId);

    const com = await service.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: registrar.id,
        categories: ['name', 'email', 'phone'],
        purpose: 'domain-registration:example.com',
      },
      officer,
    );
    expect(com.madePublic).toEqual(['name', 'email', 'phone']);
    expect(com.reference).toBeNull();
    expect(com.purpose).toBe('domain-registration:example.com');

    const bank = await service.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: payments.id,
        categories: ['bank_details', 'name'],
        purpose: 'direct-debit',
      },
      officer,
    );
    expect(bank.madePublic).toEqual([]);

    const listed = await service.disclosures(em(), customerId);
    expect(listed.map((d) => d.id)).toEqual([bank.id, com.id, nl.id]);
    expect(listed[2]?.thirdParty.id).toBe(sidn.id);
    expect(listed[2]?.categories).toEqual(['name', 'address', 'email']);

    const events = (await sealedEvents(t, customerId)).filter((e) => e.action === 'disclose');
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      categories: ['address', 'email', 'name'],
      fields: ['address', 'email', 'name'],
      purpose: 'privacy-officer',
    });
  });

  it('refuses categories the third party does not receive, naming the categories field', async () => {
    const customerId = await newCustomer(t);
    const error = await expectRejection(
      service.recordDisclosure(
        em(),
        { customerId, thirdPartyId: payments.id, categories: ['name', 'email'], purpose: 'direct-debit' },
        officer,
      ),
      ValidationError,
      'categories',
    );
    expect(error.message).toContain('email');
    await expectRejection(
      service.recordDisclosure(
        em(),
        { customerId, thirdPartyId: sidn.id, categories: [], purpose: 'domain-registration' },
        officer,
      ),
      ValidationError,
      'categories',
    );
    await expectRejection(
      service.recordDisclosure(
        em(),
        { customerId: UNKNOWN, thirdPartyId: sidn.id, categories: ['name'], purpose: 'domain-registration' },
        officer,
      ),
      NotFoundError,
    );
    await expectRejection(
      service.recordDisclosure(
        em(),
        { customerId, thirdPartyId: UNKNOWN, categories: ['name'], purpose: 'domain-registration' },
        officer,
      ),
      NotFoundError,
    );
    await expectRejection(
      service.recordDisclosure(
        em(),
        { customerId: 'nope', thirdPartyId: sidn.id, categories: ['name'], purpose: 'domain-registration' },
        officer,
      ),
      ValidationError,
      'customerId',
    );
    await expectRejection(
      service.recordDisclosure(
        em(),
        {
          customerId,
          thirdPartyId: sidn.id,
          categories: ['name'],
          purpose: 'domain-registration',
          disclosedAt: new Date(Date.now() + 3_600_000),
        },
        officer,
      ),
      ValidationError,
      'disclosedAt',
    );
    expect(await service.disclosures(em(), customerId)).toEqual([]);
    await expectRejection(service.disclosures(em(), UNKNOWN), NotFoundError);
  });

  it('refuses a purpose the platform does not know or that does not cover what went out, and a date before the GDPR; stores nothing', async () => {
    const customerId = await newCustomer(t);
    const before = await countRows(t, 'disclosure');
    const disclose = (input: {
      purpose: string;
      categories?: string[];
      thirdPartyId?: string;
      disclosedAt?: Date;
    }) =>
      service.recordDisclosure(
        em(),
        { customerId, thirdPartyId: sidn.id, categories: ['name', 'address'], ...input },
        officer,
      );
    // "Never sold; given only to carry out the order": marketing is no purpose the platform knows.
    const marketing = await expectRejection(disclose({ purpose: 'marketing' }), ValidationError, 'purpose');
    expect(marketing.message).toMatch(/not a known purpose; use one of .*order-fulfilment/);
    await expectRejection(
      disclose({ purpose: 'domain registration of example.nl' }),
      ValidationError,
      'purpose',
    );
    await expectRejection(disclose({ purpose: 'support-ticket' }), ValidationError, 'purpose');
    await expectRejection(disclose({ purpose: 42 as never }), ValidationError, 'purpose');
    // Bank details are bound to direct debit, for a disclosure as for a read.
    const bank = await expectRejection(
      disclose({
        thirdPartyId: payments.id,
        categories: ['name', 'bank_details'],
        purpose: 'domain-registration',
      }),
      ValidationError,
      'purpose',
    );
    expect(bank.message).toMatch(
      /domain-registration does not cover bank_details \(allowed for direct-debit/,
    );
    expect(bank.details).toMatchObject({ purpose: 'domain-registration' });
    await expectRejection(
      disclose({ purpose: 'domain-registration', disclosedAt: new Date('1999-01-01T00:00:00Z') }),
      ValidationError,
      'disclosedAt',
    );
    await expectRejection(
      disclose({ purpose: 'domain-registration', disclosedAt: new Date('2018-05-24T23:59:59.999Z') }),
      ValidationError,
      'disclosedAt',
    );
    expect(await countRows(t, 'disclosure')).toBe(before);

    const fits = await disclose({
      thirdPartyId: payments.id,
      categories: ['name', 'bank_details'],
      purpose: 'direct-debit',
      disclosedAt: new Date('2018-05-25T00:00:00Z'),
    });
    expect(fits).toMatchObject({ purpose: 'direct-debit', categories: ['name', 'bank_details'] });
    expect(fits.disclosedAt.toISOString()).toBe('2018-05-25T00:00:00.000Z');
  });

  it('stores no disclosure when its audit event cannot be recorded', async () => {
    const customerId = await newCustomer(t);
    const before = await countRows(t, 'disclosure');
    const unaudited = new ThirdPartyService(failingAudit());
    await expect(
      unaudited.recordDisclosure(
        em(),
        { customerId, thirdPartyId: sidn.id, categories: ['name'], purpose: 'domain-registration' },
        officer,
      ),
    ).rejects.toThrow('audit log unavailable');
    expect(await countRows(t, 'disclosure')).toBe(before);
  });
});
