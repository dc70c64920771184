import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePurpose } from '../../../src/auth/purpose';
import { DEMO_CUSTOMER_COUNT, seedDemoData } from '../../../src/demo/seed-demo';
import { ForbiddenError } from '../../../src/errors/errors';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';

describe('demo data', () => {
  let t: TestPlatform;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seeds once, with third-party tokens that read exactly the customers disclosed to them', async () => {
    const first = await seedDemoData(t.platform);
    expect(first.seeded).toBe(true);
    const again = await seedDemoData(t.platform);
    expect(again).toEqual({ seeded: false, tokens: first.tokens });

    const customers = await t.platform.services.customers.list(em(), {}, 100, undefined);
    expect(customers.edges).toHaveLength(DEMO_CUSTOMER_COUNT);
    for (const [role, purpose] of [
      ['registry', 'domain-registration'],
      ['payment_provider', 'direct-debit'],
    ] as const) {
      const token = first.tokens.find((x) => x.role === role)!.token;
      const actor = await t.platform.services.actors.authenticate(em(), token);
      const access = { actor, purpose: parsePurpose(purpose) };
      let readable = 0;
      for (const { node } of customers.edges) {
        const read = await t.platform.services.customers.get(em(), node.id, access).then(
          () => true,
          (error: unknown) => {
            expect(error).toBeInstanceOf(ForbiddenError);
            return false;
          },
        );
        if (read) readable++;
      }
      expect(readable, role).toBe(5);
    }
  });
});
