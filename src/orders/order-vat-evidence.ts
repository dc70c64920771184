/**
 * The VAT place-of-supply evidence an order brings (Implementing Regulation 282/2011, art. 24f: billing
 * address, IP address, bank, phone), and what it brings that is no evidence of where the customer is:
 *
 * - a phone number written without its country code is read as a number of the billing country, so
 *   its country is the billing address over again, not a second piece; it counts only in international
 *   form ('+31 ...', '0031 ...');
 * - an IP address of a hosting provider, an anonymising VPN, a public proxy or a Tor exit node (or one
 *   flagged anonymous without the kind) says where a server is, not where the customer is: art. 24f
 *   speaks of the IP address of the device the customer uses. The fraud signals about such an address
 *   (HOSTING_IP, VPN_IP, ...) and the IP-country signals are scored as before; only the VAT evidence
 *   leaves it out.
 *
 * What is left out is named with why (`excluded`), so the VAT determination shows it.
 *
 * The billing address goes with its postal code and city, and the IP address with GeoIP's subdivision,
 * so that the evidence rule can tell the places with a VAT status of their own (the Canary Islands,
 * Åland, ...; src/vat/vat-territory.ts). The bank and phone give their country only: an IBAN has no
 * region, and libphonenumber-js has no geocoding (a +34 928 landline is on Gran Canaria, but mobile
 * numbers are not tied to a place), so they agree with any territory of their country.
 */
import type { IpAnonymity, IpIntelligence } from '../../geo/ip-intelligence';
import type { ExcludedEvidence, VatEvidence } from '../vat/vat-evidence';

export const PHONE_NATIONAL_FORMAT =
  'phone number in national format, without a country code: its country is not known from the number';

/** What the IP address is, in the words of the reason it is left out; empty for an access network's. */
function serverKinds(anonymity: IpAnonymity): string[] {
  const kinds = [
    ...(anonymity.isTorExitNode ? ['a Tor exit node'] : []),
    ...(anonymity.isPublicProxy ? ['a public proxy'] : []),
    ...(anonymity.isAnonymousVpn ? ['an anonymising VPN'] : []),
    ...(anonymity.isHostingProvider ? ['a hosting provider'] : []),
  ];
  return kinds.length === 0 && anonymity.isAnonymous ? ['an anonymising service'] : kinds;
}

export function whyIpIsNoEvidence(anonymity: IpAnonymity): string | null {
  const kinds = serverKinds(anonymity);
  if (kinds.length === 0) return null;
  const list = kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)!}`;
  return `IP address of ${list}: it says where a server is, not where the customer is`;
}

export interface OrderEvidenceFacts {
  billing: { country: string; postalCode: string | null; city: string | null };
  ip: Pick<IpIntelligence, 'classification' | 'country' | 'anonymity'> &
    Partial<Pick<IpIntelligence, 'subdivision' | 'subdivisionCode'>>;
  bankCountry: string | null;
  phone: { country: string | null; national: boolean } | null;
}

export interface OrderVatEvidence {
  evidence: VatEvidence;
  excluded: ExcludedEvidence[];
}

export function orderVatEvidence(facts: OrderEvidenceFacts): OrderVatEvidence {
  const excluded: ExcludedEvidence[] = [];
  // A non-public address is never looked up, so it has no country to count or leave out.
  let ipCountry = facts.ip.classification === 'public' ? facts.ip.country : null;
  const serverWhy = whyIpIsNoEvidence(facts.ip.anonymity);
  if (ipCountry !== null && serverWhy !== null) {
    excluded.push({ kind: 'ipCountry', country: ipCountry, why: serverWhy });
    ipCountry = null;
  }
  if (facts.phone?.national === true) {
    excluded.push({ kind: 'phoneCountry', country: null, why: PHONE_NATIONAL_FORMAT });
  }
  const { ip } = facts;
  return {
    evidence: {
      billingCountry: { ...facts.billing },
      ipCountry:
        ipCountry === null
          ? null
          : {
              country: ipCountry,
              subdivisionCode: ip.subdivisionCode ?? null,
              subdivision: ip.subdivision ?? null,
            },
      bankCountry: facts.bankCountry,
      phoneCountry: facts.phone?.national === false ? facts.phone.country : null,
    },
    excluded,
  };
}
