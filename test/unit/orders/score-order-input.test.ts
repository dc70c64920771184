// What scoreOrder refuses before anything is stored: a key with control characters, a total the API
// cannot show, a currency that does not exist.
import { describe, expect, it } from 'vitest';
import { normaliseOrder, type ScoreOrderRequest } from '../../../src/orders/score-order-input';
import { expectValidationError } from '../validation/expect-validation-error';

const UTRECHT = { street: 'Stationsplein 1', postalCode: '3511 ED', city: 'Utrecht', country: 'NL' };

function request(overrides: Partial<ScoreOrderRequest> = {}): ScoreOrderRequest {
  return {
    idempotencyKey: 'k',
    customerId: '00000000-0000-4000-8000-000000000001',
    ipAddress: '77.160.1.1',
    billingAddress: UTRECHT,
    items: [{ product: 'hosting', amountCents: 995 }],
    currency: 'EUR',
    ...overrides,
  };
}

describe('normaliseOrder', () => {
  it('refuses an idempotency key with control characters', () => {
    expectValidationError(
      () => normaliseOrder(request({ idempotencyKey: 'k\u0000' })),
      'idempotencyKey',
      /control/,
    );
  });

  it('refuses a total above what the API can show (32-bit Int), though each item fits', () => {
    const big = { product: 'hosting', amountCents: 2_147_483_647 };
    expect(normaliseOrder(request({ items: [big] })).amountCents).toBe(2_147_483_647);
    expectValidationError(() => normaliseOrder(request({ items: [big, big] })), 'items', /split the order/);
  });

  it('takes only currency codes that exist, in any case', () => {
    expect(normaliseOrder(request({ currency: ' chf ' })).currency).toBe('CHF');
    expectValidationError(() => normaliseOrder(request({ currency: 'XYZ' })), 'currency', /ISO 4217/);
  });
});
