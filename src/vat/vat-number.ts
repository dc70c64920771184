/**
 * VAT numbers: the EU member states and their VAT prefixes, and a never-throwing analysis of a VAT number
 * (prefix, format, check digit) for fraud scoring and VAT determination. Customer input goes through
 * `normalizeVatNumber` in `src/validation/vat-number.ts`, which throws on the same analysis.
 *
 * Format and check-digit rules come from jsvat, except for Belgian numbers starting with 1 (see
 * `belgianNumberFrom2023`). A number that passes them may still not be registered: only VIES says that
 * (see `vies-client.ts`).
 */
import {
  andorra,
  austria,
  belgium,
  bulgaria,
  checkVAT,
  croatia,
  cyprus,
  czechRepublic,
  denmark,
  estonia,
  finland,
  france,
  germany,
  greece,
  hungary,
  ireland,
  italy,
  latvia,
  lithuania,
  luxembourg,
  malta,
  netherlands,
  norway,
  poland,
  portugal,
  romania,
  russia,
  serbia,
  slovakiaRepublic,
  slovenia,
  spain,
  sweden,
  switzerland,
  unitedKingdom,
  type Country as JsvatCountry,
} from 'jsvat';

/** The 27 EU member states as ISO 3166-1 alpha-2 codes (Greece is GR here; its VAT prefix is EL). */
export const EU_MEMBER_STATES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;
export type EuMemberState = (typeof EU_MEMBER_STATES)[number];

const euMemberStates: ReadonlySet<string> = new Set(EU_MEMBER_STATES);

/** True for the ISO code of an EU member state. Takes ISO codes only: 'GR' is, 'EL' (a VAT prefix) is not. */
export function isEuCountry(countryCode: string): countryCode is EuMemberState {
  return euMemberStates.has(countryCode);
}

/** The VAT (and VIES) prefix of a member state: the ISO code, except EL for Greece. */
export function vatPrefixForCountry(countryCode: EuMemberState): string {
  return countryCode === 'GR' ? 'EL' : countryCode;
}

/** True for the VAT prefix of an EU member state: 'EL' is, 'GR' is not. */
export function isEuVatPrefix(prefix: string): boolean {
  return prefix !== 'GR' && (prefix === 'EL' || euMemberStates.has(prefix));
}

interface PrefixRule {
  country: string;
  eu: boolean;
  rules: JsvatCountry;
  /** How the number looks, for a message a person can act on. */
  format: string;
}

// Northern Ireland numbers (XI) are UK numbers used for trade in goods with the EU; jsvat knows them only
// under GB, so the UK rules are reused under the XI prefix.
const northernIreland: JsvatCountry = {
  ...unitedKingdom,
  name: 'Northern Ireland',
  codes: ['XI', 'XIX', '826'],
  rules: {
    ...unitedKingdom.rules,
    regex: unitedKingdom.rules.regex.map((r) => new RegExp(r.source.replace('(GB)?', '(XI)'), r.flags)),
  },
};

// Keyed by VAT prefix. Each rule set is passed to jsvat on its own, because its all-countries list
// includes Brazil, whose numbers carry no prefix and so swallow any input that starts with two digits.
const PREFIX_RULES: ReadonlyMap<string, PrefixRule> = new Map<string, PrefixRule>([
  ['AT', { country: 'AT', eu: true, rules: austria, format: "'ATU' and 8 digits" }],
  ['BE', { country: 'BE', eu: true, rules: belgium, format: "'BE' and 10 digits starting with 0 or 1" }],
  ['BG', { country: 'BG', eu: true, rules: bulgaria, format: "'BG' and 9 or 10 digits" }],
  ['CY', { country: 'CY', eu: true, rules: cyprus, format: "'CY', 8 digits and a letter" }],
  ['CZ', { country: 'CZ', eu: true, rules: czechRepublic, format: "'CZ' and 8 to 10 digits" }],
  ['DE', { country: 'DE', eu: true, rules: germany, format: "'DE' and 9 digits, the first not 0" }],
  ['DK', { country: 'DK', eu: true, rules: denmark, format: "'DK' and 8 digits" }],
  ['EE', { country: 'EE', eu: true, rules: estonia, format: "'EE' and 9 digits" }],
  ['EL', { country: 'GR', eu: true, rules: greece, format: "'EL' and 9 digits" }],
  ['ES', { country: 'ES', eu: true, rules: spain, format: "'ES' and 9 letters or digits" }],
  ['FI', { country: 'FI', eu: true, rules: finland, format: "'FI' and 8 digits" }],
  ['FR', { country: 'FR', eu: true, rules: france, format: "'FR', 2 check characters and 9 digits" }],
  ['HR', { country: 'HR', eu: true, rules: croatia, format: "'HR' and 11 digits" }],
  ['HU', { country: 'HU', eu: true, rules: hungary, format: "'HU' and 8 digits" }],
  ['IE', { country: 'IE', eu: true, rules: ireland, format: "'IE', 7 digits and 1 or 2 letters" }],
  ['IT', { country: 'IT', eu: true, rules: italy, format: "'IT' and 11 digits" }],
  ['LT', { country: 'LT', eu: true, rules: lithuania, format: "'LT' and 9 or 12 digits" }],
  ['LU', { country: 'LU', eu: true, rules: luxembourg, format: "'LU' and 8 digits" }],
  ['LV', { country: 'LV', eu: true, rules: latvia, format: "'LV' and 11 digits" }],
  ['MT', { country: 'MT', eu: true, rules: malta, format: "'MT' and 8 digits" }],
  ['NL', { country: 'NL', eu: true, rules: netherlands, format: "'NL', 9 digits, 'B' and 2 digits" }],
  ['PL', { country: 'PL', eu: true, rules: poland, format: "'PL' and 10 digits" }],
  ['PT', { country: 'PT', eu: true, rules: portugal, format: "'PT' and 9 digits" }],
  ['RO', { country: 'RO', eu: true, rules: romania, format: "'RO' and 2 to 10 digits" }],
  ['SE', { country: 'SE', eu: true, rules: sweden, format: "'SE' and 12 digits ending in 01" }],
  ['SI', { country: 'SI', eu: true, rules: slovenia, format: "'SI' and 8 digits" }],
  ['SK', { country: 'SK', eu: true, rules: slovakiaRepublic, format: "'SK' and 10 digits" }],
  ['AD', { country: 'AD', eu: false, rules: andorra, format: "'AD', a letter, 6 digits and a letter" }],
  ['CHE', { country: 'CH', eu: false, rules: switzerland, format: "'CHE' and 9 digits" }],
  ['GB', { country: 'GB', eu: false, rules: unitedKingdom, format: "'GB' and 9 or 12 digits" }],
  ['XI', { country: 'GB', eu: false, rules: northernIreland, format: "'XI' and 9 or 12 digits" }],
  ['NO', { country: 'NO', eu: false, rules: norway, format: "'NO' and 9 digits" }],
  ['RS', { country: 'RS', eu: false, rules: serbia, format: "'RS' and 9 digits" }],
  ['RU', { country: 'RU', eu: false, rules: russia, format: "'RU' and 10 or 12 digits" }],
]);

/**
 * - VALID: EU prefix, right format, right check digit (registration still unknown: ask VIES)
 * - BAD_CHECK_DIGIT: EU prefix and right format, but the check digit does not match (a typo or made up)
 * - MALFORMED: empty, no known prefix, or the wrong format for its country
 * - NON_EU: the prefix of a country outside the EU (GB, CHE, NO, ...): never good for a reverse charge
 */
export type VatNumberStatus = 'VALID' | 'BAD_CHECK_DIGIT' | 'MALFORMED' | 'NON_EU';

export interface VatNumberAnalysis {
  status: VatNumberStatus;
  /** Upper-case, separators removed, 'EL' for Greece, Belgian 9-digit numbers padded; null if unrecognisable. */
  canonical: string | null;
  /** The VAT prefix as written in `canonical` ('EL', 'CHE', ...); null when none was recognised. */
  prefix: string | null;
  /** ISO 3166-1 alpha-2 country of the prefix ('GR' for 'EL'); null when no prefix was recognised. */
  country: string | null;
  isEu: boolean;
  formatValid: boolean;
  /**
   * Never true for a bad format. Where jsvat knows no check digit (French numbers whose key has letters)
   * it is true on the format alone.
   */
  checkDigitValid: boolean;
  /** What is wrong, or what was checked; never repeats the number itself. */
  reason: string;
}

/** Separators people type inside VAT numbers; the same set jsvat strips. */
const SEPARATORS = /[\s.\-/]+/g;
/** Suffixes that say "VAT" in the national language but are not part of the number. */
const NON_EU_SUFFIXES: ReadonlyArray<[string, RegExp]> = [
  ['CHE', /(MWST|TVA|IVA)$/],
  ['NO', /MVA$/],
];
export const VAT_NUMBER_MAX_LENGTH = 40;

/** A Belgian enterprise number of the series issued since 2023: 10 digits starting with 1. */
const BELGIAN_FROM_2023 = /^1\d{9}$/;

/**
 * Belgium ran out of enterprise numbers starting with 0 and has issued numbers starting with 1 since
 * 2023 (BE1000003682, ...). jsvat's rules (regex `0?` and 9 digits) still refuse them as malformed, so
 * these alone are checked here, with the same mod-97 check Belgium uses for both series: 97 minus the
 * first 8 digits modulo 97 is the last two. jsvat's extra rule that the second digit is not 0 is not
 * applied: the new series begins at 10 (BE1000003682). Numbers starting with 0, and every other
 * country, still go through jsvat.
 */
function belgianNumberFrom2023(digits: string): { isValidFormat: true; isValid: boolean } {
  const check = 97 - (Number(digits.slice(0, 8)) % 97);
  return { isValidFormat: true, isValid: check === Number(digits.slice(8, 10)) };
}

/** Never throws: fraud scoring wants to know malformed from bad check digit from OK from non-EU. */
export function analyseVatNumber(value: string): VatNumberAnalysis {
  const cleaned = value.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  const none = (reason: string): VatNumberAnalysis => ({
    status: 'MALFORMED',
    canonical: null,
    prefix: null,
    country: null,
    isEu: false,
    formatValid: false,
    checkDigitValid: false,
    reason,
  });
  if (cleaned === '') return none('empty');
  if (value.length > VAT_NUMBER_MAX_LENGTH) return none(`longer than ${VAT_NUMBER_MAX_LENGTH} characters`);
  if (!/^[A-Z]{2}/.test(cleaned)) {
    return none('does not start with a two-letter country prefix such as NL');
  }

  let prefix = cleaned.startsWith('CHE') ? 'CHE' : cleaned.slice(0, 2);
  let body = cleaned.slice(prefix.length);
  // GR is Greece's ISO code but not its VAT prefix; people write it anyway, and the number is the same.
  if (prefix === 'GR') prefix = 'EL';
  const rule = PREFIX_RULES.get(prefix);
  if (rule === undefined) {
    return none(
      `'${prefix}' is not a VAT prefix we know; EU numbers start with a member-state prefix such as NL`,
    );
  }
  for (const [suffixPrefix, suffix] of NON_EU_SUFFIXES) {
    if (prefix === suffixPrefix) body = body.replace(suffix, '');
  }
  // Older Belgian numbers are written with 9 digits; with a leading 0 they are the same number.
  if (prefix === 'BE' && /^\d{9}$/.test(body)) body = `0${body}`;

  const canonical = prefix + body;
  const checked =
    prefix === 'BE' && BELGIAN_FROM_2023.test(body)
      ? belgianNumberFrom2023(body)
      : checkVAT(canonical, [rule.rules]);
  const formatValid = checked.isValidFormat;
  const checkDigitValid = formatValid && checked.isValid;
  const base = { canonical, prefix, country: rule.country, isEu: rule.eu, formatValid, checkDigitValid };

  if (!rule.eu) {
    const why =
      prefix === 'XI'
        ? 'XI (Northern Ireland) numbers are UK numbers, valid in the EU for goods only'
        : `${rule.country} is not an EU member state`;
    const format = formatValid ? '' : `; and a ${prefix} VAT number is ${rule.format}`;
    return { ...base, status: 'NON_EU', reason: why + format };
  }
  if (!formatValid) {
    return { ...base, status: 'MALFORMED', reason: `a ${rule.country} VAT number is ${rule.format}` };
  }
  if (!checkDigitValid) {
    return { ...base, status: 'BAD_CHECK_DIGIT', reason: 'the check digit does not match' };
  }
  return { ...base, status: 'VALID', reason: 'format and check digit are valid' };
}

/** The format of a VAT number for the given prefix, for messages; null for an unknown prefix. */
export function vatNumberFormat(prefix: string): string | null {
  return PREFIX_RULES.get(prefix)?.format ?? null;
}
