/**
 * The Customer as the API shows it. Every field that carries personal data is a `@PersonalField`, so
 * role, purpose and (later) audit rules apply to it. The password has no field at all.
 */
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CustomerStatus, CustomerType } from '../../src/db/entities/customer.entity';
import { Connection } from '../common/connection.type';
import { NonPersonalField, PersonalField } from '../common/personal-field.decorator';

export enum CustomerTypeEnum {
  CONSUMER = 'consumer',
  BUSINESS = 'business',
}
export enum CustomerStatusEnum {
  ACTIVE = 'active',
  ENDED = 'ended',
  ARCHIVED = 'archived',
  ERASED = 'erased',
}
registerEnumType(CustomerTypeEnum, { name: 'CustomerType' });
registerEnumType(CustomerStatusEnum, {
  name: 'CustomerStatus',
  description: 'Where the customer is in its life cycle.',
});

// Keep the GraphQL enums and the stored values in step (a compile error otherwise).
const _typeCheck: Record<CustomerType, CustomerTypeEnum> = {
  consumer: CustomerTypeEnum.CONSUMER,
  business: CustomerTypeEnum.BUSINESS,
};
const _statusCheck: Record<CustomerStatus, CustomerStatusEnum> = {
  active: CustomerStatusEnum.ACTIVE,
  ended: CustomerStatusEnum.ENDED,
  archived: CustomerStatusEnum.ARCHIVED,
  erased: CustomerStatusEnum.ERASED,
};
void _typeCheck;
void _statusCheck;

@ObjectType('Address')
export class AddressType {
  @Field()
  street!: string;

  @Field()
  postalCode!: string;

  @Field()
  city!: string;

  @Field({ description: 'ISO 3166-1 alpha-2' })
  country!: string;
}

@ObjectType('Customer')
export class CustomerObject {
  @NonPersonalField(() => ID)
  id!: string;

  @NonPersonalField(() => CustomerTypeEnum)
  customerType!: CustomerTypeEnum;

  @NonPersonalField(() => CustomerStatusEnum)
  status!: CustomerStatusEnum;

  @NonPersonalField()
  createdAt!: Date;

  @PersonalField('companyName', () => String, { nullable: true })
  companyName!: string | null;

  @PersonalField('kvkNumber', () => String, { nullable: true })
  kvkNumber!: string | null;

  @PersonalField('vatNumber', () => String, { nullable: true })
  vatNumber!: string | null;

  @PersonalField('name', () => String, {
    nullable: true,
    description: 'Personal data (name). Null only once erased.',
  })
  name!: string | null;

  @PersonalField('address', () => AddressType, {
    nullable: true,
    description: 'Personal data (address). Null only once erased.',
  })
  address!: AddressType | null;

  @PersonalField('country', () => String, { description: 'Billing country, ISO 3166-1 alpha-2.' })
  country!: string;

  @PersonalField('phone', () => String, { nullable: true })
  phone!: string | null;

  @PersonalField('email', () => String, {
    nullable: true,
    description: 'Personal data (email). Null only once erased.',
  })
  email!: string | null;

  @PersonalField('ipAddresses', () => [String])
  ipAddresses!: string[];

  @PersonalField('bankName', () => String, { nullable: true })
  bankName!: string | null;

  @PersonalField('iban', () => String, { nullable: true })
  iban!: string | null;

  @PersonalField('idCardNumber', () => String, { nullable: true })
  idCardNumber!: string | null;

  @PersonalField('licencePlate', () => String, { nullable: true })
  licencePlate!: string | null;

  @PersonalField('username', () => String, { nullable: true })
  username!: string | null;

  @PersonalField('mailingOptOut', () => Boolean)
  mailingOptOut!: boolean;

  @PersonalField('subscriptionStart', () => Date)
  subscriptionStart!: Date;

  @PersonalField('subscriptionEnd', () => Date, { nullable: true })
  subscriptionEnd!: Date | null;
}

export const CustomerConnection = Connection('Customer', CustomerObject);
export type CustomerConnection = InstanceType<typeof CustomerConnection>;
