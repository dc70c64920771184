// A correction is passed on to each recipient of the data corrected (GDPR art. 19): a new phone number
// to the registry that received the phone number, not to the payment provider that received only the
// name and bank details; a new name to both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../../audit/audit-context';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import { newCustomer, officer } from './privacy-fixtures';

describe('rectification tells the recipients of what was corrected', () => {
  let t: TestPlatform;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a phone correction goes to SIDN only, a name correction to SIDN and the payment provider', async () => {
    const customerId = await newCustomer(t);
    const parties = await t.platform.services.thirdParties.ensureDefaults(em());
    const sidn = parties.find((p) => p.name === 'SIDN')!;
    const payments = parties.find((p) => p.name === 'Payment provider')!;
    const disclose = (thirdPartyId: string, categories: string[], purpose: string) =>
      t.platform.services.thirdParties.recordDisclosure(
        em(),
        { customerId, thirdPartyId, categories, purpose },
        offlineContext(null, purpose),
      );
    await disclose(sidn.id, ['name', 'address', 'email', 'phone'], 'domain-registration');
    await disclose(payments.id, ['name', 'bank_details'], 'direct-debit');

    const correct = async (patch: Record<string, string>) => {
      const request = await t.platform.services.privacyRequests.create(
        em(),
        { customerId, kind: 'rectification', channel: 'email', identityCheck: 'verified' },
        officer,
      );
      const done = await t.platform.services.dataSubjectRights.carryOutRectification(
        em(),
        request.id,
        patch,
        officer,
      );
      return done.recipientsNotified.map((n) => n.thirdParty).sort();
    };
    expect(await correct({ phone: '+31 6 87654321' })).toEqual(['SIDN']);
    expect(await correct({ name: 'Anna de Vries-Bakker' })).toEqual(['Payment provider', 'SIDN']);
    expect(await correct({ licencePlate: 'XZ-123-Q' })).toEqual([]);
  });
});
