/**
 * VAT numbers typed by a customer: the never-throwing analysis from `src/vat/vat-number.ts`, turned
 * into a ValidationError for anything that is not a well-formed number with a matching check digit.
 * Numbers of non-EU countries that jsvat knows (GB, CHE, NO, ...) are accepted: a Swiss or British
 * business is a legitimate customer; it just never gets an EU reverse charge.
 */
import { ValidationError } from '../errors/errors';
import {
  analyseVatNumber,
  vatNumberFormat,
  VAT_NUMBER_MAX_LENGTH,
  type VatNumberAnalysis,
} from '../vat/vat-number';

export interface NormalizedVatNumber extends VatNumberAnalysis {
  status: 'VALID' | 'NON_EU';
  canonical: string;
  prefix: string;
  country: string;
  formatValid: true;
  checkDigitValid: true;
}

/** 'nl 0100.00446.b01' → canonical 'NL010000446B01', country 'NL'; 'GR…' → 'EL…', country 'GR'. */
export function normalizeVatNumber(value: string, field: string): NormalizedVatNumber {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > VAT_NUMBER_MAX_LENGTH) {
    throw new ValidationError(field, `must be at most ${VAT_NUMBER_MAX_LENGTH} characters`);
  }
  if (value.trim() === '') throw new ValidationError(field, 'must not be empty');
  const analysis = analyseVatNumber(value);
  if (analysis.canonical === null || analysis.prefix === null || analysis.country === null) {
    throw new ValidationError(field, analysis.reason);
  }
  if (!analysis.formatValid) {
    const format = vatNumberFormat(analysis.prefix) ?? 'different';
    throw new ValidationError(field, `has the wrong format: a ${analysis.prefix} VAT number is ${format}`);
  }
  if (!analysis.checkDigitValid) {
    throw new ValidationError(field, 'the check digit does not match; please check for a typo');
  }
  return {
    ...analysis,
    status: analysis.isEu ? 'VALID' : 'NON_EU',
    canonical: analysis.canonical,
    prefix: analysis.prefix,
    country: analysis.country,
    formatValid: true,
    checkDigitValid: true,
  };
}
