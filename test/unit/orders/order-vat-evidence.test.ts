// The VAT evidence an order brings, and what it brings that is no evidence of where the customer is.
import { describe, expect, it } from 'vitest';
import { normaliseOrder, type ScoreOrderRequest } from '../../../src/orders/score-order-input';
import { orderVatEvidence, PHONE_NATIONAL_FORMAT } from '../../../src/orders/order-vat-evidence';

const BERLIN = { street: 'Friedrichstraße 1', postalCode: '10117', city: 'Berlin', country: 'DE' };

function request(phone: string | null): ScoreOrderRequest {
  return {
    idempotencyKey: 'k',
    customerId: '00000000-0000-4000-8000-000000000001',
    ipAddress: '77.160.1.1',
    billingAddress: BERLIN,
    phone,
    items: [{ product: 'hosting', amountCents: 995 }],
    currency: 'EUR',
  };
}

describe('the phone of an order', () => {
  // Regression: billing DE with a Dutch mobile in national format gave phoneCountry DE.
  it('has no country when written in national format, though it is still validated and stored', () => {
    expect(normaliseOrder(request('06 12345678')).phone).toEqual({
      e164: '+49612345678',
      country: null,
      national: true,
    });
  });

  it('has the country of its country code in international form', () => {
    expect(normaliseOrder(request('+31 6 12345678')).phone).toEqual({
      e164: '+31612345678',
      country: 'NL',
      national: false,
    });
    expect(normaliseOrder(request('0031 6 12345678')).phone).toMatchObject({ country: 'NL' });
  });
});

describe('orderVatEvidence', () => {
  const facts = { billingCountry: 'DE', ipCountry: 'NL', bankCountry: 'DE' };

  it('leaves a national-format phone number out, saying why', () => {
    expect(orderVatEvidence({ ...facts, phone: { country: null, national: true } })).toEqual({
      evidence: { billingCountry: 'DE', ipCountry: 'NL', bankCountry: 'DE', phoneCountry: null },
      excluded: [{ kind: 'phoneCountry', country: null, why: PHONE_NATIONAL_FORMAT }],
    });
  });

  it('counts an international phone number and leaves nothing out', () => {
    expect(orderVatEvidence({ ...facts, phone: { country: 'NL', national: false } })).toEqual({
      evidence: { billingCountry: 'DE', ipCountry: 'NL', bankCountry: 'DE', phoneCountry: 'NL' },
      excluded: [],
    });
    expect(orderVatEvidence({ ...facts, phone: null }).excluded).toEqual([]);
  });
});
