/**
 * The readable view of a stored customer. Each personal value is decrypted only when something reads
 * it, so a query that asks for two fields pays for two decryptions, and the audit layer can record
 * exactly the fields that were released.
 */
import type { FieldCipher } from '../crypto/field-cipher';
import type { CustomerEntity } from '../db/entities/customer.entity';
import type { CustomerPersonalField } from '../personal-data/data-categories';

export interface Address {
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

/** Associated data for a customer's field: a ciphertext only decrypts in its own row and field. */
export function customerAad(customerId: string, field: CustomerPersonalField): string {
  return `customer:${customerId}:${field}`;
}

export class CustomerView {
  constructor(
    readonly entity: CustomerEntity,
    private readonly cipher: FieldCipher,
  ) {}

  get id(): string {
    return this.entity.id;
  }
  /** Whose personal data this is (read by the audit layer). */
  get dataSubjectId(): string {
    return this.entity.id;
  }
  get customerType() {
    return this.entity.customerType;
  }
  get status() {
    return this.entity.status;
  }
  get createdAt(): Date {
    return this.entity.createdAt;
  }
  get updatedAt(): Date {
    return this.entity.updatedAt;
  }
  get country(): string {
    return this.entity.country;
  }
  get mailingOptOut(): boolean {
    return this.entity.mailingOptOut;
  }
  get subscriptionStart(): Date {
    return this.entity.subscriptionStart;
  }
  get subscriptionEnd(): Date | null {
    return this.entity.subscriptionEnd;
  }
  get companyName(): string | null {
    return this.text('companyName', this.entity.companyNameEnc);
  }
  get kvkNumber(): string | null {
    return this.text('kvkNumber', this.entity.kvkNumberEnc);
  }
  get vatNumber(): string | null {
    return this.text('vatNumber', this.entity.vatNumberEnc);
  }
  /** Null only once erased. */
  get name(): string | null {
    return this.text('name', this.entity.nameEnc);
  }
  get address(): Address | null {
    const text = this.text('address', this.entity.addressEnc);
    return text === null ? null : (JSON.parse(text) as Address);
  }
  get phone(): string | null {
    return this.text('phone', this.entity.phoneEnc);
  }
  get email(): string | null {
    return this.text('email', this.entity.emailEnc);
  }
  get ipAddresses(): string[] {
    return JSON.parse(this.text('ipAddresses', this.entity.ipAddressesEnc) ?? '[]') as string[];
  }
  get bankName(): string | null {
    return this.text('bankName', this.entity.bankNameEnc);
  }
  get iban(): string | null {
    return this.text('iban', this.entity.ibanEnc);
  }
  get idCardNumber(): string | null {
    return this.text('idCardNumber', this.entity.idCardNumberEnc);
  }
  get licencePlate(): string | null {
    return this.text('licencePlate', this.entity.licencePlateEnc);
  }
  get username(): string | null {
    return this.text('username', this.entity.usernameEnc);
  }

  private text(field: CustomerPersonalField, stored: string | null): string | null {
    return stored === null ? null : this.cipher.decrypt(stored, customerAad(this.entity.id, field));
  }
}

/** Which entity column holds each encrypted field; key rotation walks this list. */
export const ENCRYPTED_COLUMNS = {
  companyName: 'companyNameEnc',
  kvkNumber: 'kvkNumberEnc',
  vatNumber: 'vatNumberEnc',
  name: 'nameEnc',
  address: 'addressEnc',
  phone: 'phoneEnc',
  email: 'emailEnc',
  ipAddresses: 'ipAddressesEnc',
  bankName: 'bankNameEnc',
  iban: 'ibanEnc',
  idCardNumber: 'idCardNumberEnc',
  licencePlate: 'licencePlateEnc',
  username: 'usernameEnc',
} as const satisfies Partial<Record<CustomerPersonalField, keyof CustomerEntity>>;
