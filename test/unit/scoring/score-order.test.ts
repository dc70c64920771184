// Order scoring: each signal at its boundary, IPv6, conflicting evidence, aggregation and decisions.
import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../../src/errors/errors';
import { haversineKm } from '../../../src/scoring/geo-distance';
import { ReasonCode } from '../../../src/scoring/reason-codes';
import { DEFAULT_RISK_RULES, type RiskRules } from '../../../src/scoring/risk-rules';
import { scoreOrderSignals, type IpEvidence, type OrderSignalsInput } from '../../../src/scoring/score-order';
import { analyseVatNumber } from '../../../src/vat/vat-number';
import {
  AMSTERDAM,
  anonymity,
  BERLIN,
  cleanDutchOrder,
  codesOf,
  DUTCH_IPV4,
  DUTCH_IPV6,
  GERMAN_VAT,
  GERMAN_VAT_BAD_CHECK_DIGIT,
  ipWith,
  notEvaluatedOf,
  reasonOf,
  rulesWithWeights,
  US_HOSTING_IPV4,
  velocity,
} from './fixtures';

const rules = DEFAULT_RISK_RULES;
const W = rules.weights;

function score(overrides: Partial<OrderSignalsInput> = {}, with_: RiskRules = rules) {
  return scoreOrderSignals(cleanDutchOrder(overrides), with_);
}

describe('a clean order', () => {
  it('accepts a Dutch consumer ordering from a Dutch IPv4 address with no reasons', () => {
    const result = score();
    expect(result).toMatchObject({ riskScore: 0, decision: 'ACCEPT', reasons: [] });
    expect(result.rulesVersion).toBe(rules.version);
  });

  it('accepts the same consumer from a Dutch IPv6 address', () => {
    const result = score({ ip: DUTCH_IPV6 });
    expect(result).toMatchObject({ riskScore: 0, decision: 'ACCEPT', reasons: [] });
  });

  it('says which signals it could not evaluate for a consumer without a VAT number', () => {
    const result = score();
    expect(result.notEvaluated.map((n) => n.code)).toEqual([
      ReasonCode.VAT_NUMBER_MALFORMED,
      ReasonCode.VAT_NUMBER_BAD_CHECK_DIGIT,
      ReasonCode.VAT_NUMBER_NON_EU,
      ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
      ReasonCode.VAT_NAME_MISMATCH,
      ReasonCode.VAT_ADDRESS_MISMATCH,
      ReasonCode.IP_COUNTRY_MISMATCH_VAT,
    ]);
    expect(notEvaluatedOf(result, ReasonCode.VAT_NUMBER_MALFORMED)).toEqual(['no VAT number given']);
  });
});

describe('IP country against the billing address', () => {
  it('fires when the IP is in another country, with both countries as evidence', () => {
    const reason = reasonOf(score({ ip: ipWith({ country: 'DE' }) }), ReasonCode.IP_COUNTRY_MISMATCH_BILLING);
    expect(reason).toEqual({
      code: ReasonCode.IP_COUNTRY_MISMATCH_BILLING,
      message: 'IP address is in DE, billing address in NL',
      weight: W.IP_COUNTRY_MISMATCH_BILLING,
      evidence: { ipCountry: 'DE', billingCountry: 'NL' },
    });
  });

  it('does not fire for the same country written in another case', () => {
    const result = score({ ip: ipWith({ country: 'nl' }), billingCountry: ' nl ' });
    expect(codesOf(result)).not.toContain(ReasonCode.IP_COUNTRY_MISMATCH_BILLING);
  });

  it('compares UK and EL from other sources as GB and GR', () => {
    const result = score({
      ip: ipWith({ country: 'GB' }),
      billingCountry: 'UK',
      ibanCountry: 'GB',
      phoneCountry: 'GB',
    });
    expect(codesOf(result)).not.toContain(ReasonCode.IP_COUNTRY_MISMATCH_BILLING);
  });

  it('is not evaluated when the IP address has no known country', () => {
    const result = score({ ip: ipWith({ country: null }) });
    expect(codesOf(result)).toEqual([]);
    expect(notEvaluatedOf(result, ReasonCode.IP_COUNTRY_MISMATCH_BILLING)).toEqual([
      'the IP address has no known country',
    ]);
    expect(notEvaluatedOf(result, ReasonCode.IP_COUNTRY_MISMATCH_IBAN)).toEqual([
      'the IP address has no known country',
    ]);
  });
});

describe('IP country against the VAT number, IBAN and phone', () => {
  it('fires IP_COUNTRY_MISMATCH_VAT when the VAT number is from another country than the IP', () => {
    const result = score({
      billingCountry: 'DE',
      vatNumber: GERMAN_VAT,
      ibanCountry: null,
      phoneCountry: null,
    });
    expect(reasonOf(result, ReasonCode.IP_COUNTRY_MISMATCH_VAT)).toMatchObject({
      message: 'IP address is in NL, VAT number is from DE',
      evidence: { ipCountry: 'NL', vatCountry: 'DE' },
    });
  });

  it('does not fire IP_COUNTRY_MISMATCH_VAT when the IP is in the VAT number country', () => {
    const result = score({ ip: ipWith({ country: 'DE' }), billingCountry: 'DE', vatNumber: GERMAN_VAT });
    expect(codesOf(result)).not.toContain(ReasonCode.IP_COUNTRY_MISMATCH_VAT);
  });

  it('reads a Greek EL number as Greece, so an IP in GR matches it', () => {
    const result = score({
      ip: ipWith({ country: 'GR' }),
      billingCountry: 'GR',
      vatNumber: 'EL094259216',
      ibanCountry: 'GR',
      phoneCountry: 'GR',
      billingLocation: null,
    });
    expect(codesOf(result)).toEqual([]);
  });

  it('fires IP_COUNTRY_MISMATCH_IBAN for a Lithuanian IBAN, and not for a Dutch one', () => {
    expect(reasonOf(score({ ibanCountry: 'LT' }), ReasonCode.IP_COUNTRY_MISMATCH_IBAN)).toMatchObject({
      message: 'IP address is in NL, bank account (IBAN) is in LT',
      weight: W.IP_COUNTRY_MISMATCH_IBAN,
      evidence: { ipCountry: 'NL', ibanCountry: 'LT' },
    });
    expect(codesOf(score({ ibanCountry: 'NL' }))).not.toContain(ReasonCode.IP_COUNTRY_MISMATCH_IBAN);
  });

  it('does not evaluate the IBAN country when none is given', () => {
    const result = score({ ibanCountry: null });
    expect(notEvaluatedOf(result, ReasonCode.IP_COUNTRY_MISMATCH_IBAN)).toEqual(['no IBAN country given']);
  });

  it('fires IP_COUNTRY_MISMATCH_PHONE for a Belgian phone number, and not for a Dutch one', () => {
    expect(reasonOf(score({ phoneCountry: 'BE' }), ReasonCode.IP_COUNTRY_MISMATCH_PHONE)).toMatchObject({
      message: 'IP address is in NL, phone number is from BE',
      evidence: { ipCountry: 'NL', phoneCountry: 'BE' },
    });
    expect(codesOf(score({ phoneCountry: 'NL' }))).not.toContain(ReasonCode.IP_COUNTRY_MISMATCH_PHONE);
    expect(notEvaluatedOf(score({ phoneCountry: undefined }), ReasonCode.IP_COUNTRY_MISMATCH_PHONE)).toEqual([
      'no phone country given',
    ]);
  });
});

describe('IP location against the billing address', () => {
  const ipInBerlin = ipWith({ country: 'NL', city: 'Berlin', ...BERLIN, accuracyRadius: 50 });
  const distance = haversineKm(BERLIN, AMSTERDAM);
  const withMargin = (marginKm: number): RiskRules => ({
    ...rules,
    distance: { ...rules.distance, marginKm },
  });

  it('fires when the distance exceeds the accuracy radius plus the margin', () => {
    const margin = Math.floor(distance) - 50;
    const result = score({ ip: ipInBerlin }, withMargin(margin));
    expect(reasonOf(result, ReasonCode.IP_FAR_FROM_BILLING_CITY)).toEqual({
      code: ReasonCode.IP_FAR_FROM_BILLING_CITY,
      // No city: reasons are stored in clear, and where GeoIP put the IP address is location data.
      message: `IP location is about ${Math.round(distance)} km from the billing address, more than its accuracy of 50 km plus ${margin} km`,
      weight: W.IP_FAR_FROM_BILLING_CITY,
      evidence: {
        distanceKm: Math.round(distance),
        accuracyRadiusKm: 50,
        accuracyRadiusAssumed: false,
        marginKm: margin,
      },
    });
  });

  it('does not fire when the distance is within the accuracy radius plus the margin', () => {
    const result = score({ ip: ipInBerlin }, withMargin(Math.ceil(distance) - 50));
    expect(codesOf(result)).not.toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
    expect(result.notEvaluated.map((n) => n.code)).not.toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
  });

  it('does not fire for a Berlin IP under the default margin when the accuracy radius is wide', () => {
    const wide = ipWith({ accuracyRadius: Math.ceil(distance) }, ipInBerlin);
    expect(codesOf(score({ ip: wide }))).not.toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
  });

  it('assumes the configured radius when the source gives none but names a city', () => {
    const noRadius = ipWith({ accuracyRadius: null }, ipInBerlin);
    const assumed = rules.distance.assumedAccuracyRadiusKm;
    const fires = score({ ip: noRadius }, withMargin(Math.floor(distance) - assumed));
    expect(reasonOf(fires, ReasonCode.IP_FAR_FROM_BILLING_CITY)?.evidence).toMatchObject({
      accuracyRadiusKm: assumed,
      accuracyRadiusAssumed: true,
    });
    const quiet = score({ ip: noRadius }, withMargin(Math.ceil(distance) - assumed));
    expect(codesOf(quiet)).not.toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
  });

  it('is not evaluated when the billing address has no known location', () => {
    const result = score({ ip: ipInBerlin, billingLocation: null }, withMargin(0));
    expect(codesOf(result)).not.toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
    expect(notEvaluatedOf(result, ReasonCode.IP_FAR_FROM_BILLING_CITY)).toEqual([
      'the billing address has no known location',
    ]);
  });

  it('is not evaluated when the IP address has no location', () => {
    const result = score({ ip: ipWith({ latitude: null, longitude: null }) }, withMargin(0));
    expect(notEvaluatedOf(result, ReasonCode.IP_FAR_FROM_BILLING_CITY)).toEqual([
      'the IP address has no known location',
    ]);
  });

  it('is not evaluated for a country-level location with no city and no accuracy radius', () => {
    const centreOfGermany = ipWith({
      country: 'DE',
      city: null,
      accuracyRadius: null,
      latitude: 51,
      longitude: 9,
    });
    const result = score({ ip: centreOfGermany }, withMargin(0));
    expect(codesOf(result)).not.toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
    expect(notEvaluatedOf(result, ReasonCode.IP_FAR_FROM_BILLING_CITY)).toEqual([
      'the IP location is country-level only (no city and no accuracy radius)',
    ]);
  });
});

describe('the kind of IP address', () => {
  it.each([
    ['TOR_EXIT_IP', { isAnonymous: true, isTorExitNode: true }, 'IP address is a Tor exit node'],
    [
      'PUBLIC_PROXY_IP',
      { isAnonymous: true, isPublicProxy: true },
      'IP address is a public proxy (AS1136 KPN B.V.)',
    ],
    [
      'VPN_IP',
      { isAnonymous: true, isAnonymousVpn: true },
      'IP address belongs to an anonymising VPN (AS1136 KPN B.V.)',
    ],
    [
      'HOSTING_IP',
      { isAnonymous: true, isHostingProvider: true },
      'IP address belongs to a hosting provider (AS1136 KPN B.V.)',
    ],
    ['ANONYMOUS_IP', { isAnonymous: true }, 'IP address is listed as anonymising (AS1136 KPN B.V.)'],
  ] as const)('fires %s for its flag', (code, flags, message) => {
    const result = score({ ip: ipWith({ anonymity: anonymity(flags) }) });
    expect(codesOf(result)).toEqual([code]);
    expect(reasonOf(result, code)).toMatchObject({ message, weight: W[code] });
  });

  it('fires none of them without flags', () => {
    expect(codesOf(score({ ip: ipWith({ anonymity: anonymity({}) }) }))).toEqual([]);
  });

  it('names only the AS number or only the organisation when that is all that is known', () => {
    const asnOnly = ipWith({ organisation: null, anonymity: anonymity({ isHostingProvider: true }) });
    expect(reasonOf(score({ ip: asnOnly }), ReasonCode.HOSTING_IP)?.message).toBe(
      'IP address belongs to a hosting provider (AS1136)',
    );
    const neither = ipWith({
      asn: null,
      organisation: null,
      anonymity: anonymity({ isHostingProvider: true }),
    });
    expect(reasonOf(score({ ip: neither }), ReasonCode.HOSTING_IP)).toMatchObject({
      message: 'IP address belongs to a hosting provider',
      evidence: { asn: null, organisation: null },
    });
  });

  it('lets every specific flag fire, and the catch-all not double-count them', () => {
    const all = anonymity({
      isAnonymous: true,
      isAnonymousVpn: true,
      isHostingProvider: true,
      isPublicProxy: true,
      isTorExitNode: true,
    });
    const codes = codesOf(score({ ip: ipWith({ anonymity: all }) }));
    expect(codes.sort()).toEqual(['HOSTING_IP', 'PUBLIC_PROXY_IP', 'TOR_EXIT_IP', 'VPN_IP']);
  });

  it.each([
    ['private', 4],
    ['loopback', 4],
    ['link_local', 6],
    ['carrier_grade_nat', 4],
    ['documentation', 6],
    ['multicast', 6],
    ['unspecified', 6],
    ['broadcast', 4],
    ['reserved', 4],
  ] as const)('fires NON_PUBLIC_IP for a %s IPv%i address', (classification, version) => {
    const ip: IpEvidence = ipWith({
      version,
      classification,
      country: null,
      city: null,
      latitude: null,
      longitude: null,
      accuracyRadius: null,
      asn: null,
      organisation: null,
    });
    const result = score({ ip });
    expect(codesOf(result)).toEqual([ReasonCode.NON_PUBLIC_IP]);
    expect(reasonOf(result, ReasonCode.NON_PUBLIC_IP)).toMatchObject({
      message: expect.stringContaining(`IP address is ${classification.replace(/_/g, ' ')}, not a public`),
      evidence: { classification },
    });
  });

  it('sends an order from a private address to review on that signal alone', () => {
    const ip = ipWith({ classification: 'private', country: null, latitude: null, longitude: null });
    expect(score({ ip }).decision).toBe('REVIEW');
  });

  it('does not fire NON_PUBLIC_IP for a public address', () => {
    expect(codesOf(score({ ip: DUTCH_IPV6 }))).not.toContain(ReasonCode.NON_PUBLIC_IP);
  });
});

describe('the VAT number', () => {
  const german = {
    billingCountry: 'DE',
    ip: ipWith({ country: 'DE' }),
    ibanCountry: 'DE',
    phoneCountry: 'DE',
  };

  it('accepts a valid German number from a German customer without reasons', () => {
    expect(codesOf(score({ ...german, vatNumber: GERMAN_VAT, billingLocation: null }))).toEqual([]);
  });

  it('treats an empty VAT number as none', () => {
    const result = score({ vatNumber: '  ' });
    expect(codesOf(result)).toEqual([]);
    expect(notEvaluatedOf(result, ReasonCode.VAT_NUMBER_MALFORMED)).toEqual(['no VAT number given']);
  });

  it('fires VAT_NUMBER_MALFORMED with the format expected, without repeating the number', () => {
    expect(analyseVatNumber('DE000000038').status).toBe('MALFORMED');
    const reason = reasonOf(score({ ...german, vatNumber: 'DE000000038' }), ReasonCode.VAT_NUMBER_MALFORMED);
    expect(reason?.message).toBe(
      "VAT number is malformed: a DE VAT number is 'DE' and 9 digits, the first not 0",
    );
    expect(reason?.evidence).toEqual({
      vatPrefix: 'DE',
      vatCountry: 'DE',
      problem: "a DE VAT number is 'DE' and 9 digits, the first not 0",
    });
    expect(JSON.stringify(reason)).not.toContain('000000038');
  });

  // Regression: a Belgian number of the series issued since 2023 was VAT_NUMBER_MALFORMED.
  it('fires nothing for a valid Belgian number starting with 1 from a Belgian customer', () => {
    const belgian = {
      billingCountry: 'BE',
      ip: ipWith({ country: 'BE' }),
      ibanCountry: 'BE',
      phoneCountry: 'BE',
    };
    expect(codesOf(score({ ...belgian, vatNumber: 'BE1000003682', billingLocation: null }))).toEqual([]);
    expect(codesOf(score({ ...belgian, vatNumber: 'BE1000003683', billingLocation: null }))).toEqual([
      ReasonCode.VAT_NUMBER_BAD_CHECK_DIGIT,
    ]);
  });

  it('cannot compare the country of a number with no known prefix', () => {
    const result = score({ vatNumber: 'US123456789' });
    expect(codesOf(result)).toEqual([ReasonCode.VAT_NUMBER_MALFORMED]);
    expect(notEvaluatedOf(result, ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH)).toEqual([
      'the VAT number names no known country',
    ]);
    expect(notEvaluatedOf(result, ReasonCode.IP_COUNTRY_MISMATCH_VAT)).toEqual([
      'the VAT number names no known country',
    ]);
  });

  it('fires VAT_NUMBER_BAD_CHECK_DIGIT for a well-formed number with the wrong check digit', () => {
    expect(analyseVatNumber(GERMAN_VAT_BAD_CHECK_DIGIT).status).toBe('BAD_CHECK_DIGIT');
    const result = score({ ...german, vatNumber: GERMAN_VAT_BAD_CHECK_DIGIT });
    expect(codesOf(result)).toEqual([ReasonCode.VAT_NUMBER_BAD_CHECK_DIGIT]);
    expect(reasonOf(result, ReasonCode.VAT_NUMBER_BAD_CHECK_DIGIT)?.message).toBe(
      'VAT number has the format of DE but its check digit does not match',
    );
  });

  it('fires VAT_NUMBER_NON_EU for a UK number, and not the country mismatch for a UK customer', () => {
    const uk = { billingCountry: 'GB', ip: ipWith({ country: 'GB' }), ibanCountry: 'GB', phoneCountry: 'GB' };
    const result = score({ ...uk, vatNumber: 'GB980780684', billingLocation: null });
    expect(codesOf(result)).toEqual([ReasonCode.VAT_NUMBER_NON_EU]);
    expect(reasonOf(result, ReasonCode.VAT_NUMBER_NON_EU)).toMatchObject({
      message: 'VAT number is not an EU number: GB is not an EU member state',
      evidence: { vatPrefix: 'GB', vatCountry: 'GB' },
    });
  });

  it('fires VAT_NUMBER_NON_EU and VAT_NUMBER_COUNTRY_MISMATCH for a Swiss number from a Dutch customer', () => {
    const result = score({ vatNumber: 'CHE-116.281.710 MWST' });
    expect(codesOf(result).sort()).toEqual([
      ReasonCode.IP_COUNTRY_MISMATCH_VAT,
      ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
      ReasonCode.VAT_NUMBER_NON_EU,
    ]);
  });

  it('fires VAT_NUMBER_COUNTRY_MISMATCH when the number is from another country than the billing address', () => {
    const result = score({ vatNumber: GERMAN_VAT });
    expect(reasonOf(result, ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH)).toEqual({
      code: ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
      message: 'VAT number is from DE, billing address in NL',
      weight: W.VAT_NUMBER_COUNTRY_MISMATCH,
      evidence: { vatCountry: 'DE', billingCountry: 'NL' },
    });
  });

  it('does not fire VAT_NUMBER_COUNTRY_MISMATCH for a Dutch number from a Dutch customer', () => {
    expect(codesOf(score({ vatNumber: 'NL010000446B01' }))).toEqual([]);
  });

  // Regression: a business in Monaco, on Åland or in a French overseas department has the VAT number
  // of the member state whose VAT area it is in (or that it belongs to), which is no mismatch.
  it.each([
    ['MC', 'FR40303265045'],
    ['GP', 'FR40303265045'],
    ['AX', 'FI20774740'],
  ])(
    'does not fire VAT_NUMBER_COUNTRY_MISMATCH for a billing address in %s and a number of its member state',
    (billingCountry, vatNumber) => {
      expect(codesOf(score({ billingCountry, vatNumber }))).not.toContain(
        ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
      );
    },
  );

  it('still fires VAT_NUMBER_COUNTRY_MISMATCH for a Monaco billing address and a number of another state', () => {
    expect(
      reasonOf(score({ billingCountry: 'MC', vatNumber: GERMAN_VAT }), ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH)
        ?.message,
    ).toBe('VAT number is from DE, billing address in MC');
  });

  it('fires VAT_NAME_MISMATCH, alone enough for review, when VIES registers the number to another name', () => {
    const dutch = { vatNumber: 'NL010000446B01' };
    const result = score({ ...dutch, vatNameMatch: 'MISMATCH' });
    expect(reasonOf(result, ReasonCode.VAT_NAME_MISMATCH)).toEqual({
      code: ReasonCode.VAT_NAME_MISMATCH,
      message: "VIES registers the VAT number to another name than the customer's",
      weight: W.VAT_NAME_MISMATCH,
      evidence: { vatCountry: 'NL' },
    });
    expect(result.decision).toBe('REVIEW');
    expect(codesOf(score({ ...dutch, vatNameMatch: 'MATCH' }))).toEqual([]);
    for (const unknown of ['NOT_COMPARED', null, undefined] as const) {
      const r = score({ ...dutch, vatNameMatch: unknown });
      expect(codesOf(r)).toEqual([]);
      expect(notEvaluatedOf(r, ReasonCode.VAT_NAME_MISMATCH)).toEqual([
        'VIES gave no name for the VAT number (not asked, unavailable, or withheld by the member state)',
      ]);
    }
  });

  it('fires VAT_ADDRESS_MISMATCH, with countries only as evidence, when VIES registers the number elsewhere', () => {
    const dutch = { vatNumber: 'NL010000446B01' };
    const result = score({ ...dutch, vatAddressMatch: 'MISMATCH' });
    expect(reasonOf(result, ReasonCode.VAT_ADDRESS_MISMATCH)).toEqual({
      code: ReasonCode.VAT_ADDRESS_MISMATCH,
      message: 'VIES registers the VAT number at an address in another place than the billing address',
      weight: W.VAT_ADDRESS_MISMATCH,
      evidence: { vatCountry: 'NL', billingCountry: 'NL' },
    });
    // Alone it is not enough for review: seats and billing addresses differ for ordinary reasons.
    expect(result.decision).toBe('ACCEPT');
    expect(codesOf(score({ ...dutch, vatAddressMatch: 'MATCH' }))).toEqual([]);
    for (const unknown of ['NOT_COMPARED', null, undefined] as const) {
      const r = score({ ...dutch, vatAddressMatch: unknown });
      expect(codesOf(r)).toEqual([]);
      expect(notEvaluatedOf(r, ReasonCode.VAT_ADDRESS_MISMATCH)).toHaveLength(1);
    }
    expect(notEvaluatedOf(score({}), ReasonCode.VAT_ADDRESS_MISMATCH)).toEqual(['no VAT number given']);
  });
});

describe('velocity', () => {
  const cases = [
    ['ordersPerIp', ReasonCode.VELOCITY_IP, 'from this IP address'],
    ['ordersPerNetwork', ReasonCode.VELOCITY_NETWORK, "from this IP address's /24 network"],
    ['ordersPerEmail', ReasonCode.VELOCITY_EMAIL, 'with this email address'],
    ['ordersPerIban', ReasonCode.VELOCITY_IBAN, 'with this IBAN'],
    ['newCustomersPerIp', ReasonCode.VELOCITY_NEW_CUSTOMERS_IP, 'from this IP address'],
  ] as const;

  it.each(cases)('%s at its limit does not fire %s', (kind, code) => {
    const max = rules.velocity[kind].max;
    expect(codesOf(score({ velocity: velocity({ [kind]: max }) }))).not.toContain(code);
  });

  it.each(cases)('%s one over its limit fires %s', (kind, code, where) => {
    const limit = rules.velocity[kind];
    const count = limit.max + 1;
    const reason = reasonOf(score({ velocity: velocity({ [kind]: count }) }), code);
    expect(reason?.weight).toBe(W[code]);
    expect(reason?.message).toContain(`${count} `);
    expect(reason?.message).toContain(where);
    expect(reason?.message).toContain(`(limit ${limit.max})`);
    expect(reason?.evidence).toMatchObject({ count, max: limit.max, windowMinutes: limit.windowMinutes });
  });

  it('describes the window in hours or days', () => {
    const ip = reasonOf(score({ velocity: velocity({ ordersPerIp: 9 }) }), ReasonCode.VELOCITY_IP);
    expect(ip?.message).toBe('9 earlier orders from this IP address in the last 24 hours (limit 3)');
    const customers = reasonOf(
      score({ velocity: velocity({ newCustomersPerIp: 3 }) }),
      ReasonCode.VELOCITY_NEW_CUSTOMERS_IP,
    );
    expect(customers?.message).toBe(
      '3 other new customers from this IP address in the last 7 days (limit 2)',
    );
  });

  it('names the /64 network of an IPv6 address', () => {
    const count = rules.velocity.ordersPerNetwork.max + 1;
    const reason = reasonOf(
      score({ ip: DUTCH_IPV6, velocity: velocity({ ordersPerNetwork: count }) }),
      ReasonCode.VELOCITY_NETWORK,
    );
    expect(reason?.message).toContain("from this IP address's /64 network");
    expect(reason?.evidence.prefixLength).toBe(64);
  });

  it('names the /64 network whose new customers an IPv6 address was counted over', () => {
    const reason = reasonOf(
      score({ ip: DUTCH_IPV6, velocity: velocity({ newCustomersPerIp: 3 }) }),
      ReasonCode.VELOCITY_NEW_CUSTOMERS_IP,
    );
    expect(reason?.message).toBe(
      "3 other new customers from this IP address's /64 network in the last 7 days (limit 2)",
    );
    expect(reason?.evidence.prefixLength).toBe(64);
  });

  it('says just "network" when the IP version is not known', () => {
    const { version: _version, ...unversioned } = DUTCH_IPV4;
    const count = rules.velocity.ordersPerNetwork.max + 1;
    const reason = reasonOf(
      score({ ip: unversioned, velocity: velocity({ ordersPerNetwork: count }) }),
      ReasonCode.VELOCITY_NETWORK,
    );
    expect(reason?.message).toContain("from this IP address's network in");
    expect(reason?.evidence.prefixLength).toBeNull();
  });

  it('uses the limits of the rules it is given', () => {
    const strict: RiskRules = {
      ...rules,
      velocity: { ...rules.velocity, ordersPerEmail: { windowMinutes: 90, max: 0 } },
    };
    const reason = reasonOf(
      score({ velocity: velocity({ ordersPerEmail: 1 }) }, strict),
      ReasonCode.VELOCITY_EMAIL,
    );
    expect(reason?.message).toBe('1 earlier order with this email address in the last 90 minutes (limit 0)');
  });
});

describe('identity reuse', () => {
  it('allows the configured number of other names on an IBAN and fires one above it', () => {
    const max = rules.identityReuse.ibanMaxOtherNames;
    const at = score({ identityReuse: { ibanOtherNames: max, idCardOtherNames: 0 } });
    expect(codesOf(at)).not.toContain(ReasonCode.IBAN_REUSED_OTHER_NAME);
    const over = score({ identityReuse: { ibanOtherNames: max + 1, idCardOtherNames: 0 } });
    expect(reasonOf(over, ReasonCode.IBAN_REUSED_OTHER_NAME)).toMatchObject({
      message: `This IBAN is also on file under ${max + 1} other names (allowed ${max})`,
      weight: W.IBAN_REUSED_OTHER_NAME,
      evidence: { otherNames: max + 1, maxOtherNames: max },
    });
  });

  it('fires ID_CARD_REUSED_OTHER_NAME for one other name on an ID card, and not for none', () => {
    expect(rules.identityReuse.idCardMaxOtherNames).toBe(0);
    expect(codesOf(score())).not.toContain(ReasonCode.ID_CARD_REUSED_OTHER_NAME);
    const result = score({ identityReuse: { ibanOtherNames: 0, idCardOtherNames: 1 } });
    expect(reasonOf(result, ReasonCode.ID_CARD_REUSED_OTHER_NAME)).toMatchObject({
      message: 'This ID-card number is also on file under 1 other name (allowed 0)',
      weight: W.ID_CARD_REUSED_OTHER_NAME,
    });
  });
});

describe('disposable email', () => {
  it('fires for a disposable domain, naming the listed domain', () => {
    expect(reasonOf(score({ emailDomain: 'mailinator.com' }), ReasonCode.DISPOSABLE_EMAIL)).toEqual({
      code: ReasonCode.DISPOSABLE_EMAIL,
      message: 'Email address is at mailinator.com, a disposable-mail service',
      weight: W.DISPOSABLE_EMAIL,
      evidence: { listedDomain: 'mailinator.com' },
    });
  });

  it('fires for a subdomain of a disposable domain', () => {
    const reason = reasonOf(score({ emailDomain: 'Inbox.YOPmail.com' }), ReasonCode.DISPOSABLE_EMAIL);
    expect(reason?.evidence).toEqual({ listedDomain: 'yopmail.com' });
  });

  it('does not fire for an ordinary provider', () => {
    expect(codesOf(score({ emailDomain: 'gmail.com' }))).toEqual([]);
  });

  it('is not evaluated without an email domain', () => {
    expect(notEvaluatedOf(score({ emailDomain: null }), ReasonCode.DISPOSABLE_EMAIL)).toEqual([
      'no email domain given',
    ]);
  });
});

describe('high-value first order', () => {
  const minimum = rules.highValueFirstOrder.minimumAmountCents.EUR ?? Number.NaN;

  it('fires for a first order at the high-value amount', () => {
    const reason = reasonOf(score({ amountCents: minimum }), ReasonCode.HIGH_VALUE_FIRST_ORDER);
    expect(reason).toEqual({
      code: ReasonCode.HIGH_VALUE_FIRST_ORDER,
      message: `First order of EUR ${(minimum / 100).toFixed(2)} is at or above EUR ${(minimum / 100).toFixed(2)}, the high-value amount for a first order`,
      weight: W.HIGH_VALUE_FIRST_ORDER,
      evidence: { amountCents: minimum, currency: 'EUR', minimumAmountCents: minimum },
    });
  });

  it('does not fire one cent below it', () => {
    expect(codesOf(score({ amountCents: minimum - 1 }))).toEqual([]);
  });

  it('does not fire for a repeat order of any value', () => {
    expect(codesOf(score({ amountCents: minimum * 10, isFirstOrder: false }))).toEqual([]);
  });

  it('reads the currency in any case', () => {
    expect(codesOf(score({ amountCents: minimum, currency: 'eur' }))).toEqual([
      ReasonCode.HIGH_VALUE_FIRST_ORDER,
    ]);
  });

  it('is not evaluated for a currency the rules set no amount for', () => {
    const result = score({ amountCents: 10_000_000, currency: 'CHF' });
    expect(codesOf(result)).toEqual([]);
    expect(notEvaluatedOf(result, ReasonCode.HIGH_VALUE_FIRST_ORDER)).toEqual([
      'the rules set no high-value amount for CHF',
    ]);
  });

  it('shows amounts with the currency’s own decimals', () => {
    const yen: RiskRules = {
      ...rules,
      highValueFirstOrder: { minimumAmountCents: { EUR: 50_000, JPY: 80_000 } },
    };
    const reason = reasonOf(
      score({ amountCents: 80_000, currency: 'JPY' }, yen),
      ReasonCode.HIGH_VALUE_FIRST_ORDER,
    );
    expect(reason?.message).toBe(
      'First order of JPY 80000 is at or above JPY 80000, the high-value amount for a first order',
    );
  });
});

describe('VAT evidence conflict', () => {
  it('fires when the caller reports a conflict, and not when it reports none', () => {
    expect(reasonOf(score({ vatEvidenceConflict: true }), ReasonCode.VAT_EVIDENCE_CONFLICT)?.weight).toBe(
      W.VAT_EVIDENCE_CONFLICT,
    );
    expect(codesOf(score({ vatEvidenceConflict: false }))).toEqual([]);
  });

  it('is not evaluated when the caller did not establish the evidence', () => {
    expect(
      notEvaluatedOf(score({ vatEvidenceConflict: undefined }), ReasonCode.VAT_EVIDENCE_CONFLICT),
    ).toEqual(['the VAT evidence outcome was not given']);
  });
});

describe('conflicting evidence', () => {
  it('flags a German VAT number from a hosting IP in the US, and sends it to review or rejection', () => {
    const result = score({
      ip: US_HOSTING_IPV4,
      billingCountry: 'DE',
      billingLocation: BERLIN,
      vatNumber: GERMAN_VAT,
      ibanCountry: 'DE',
      phoneCountry: 'DE',
      emailDomain: 'example.de',
    });
    expect(['REVIEW', 'REJECT']).toContain(result.decision);
    expect(codesOf(result)).toEqual(
      expect.arrayContaining([
        ReasonCode.HOSTING_IP,
        ReasonCode.IP_COUNTRY_MISMATCH_BILLING,
        ReasonCode.IP_COUNTRY_MISMATCH_VAT,
      ]),
    );
    expect(reasonOf(result, ReasonCode.IP_COUNTRY_MISMATCH_BILLING)?.message).toBe(
      'IP address is in US, billing address in DE',
    );
    expect(reasonOf(result, ReasonCode.HOSTING_IP)?.message).toBe(
      'IP address belongs to a hosting provider (AS16509 Amazon.com, Inc.)',
    );
    // The accuracy radius of 1000 km plus the margin is less than the Atlantic.
    expect(codesOf(result)).toContain(ReasonCode.IP_FAR_FROM_BILLING_CITY);
    expect(result.riskScore).toBe(result.reasons.reduce((sum, r) => sum + r.weight, 0));
  });

  it('flags every piece that disagrees with the IP when billing, VAT, bank and phone agree on DE', () => {
    const result = score({
      billingCountry: 'DE',
      billingLocation: null,
      vatNumber: GERMAN_VAT,
      ibanCountry: 'DE',
      phoneCountry: 'DE',
    });
    expect(codesOf(result).sort()).toEqual([
      ReasonCode.IP_COUNTRY_MISMATCH_BILLING,
      ReasonCode.IP_COUNTRY_MISMATCH_IBAN,
      ReasonCode.IP_COUNTRY_MISMATCH_PHONE,
      ReasonCode.IP_COUNTRY_MISMATCH_VAT,
    ]);
  });

  it('flags only the VAT number when it alone disagrees with a Dutch IP, billing, bank and phone', () => {
    const result = score({ vatNumber: GERMAN_VAT, vatEvidenceConflict: false });
    expect(codesOf(result).sort()).toEqual([
      ReasonCode.IP_COUNTRY_MISMATCH_VAT,
      ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
    ]);
  });

  it('scores a Dutch customer on a German VPN with a Lithuanian IBAN from all three signals', () => {
    const result = score({
      ip: ipWith({
        country: 'DE',
        city: 'Frankfurt am Main',
        anonymity: anonymity({ isAnonymous: true, isAnonymousVpn: true }),
      }),
      ibanCountry: 'LT',
      billingLocation: null,
    });
    expect(codesOf(result)).toEqual([
      ReasonCode.IP_COUNTRY_MISMATCH_BILLING,
      ReasonCode.VPN_IP,
      ReasonCode.IP_COUNTRY_MISMATCH_PHONE,
      ReasonCode.IP_COUNTRY_MISMATCH_IBAN,
    ]);
    expect(result.riskScore).toBe(
      W.IP_COUNTRY_MISMATCH_BILLING + W.VPN_IP + W.IP_COUNTRY_MISMATCH_PHONE + W.IP_COUNTRY_MISMATCH_IBAN,
    );
  });
});

describe('aggregation and decision', () => {
  const only = (weight: number, review = 30, reject = 70): RiskRules => ({
    ...rulesWithWeights({ TOR_EXIT_IP: weight }),
    thresholds: { review, reject },
  });
  const tor = { ip: ipWith({ anonymity: anonymity({ isAnonymous: true, isTorExitNode: true }) }) };

  it.each([
    [29, 'ACCEPT'],
    [30, 'REVIEW'],
    [69, 'REVIEW'],
    [70, 'REJECT'],
    [100, 'REJECT'],
  ] as const)('decides %i points under thresholds 30/70 as %s', (weight, decision) => {
    const result = score(tor, only(weight));
    expect(result.riskScore).toBe(weight);
    expect(result.decision).toBe(decision);
  });

  it('follows the thresholds of the rules it is given', () => {
    expect(score(tor, only(40, 10, 40)).decision).toBe('REJECT');
    expect(score(tor, only(40, 50, 90)).decision).toBe('ACCEPT');
  });

  it('adds up the weights of all reasons', () => {
    const result = score({ ibanCountry: 'LT', phoneCountry: 'BE', emailDomain: 'yopmail.com' });
    expect(result.riskScore).toBe(
      W.IP_COUNTRY_MISMATCH_IBAN + W.IP_COUNTRY_MISMATCH_PHONE + W.DISPOSABLE_EMAIL,
    );
  });

  it('caps the score at 100', () => {
    const result = score({
      ip: ipWith({ country: 'RU', anonymity: anonymity({ isAnonymous: true, isTorExitNode: true }) }),
      identityReuse: { ibanOtherNames: 5, idCardOtherNames: 3 },
      emailDomain: 'guerrillamail.com',
    });
    expect(result.reasons.reduce((sum, r) => sum + r.weight, 0)).toBeGreaterThan(100);
    expect(result.riskScore).toBe(100);
    expect(result.decision).toBe('REJECT');
  });

  it('lists a reason with weight 0 without counting it', () => {
    const result = score(tor, only(0));
    expect(result.reasons).toEqual([expect.objectContaining({ code: ReasonCode.TOR_EXIT_IP, weight: 0 })]);
    expect(result).toMatchObject({ riskScore: 0, decision: 'ACCEPT' });
  });

  it('sorts reasons by weight, highest first, and equal weights by code', () => {
    const weights = rulesWithWeights({
      DISPOSABLE_EMAIL: 10,
      IP_COUNTRY_MISMATCH_PHONE: 10,
      IP_COUNTRY_MISMATCH_IBAN: 25,
      TOR_EXIT_IP: 5,
    });
    const result = score(
      { ...tor, ibanCountry: 'LT', phoneCountry: 'BE', emailDomain: 'trashmail.com' },
      weights,
    );
    expect(result.reasons.map((r) => [r.code, r.weight])).toEqual([
      ['IP_COUNTRY_MISMATCH_IBAN', 25],
      ['DISPOSABLE_EMAIL', 10],
      ['IP_COUNTRY_MISMATCH_PHONE', 10],
      ['TOR_EXIT_IP', 5],
    ]);
  });

  it('records the version of the rules it scored under', () => {
    expect(score({}, rulesWithWeights({}, '2027-01-01.3')).rulesVersion).toBe('2027-01-01.3');
  });

  it('gives the same answer for the same input and leaves the input alone', () => {
    const input = Object.freeze(cleanDutchOrder({ ip: US_HOSTING_IPV4, vatNumber: GERMAN_VAT }));
    const first = scoreOrderSignals(input, rules);
    expect(scoreOrderSignals(input, rules)).toEqual(first);
    expect(input).toEqual(cleanDutchOrder({ ip: US_HOSTING_IPV4, vatNumber: GERMAN_VAT }));
  });
});

describe('input the types do not guard', () => {
  function expectInvalid(overrides: Partial<OrderSignalsInput>, field: string) {
    let caught: unknown;
    try {
      score(overrides);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).code).toBe(ErrorCode.BadUserInput);
    expect((caught as ValidationError).field).toBe(field);
  }

  it.each([
    [{ billingCountry: 'NLD' }, 'billingCountry'],
    [{ billingCountry: '' }, 'billingCountry'],
    [{ ibanCountry: 'N1' }, 'ibanCountry'],
    [{ phoneCountry: '+31' }, 'phoneCountry'],
    [{ amountCents: -1 }, 'amountCents'],
    [{ amountCents: 12.5 }, 'amountCents'],
    [{ amountCents: Number.NaN }, 'amountCents'],
    [{ currency: 'EURO' }, 'currency'],
    [{ velocity: velocity({ ordersPerIban: -1 }) }, 'velocity.ordersPerIban'],
    [{ velocity: velocity({ newCustomersPerIp: 1.5 }) }, 'velocity.newCustomersPerIp'],
    [{ identityReuse: { ibanOtherNames: 0, idCardOtherNames: -2 } }, 'identityReuse.idCardOtherNames'],
    [{ billingLocation: { latitude: 91, longitude: 0 } }, 'billingLocation'],
  ] as const)('refuses %j naming %s', (overrides, field) => {
    expectInvalid(overrides as Partial<OrderSignalsInput>, field);
  });
});
