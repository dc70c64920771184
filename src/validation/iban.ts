/**
 * IBANs: the canonical electronic format (upper-case, no separators) after ibantools has checked the
 * country's length and layout, the ISO 7064 mod-97 check digits and, for some countries, the national
 * account check digits. The bank's country feeds the VAT evidence (`bankCountry`).
 */
import { ValidationError } from '../errors/errors';
import { ibantools } from './ibantools';

/** The longest IBAN is 34 characters; room for separators on top. */
const IBAN_INPUT_MAX_LENGTH = 64;

function reasonFor(code: number, iban: string): string {
  const errors = ibantools.ValidationErrorsIBAN;
  const country = iban.slice(0, 2);
  const spec = ibantools.getCountrySpecifications()[country];
  switch (code) {
    case errors.NoIBANProvided:
      return 'must not be empty';
    case errors.NoIBANCountry:
      return /^[A-Z]{2}/.test(iban)
        ? `'${country}' is not a country that uses IBANs`
        : 'must start with a two-letter country code, e.g. NL91ABNA0417164300';
    case errors.WrongBBANLength:
      return spec?.chars
        ? `a ${country} IBAN has ${spec.chars} characters, this one has ${iban.length}`
        : `has the wrong length for a ${country} IBAN`;
    case errors.WrongBBANFormat:
      return `the account part does not have the layout of a ${country} IBAN`;
    case errors.ChecksumNotNumber:
      return 'characters 3 and 4 must be the two check digits';
    case errors.WrongIBANChecksum:
      return 'the check digits do not match; please check for a typo';
    case errors.WrongAccountBankBranchChecksum:
      return 'the national account number check does not match; please check for a typo';
    default:
      return 'is not a valid IBAN';
  }
}

/** Canonical electronic format, e.g. 'NL91 abna 0417-1643-00' → 'NL91ABNA0417164300'. */
export function normalizeIban(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > IBAN_INPUT_MAX_LENGTH) {
    throw new ValidationError(field, `must be at most ${IBAN_INPUT_MAX_LENGTH} characters`);
  }
  // ibantools only strips spaces and dashes; tabs, no-break spaces and dots come from copy and paste too.
  const iban = ibantools.electronicFormatIBAN(value.normalize('NFKC').replace(/[\s.]+/g, '')) ?? '';
  if (iban === '') throw new ValidationError(field, 'must not be empty');
  if (!/^[A-Z0-9]+$/.test(iban)) throw new ValidationError(field, 'may contain only letters and digits');
  const result = ibantools.validateIBAN(iban);
  if (!result.valid) {
    throw new ValidationError(field, reasonFor(result.errorCodes[0] ?? -1, iban));
  }
  return iban;
}

/**
 * The ISO country of a valid IBAN (its first two letters), or null when the value is not a valid IBAN.
 * Never throws: fraud scoring reads it from stored data. It is where the account is held, which is
 * evidence of, not proof of, where the customer lives.
 */
export function ibanCountry(value: string): string | null {
  try {
    return normalizeIban(value, 'iban').slice(0, 2);
  } catch (error) {
    if (error instanceof ValidationError) return null;
    throw error;
  }
}
