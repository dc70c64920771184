/** Inputs of scoreOrder (the order system's contract) and of order review. */
import { Field, InputType, Int } from 'type-graphql';
import { PersonalInputField } from '../common/personal-field.decorator';
import { AddressInput, NewCustomerInput } from '../customer/customer.inputs';
import { Decision, ReviewOutcome } from './order.types';

@InputType()
export class OrderItemInput {
  @Field({ description: 'hosting, domain-registration, ...' })
  product!: string;

  @Field(() => String, { nullable: true, description: 'For a domain registration: the TLD, e.g. nl' })
  tld?: string | null;

  @Field(() => Int)
  amountCents!: number;
}

@InputType()
export class ScoreOrderInput {
  @Field({ description: 'A retried call with the same key returns the first answer.' })
  idempotencyKey!: string;

  @Field(() => String, {
    nullable: true,
    description: 'An existing customer; or give customer for a first order.',
  })
  customerId?: string | null;

  @Field(() => NewCustomerInput, { nullable: true })
  customer?: NewCustomerInput | null;

  @Field()
  ipAddress!: string;

  @Field(() => AddressInput)
  billingAddress!: AddressInput;

  @Field(() => String, { nullable: true })
  vatNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'When paying by direct debit' })
  iban?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [OrderItemInput])
  items!: OrderItemInput[];

  @Field({ description: 'ISO 4217, e.g. EUR' })
  currency!: string;
}

@InputType()
export class OrderFilterInput {
  @Field(() => Decision, { nullable: true })
  decision?: Decision | null;

  // Which orders drew a reason (IP_COUNTRY_MISMATCH, say) tells where their customers are, as the
  // reasons themselves do.
  @PersonalInputField('orderVatEvidence', () => String, { nullable: true })
  reasonCode?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;

  @Field(() => String, { nullable: true })
  customerId?: string | null;

  @Field({ nullable: true, description: 'Only orders not reviewed yet' })
  unreviewed?: boolean;
}

export { ReviewOutcome };
