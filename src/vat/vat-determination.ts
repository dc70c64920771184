/**
 * Which VAT applies to an order: the customer's VAT number (format, check digit, VIES), the country
 * evidence, and whether the customer is a business. The reverse charge is granted only to a business
 * whose VAT number belongs to another EU member state than the supplier's and that VIES confirmed
 * (Implementing Regulation 282/2011, art. 18): a number with a good check digit that VIES could not
 * confirm is NOT_VERIFIED, and the customer is then taxed as a consumer (art. 18(2)). So is one VIES
 * registers to another name than the customer's (art. 18(1)(a) asks for the name as well; see
 * trader-name.ts); where VIES withholds the name, the number alone decides. VIES's address is compared
 * with the billing address too, but only reported (trader-address.ts): a seat and a billing address
 * differ for ordinary reasons.
 *
 * Where the customer is, is a VAT territory (vat-territory.ts): a consumer on the Canary Islands, in
 * Ceuta or on Åland is outside the EU VAT area (VAT Directive art. 6) and treated as one in a third
 * country (OUTSIDE_EU: no EU VAT, no One Stop Shop supply); one in Monaco is in the French VAT area
 * (art. 7) and treated as one in France.
 */
import {
  establishVatCountry,
  type EvidenceOptions,
  type EvidenceOutcome,
  type ExcludedEvidence,
  type VatEvidence,
} from './vat-evidence';
import { isEuCountry, type EuMemberState, type VatNumberAnalysis } from './vat-number';
import { describeTerritory, ordinaryTerritory, type VatTerritory } from './vat-territory';
import { compareTraderAddress, type DeclaredPlace, type TraderAddressMatch } from './trader-address';
import { compareTraderNames, type TraderNameMatch } from './trader-name';
import type { VatVerification, ViesResult } from './vies-client';

export type CustomerType = 'consumer' | 'business';

/**
 * - REVERSE_CHARGE: business in another member state; the customer accounts for the VAT
 * - DOMESTIC: customer in the supplier's country; its VAT
 * - OSS: consumer in another member state; that state's VAT, declared through the One Stop Shop
 * - OUTSIDE_EU: customer outside the EU VAT area (a third country, or a part of a member state outside
 *   it, such as the Canary Islands); no EU VAT
 * - UNDETERMINED: the evidence does not establish a country; the order needs a look
 */
export type VatTreatment = 'REVERSE_CHARGE' | 'DOMESTIC' | 'OSS' | 'OUTSIDE_EU' | 'UNDETERMINED';

export interface DetermineVatInput {
  /** What the customer says they are. */
  customerType: CustomerType;
  /** From analyseVatNumber; null when the customer gave none. */
  vatNumber: VatNumberAnalysis | null;
  /** The VIES answer for that number; null when VIES was not asked. */
  viesResult: ViesResult | null;
  /** The names the customer goes by (company name, own name), to hold against the name VIES gives. */
  declaredNames?: readonly (string | null)[];
  /** The billing address's postal code and city, to hold against the address VIES gives. */
  declaredPlace?: DeclaredPlace;
  evidence: VatEvidence;
  /** Pieces at hand that are no evidence of where the customer is, with why (see vat-evidence.ts). */
  excludedEvidence?: readonly ExcludedEvidence[];
  supplierCountry?: EuMemberState;
  evidenceOptions?: EvidenceOptions;
}

export interface VatNumberVerdict {
  /** Well-formed with a matching check digit; says nothing about registration. */
  valid: boolean;
  /** ISO country of the number ('GR' for an EL number); null without a recognisable number. */
  country: string | null;
  verified: VatVerification;
  /** The name VIES gave for a VERIFIED number against the customer's; NOT_COMPARED when it gave none. */
  nameMatch: TraderNameMatch;
  /** The address VIES gave for a VERIFIED number against the billing address; NOT_COMPARED when it gave none. */
  addressMatch: TraderAddressMatch;
  /** When VIES answered about this number (its own date, as sent); null when it did not. */
  checkedAt: string | null;
  /**
   * VIES's consultation number for that answer, the proof of the check a tax inspector asks for; only
   * given when VIES_REQUESTER_VAT_NUMBER names our own VAT number.
   */
  consultationNumber: string | null;
}

export interface VatDetermination {
  /** How the customer is treated for VAT: 'business' only with a VIES-verified VAT number. */
  customerType: CustomerType;
  declaredCustomerType: CustomerType;
  /**
   * The country whose VAT rules apply; null when the evidence does not establish one. For a part of a
   * member state outside the EU VAT area, that member state ('ES' for the Canary Islands), with
   * `territory` saying which part; for Monaco, 'FR'.
   */
  country: string | null;
  /**
   * The VAT territory: of the evidence for a consumer, of the VAT number for a business; null when
   * not established. Orders scored before territories were told apart have none.
   */
  territory: VatTerritory | null;
  /** Evidence disagrees, or (for a business) the evidence points elsewhere than the VAT number. */
  conflict: boolean;
  reverseCharge: boolean;
  treatment: VatTreatment;
  vatNumber: VatNumberVerdict;
  evidence: EvidenceOutcome;
  reason: string;
}

/** VIES's verdict counts only when it is about this very number. */
function verification(analysis: VatNumberAnalysis | null, vies: ViesResult | null): VatVerification {
  if (analysis === null || analysis.canonical === null || analysis.prefix === null || vies === null) {
    return 'NOT_VERIFIED';
  }
  const sameNumber =
    vies.countryCode === analysis.prefix && analysis.canonical === `${analysis.prefix}${vies.vatNumber}`;
  return sameNumber ? vies.status : 'NOT_VERIFIED';
}

function whyNotBusiness(input: DetermineVatInput, verdict: VatNumberVerdict): string {
  const vies = input.viesResult;
  if (input.vatNumber === null) return 'business without a VAT number, taxed as a consumer';
  if (verdict.nameMatch === 'MISMATCH') {
    return "business taxed as a consumer: VIES registers the VAT number to another name than the customer's";
  }
  let detail: string;
  if (vies === null) detail = 'VIES was not asked';
  else if (vies.status !== verdict.verified) detail = 'the VIES answer is about another number';
  else detail = vies.reason ?? 'VIES gave no reason';
  const state = verdict.verified === 'NOT_REGISTERED' ? 'not registered' : 'not verified';
  return `business taxed as a consumer: VAT number ${state} (${detail})`;
}

function treatmentFor(
  territory: VatTerritory | null,
  supplierCountry: string,
  reverseCharge: boolean,
): VatTreatment {
  if (reverseCharge) return 'REVERSE_CHARGE';
  if (territory === null) return 'UNDETERMINED';
  // A part of a member state outside the EU VAT area is a third territory: no EU VAT, as for a third country.
  if (!territory.inEuVatArea) return 'OUTSIDE_EU';
  return territory.country === supplierCountry ? 'DOMESTIC' : 'OSS';
}

export function determineVat(input: DetermineVatInput): VatDetermination {
  const supplierCountry = input.supplierCountry ?? 'NL';
  const evidence = establishVatCountry(input.evidence, input.evidenceOptions, input.excludedEvidence);
  const analysis = input.vatNumber;
  const verified = verification(analysis, input.viesResult);
  const verdict: VatNumberVerdict = {
    valid: analysis !== null && analysis.formatValid && analysis.checkDigitValid,
    country: analysis?.country ?? null,
    verified,
    nameMatch:
      verified === 'VERIFIED'
        ? compareTraderNames(input.viesResult?.name ?? null, input.declaredNames ?? [])
        : 'NOT_COMPARED',
    addressMatch:
      verified === 'VERIFIED'
        ? compareTraderAddress(
            input.viesResult?.address ?? null,
            input.declaredPlace ?? { postalCode: null, city: null },
          )
        : 'NOT_COMPARED',
    checkedAt: verified === 'NOT_VERIFIED' ? null : (input.viesResult?.requestDate ?? null),
    consultationNumber: verified === 'NOT_VERIFIED' ? null : (input.viesResult?.requestIdentifier ?? null),
  };

  if (
    input.customerType === 'business' &&
    verdict.verified === 'VERIFIED' &&
    verdict.nameMatch !== 'MISMATCH' &&
    verdict.country !== null
  ) {
    // For a business the place of supply is where it is established, which its VAT number says.
    const country = verdict.country;
    // The number names a member state, not a part of one: its ordinary territory.
    const territory = ordinaryTerritory(country);
    const reverseCharge = isEuCountry(country) && country !== supplierCountry;
    // Evidence in a part with its own status (a Spanish number, a customer on the Canary Islands) is
    // elsewhere too: a conflict to look at, not a ruling on where the business is established.
    const elsewhere = evidence.territory !== null && evidence.territory.code !== territory.code;
    const notes = [
      `business with VAT number of ${country} confirmed by VIES`,
      ...(verdict.valid ? [] : ['although its check digit does not match (VIES prevails)']),
      ...(elsewhere && evidence.territory !== null
        ? [`but the evidence points to ${describeTerritory(evidence.territory)}`]
        : []),
      ...(verdict.addressMatch === 'MISMATCH'
        ? ['VIES registers it at an address in another place than the billing address']
        : []),
      ...(evidence.conflict ? [`evidence: ${evidence.reason}`] : []),
    ];
    return {
      customerType: 'business',
      declaredCustomerType: 'business',
      country,
      territory,
      conflict: evidence.conflict || elsewhere,
      reverseCharge,
      treatment: treatmentFor(territory, supplierCountry, reverseCharge),
      vatNumber: verdict,
      evidence,
      reason: notes.join('; '),
    };
  }

  const why = input.customerType === 'business' ? whyNotBusiness(input, verdict) : 'consumer';
  return {
    customerType: 'consumer',
    declaredCustomerType: input.customerType,
    country: evidence.country,
    territory: evidence.territory,
    conflict: evidence.conflict || verdict.nameMatch === 'MISMATCH',
    reverseCharge: false,
    treatment: treatmentFor(evidence.territory, supplierCountry, false),
    vatNumber: verdict,
    evidence,
    reason: `${why}; ${evidence.reason}`,
  };
}
