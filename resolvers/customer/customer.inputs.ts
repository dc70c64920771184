/** Inputs for the customer operations. Validation of the values lives in src/validation, not here. */
import { Field, InputType } from 'type-graphql';
import { PersonalInputField } from '../common/personal-field.decorator';
import { CustomerStatusEnum, CustomerTypeEnum } from './customer.type';

@InputType()
export class AddressInput {
  @Field()
  street!: string;

  @Field()
  postalCode!: string;

  @Field()
  city!: string;

  @Field({ description: 'ISO 3166-1 alpha-2, e.g. NL' })
  country!: string;
}

@InputType()
export class NewCustomerInput {
  @Field(() => String, { nullable: true })
  companyName?: string | null;

  @Field(() => String, { nullable: true, description: 'Chamber of Commerce number: 8 digits' })
  kvkNumber?: string | null;

  @Field(() => String, { nullable: true })
  vatNumber?: string | null;

  @Field()
  name!: string;

  @Field()
  email!: string;

  @Field(() => String, {
    nullable: true,
    description: 'International format preferred, e.g. +31 20 123 4567',
  })
  phone?: string | null;

  @Field(() => AddressInput)
  address!: AddressInput;

  @Field(() => String, { nullable: true })
  bankName?: string | null;

  @Field(() => String, { nullable: true })
  iban?: string | null;

  @Field(() => String, { nullable: true })
  idCardNumber?: string | null;

  @Field(() => String, { nullable: true })
  licencePlate?: string | null;

  @Field(() => String, { nullable: true })
  username?: string | null;

  @Field(() => String, { nullable: true, description: 'At least 12 characters; stored only as a slow hash.' })
  password?: string | null;

  @Field(() => Boolean, { nullable: true })
  mailingOptOut?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'Defaults to now.' })
  subscriptionStart?: Date | null;
}

@InputType()
export class UpdateCustomerInput {
  @Field(() => String, { nullable: true })
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  kvkNumber?: string | null;

  @Field(() => String, { nullable: true })
  vatNumber?: string | null;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => AddressInput, { nullable: true })
  address?: AddressInput;

  @Field(() => String, { nullable: true })
  bankName?: string | null;

  @Field(() => String, { nullable: true })
  iban?: string | null;

  @Field(() => String, { nullable: true })
  idCardNumber?: string | null;

  @Field(() => String, { nullable: true })
  licencePlate?: string | null;

  @Field(() => String, { nullable: true })
  username?: string | null;

  @Field(() => String, { nullable: true })
  password?: string | null;

  @Field(() => Boolean, { nullable: true })
  mailingOptOut?: boolean;
}

@InputType()
export class CustomerFilterInput {
  // Searching by a personal value uses it: the role must be allowed its category and the purpose fit
  // it, and the customers found are recorded as read (PersonalInputField).
  @PersonalInputField('email', () => String, {
    nullable: true,
    description: 'Exact match (through a blind index).',
  })
  email?: string | null;

  @PersonalInputField('iban', () => String, {
    nullable: true,
    description: 'Exact match (through a blind index).',
  })
  iban?: string | null;

  @PersonalInputField('vatNumber', () => String, {
    nullable: true,
    description: 'Exact match (through a blind index).',
  })
  vatNumber?: string | null;

  @PersonalInputField('idCardNumber', () => String, {
    nullable: true,
    description: 'Exact match (through a blind index).',
  })
  idCardNumber?: string | null;

  @PersonalInputField('country', () => String, { nullable: true })
  country?: string | null;

  @Field(() => CustomerTypeEnum, { nullable: true })
  customerType?: CustomerTypeEnum | null;

  @Field(() => CustomerStatusEnum, { nullable: true })
  status?: CustomerStatusEnum | null;
}
