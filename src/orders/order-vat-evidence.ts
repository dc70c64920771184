/**
 * The VAT place-of-supply evidence an order brings (Implementing Regulation 282/2011, art. 24f: billing
 * address, IP address, bank, phone), and what it brings that is no evidence of where the customer is:
 *
 * - a phone number written without its country code is read as a number of the billing country, so
 *   its country is the billing address over again, not a second piece; it counts only in international
 *   form ('+31 ...', '0031 ...').
 *
 * What is left out is named with why (`excluded`), so the VAT determination shows it.
 */
import type { ExcludedEvidence, VatEvidence } from '../vat/vat-evidence';

export const PHONE_NATIONAL_FORMAT =
  'phone number in national format, without a country code: its country is not known from the number';

export interface OrderEvidenceFacts {
  billingCountry: string;
  /** The IP address's country when it is a public address, else null. */
  ipCountry: string | null;
  bankCountry: string | null;
  phone: { country: string | null; national: boolean } | null;
}

export interface OrderVatEvidence {
  evidence: VatEvidence;
  excluded: ExcludedEvidence[];
}

export function orderVatEvidence(facts: OrderEvidenceFacts): OrderVatEvidence {
  const excluded: ExcludedEvidence[] = [];
  if (facts.phone?.national === true) {
    excluded.push({ kind: 'phoneCountry', country: null, why: PHONE_NATIONAL_FORMAT });
  }
  return {
    evidence: {
      billingCountry: facts.billingCountry,
      ipCountry: facts.ipCountry,
      bankCountry: facts.bankCountry,
      phoneCountry: facts.phone?.national === false ? facts.phone.country : null,
    },
    excluded,
  };
}
