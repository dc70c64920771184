/**
 * How a customer is stored. Personal values are only ever here as ciphertext (`*Enc`, see
 * src/crypto/field-cipher.ts) with keyed blind indexes (`*Bidx`) for the exact-match look-ups; the
 * decrypted view is `CustomerRecord` in src/customers. The billing country stays in clear because VAT
 * reports group by it and a country alone does not identify anyone.
 */
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const CustomerType = { Consumer: 'consumer', Business: 'business' } as const;
export type CustomerType = (typeof CustomerType)[keyof typeof CustomerType];

export const CustomerStatus = {
  Active: 'active',
  Ended: 'ended',
  Archived: 'archived',
  Erased: 'erased',
} as const;
export type CustomerStatus = (typeof CustomerStatus)[keyof typeof CustomerStatus];

@Entity({ tableName: 'customer' })
@Index({ properties: ['createdAt', 'id'] })
export class CustomerEntity {
  /** Assigned by the application: it is part of every ciphertext's associated data. */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Enum({ items: () => Object.values(CustomerType), type: 'text' })
  customerType!: CustomerType;

  @Enum({ items: () => Object.values(CustomerStatus), type: 'text' })
  status: CustomerStatus = CustomerStatus.Active;

  @Property({ type: 'text' })
  country!: string;

  @Property({ type: 'text', nullable: true })
  companyNameEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  kvkNumberEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  vatNumberEnc: string | null = null;

  @Property({ type: 'text', nullable: true, index: true })
  vatNumberBidx: string | null = null;

  @Property({ type: 'text', nullable: true })
  nameEnc: string | null = null;

  /** The name as identity reuse compares it (src/customers/name-index.ts); not a search key. */
  @Property({ type: 'text', nullable: true })
  nameBidx: string | null = null;

  @Property({ type: 'text', nullable: true })
  addressEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  phoneEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  emailEnc: string | null = null;

  @Property({ type: 'text', nullable: true, index: true })
  emailBidx: string | null = null;

  @Property({ type: 'text', nullable: true })
  ipAddressesEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  bankNameEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  ibanEnc: string | null = null;

  @Property({ type: 'text', nullable: true, index: true })
  ibanBidx: string | null = null;

  @Property({ type: 'text', nullable: true })
  idCardNumberEnc: string | null = null;

  @Property({ type: 'text', nullable: true, index: true })
  idCardNumberBidx: string | null = null;

  @Property({ type: 'text', nullable: true })
  licencePlateEnc: string | null = null;

  @Property({ type: 'text', nullable: true })
  usernameEnc: string | null = null;

  @Property({ type: 'text', nullable: true, unique: true })
  usernameBidx: string | null = null;

  /** scrypt hash (src/crypto/password-hash.ts); never decrypted, never returned. */
  @Property({ type: 'text', nullable: true, hidden: true })
  passwordHash: string | null = null;

  @Property({ type: 'boolean' })
  mailingOptOut = false;

  @Property({ type: 'timestamptz' })
  subscriptionStart!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  subscriptionEnd: Date | null = null;

  /** GDPR art. 18: while set, only the privacy officer may read this customer's data. */
  @Property({ type: 'boolean' })
  restricted = false;

  @Property({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  erasedAt: Date | null = null;
}
