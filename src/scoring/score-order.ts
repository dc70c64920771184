/**
 * Scores one order from the signals around it: where its IP address is and what kind of address it is,
 * how that fits the billing address, VAT number, IBAN and phone, how often the same IP, network, email
 * and IBAN ordered lately, whether its identifiers are on file under other names, and whether it is a
 * large first order. The caller gathers those facts (GeoIP lookup, counts from the database); this
 * module only weighs them, so it is pure, deterministic and cheap enough for the checkout path.
 *
 * Aggregation: every signal that fires adds its weight from the rules; the risk score is that sum,
 * capped at 100. Signals are independent on purpose (no multiplying or discounting) so a reviewer can
 * add up the reasons and get the score. The decision is REJECT at `thresholds.reject` or more, REVIEW at
 * `thresholds.review` or more, else ACCEPT. A signal with weight 0 still appears among the reasons, so a
 * new signal can be watched before it counts.
 *
 * A signal whose data is missing (no billing geocode, no IP location, no VAT number, ...) is neither a
 * reason nor silently passed: it is listed in `notEvaluated` with why.
 */
import { ValidationError } from '../errors/errors';
import type { TraderNameMatch } from '../vat/trader-name';
import type { TraderAddressMatch } from '../vat/trader-address';
import { analyseVatNumber } from '../vat/vat-number';
import { VAT_STATE_OF_COUNTRY } from '../vat/vat-territory';
import { disposableEmailDomainOf } from './disposable-email-domains';
import type { IpClassification } from '../../geo/ip-classify';
import type { IpAnonymity, IpIntelligence } from '../../geo/ip-intelligence';
import { haversineKm, isValidGeoPoint, type GeoPoint } from './geo-distance';
import { ReasonCode } from './reason-codes';
import { countCeiling, type RiskRules, type VelocityKind, type VelocityLimit } from './risk-rules';

/** The address classes of `geo/`; anything but 'public' cannot be a customer's own address. */
export type IpAddressClass = IpClassification;

/** False means "not known to be", never "known not to be" (see geo's IpAnonymity). */
export type IpAnonymityEvidence = IpAnonymity;

/**
 * What scoring needs from a GeoIP lookup: geo's IpIntelligence without the parts scoring does not use
 * (the text of the address, the network, the source), so tests and re-scoring of stored snapshots can
 * supply just these.
 */
export type IpEvidence = Pick<
  IpIntelligence,
  | 'classification'
  | 'country'
  | 'city'
  | 'latitude'
  | 'longitude'
  | 'accuracyRadius'
  | 'asn'
  | 'organisation'
  | 'anonymity'
> &
  Partial<Pick<IpIntelligence, 'version'>>;

/** Earlier events within each kind's window in the rules, this order excluded. */
export type OrderVelocity = Readonly<Record<VelocityKind, number>>;

export interface IdentityReuse {
  /** Other customer names the same IBAN is on file under. */
  readonly ibanOtherNames: number;
  /** Other customer names the same ID-card number is on file under. */
  readonly idCardOtherNames: number;
}

export interface OrderSignalsInput {
  readonly ip: IpEvidence;
  /** ISO 3166-1 alpha-2. */
  readonly billingCountry: string;
  /** The billing address geocoded by the caller; null when it could not be. */
  readonly billingLocation?: GeoPoint | null;
  readonly vatNumber?: string | null;
  readonly ibanCountry?: string | null;
  readonly phoneCountry?: string | null;
  /** The domain of the customer's email address (a whole address is accepted too). */
  readonly emailDomain?: string | null;
  /** Minor units (cents) of `currency`. */
  readonly amountCents: number;
  /** ISO 4217, such as EUR. */
  readonly currency: string;
  readonly isFirstOrder: boolean;
  readonly velocity: OrderVelocity;
  readonly identityReuse: IdentityReuse;
  /** `conflict` of the VAT place-of-supply evidence (src/vat/vat-evidence.ts); null when not established. */
  readonly vatEvidenceConflict?: boolean | null;
  /** The name VIES holds for the VAT number against the customer's (src/vat/trader-name.ts). */
  readonly vatNameMatch?: TraderNameMatch | null;
  /** The address VIES holds for the VAT number against the billing address (src/vat/trader-address.ts). */
  readonly vatAddressMatch?: TraderAddressMatch | null;
}

export type RiskDecision = 'ACCEPT' | 'REVIEW' | 'REJECT';
export type EvidenceValue = string | number | boolean | null;

export interface RiskReason {
  readonly code: ReasonCode;
  /** For a person reviewing the order; wording may change, the code does not. */
  readonly message: string;
  readonly weight: number;
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
}

export interface NotEvaluated {
  readonly code: ReasonCode;
  readonly why: string;
}

export interface RiskAssessment {
  /** 0 to 100: the sum of the reasons' weights, capped at 100. */
  readonly riskScore: number;
  readonly decision: RiskDecision;
  /** Highest weight first; equal weights by code. */
  readonly reasons: readonly RiskReason[];
  /** Signals that could not be evaluated for lack of data, in evaluation order. */
  readonly notEvaluated: readonly NotEvaluated[];
  readonly rulesVersion: string;
}

const TWO_LETTERS = /^[A-Z]{2}$/;
const THREE_LETTERS = /^[A-Z]{3}$/;

// Shared, frozen entries: the common "not evaluated" cases cost no allocation per order.
function skip(code: ReasonCode, why: string): NotEvaluated {
  return Object.freeze({ code, why });
}
const IP_COUNTRY_UNKNOWN = 'the IP address has no known country';
const SKIP = {
  billingNoIpCountry: skip(ReasonCode.IP_COUNTRY_MISMATCH_BILLING, IP_COUNTRY_UNKNOWN),
  vatNoIpCountry: skip(ReasonCode.IP_COUNTRY_MISMATCH_VAT, IP_COUNTRY_UNKNOWN),
  ibanNoIpCountry: skip(ReasonCode.IP_COUNTRY_MISMATCH_IBAN, IP_COUNTRY_UNKNOWN),
  phoneNoIpCountry: skip(ReasonCode.IP_COUNTRY_MISMATCH_PHONE, IP_COUNTRY_UNKNOWN),
  ibanNoIban: skip(ReasonCode.IP_COUNTRY_MISMATCH_IBAN, 'no IBAN country given'),
  phoneNoPhone: skip(ReasonCode.IP_COUNTRY_MISMATCH_PHONE, 'no phone country given'),
  vatIpNoVat: skip(ReasonCode.IP_COUNTRY_MISMATCH_VAT, 'no VAT number given'),
  vatIpNoVatCountry: skip(ReasonCode.IP_COUNTRY_MISMATCH_VAT, 'the VAT number names no known country'),
  farNoBilling: skip(ReasonCode.IP_FAR_FROM_BILLING_CITY, 'the billing address has no known location'),
  farNoIpLocation: skip(ReasonCode.IP_FAR_FROM_BILLING_CITY, 'the IP address has no known location'),
  farCountryOnly: skip(
    ReasonCode.IP_FAR_FROM_BILLING_CITY,
    'the IP location is country-level only (no city and no accuracy radius)',
  ),
  vatMalformedNoVat: skip(ReasonCode.VAT_NUMBER_MALFORMED, 'no VAT number given'),
  vatCheckNoVat: skip(ReasonCode.VAT_NUMBER_BAD_CHECK_DIGIT, 'no VAT number given'),
  vatNonEuNoVat: skip(ReasonCode.VAT_NUMBER_NON_EU, 'no VAT number given'),
  vatMismatchNoVat: skip(ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH, 'no VAT number given'),
  vatMismatchNoVatCountry: skip(
    ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
    'the VAT number names no known country',
  ),
  emailNoDomain: skip(ReasonCode.DISPOSABLE_EMAIL, 'no email domain given'),
  evidenceNotGiven: skip(ReasonCode.VAT_EVIDENCE_CONFLICT, 'the VAT evidence outcome was not given'),
  vatNameNoVat: skip(ReasonCode.VAT_NAME_MISMATCH, 'no VAT number given'),
  vatNameNotCompared: skip(
    ReasonCode.VAT_NAME_MISMATCH,
    'VIES gave no name for the VAT number (not asked, unavailable, or withheld by the member state)',
  ),
  vatAddressNoVat: skip(ReasonCode.VAT_ADDRESS_MISMATCH, 'no VAT number given'),
  vatAddressNotCompared: skip(
    ReasonCode.VAT_ADDRESS_MISMATCH,
    'VIES gave no address for the VAT number (not asked, unavailable, or withheld by the member state), or the billing address has no postal code or city',
  ),
} as const;

/** ISO alpha-2, upper-case; EL and UK, which other sources use for Greece and Britain, as GR and GB. */
function countryOf(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const code = value.trim().toUpperCase();
  if (code === '') return null;
  if (!TWO_LETTERS.test(code)) {
    throw new ValidationError(field, 'must be a two-letter ISO 3166-1 country code, such as NL');
  }
  if (code === 'EL') return 'GR';
  if (code === 'UK') return 'GB';
  return code;
}

function requireCount(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(field, 'must be a whole number, 0 or more');
  }
}

function describeWindow(minutes: number): string {
  if (minutes % 1440 === 0 && minutes > 1440) return `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'hour' : `${minutes / 60} hours`;
  return minutes === 1 ? 'minute' : `${minutes} minutes`;
}

function times(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "3 earlier orders", or "100 or more earlier orders" for a count that reached its ceiling (countCeiling). */
function counted(count: number, allowed: number, one: string, many: string): string {
  return count >= countCeiling(allowed) ? `${count} or more ${many}` : times(count, one, many);
}

/** Marks evidence whose count stopped at its ceiling, so a reviewer reads it as a lower bound. */
function lowerBound(count: number, allowed: number): { countIsLowerBound?: true } {
  return count >= countCeiling(allowed) ? { countIsLowerBound: true } : {};
}

const fractionDigits = new Map<string, number>();

/** 'EUR 500.00', 'JPY 5000': minor units shown with the currency's own number of decimals. */
function formatAmount(minorUnits: number, currency: string): string {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
    } catch {
      digits = 2;
    }
    digits ??= 2;
    fractionDigits.set(currency, digits);
  }
  return `${currency} ${(minorUnits / 10 ** digits).toFixed(digits)}`;
}

function ipDescription(ip: IpEvidence): string {
  if (ip.asn !== null && ip.organisation !== null) return ` (AS${ip.asn} ${ip.organisation})`;
  if (ip.asn !== null) return ` (AS${ip.asn})`;
  if (ip.organisation !== null) return ` (${ip.organisation})`;
  return '';
}

function networkOf(ip: IpEvidence, rules: RiskRules): number | null {
  if (ip.version === 4) return rules.velocity.networkPrefixLength.ipv4;
  if (ip.version === 6) return rules.velocity.networkPrefixLength.ipv6;
  return null;
}

/**
 * Weighs the signals of one order under `rules`. Throws ValidationError only for input that is not
 * what the types promise (a negative count, a country that is not two letters): a programming error in
 * the caller, never a property of the order.
 */
export function scoreOrderSignals(input: OrderSignalsInput, rules: RiskRules): RiskAssessment {
  const { ip, velocity, identityReuse } = input;
  const weights = rules.weights;
  const reasons: RiskReason[] = [];
  const notEvaluated: NotEvaluated[] = [];
  const fire = (code: ReasonCode, message: string, evidence: Record<string, EvidenceValue>): void => {
    reasons.push({ code, message, weight: weights[code], evidence });
  };

  // --- preconditions ---
  const billingCountry = countryOf(input.billingCountry, 'billingCountry');
  if (billingCountry === null) throw new ValidationError('billingCountry', 'must not be empty');
  const ibanCountry = countryOf(input.ibanCountry, 'ibanCountry');
  const phoneCountry = countryOf(input.phoneCountry, 'phoneCountry');
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 0) {
    throw new ValidationError('amountCents', 'must be a whole number of minor units (cents), 0 or more');
  }
  const currency = input.currency.trim().toUpperCase();
  if (!THREE_LETTERS.test(currency)) {
    throw new ValidationError('currency', 'must be a three-letter ISO 4217 currency code, such as EUR');
  }
  requireCount(velocity.ordersPerIp, 'velocity.ordersPerIp');
  requireCount(velocity.ordersPerNetwork, 'velocity.ordersPerNetwork');
  requireCount(velocity.ordersPerEmail, 'velocity.ordersPerEmail');
  requireCount(velocity.ordersPerIban, 'velocity.ordersPerIban');
  requireCount(velocity.newCustomersPerIp, 'velocity.newCustomersPerIp');
  requireCount(identityReuse.ibanOtherNames, 'identityReuse.ibanOtherNames');
  requireCount(identityReuse.idCardOtherNames, 'identityReuse.idCardOtherNames');
  const billingLocation = input.billingLocation ?? null;
  if (billingLocation !== null && !isValidGeoPoint(billingLocation)) {
    throw new ValidationError(
      'billingLocation',
      'must have a latitude from -90 to 90 and a longitude from -180 to 180',
    );
  }

  // --- the kind of IP address ---
  if (ip.classification !== 'public') {
    fire(
      ReasonCode.NON_PUBLIC_IP,
      `IP address is ${ip.classification.replace(/_/g, ' ')}, not a public internet address; ` +
        'the order system may be passing on a proxy or forged client address',
      { classification: ip.classification },
    );
  }
  const anonymity = ip.anonymity;
  if (anonymity.isTorExitNode) fire(ReasonCode.TOR_EXIT_IP, 'IP address is a Tor exit node', {});
  if (anonymity.isPublicProxy) {
    fire(ReasonCode.PUBLIC_PROXY_IP, `IP address is a public proxy${ipDescription(ip)}`, {
      asn: ip.asn,
      organisation: ip.organisation,
    });
  }
  if (anonymity.isAnonymousVpn) {
    fire(ReasonCode.VPN_IP, `IP address belongs to an anonymising VPN${ipDescription(ip)}`, {
      asn: ip.asn,
      organisation: ip.organisation,
    });
  }
  if (anonymity.isHostingProvider) {
    fire(ReasonCode.HOSTING_IP, `IP address belongs to a hosting provider${ipDescription(ip)}`, {
      asn: ip.asn,
      organisation: ip.organisation,
    });
  }
  // The catch-all only: when a specific flag explains the anonymity, counting it again would double it.
  if (
    anonymity.isAnonymous &&
    !anonymity.isTorExitNode &&
    !anonymity.isPublicProxy &&
    !anonymity.isAnonymousVpn &&
    !anonymity.isHostingProvider
  ) {
    fire(ReasonCode.ANONYMOUS_IP, `IP address is listed as anonymising${ipDescription(ip)}`, {
      asn: ip.asn,
      organisation: ip.organisation,
    });
  }

  // --- the VAT number ---
  const vatText = input.vatNumber?.trim() ?? '';
  let vatCountry: string | null = null;
  if (vatText === '') {
    notEvaluated.push(
      SKIP.vatMalformedNoVat,
      SKIP.vatCheckNoVat,
      SKIP.vatNonEuNoVat,
      SKIP.vatMismatchNoVat,
      SKIP.vatNameNoVat,
      SKIP.vatAddressNoVat,
    );
  } else {
    const vat = analyseVatNumber(vatText);
    vatCountry = vat.country;
    const vatEvidence = { vatPrefix: vat.prefix, vatCountry: vat.country, problem: vat.reason };
    if (vat.status === 'MALFORMED') {
      fire(ReasonCode.VAT_NUMBER_MALFORMED, `VAT number is malformed: ${vat.reason}`, vatEvidence);
    } else if (vat.status === 'BAD_CHECK_DIGIT') {
      fire(
        ReasonCode.VAT_NUMBER_BAD_CHECK_DIGIT,
        `VAT number has the format of ${vat.country} but its check digit does not match`,
        vatEvidence,
      );
    } else if (vat.status === 'NON_EU') {
      fire(ReasonCode.VAT_NUMBER_NON_EU, `VAT number is not an EU number: ${vat.reason}`, vatEvidence);
    }
    if (input.vatNameMatch === 'MISMATCH') {
      // No names in the evidence: reasons are stored in clear, and a sole trader's name is personal data.
      fire(
        ReasonCode.VAT_NAME_MISMATCH,
        "VIES registers the VAT number to another name than the customer's",
        {
          vatCountry: vat.country,
        },
      );
    } else if (input.vatNameMatch !== 'MATCH') {
      notEvaluated.push(SKIP.vatNameNotCompared);
    }
    if (input.vatAddressMatch === 'MISMATCH') {
      // No addresses in the evidence either, for the same reason.
      fire(
        ReasonCode.VAT_ADDRESS_MISMATCH,
        'VIES registers the VAT number at an address in another place than the billing address',
        { vatCountry: vat.country, billingCountry },
      );
    } else if (input.vatAddressMatch !== 'MATCH') {
      notEvaluated.push(SKIP.vatAddressNotCompared);
    }
    if (vatCountry === null) {
      notEvaluated.push(SKIP.vatMismatchNoVatCountry);
    } else if (vatCountry !== (VAT_STATE_OF_COUNTRY[billingCountry] ?? billingCountry)) {
      // A VAT number is a member state's: a business in Monaco (in the French VAT area), on Åland or in
      // a French overseas department has the number of France or Finland, which is no mismatch.
      fire(
        ReasonCode.VAT_NUMBER_COUNTRY_MISMATCH,
        `VAT number is from ${vatCountry}, billing address in ${billingCountry}`,
        { vatCountry, billingCountry },
      );
    }
  }

  // --- the IP country against the other evidence of where the customer is ---
  const ipCountry = countryOf(ip.country, 'ip.country');
  if (ipCountry === null) {
    notEvaluated.push(SKIP.billingNoIpCountry);
  } else if (ipCountry !== billingCountry) {
    fire(
      ReasonCode.IP_COUNTRY_MISMATCH_BILLING,
      `IP address is in ${ipCountry}, billing address in ${billingCountry}`,
      { ipCountry, billingCountry },
    );
  }
  if (vatText === '') {
    notEvaluated.push(SKIP.vatIpNoVat);
  } else if (vatCountry === null) {
    notEvaluated.push(SKIP.vatIpNoVatCountry);
  } else if (ipCountry === null) {
    notEvaluated.push(SKIP.vatNoIpCountry);
  } else if (ipCountry !== vatCountry) {
    fire(
      ReasonCode.IP_COUNTRY_MISMATCH_VAT,
      `IP address is in ${ipCountry}, VAT number is from ${vatCountry}`,
      {
        ipCountry,
        vatCountry,
      },
    );
  }
  if (ibanCountry === null) {
    notEvaluated.push(SKIP.ibanNoIban);
  } else if (ipCountry === null) {
    notEvaluated.push(SKIP.ibanNoIpCountry);
  } else if (ipCountry !== ibanCountry) {
    fire(
      ReasonCode.IP_COUNTRY_MISMATCH_IBAN,
      `IP address is in ${ipCountry}, bank account (IBAN) is in ${ibanCountry}`,
      { ipCountry, ibanCountry },
    );
  }
  if (phoneCountry === null) {
    notEvaluated.push(SKIP.phoneNoPhone);
  } else if (ipCountry === null) {
    notEvaluated.push(SKIP.phoneNoIpCountry);
  } else if (ipCountry !== phoneCountry) {
    fire(
      ReasonCode.IP_COUNTRY_MISMATCH_PHONE,
      `IP address is in ${ipCountry}, phone number is from ${phoneCountry}`,
      { ipCountry, phoneCountry },
    );
  }

  // --- the IP location against the billing address ---
  if (billingLocation === null) {
    notEvaluated.push(SKIP.farNoBilling);
  } else if (
    ip.latitude === null ||
    ip.longitude === null ||
    !isValidGeoPoint({ latitude: ip.latitude, longitude: ip.longitude })
  ) {
    notEvaluated.push(SKIP.farNoIpLocation);
  } else if (ip.accuracyRadius === null && ip.city === null) {
    // Without either, the coordinates are likely a country's centre, which says nothing about a city.
    notEvaluated.push(SKIP.farCountryOnly);
  } else {
    const assumed = ip.accuracyRadius === null;
    const radiusKm = ip.accuracyRadius ?? rules.distance.assumedAccuracyRadiusKm;
    const distanceKm = haversineKm({ latitude: ip.latitude, longitude: ip.longitude }, billingLocation);
    const marginKm = rules.distance.marginKm;
    if (distanceKm > radiusKm + marginKm) {
      const rounded = Math.round(distanceKm);
      // No place names: reasons are stored in clear, and where GeoIP put the customer's IP address is
      // location data, kept encrypted with the order's GeoIP data and erased with it.
      fire(
        ReasonCode.IP_FAR_FROM_BILLING_CITY,
        `IP location is about ${rounded} km from the billing address, more than its ` +
          `${assumed ? 'assumed ' : ''}accuracy of ${radiusKm} km plus ${marginKm} km`,
        {
          distanceKm: rounded,
          accuracyRadiusKm: radiusKm,
          accuracyRadiusAssumed: assumed,
          marginKm,
        },
      );
    }
  }

  // --- velocity ---
  const overLimit = (count: number, limit: VelocityLimit): boolean => count > limit.max;
  const velocityEvidence = (count: number, limit: VelocityLimit) => ({
    count,
    max: limit.max,
    windowMinutes: limit.windowMinutes,
    ...lowerBound(count, limit.max),
  });
  const v = rules.velocity;
  if (overLimit(velocity.ordersPerIp, v.ordersPerIp)) {
    fire(
      ReasonCode.VELOCITY_IP,
      `${counted(velocity.ordersPerIp, v.ordersPerIp.max, 'earlier order', 'earlier orders')} from this IP address in the last ` +
        `${describeWindow(v.ordersPerIp.windowMinutes)} (limit ${v.ordersPerIp.max})`,
      velocityEvidence(velocity.ordersPerIp, v.ordersPerIp),
    );
  }
  if (overLimit(velocity.ordersPerNetwork, v.ordersPerNetwork)) {
    const prefixLength = networkOf(ip, rules);
    const network = prefixLength === null ? 'network' : `/${prefixLength} network`;
    fire(
      ReasonCode.VELOCITY_NETWORK,
      `${counted(velocity.ordersPerNetwork, v.ordersPerNetwork.max, 'earlier order', 'earlier orders')} from this IP address's ${network} ` +
        `in the last ${describeWindow(v.ordersPerNetwork.windowMinutes)} (limit ${v.ordersPerNetwork.max})`,
      { ...velocityEvidence(velocity.ordersPerNetwork, v.ordersPerNetwork), prefixLength },
    );
  }
  if (overLimit(velocity.ordersPerEmail, v.ordersPerEmail)) {
    fire(
      ReasonCode.VELOCITY_EMAIL,
      `${counted(velocity.ordersPerEmail, v.ordersPerEmail.max, 'earlier order', 'earlier orders')} with this email address in the last ` +
        `${describeWindow(v.ordersPerEmail.windowMinutes)} (limit ${v.ordersPerEmail.max})`,
      velocityEvidence(velocity.ordersPerEmail, v.ordersPerEmail),
    );
  }
  if (overLimit(velocity.ordersPerIban, v.ordersPerIban)) {
    fire(
      ReasonCode.VELOCITY_IBAN,
      `${counted(velocity.ordersPerIban, v.ordersPerIban.max, 'earlier order', 'earlier orders')} with this IBAN in the last ` +
        `${describeWindow(v.ordersPerIban.windowMinutes)} (limit ${v.ordersPerIban.max})`,
      velocityEvidence(velocity.ordersPerIban, v.ordersPerIban),
    );
  }
  if (overLimit(velocity.newCustomersPerIp, v.newCustomersPerIp)) {
    // An IPv6 address's new customers are counted over its network (src/orders/order-velocity.ts).
    const prefixLength = ip.version === 6 ? rules.velocity.networkPrefixLength.ipv6 : null;
    const from = prefixLength === null ? 'this IP address' : `this IP address's /${prefixLength} network`;
    fire(
      ReasonCode.VELOCITY_NEW_CUSTOMERS_IP,
      `${counted(velocity.newCustomersPerIp, v.newCustomersPerIp.max, 'other new customer', 'other new customers')} from ${from} ` +
        `in the last ${describeWindow(v.newCustomersPerIp.windowMinutes)} (limit ${v.newCustomersPerIp.max})`,
      {
        ...velocityEvidence(velocity.newCustomersPerIp, v.newCustomersPerIp),
        ...(prefixLength === null ? {} : { prefixLength }),
      },
    );
  }

  // --- identity reuse ---
  const reuse = rules.identityReuse;
  if (identityReuse.ibanOtherNames > reuse.ibanMaxOtherNames) {
    fire(
      ReasonCode.IBAN_REUSED_OTHER_NAME,
      `This IBAN is also on file under ${counted(identityReuse.ibanOtherNames, reuse.ibanMaxOtherNames, 'other name', 'other names')} ` +
        `(allowed ${reuse.ibanMaxOtherNames})`,
      {
        otherNames: identityReuse.ibanOtherNames,
        maxOtherNames: reuse.ibanMaxOtherNames,
        ...lowerBound(identityReuse.ibanOtherNames, reuse.ibanMaxOtherNames),
      },
    );
  }
  if (identityReuse.idCardOtherNames > reuse.idCardMaxOtherNames) {
    fire(
      ReasonCode.ID_CARD_REUSED_OTHER_NAME,
      `This ID-card number is also on file under ${counted(identityReuse.idCardOtherNames, reuse.idCardMaxOtherNames, 'other name', 'other names')} ` +
        `(allowed ${reuse.idCardMaxOtherNames})`,
      {
        otherNames: identityReuse.idCardOtherNames,
        maxOtherNames: reuse.idCardMaxOtherNames,
        ...lowerBound(identityReuse.idCardOtherNames, reuse.idCardMaxOtherNames),
      },
    );
  }

  // --- email ---
  const emailDomain = input.emailDomain?.trim() ?? '';
  if (emailDomain === '') {
    notEvaluated.push(SKIP.emailNoDomain);
  } else {
    const listed = disposableEmailDomainOf(emailDomain);
    if (listed !== null) {
      fire(ReasonCode.DISPOSABLE_EMAIL, `Email address is at ${listed}, a disposable-mail service`, {
        listedDomain: listed,
      });
    }
  }

  // --- order value ---
  if (input.isFirstOrder) {
    const minimum = rules.highValueFirstOrder.minimumAmountCents[currency];
    if (minimum === undefined) {
      notEvaluated.push({
        code: ReasonCode.HIGH_VALUE_FIRST_ORDER,
        why: `the rules set no high-value amount for ${currency}`,
      });
    } else if (input.amountCents >= minimum) {
      fire(
        ReasonCode.HIGH_VALUE_FIRST_ORDER,
        `First order of ${formatAmount(input.amountCents, currency)} is at or above ` +
          `${formatAmount(minimum, currency)}, the high-value amount for a first order`,
        { amountCents: input.amountCents, currency, minimumAmountCents: minimum },
      );
    }
  }

  // --- VAT evidence ---
  const conflict = input.vatEvidenceConflict ?? null;
  if (conflict === null) {
    notEvaluated.push(SKIP.evidenceNotGiven);
  } else if (conflict) {
    fire(
      ReasonCode.VAT_EVIDENCE_CONFLICT,
      'The evidence of where the customer is for VAT (billing address, IP, bank, phone) names different countries',
      {},
    );
  }

  // --- aggregate ---
  let sum = 0;
  for (const reason of reasons) sum += reason.weight;
  const riskScore = Math.min(100, sum);
  const decision: RiskDecision =
    riskScore >= rules.thresholds.reject
      ? 'REJECT'
      : riskScore >= rules.thresholds.review
        ? 'REVIEW'
        : 'ACCEPT';
  reasons.sort((a, b) => b.weight - a.weight || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { riskScore, decision, reasons, notEvaluated, rulesVersion: rules.version };
}
