// The VAT evidence an order brings, and what it brings that is no evidence of where the customer is.
import { describe, expect, it } from 'vitest';
import { normaliseOrder, type ScoreOrderRequest } from '../../../src/orders/score-order-input';
import { orderVatEvidence, PHONE_NATIONAL_FORMAT } from '../../../src/orders/order-vat-evidence';
import { NOT_ANONYMOUS } from '../scoring/fixtures';

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
  const dutchLine = { classification: 'public', country: 'NL', anonymity: NOT_ANONYMOUS } as const;
  const berlin = { country: 'DE', postalCode: '10117', city: 'Berlin' };
  const facts = { billing: berlin, ip: dutchLine, bankCountry: 'DE', phone: null };
  const dutchIp = { country: 'NL', subdivisionCode: null, subdivision: null };

  it('leaves a national-format phone number out, saying why', () => {
    expect(orderVatEvidence({ ...facts, phone: { country: null, national: true } })).toEqual({
      evidence: { billingCountry: berlin, ipCountry: dutchIp, bankCountry: 'DE', phoneCountry: null },
      excluded: [{ kind: 'phoneCountry', country: null, why: PHONE_NATIONAL_FORMAT }],
    });
  });

  it('counts an international phone number and leaves nothing out', () => {
    expect(orderVatEvidence({ ...facts, phone: { country: 'NL', national: false } })).toEqual({
      evidence: { billingCountry: berlin, ipCountry: dutchIp, bankCountry: 'DE', phoneCountry: 'NL' },
      excluded: [],
    });
    expect(orderVatEvidence({ ...facts, phone: null }).excluded).toEqual([]);
  });

  // Regression: a hosting provider's, VPN's, proxy's or Tor exit's address counted as the customer's country.
  it.each([
    [{ isHostingProvider: true }, 'IP address of a hosting provider'],
    [{ isAnonymousVpn: true }, 'IP address of an anonymising VPN'],
    [{ isPublicProxy: true }, 'IP address of a public proxy'],
    [{ isTorExitNode: true }, 'IP address of a Tor exit node'],
    [{}, 'IP address of an anonymising service'],
    [
      { isTorExitNode: true, isAnonymousVpn: true, isHostingProvider: true },
      'IP address of a Tor exit node, an anonymising VPN and a hosting provider',
    ],
  ])('leaves out the IP address flagged %j, saying why', (flags, start) => {
    const ip = { ...dutchLine, anonymity: { ...NOT_ANONYMOUS, isAnonymous: true, ...flags } };
    const result = orderVatEvidence({ ...facts, ip });
    expect(result.evidence.ipCountry).toBeNull();
    expect(result.excluded).toEqual([
      {
        kind: 'ipCountry',
        country: 'NL',
        why: `${start}: it says where a server is, not where the customer is`,
      },
    ]);
  });

  it('has no IP country for a non-public address, and nothing to leave out', () => {
    const result = orderVatEvidence({
      ...facts,
      ip: { ...dutchLine, classification: 'private', country: null },
    });
    expect(result).toEqual({
      evidence: { billingCountry: berlin, ipCountry: null, bankCountry: 'DE', phoneCountry: null },
      excluded: [],
    });
  });

  it('gives the billing postal code and city and the IP subdivision, so territories can be told apart', () => {
    const canaries = { country: 'ES', postalCode: '35001', city: 'Las Palmas de Gran Canaria' };
    const result = orderVatEvidence({
      ...facts,
      billing: canaries,
      ip: { ...dutchLine, country: 'ES', subdivisionCode: 'CN', subdivision: 'Canary Islands' },
      bankCountry: 'ES',
    });
    expect(result.evidence).toEqual({
      billingCountry: canaries,
      ipCountry: { country: 'ES', subdivisionCode: 'CN', subdivision: 'Canary Islands' },
      bankCountry: 'ES',
      phoneCountry: null,
    });
  });
});
