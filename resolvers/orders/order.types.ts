/** GraphQL types of orders and their assessment (the contract the order system is generated from). */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONScalar } from '../common/scalars';
import { Connection } from '../common/connection.type';
import { NonPersonalField, PersonalField } from '../common/personal-field.decorator';
import { AddressType } from '../customer/customer.type';
import { IpIntelligenceObject } from '../geo/ip-intelligence.type';

export enum Decision {
  ACCEPT = 'ACCEPT',
  REVIEW = 'REVIEW',
  REJECT = 'REJECT',
}
registerEnumType(Decision, { name: 'Decision' });

export enum ReviewOutcome {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(ReviewOutcome, { name: 'ReviewOutcome' });

@ObjectType('RiskReason')
export class RiskReasonObject {
  @Field({ description: 'Stable code (see README); the message may change, the code does not.' })
  code!: string;

  @Field()
  message!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => JSONScalar, {
    description: 'The values the reason is based on, e.g. { ipCountry: "NL", billingCountry: "DE" }.',
  })
  evidence!: Record<string, unknown>;
}

@ObjectType('OrderItem')
export class OrderItemObject {
  @Field()
  product!: string;

  @Field(() => String, { nullable: true })
  tld!: string | null;

  @Field(() => Int)
  amountCents!: number;
}

@ObjectType('Order', { description: 'An order as scored; personal values are released with an audit event.' })
export class OrderObject {
  @NonPersonalField(() => ID)
  id!: string;

  @NonPersonalField(() => ID)
  customerId!: string;

  @NonPersonalField()
  createdAt!: Date;

  @NonPersonalField()
  idempotencyKey!: string;

  @NonPersonalField(() => Decision)
  decision!: Decision;

  @NonPersonalField(() => Float)
  riskScore!: number;

  // The reasons name the countries of the billing address, IP address, bank and phone, and how far the
  // IP location lies from the billing address: the VAT evidence VatMismatch releases as personal data.
  @PersonalField('orderVatEvidence', () => [RiskReasonObject])
  reasons!: RiskReasonObject[];

  @NonPersonalField()
  rulesVersion!: string;

  @NonPersonalField(() => Int, { description: 'Total, in minor units of the currency' })
  amountCents!: number;

  @NonPersonalField()
  currency!: string;

  @PersonalField('orderVatEvidence', () => String)
  billingCountry!: string;

  @PersonalField('orderVatEvidence', () => String, { nullable: true })
  ipCountry!: string | null;

  @PersonalField('orderVatEvidence', () => String, {
    nullable: true,
    description:
      'Personal data (address): the country whose VAT applies, when established from the evidence of where the customer is',
  })
  vatCountry!: string | null;

  @NonPersonalField()
  vatConflict!: boolean;

  @NonPersonalField()
  reverseCharge!: boolean;

  @NonPersonalField(() => String, { description: 'consumer or business, as taxed' })
  customerType!: string;

  @NonPersonalField(() => ReviewOutcome, { nullable: true })
  reviewOutcome!: ReviewOutcome | null;

  @PersonalField('orderReviewNote', () => String, {
    nullable: true,
    description: "The reviewer's note: personal data (order_review); null without one, and once erased.",
  })
  reviewNote!: string | null;

  @NonPersonalField(() => Date, { nullable: true })
  reviewedAt!: Date | null;

  @PersonalField('orderItems', () => [OrderItemObject])
  items!: OrderItemObject[];

  @PersonalField('orderIpAddress', () => String, { nullable: true, description: 'Null once erased.' })
  ipAddress!: string | null;

  @PersonalField('orderGeoIp', () => IpIntelligenceObject, {
    nullable: true,
    description: 'What GeoIP said about the IP address when the order was scored.',
  })
  geoIp!: IpIntelligenceObject | null;

  @PersonalField('orderBillingAddress', () => AddressType, {
    nullable: true,
    description: 'Null once purged.',
  })
  billingAddress!: AddressType | null;

  @PersonalField('orderVatNumber', () => String, { nullable: true })
  vatNumber!: string | null;

  @PersonalField('orderEmail', () => String, { nullable: true })
  email!: string | null;

  @PersonalField('orderPhone', () => String, { nullable: true })
  phone!: string | null;

  @PersonalField('orderIban', () => String, { nullable: true })
  iban!: string | null;
}

export const OrderConnection = Connection('Order', OrderObject);
export type OrderConnection = InstanceType<typeof OrderConnection>;

@ObjectType('VatEvidencePiece')
export class VatEvidencePieceObject {
  @Field({ description: 'billingCountry, ipCountry, bankCountry or phoneCountry' })
  kind!: string;

  @Field()
  country!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The VAT territory the piece names: 'ES-CN' for a billing address on the Canary Islands, 'FR' for one in Monaco, 'NL'; null when it names only a country whose parts differ for VAT (a Spanish IBAN), which agrees with any of them, and for orders scored before territories were told apart",
  })
  territory!: string | null;

  @Field({ description: 'Whether this piece names the established country' })
  supports!: boolean;
}

@ObjectType('VatExcludedEvidence', {
  description:
    'A piece that was at hand but not counted as evidence of where the customer is, and why: a phone number without its country code, an IP address of a hosting provider, VPN, proxy or Tor.',
})
export class VatExcludedEvidenceObject {
  @Field({ description: 'billingCountry, ipCountry, bankCountry or phoneCountry' })
  kind!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The country it would have named; null when it names none of its own (national phone number)',
  })
  country!: string | null;

  @Field()
  why!: string;
}

@ObjectType('VatNumberVerdict')
export class VatNumberVerdictObject {
  @Field({ description: 'Well-formed with a matching check digit; says nothing about registration.' })
  valid!: boolean;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field({ description: 'VERIFIED, NOT_REGISTERED or NOT_VERIFIED (VIES off or unreachable: never guessed)' })
  verified!: string;

  @Field({
    description:
      "MATCH or MISMATCH: the name VIES holds for a VERIFIED number against the customer's; NOT_COMPARED when VIES withheld it",
  })
  nameMatch!: string;

  @Field({
    description:
      'MATCH when the billing postal code or city is in the address VIES holds for a VERIFIED number, else MISMATCH (reported, it does not decide the reverse charge); NOT_COMPARED when VIES withheld it',
  })
  addressMatch!: string;

  @Field(() => String, {
    nullable: true,
    description: 'When VIES answered about this number, as VIES dated it; null when it did not answer',
  })
  checkedAt!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "VIES's consultation number for that answer, the proof of the check; given only when VIES_REQUESTER_VAT_NUMBER is set",
  })
  consultationNumber!: string | null;
}

@ObjectType('VatTerritory', {
  description:
    'Where the customer is for VAT: a country, or a part of a member state with its own VAT status (VAT Directive 2006/112/EC art. 6 and 7)',
})
export class VatTerritoryObject {
  @Field({
    description:
      "'NL' for a country's ordinary territory; for a part with its own status its ISO 3166-2 code ('ES-CN', 'GR-69'), its own ISO 3166-1 code ('AX', 'GP') or 'DE-BUSINGEN', 'DE-HELGOLAND', 'IT-LIVIGNO', 'IT-CAMPIONE'",
  })
  code!: string;

  @Field({ description: "The state it belongs to: 'ES' for the Canary Islands" })
  country!: string;

  @Field(() => String, {
    nullable: true,
    description: "'Canary Islands'; null for a country's ordinary territory",
  })
  name!: string | null;

  @Field({
    description: 'False for third countries and for the parts of member states outside the EU VAT area',
  })
  inEuVatArea!: boolean;

  @Field({ description: "'ES (Canary Islands, outside the EU VAT area)', or 'NL'" })
  description!: string;
}

@ObjectType('VatDetermination')
export class VatDeterminationObject {
  @Field({ description: 'consumer or business, as taxed (business only with a VIES-verified number)' })
  customerType!: string;

  @Field(() => [VatEvidencePieceObject])
  evidence!: VatEvidencePieceObject[];

  @Field(() => [VatExcludedEvidenceObject], {
    description: 'Pieces left out of the evidence (not in `evidence`), with why',
  })
  excludedEvidence!: VatExcludedEvidenceObject[];

  @Field(() => String, {
    nullable: true,
    description:
      "The country whose VAT applies; null when not established. For a part of a member state outside the EU VAT area that member state ('ES' for the Canary Islands, see `territory`); 'FR' for Monaco",
  })
  country!: string | null;

  @Field(() => VatTerritoryObject, {
    nullable: true,
    description:
      'The VAT territory: of the evidence for a consumer, of the VAT number for a business; null when not established, and for orders scored before territories were told apart',
  })
  territory!: VatTerritoryObject | null;

  @Field()
  conflict!: boolean;

  @Field()
  reverseCharge!: boolean;

  @Field({ description: 'REVERSE_CHARGE, DOMESTIC, OSS, OUTSIDE_EU or UNDETERMINED' })
  treatment!: string;

  @Field()
  reason!: string;

  @Field(() => VatNumberVerdictObject)
  vatNumber!: VatNumberVerdictObject;
}

@ObjectType('OrderAssessment')
export class OrderAssessmentObject {
  @Field(() => OrderObject)
  order!: OrderObject;

  @Field(() => Float)
  riskScore!: number;

  @Field(() => Decision)
  decision!: Decision;

  @Field(() => [RiskReasonObject])
  reasons!: RiskReasonObject[];

  @Field(() => VatDeterminationObject)
  vat!: VatDeterminationObject;

  @Field(() => IpIntelligenceObject)
  ip!: IpIntelligenceObject;

  @Field({ description: 'True when this is the stored answer to a retried idempotency key.' })
  replayed!: boolean;
}

@ObjectType('VatMismatch', { description: 'An order whose VAT country and evidence disagree.' })
export class VatMismatchObject {
  @NonPersonalField(() => OrderObject)
  order!: OrderObject;

  @PersonalField('orderVatEvidence', () => String)
  billingCountry!: string;

  @PersonalField('orderVatEvidence', () => String, { nullable: true })
  vatCountry!: string | null;

  @PersonalField('orderVatEvidence', () => String, {
    nullable: true,
    description:
      "The part of the VAT country with its own VAT status the evidence established ('ES-CN' for the Canary Islands); null for the country's ordinary territory",
  })
  territory!: string | null;

  @PersonalField('orderVatEvidence', () => String, { nullable: true })
  ipCountry!: string | null;

  @PersonalField('orderVatEvidence', () => String, { nullable: true })
  ibanCountry!: string | null;

  @PersonalField('orderVatEvidence', () => String, { nullable: true })
  phoneCountry!: string | null;

  @PersonalField('orderVatEvidence', () => [VatEvidencePieceObject])
  evidence!: VatEvidencePieceObject[];

  @PersonalField('orderVatEvidence', () => [VatExcludedEvidenceObject], {
    description: 'Pieces left out of the evidence (not in `evidence`), with why',
  })
  excludedEvidence!: VatExcludedEvidenceObject[];

  @NonPersonalField()
  conflict!: boolean;

  @NonPersonalField(() => String, {
    description: 'REVERSE_CHARGE, DOMESTIC, OSS, OUTSIDE_EU or UNDETERMINED',
  })
  treatment!: string;

  // The reason names each piece of evidence with its country ('billing address (DE), IP (NL)').
  @PersonalField('orderVatEvidence', () => String)
  reason!: string;
}

export const VatMismatchConnection = Connection('VatMismatch', VatMismatchObject);
export type VatMismatchConnection = InstanceType<typeof VatMismatchConnection>;

@ObjectType('VatEvidenceSummary', {
  description: 'Orders of a period per determined VAT country and currency.',
})
export class VatEvidenceSummaryObject {
  @Field(() => String, { nullable: true, description: 'Null: the evidence established no country' })
  country!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A part of that country with its own VAT status, counted apart ('ES-CN': the Canary Islands, outside the EU VAT area); null for the country's ordinary territory",
  })
  territory!: string | null;

  @Field()
  currency!: string;

  @Field(() => Int, { description: 'Orders that went ahead (not rejected); the figures below count these' })
  orders!: number;

  @Field(() => Float, { description: 'Minor units (cents); Float because sums can exceed 32 bits' })
  amountCents!: number;

  @Field(() => Int)
  reverseCharged!: number;

  @Field(() => Int)
  conflicting!: number;

  @Field(() => Int, { description: 'Orders with a VAT number that VIES did not verify' })
  unverified!: number;

  @Field(() => Int, {
    description:
      'Orders rejected (a REJECT decision not approved on review, or rejected on review): no supply, so left out of the other figures',
  })
  rejected!: number;
}

@ObjectType('RescoreResult', {
  description: 'One order scored again under the current rules; the original is unchanged.',
})
export class RescoreResultObject {
  @Field(() => ID)
  orderId!: string;

  @Field(() => Float)
  originalRiskScore!: number;

  @Field(() => Decision)
  originalDecision!: Decision;

  @Field()
  originalRulesVersion!: string;

  @Field(() => Float)
  riskScore!: number;

  @Field(() => Decision)
  decision!: Decision;

  @Field()
  rulesVersion!: string;

  @Field(() => [RiskReasonObject])
  reasons!: RiskReasonObject[];

  @Field()
  changed!: boolean;
}
