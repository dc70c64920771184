/**
 * The versioned rules of order scoring: a weight per reason code, the decision thresholds, the velocity
 * windows and limits, the identity-reuse allowances, the high-value amounts for a first order and the
 * distance margin. Every assessment records the version it was scored under, so a decision can be
 * explained later even after the rules changed; a changed rule therefore always gets a new version.
 *
 * Operators load a new version from a JSON file (`loadRiskRules`). The file must be complete: every
 * reason code needs a weight, so that a code added in a release never scores silently with a default
 * the operator did not choose. Weight 0 keeps a signal visible in the reasons without it counting, which
 * is how a new signal is watched before it is trusted.
 */
import { z } from 'zod';
import { ConfigError, errorMessage, ValidationError } from '../errors/errors';
import { REASON_CODES, type ReasonCode } from './reason-codes';

/** A count of earlier events within a window; the signal fires when the count exceeds `max`. */
export interface VelocityLimit {
  /** The caller counts events in the `windowMinutes` before the order, the order itself excluded. */
  readonly windowMinutes: number;
  /** The most earlier events that are still normal. */
  readonly max: number;
}

export const VELOCITY_KINDS = [
  'ordersPerIp',
  'ordersPerNetwork',
  'ordersPerEmail',
  'ordersPerIban',
  'newCustomersPerIp',
] as const;
export type VelocityKind = (typeof VELOCITY_KINDS)[number];

export interface RiskRules {
  /** Recorded with every assessment; a short token such as '2026-11-25.1'. */
  readonly version: string;
  /** Points added to the score when the reason fires, 0 to 100. */
  readonly weights: Readonly<Record<ReasonCode, number>>;
  /** Decision by score: REJECT at `reject` or more, REVIEW at `review` or more, else ACCEPT. */
  readonly thresholds: { readonly review: number; readonly reject: number };
  readonly velocity: Readonly<Record<VelocityKind, VelocityLimit>> & {
    /** The network an address is counted in for `ordersPerNetwork`: /24 and /64 by default. */
    readonly networkPrefixLength: { readonly ipv4: number; readonly ipv6: number };
  };
  /** How many other customer names may share an identifier before it counts as reuse. */
  readonly identityReuse: { readonly ibanMaxOtherNames: number; readonly idCardMaxOtherNames: number };
  readonly highValueFirstOrder: {
    /**
     * Per ISO 4217 currency, in minor units (cents): a first order at or above this amount fires.
     * A currency missing here is not evaluated rather than compared with another currency's amount.
     */
    readonly minimumAmountCents: Readonly<Record<string, number>>;
  };
  readonly distance: {
    /** Kilometres beyond the GeoIP accuracy radius before the IP counts as far from the billing address. */
    readonly marginKm: number;
    /** Accuracy radius used when the GeoIP source gives none but does name a city. */
    readonly assumedAccuracyRadiusKm: number;
  };
}

/**
 * Earlier events matter to a signal only up to where it fires; past that the number only informs the
 * person reviewing the order. Callers therefore count stored events up to this ceiling (COUNTED_UP_TO,
 * or one past the limit when a rule allows more), so that counting an IBAN or a network with thousands
 * of orders behind it costs no more than counting one with a hundred. A count at the ceiling means
 * "this many or more".
 */
export const COUNTED_UP_TO = 100;

/** How far to count events whose limit is `allowed`: always past the limit, and at least COUNTED_UP_TO. */
export function countCeiling(allowed: number): number {
  return Math.max(COUNTED_UP_TO, allowed + 1);
}

const DAY = 24 * 60;

export const DEFAULT_RISK_RULES: RiskRules = deepFreeze({
  // 2026-11-26.4: the weights of 2026-11-26.3; the VAT evidence compares territories (the Canary Islands,
  // Monaco, ...; src/vat/vat-territory.ts), so VAT_EVIDENCE_CONFLICT fires otherwise (README, Rules).
  // 2026-11-26.5: the weights of 2026-11-26.4; VELOCITY_NEW_CUSTOMERS_IP counts an IPv6 address's new
  // customers over its /64 network (networkPrefixLength.ipv6), not the one address, and
  // VAT_NUMBER_COUNTRY_MISMATCH holds the number against the billing address's member state (MC -> FR,
  // AX -> FI), not its own code (README, Rules).
  version: '2026-11-26.5',
  weights: {
    // Travel, VPNs and cross-border commuters make a single country mismatch common and weak.
    IP_COUNTRY_MISMATCH_BILLING: 20,
    IP_COUNTRY_MISMATCH_VAT: 15,
    // Low: Dutch customers with Lithuanian (Revolut) or German (N26) IBANs are ordinary.
    IP_COUNTRY_MISMATCH_IBAN: 5,
    IP_COUNTRY_MISMATCH_PHONE: 10,
    IP_FAR_FROM_BILLING_CITY: 10,
    ANONYMOUS_IP: 20,
    HOSTING_IP: 20,
    TOR_EXIT_IP: 40,
    PUBLIC_PROXY_IP: 30,
    VPN_IP: 15,
    // Alone enough for review: a non-public address at checkout means a forged or misrouted client IP.
    NON_PUBLIC_IP: 30,
    VAT_NUMBER_MALFORMED: 15,
    VAT_NUMBER_BAD_CHECK_DIGIT: 25,
    VAT_NUMBER_NON_EU: 15,
    VAT_NUMBER_COUNTRY_MISMATCH: 25,
    VELOCITY_IP: 20,
    // Lower than per IP: a /24 or /64 is shared by offices, campuses and carrier NAT.
    VELOCITY_NETWORK: 10,
    VELOCITY_EMAIL: 20,
    VELOCITY_IBAN: 25,
    VELOCITY_NEW_CUSTOMERS_IP: 30,
    IBAN_REUSED_OTHER_NAME: 35,
    // An ID card belongs to one person, so another name on it is the strongest identity signal.
    ID_CARD_REUSED_OTHER_NAME: 50,
    DISPOSABLE_EMAIL: 20,
    HIGH_VALUE_FIRST_ORDER: 15,
    VAT_EVIDENCE_CONFLICT: 10,
    // Alone enough for review: someone else's VAT number is how an undue reverse charge is claimed.
    VAT_NAME_MISMATCH: 30,
    // Low: a registered seat and a billing address differ for ordinary reasons (branch, accounts office).
    VAT_ADDRESS_MISMATCH: 10,
  },
  thresholds: { review: 30, reject: 70 },
  velocity: {
    networkPrefixLength: { ipv4: 24, ipv6: 64 },
    ordersPerIp: { windowMinutes: DAY, max: 3 },
    ordersPerNetwork: { windowMinutes: DAY, max: 10 },
    ordersPerEmail: { windowMinutes: DAY, max: 3 },
    ordersPerIban: { windowMinutes: DAY, max: 3 },
    newCustomersPerIp: { windowMinutes: 7 * DAY, max: 2 },
  },
  // One other name on an IBAN is a joint account or a partner paying; on an ID card it is never normal.
  identityReuse: { ibanMaxOtherNames: 1, idCardMaxOtherNames: 0 },
  highValueFirstOrder: { minimumAmountCents: { EUR: 50_000, USD: 55_000, GBP: 45_000 } },
  distance: { marginKm: 200, assumedAccuracyRadiusKm: 100 },
});

// --- parsing a rules file ---

function whole(min: number, max: number) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a number') })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

function section<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown ${plural(issue.keys.length, 'key')}: ${issue.keys.join(', ')}`;
      }
      return issue.input === undefined ? 'is missing' : 'must be an object';
    },
  });
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

const weight = whole(0, 100);
const weightsShape = Object.fromEntries(REASON_CODES.map((code) => [code, weight])) as Record<
  ReasonCode,
  typeof weight
>;

const velocityLimit = section({ windowMinutes: whole(1, 366 * DAY), max: whole(0, 1_000_000) });

const RiskRulesSchema = section({
  version: z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be text') })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, such as 2026-11-25.1",
    ),
  weights: section(weightsShape),
  thresholds: section({ review: whole(1, 100), reject: whole(1, 100) }).refine((t) => t.review < t.reject, {
    message: 'review must be below reject',
    path: ['review'],
  }),
  velocity: section({
    networkPrefixLength: section({ ipv4: whole(8, 32), ipv6: whole(16, 128) }),
    ordersPerIp: velocityLimit,
    ordersPerNetwork: velocityLimit,
    ordersPerEmail: velocityLimit,
    ordersPerIban: velocityLimit,
    newCustomersPerIp: velocityLimit,
  }),
  identityReuse: section({ ibanMaxOtherNames: whole(0, 1_000), idCardMaxOtherNames: whole(0, 1_000) }),
  highValueFirstOrder: section({
    minimumAmountCents: z
      .record(z.string().regex(/^[A-Z]{3}$/), whole(1, Number.MAX_SAFE_INTEGER), {
        error: (issue) => {
          if (issue.code === 'invalid_key') {
            return 'is not a currency code; use three upper-case letters (ISO 4217), such as EUR';
          }
          return issue.input === undefined ? 'is missing' : 'must be an object of currency: cents';
        },
      })
      .refine((amounts) => amounts.EUR !== undefined, 'must include EUR, the currency of most orders'),
  }),
  distance: section({ marginKm: whole(0, 20_000), assumedAccuracyRadiusKm: whole(0, 20_000) }),
});

function pathOf(issue: z.core.$ZodIssue): string {
  return ['riskRules', ...issue.path.map(String)].join('.');
}

/**
 * Validates parsed JSON into rules. Throws a ValidationError naming the first wrong field (dot path
 * under `riskRules`); its message also lists any further problems, so one round of editing fixes all.
 */
export function parseRiskRules(json: unknown): RiskRules {
  const result = RiskRulesSchema.safeParse(json);
  if (!result.success) {
    const [first, ...rest] = result.error.issues;
    if (first === undefined) throw new ValidationError('riskRules', 'is not valid');
    const more = rest.map((issue) => `${pathOf(issue)}: ${issue.message}`);
    const message = more.length === 0 ? first.message : `${first.message}; also ${more.join('; ')}`;
    throw new ValidationError(pathOf(first), message, {
      issues: result.error.issues.map((issue) => ({ field: pathOf(issue), message: issue.message })),
    });
  }
  return deepFreeze(result.data);
}

/**
 * Rules from the text of a JSON file an operator supplied; `source` (usually the path) names it in the
 * error. Throws ConfigError, because a rules file is read at start-up or reload, never per request.
 */
export function loadRiskRules(text: string, source: string): RiskRules {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const why = errorMessage(error);
    throw new ConfigError(`Risk rules in ${source} are not valid JSON: ${why}`);
  }
  try {
    return parseRiskRules(json);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ConfigError(`Risk rules in ${source} cannot be used: ${error.message}`);
    }
    throw error;
  }
}

// Scoring reads the rules on every order; freezing them means no caller can change a published version.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
