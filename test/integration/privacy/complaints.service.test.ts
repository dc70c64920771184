import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError } from '../../../src/crypto/decryption-error';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/errors/errors';
import { ComplaintService } from '../../../src/privacy/complaints.service';
import { PrivacyRequestService } from '../../../src/privacy/privacy-requests.service';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import {
  countRows,
  expectRejection,
  failingAudit,
  newCustomer,
  officer,
  sealedEvents,
  superuser,
} from './privacy-fixtures';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const at = (iso: string) => new Date(iso);
const SUMMARY =
  'Mevrouw De Vries klaagt dat haar telefoonnummer 06-12345678 aan een registrar is doorgegeven.';

describe('ComplaintService on PostgreSQL', () => {
  let t: TestPlatform;
  let complaints: ComplaintService;
  let requests: PrivacyRequestService;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
    complaints = new ComplaintService(t.platform.keys.cipher, t.platform.services.audit);
    requests = new PrivacyRequestService(t.platform.keys.cipher, t.platform.services.audit);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the summary only as ciphertext bound to its row, with a one-month deadline', async () => {
    const customerId = await newCustomer(t);
    const complaint = await complaints.create(
      em(),
      { customerId, source: 'customer', receivedAt: at('2024-01-31T16:00:00Z'), summary: `  ${SUMMARY}\r\n` },
      officer,
    );
    expect(complaint.dueAt.toISOString()).toBe('2024-02-29T23:59:59.999Z');
    expect(complaint.summary).toBe(SUMMARY);
    expect(complaint.dataSubjectId).toBe(customerId);
    expect(complaint).toMatchObject({ status: 'open', escalated: false, resolution: null, closedAt: null });

    const sql = await superuser(t);
    const row = await sql.query('select * from complaint where id = $1', [complaint.id]);
    const dump = JSON.stringify(row.rows[0]);
    expect(dump).not.toContain('06-12345678');
    expect(dump).not.toContain('De Vries');
    expect((await complaints.get(em(), complaint.id)).summary).toBe(SUMMARY);

    // A ciphertext moved to another complaint does not decrypt there.
    const other = await complaints.create(
      em(),
      { source: 'customer', summary: 'Anonymous: too many mailings' },
      officer,
    );
    expect(other.dataSubjectId).toBeNull();
    await sql.query('update complaint set summary_enc = $1 where id = $2', [
      row.rows[0].summary_enc,
      other.id,
    ]);
    const moved = await complaints.get(em(), other.id);
    expect(() => moved.summary).toThrow(DecryptionError);

    const events = await sealedEvents(t, customerId, 'complaint');
    expect(events).toHaveLength(1);
    // Written as a creation of the person's correspondence, so a category filter on the log finds it.
    expect(events[0]).toMatchObject({
      action: 'create',
      categories: ['correspondence'],
      fields: ['complaint'],
    });
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const customerId = await newCustomer(t);
    const before = await countRows(t, 'complaint');
    const ok = { customerId, source: 'customer' as const, summary: SUMMARY };
    await expectRejection(
      complaints.create(em(), { ...ok, summary: '' }, officer),
      ValidationError,
      'summary',
    );
    await expectRejection(
      complaints.create(em(), { ...ok, summary: 'x'.repeat(5001) }, officer),
      ValidationError,
      'summary',
    );
    await expectRejection(
      complaints.create(em(), { ...ok, source: 'press' as never }, officer),
      ValidationError,
      'source',
    );
    await expectRejection(
      complaints.create(em(), { ...ok, regulatorReference: 'AP-2025-1' }, officer),
      ValidationError,
      'regulatorReference',
    );
    for (const regulatorReference of [undefined, null, '', '  ']) {
      const missing = await expectRejection(
        complaints.create(em(), { ...ok, source: 'regulator', regulatorReference }, officer),
        ValidationError,
        'regulatorReference',
      );
      expect(missing.message).toMatch(/is required for a complaint that came through the regulator/);
    }
    await expectRejection(
      complaints.create(em(), { ...ok, customerId: 'x' }, officer),
      ValidationError,
      'customerId',
    );
    await expectRejection(complaints.create(em(), { ...ok, customerId: UNKNOWN }, officer), NotFoundError);
    await expectRejection(
      complaints.create(em(), { ...ok, requestIds: [UNKNOWN] }, officer),
      ValidationError,
      'requestIds',
    );
    await expectRejection(
      complaints.create(em(), { ...ok, requestIds: ['r1'] }, officer),
      ValidationError,
      'requestIds',
    );
    await expectRejection(
      complaints.create(em(), { ...ok, eventIds: [UNKNOWN] }, officer),
      ValidationError,
      'eventIds',
    );
    await expectRejection(
      complaints.create(em(), { ...ok, receivedAt: new Date(Date.now() + 60_000) }, officer),
      ValidationError,
      'receivedAt',
    );
    await expect(
      new ComplaintService(t.platform.keys.cipher, failingAudit()).create(em(), ok, officer),
    ).rejects.toThrow('audit log unavailable');
    expect(await countRows(t, 'complaint')).toBe(before);
    await expectRejection(complaints.get(em(), UNKNOWN), NotFoundError);
    expect(
      (await complaints.create(em(), { ...ok, summary: 'y'.repeat(5000) }, officer)).summary,
    ).toHaveLength(5000);
  });

  it('links the evidence: requests of the same customer and real audit events', async () => {
    const customerId = await newCustomer(t);
    const someoneElse = await newCustomer(t);
    const request = await requests.create(em(), { customerId, kind: 'erasure', channel: 'email' }, officer);
    const foreign = await requests.create(
      em(),
      { customerId: someoneElse, kind: 'access', channel: 'email' },
      officer,
    );
    const [event] = await sealedEvents(t, customerId);
    const eventId = event?.event_id as string;

    await expectRejection(
      complaints.create(
        em(),
        { customerId, source: 'customer', summary: SUMMARY, requestIds: [foreign.id] },
        officer,
      ),
      ValidationError,
      'requestIds',
    );
    const complaint = await complaints.create(
      em(),
      { customerId, source: 'customer', summary: SUMMARY, requestIds: [request.id], eventIds: [eventId] },
      officer,
    );
    expect(complaint.requestIds).toEqual([request.id]);
    expect(complaint.eventIds).toEqual([eventId]);

    // Linking again adds nothing twice; an unknown or foreign link leaves the complaint as it was.
    const second = await requests.create(
      em(),
      { customerId, kind: 'restriction', channel: 'letter' },
      officer,
    );
    const linked = await complaints.update(
      em(),
      complaint.id,
      { linkRequestIds: [request.id, second.id], linkEventIds: [eventId] },
      officer,
    );
    expect(linked.requestIds).toEqual([request.id, second.id]);
    expect(linked.eventIds).toEqual([eventId]);
    await expectRejection(
      complaints.update(em(), complaint.id, { linkRequestIds: [UNKNOWN], escalated: true }, officer),
      ValidationError,
      'linkRequestIds',
    );
    await expectRejection(
      complaints.update(em(), complaint.id, { linkEventIds: [UNKNOWN] }, officer),
      ValidationError,
      'linkEventIds',
    );
    const unchanged = await complaints.get(em(), complaint.id);
    expect(unchanged.escalated).toBe(false);
    expect(unchanged.requestIds).toEqual([request.id, second.id]);
  });

  it("links no audit event about another data subject, so the inspection report shows only this customer's processing", async () => {
    const customerId = await newCustomer(t);
    const someoneElse = await newCustomer(t);
    const [own] = await sealedEvents(t, customerId);
    const [foreign] = await sealedEvents(t, someoneElse);
    // An event about no one: a policy version published.
    await t.platform.services.policyVersions.publish(
      em(),
      { version: `link-${customerId.slice(0, 8)}`, kind: 'minor', summary: 'Wording' },
      officer,
    );
    const nobody = (await sealedEvents(t, null)).find((e) => e.fields.includes('policyVersion'));
    const before = await countRows(t, 'complaint');

    const refused = await expectRejection(
      complaints.create(
        em(),
        {
          customerId,
          source: 'customer',
          summary: 'x',
          eventIds: [own!.event_id, foreign!.event_id],
        },
        officer,
      ),
      ValidationError,
      'eventIds',
    );
    expect(refused.message).toMatch(/another data subject/);
    expect(refused.message).toContain(foreign!.event_id);
    expect(refused.message).not.toContain(own!.event_id);
    expect(await countRows(t, 'complaint')).toBe(before);

    const complaint = await complaints.create(
      em(),
      { customerId, source: 'customer', summary: 'x', eventIds: [own!.event_id, nobody!.event_id] },
      officer,
    );
    expect(complaint.eventIds).toEqual([own!.event_id, nobody!.event_id]);
    await expectRejection(
      complaints.update(em(), complaint.id, { linkEventIds: [foreign!.event_id] }, officer),
      ValidationError,
      'linkEventIds',
    );
    expect((await complaints.get(em(), complaint.id)).eventIds).toEqual([own!.event_id, nobody!.event_id]);

    const report = await t.platform.services.privacyReports.inspection(
      em(),
      customerId,
      new Date(Date.now() - 3_600_000),
      new Date(Date.now() + 60_000),
    );
    expect(JSON.stringify(report)).not.toContain(foreign!.event_id);
  });

  it('moves a complaint on, closes it once with a resolution, and then refuses every change', async () => {
    const customerId = await newCustomer(t);
    const complaint = await complaints.create(
      em(),
      { customerId, source: 'customer', summary: SUMMARY },
      officer,
    );
    await expectRejection(complaints.update(em(), complaint.id, {}, officer), ValidationError, 'input');
    await expectRejection(
      complaints.update(em(), complaint.id, { status: 'lost' as never }, officer),
      ValidationError,
      'status',
    );
    await expectRejection(complaints.update(em(), UNKNOWN, { escalated: true }, officer), NotFoundError);

    const investigating = await complaints.update(
      em(),
      complaint.id,
      { status: 'investigating', escalated: true },
      officer,
    );
    expect(investigating.status).toBe('investigating');
    expect(investigating.escalated).toBe(true);
    expect(investigating.closedAt).toBeNull();

    await expectRejection(
      complaints.update(em(), complaint.id, { status: 'resolved' }, officer),
      ValidationError,
      'resolution',
    );
    const now = at('2025-03-03T10:00:00Z');
    const resolved = await complaints.update(
      em(),
      complaint.id,
      { status: 'resolved', resolution: 'Phone number withdrawn from the registrar; apology sent.' },
      officer,
      now,
    );
    expect(resolved.status).toBe('resolved');
    expect(resolved.closedAt?.toISOString()).toBe(now.toISOString());

    for (const patch of [{ status: 'open' as const }, { resolution: 'other' }, { escalated: false }]) {
      await expectRejection(complaints.update(em(), complaint.id, patch, officer), ConflictError);
    }
    const stored = await complaints.get(em(), complaint.id);
    expect(stored.resolution).toBe('Phone number withdrawn from the registrar; apology sent.');
    expect(await sealedEvents(t, customerId, 'complaint')).toHaveLength(3);
  });

  it('lists newest received first with status, customer, escalated, open and overdue filters', async () => {
    const customerId = await newCustomer(t);
    const make = (receivedAt: string, source: 'customer' | 'regulator' = 'customer') =>
      complaints.create(
        em(),
        {
          customerId,
          source,
          regulatorReference: source === 'regulator' ? 'z2025-00123' : null,
          receivedAt: at(receivedAt),
          summary: SUMMARY,
        },
        officer,
      );
    const march = await make('2024-03-10T10:00:00Z');
    const april = await make('2024-04-10T10:00:00Z', 'regulator');
    const may = await make('2024-05-10T10:00:00Z');
    expect(april.escalated).toBe(true);
    expect(april.regulatorReference).toBe('z2025-00123');
    await complaints.update(
      em(),
      march.id,
      { status: 'rejected', resolution: 'Not about personal data.' },
      officer,
    );

    const ids = async (filter: Parameters<ComplaintService['list']>[1], now?: Date, first = 100) =>
      (await complaints.list(em(), { customerId, ...filter }, first, null, now)).edges.map((e) => e.node.id);
    expect(await ids({})).toEqual([may.id, april.id, march.id]);
    const firstPage = await complaints.list(em(), { customerId }, 2);
    expect(firstPage.hasNextPage).toBe(true);
    const next = await complaints.list(em(), { customerId }, 2, firstPage.edges[1]?.cursor);
    expect(next.edges.map((e) => e.node.id)).toEqual([march.id]);
    expect(next.hasNextPage).toBe(false);

    expect(await ids({ status: 'rejected' })).toEqual([march.id]);
    expect(await ids({ escalated: true })).toEqual([april.id]);
    expect(await ids({ escalated: false })).toEqual([may.id, march.id]);
    expect(await ids({ open: true })).toEqual([may.id, april.id]);
    expect(await ids({ open: false })).toEqual([march.id]);
    // On 1 June April's complaint (due 10 May) is overdue, May's (due 10 June) is not; March is closed.
    const june = at('2024-06-01T00:00:00Z');
    expect(await ids({ overdue: true }, june)).toEqual([april.id]);
    expect(await ids({ overdue: false }, june)).toEqual([may.id, march.id]);
    expect(await ids({ overdue: true }, at('2024-05-10T23:59:59.999Z'))).toEqual([]);
    expect((await complaints.get(em(), april.id)).isOverdue(june)).toBe(true);

    await expectRejection(
      complaints.list(em(), { status: 'lost' as never }),
      ValidationError,
      'filter.status',
    );
  });
});
