/**
 * The stable reason codes of order scoring. They are a contract with the order system, the review
 * screens and the rules files: a code is never renamed or reused for another meaning, only added (and a
 * retired one keeps its place with weight 0). Messages may be reworded; codes may not.
 */

export const ReasonCode = {
  /** The IP address is located in another country than the billing address. */
  IP_COUNTRY_MISMATCH_BILLING: 'IP_COUNTRY_MISMATCH_BILLING',
  /** The IP address is located in another country than the one the VAT number belongs to. */
  IP_COUNTRY_MISMATCH_VAT: 'IP_COUNTRY_MISMATCH_VAT',
  /** The IP address is located in another country than the bank account (IBAN country). */
  IP_COUNTRY_MISMATCH_IBAN: 'IP_COUNTRY_MISMATCH_IBAN',
  /** The IP address is located in another country than the phone number's country code (+CC or 00CC). */
  IP_COUNTRY_MISMATCH_PHONE: 'IP_COUNTRY_MISMATCH_PHONE',
  /** The IP location is farther from the billing address than the GeoIP accuracy radius plus a margin. */
  IP_FAR_FROM_BILLING_CITY: 'IP_FAR_FROM_BILLING_CITY',
  /** The IP address is flagged anonymous by a source that does not say which kind (VPN, proxy, Tor, ...). */
  ANONYMOUS_IP: 'ANONYMOUS_IP',
  /** The IP address belongs to a hosting provider or data centre, not an access network. */
  HOSTING_IP: 'HOSTING_IP',
  /** The IP address is a Tor exit node. */
  TOR_EXIT_IP: 'TOR_EXIT_IP',
  /** The IP address is a known open or public proxy. */
  PUBLIC_PROXY_IP: 'PUBLIC_PROXY_IP',
  /** The IP address belongs to an anonymising VPN service. */
  VPN_IP: 'VPN_IP',
  /** The IP address is private, loopback, documentation or otherwise not a public internet address. */
  NON_PUBLIC_IP: 'NON_PUBLIC_IP',
  /** The VAT number has no known prefix or not the format of its country. */
  VAT_NUMBER_MALFORMED: 'VAT_NUMBER_MALFORMED',
  /** The VAT number has the right format but its check digit does not match. */
  VAT_NUMBER_BAD_CHECK_DIGIT: 'VAT_NUMBER_BAD_CHECK_DIGIT',
  /** The VAT number belongs to a country outside the EU (GB, CHE, NO, ...). */
  VAT_NUMBER_NON_EU: 'VAT_NUMBER_NON_EU',
  /** The VAT number belongs to another member state than the billing address's (Monaco's is France). */
  VAT_NUMBER_COUNTRY_MISMATCH: 'VAT_NUMBER_COUNTRY_MISMATCH',
  /** More earlier orders from the same IP address within the window than the limit. */
  VELOCITY_IP: 'VELOCITY_IP',
  /** More earlier orders from the same network (/24 for IPv4, /64 for IPv6) within the window than the limit. */
  VELOCITY_NETWORK: 'VELOCITY_NETWORK',
  /** More earlier orders to the same mailbox (+tags, Gmail's dots aside) within the window than the limit. */
  VELOCITY_EMAIL: 'VELOCITY_EMAIL',
  /** More earlier orders with the same IBAN within the window than the limit. */
  VELOCITY_IBAN: 'VELOCITY_IBAN',
  /** More other new customers from the same IP address (for IPv6 its /64) within the window than the limit. */
  VELOCITY_NEW_CUSTOMERS_IP: 'VELOCITY_NEW_CUSTOMERS_IP',
  /** The IBAN is on file under more other customer names than allowed. */
  IBAN_REUSED_OTHER_NAME: 'IBAN_REUSED_OTHER_NAME',
  /** The ID-card number is on file under more other customer names than allowed. */
  ID_CARD_REUSED_OTHER_NAME: 'ID_CARD_REUSED_OTHER_NAME',
  /** The email address is at a disposable (throw-away) mail domain. */
  DISPOSABLE_EMAIL: 'DISPOSABLE_EMAIL',
  /** A customer's first order is at or above the high-value amount for its currency. */
  HIGH_VALUE_FIRST_ORDER: 'HIGH_VALUE_FIRST_ORDER',
  /** The VAT place-of-supply evidence (billing, IP, bank, phone) contradicts itself. */
  VAT_EVIDENCE_CONFLICT: 'VAT_EVIDENCE_CONFLICT',
  /** VIES registers the VAT number to another name than the customer's. */
  VAT_NAME_MISMATCH: 'VAT_NAME_MISMATCH',
  /** Neither the billing postal code nor the billing city is in the address VIES registers the VAT number at. */
  VAT_ADDRESS_MISMATCH: 'VAT_ADDRESS_MISMATCH',
} as const;
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** Every code, in the order above: the order of the rules file and of the README table. */
export const REASON_CODES: readonly ReasonCode[] = Object.freeze(Object.values(ReasonCode));

// The same words as the comments on ReasonCode: those serve readers of the code, these the README and API.
const DESCRIPTIONS: Readonly<Record<ReasonCode, string>> = {
  IP_COUNTRY_MISMATCH_BILLING: 'The IP address is located in another country than the billing address.',
  IP_COUNTRY_MISMATCH_VAT:
    'The IP address is located in another country than the one the VAT number belongs to.',
  IP_COUNTRY_MISMATCH_IBAN:
    'The IP address is located in another country than the bank account (IBAN country).',
  IP_COUNTRY_MISMATCH_PHONE:
    "The IP address is located in another country than the phone number's country code (+CC or 00CC).",
  IP_FAR_FROM_BILLING_CITY:
    'The IP location is farther from the billing address than the GeoIP accuracy radius plus a margin.',
  ANONYMOUS_IP:
    'The IP address is flagged anonymous by a source that does not say which kind (VPN, proxy, Tor, ...).',
  HOSTING_IP: 'The IP address belongs to a hosting provider or data centre, not an access network.',
  TOR_EXIT_IP: 'The IP address is a Tor exit node.',
  PUBLIC_PROXY_IP: 'The IP address is a known open or public proxy.',
  VPN_IP: 'The IP address belongs to an anonymising VPN service.',
  NON_PUBLIC_IP:
    'The IP address is private, loopback, documentation or otherwise not a public internet address.',
  VAT_NUMBER_MALFORMED: 'The VAT number has no known prefix or not the format of its country.',
  VAT_NUMBER_BAD_CHECK_DIGIT: 'The VAT number has the right format but its check digit does not match.',
  VAT_NUMBER_NON_EU: 'The VAT number belongs to a country outside the EU (GB, CHE, NO, ...).',
  VAT_NUMBER_COUNTRY_MISMATCH:
    "The VAT number belongs to another member state than the billing address's (Monaco's is France).",
  VELOCITY_IP: 'More earlier orders from the same IP address within the window than the limit.',
  VELOCITY_NETWORK:
    'More earlier orders from the same network (/24 for IPv4, /64 for IPv6) within the window than the limit.',
  VELOCITY_EMAIL:
    "More earlier orders to the same mailbox (+tags, Gmail's dots aside) within the window than the limit.",
  VELOCITY_IBAN: 'More earlier orders with the same IBAN within the window than the limit.',
  VELOCITY_NEW_CUSTOMERS_IP:
    'More other new customers from the same IP address (for IPv6 its /64) within the window than the limit.',
  IBAN_REUSED_OTHER_NAME: 'The IBAN is on file under more other customer names than allowed.',
  ID_CARD_REUSED_OTHER_NAME: 'The ID-card number is on file under more other customer names than allowed.',
  DISPOSABLE_EMAIL: 'The email address is at a disposable (throw-away) mail domain.',
  HIGH_VALUE_FIRST_ORDER: "A customer's first order is at or above the high-value amount for its currency.",
  VAT_EVIDENCE_CONFLICT: 'The VAT place-of-supply evidence (billing, IP, bank, phone) contradicts itself.',
  VAT_NAME_MISMATCH: "VIES registers the VAT number to another name than the customer's.",
  VAT_ADDRESS_MISMATCH:
    'Neither the billing postal code nor the billing city is in the address VIES registers the VAT number at.',
};

export interface ReasonCodeDescription {
  readonly code: ReasonCode;
  readonly description: string;
}

/** For the README and the API documentation: every code with one line on what it means. */
export const REASON_CODE_DESCRIPTIONS: readonly ReasonCodeDescription[] = Object.freeze(
  REASON_CODES.map((code) => Object.freeze({ code, description: DESCRIPTIONS[code] })),
);

export function isReasonCode(value: string): value is ReasonCode {
  return Object.prototype.hasOwnProperty.call(DESCRIPTIONS, value);
}
