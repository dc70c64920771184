/**
 * Test fixtures for order scoring: a clean Dutch consumer order to vary one signal at a time, GeoIP
 * evidence for a few kinds of address, and rules with one weight changed.
 */
import { DEFAULT_RISK_RULES, type RiskRules } from '../../../src/scoring/risk-rules';
import type { ReasonCode } from '../../../src/scoring/reason-codes';
import type {
  IpAnonymityEvidence,
  IpEvidence,
  OrderSignalsInput,
  RiskAssessment,
  RiskReason,
} from '../../../src/scoring/score-order';

export const AMSTERDAM = { latitude: 52.3676, longitude: 4.9041 };
export const BERLIN = { latitude: 52.52, longitude: 13.405 };

/** A valid German VAT number (format and check digit) and one with a wrong check digit. */
export const GERMAN_VAT = 'DE111111125';
export const GERMAN_VAT_BAD_CHECK_DIGIT = 'DE111111126';

export const NOT_ANONYMOUS: IpAnonymityEvidence = {
  isAnonymous: false,
  isAnonymousVpn: false,
  isHostingProvider: false,
  isPublicProxy: false,
  isTorExitNode: false,
};

/** A KPN consumer line in Amsterdam. */
export const DUTCH_IPV4: IpEvidence = {
  version: 4,
  classification: 'public',
  country: 'NL',
  city: 'Amsterdam',
  latitude: 52.3759,
  longitude: 4.8975,
  accuracyRadius: 20,
  asn: 1136,
  organisation: 'KPN B.V.',
  anonymity: NOT_ANONYMOUS,
};

/** A Ziggo IPv6 consumer line in Utrecht. */
export const DUTCH_IPV6: IpEvidence = {
  version: 6,
  classification: 'public',
  country: 'NL',
  city: 'Utrecht',
  latitude: 52.0908,
  longitude: 5.1222,
  accuracyRadius: 50,
  asn: 33915,
  organisation: 'Vodafone Libertel B.V.',
  anonymity: NOT_ANONYMOUS,
};

/** An Amazon data-centre address in Ashburn, Virginia. */
export const US_HOSTING_IPV4: IpEvidence = {
  version: 4,
  classification: 'public',
  country: 'US',
  city: 'Ashburn',
  latitude: 39.0469,
  longitude: -77.4903,
  accuracyRadius: 1000,
  asn: 16509,
  organisation: 'Amazon.com, Inc.',
  anonymity: { ...NOT_ANONYMOUS, isAnonymous: true, isHostingProvider: true },
};

export function ipWith(overrides: Partial<IpEvidence>, base: IpEvidence = DUTCH_IPV4): IpEvidence {
  return { ...base, ...overrides };
}

export function anonymity(flags: Partial<IpAnonymityEvidence>): IpAnonymityEvidence {
  return { ...NOT_ANONYMOUS, ...flags };
}

/** A Dutch consumer in Amsterdam, first order of EUR 12.99, nothing unusual about it. */
export function cleanDutchOrder(overrides: Partial<OrderSignalsInput> = {}): OrderSignalsInput {
  return {
    ip: DUTCH_IPV4,
    billingCountry: 'NL',
    billingLocation: AMSTERDAM,
    vatNumber: null,
    ibanCountry: 'NL',
    phoneCountry: 'NL',
    emailDomain: 'ziggo.nl',
    amountCents: 1299,
    currency: 'EUR',
    isFirstOrder: true,
    velocity: {
      ordersPerIp: 0,
      ordersPerNetwork: 0,
      ordersPerEmail: 0,
      ordersPerIban: 0,
      newCustomersPerIp: 0,
    },
    identityReuse: { ibanOtherNames: 0, idCardOtherNames: 0 },
    vatEvidenceConflict: false,
    ...overrides,
  };
}

export function velocity(overrides: Partial<OrderSignalsInput['velocity']>): OrderSignalsInput['velocity'] {
  return { ...cleanDutchOrder().velocity, ...overrides };
}

/** The default rules with some weights replaced. */
export function rulesWithWeights(
  weights: Partial<Record<ReasonCode, number>>,
  version = 'test.1',
): RiskRules {
  return { ...DEFAULT_RISK_RULES, version, weights: { ...DEFAULT_RISK_RULES.weights, ...weights } };
}

export function codesOf(assessment: RiskAssessment): ReasonCode[] {
  return assessment.reasons.map((r) => r.code);
}

export function reasonOf(assessment: RiskAssessment, code: ReasonCode): RiskReason | undefined {
  return assessment.reasons.find((r) => r.code === code);
}

export function notEvaluatedOf(assessment: RiskAssessment, code: ReasonCode): string[] {
  return assessment.notEvaluated.filter((n) => n.code === code).map((n) => n.why);
}
