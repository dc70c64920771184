/** The readable view of a stored order: personal values decrypted only when something reads them. */
import type { IpIntelligence } from '../../geo/ip-intelligence';
import type { FieldCipher } from '../crypto/field-cipher';
import type { OrderEntity } from '../db/entities/order.entity';
import type { OrderPersonalField } from '../personal-data/data-categories';
import type { ScoreOrderAddress } from './score-order-input';

export function orderAad(orderId: string, field: OrderPersonalField): string {
  return `order:${orderId}:${field}`;
}

export class OrderView {
  constructor(
    readonly entity: OrderEntity,
    private readonly cipher: FieldCipher,
  ) {}

  get id(): string {
    return this.entity.id;
  }
  /** Whose personal data this is (read by the audit layer): the customer's. */
  get dataSubjectId(): string {
    return this.entity.customer.id;
  }
  get customerId(): string {
    return this.entity.customer.id;
  }
  get createdAt(): Date {
    return this.entity.createdAt;
  }
  get idempotencyKey(): string {
    return this.entity.idempotencyKey;
  }
  get decision() {
    return this.entity.decision;
  }
  get riskScore(): number {
    return this.entity.riskScore;
  }
  get reasons() {
    return this.entity.reasons;
  }
  get rulesVersion(): string {
    return this.entity.rulesVersion;
  }
  get amountCents(): number {
    return this.entity.amountCents;
  }
  get currency(): string {
    return this.entity.currency;
  }
  get items() {
    return this.entity.items;
  }
  get billingCountry(): string {
    return this.entity.billingCountry;
  }
  get ipCountry(): string | null {
    return this.entity.ipCountry;
  }
  get vatCountry(): string | null {
    return this.entity.vatCountry;
  }
  get vatConflict(): boolean {
    return this.entity.vatConflict;
  }
  get reverseCharge(): boolean {
    return this.entity.reverseCharge;
  }
  get customerType(): string {
    return this.entity.customerType;
  }
  get vatVerified(): string {
    return this.entity.vatVerified;
  }
  get vat() {
    return this.entity.vat;
  }
  get reviewOutcome() {
    return this.entity.reviewOutcome;
  }
  /** Null without a note, and once erased. */
  get reviewNote(): string | null {
    return this.optional(this.entity.reviewNoteEnc, 'orderReviewNote');
  }
  get reviewedAt(): Date | null {
    return this.entity.reviewedAt;
  }
  /** Null once erased (kept only as VAT evidence of One Stop Shop supplies). */
  get ipAddress(): string | null {
    return this.optional(this.entity.ipAddressEnc, 'orderIpAddress');
  }
  get geoIp(): IpIntelligence | null {
    const text = this.entity.geoEnc;
    return text === null
      ? null
      : this.cipher.decryptJson<IpIntelligence>(text, orderAad(this.id, 'orderGeoIp'));
  }
  get billingAddress(): ScoreOrderAddress | null {
    const text = this.entity.billingAddressEnc;
    return text === null
      ? null
      : this.cipher.decryptJson<ScoreOrderAddress>(text, orderAad(this.id, 'orderBillingAddress'));
  }
  get vatNumber(): string | null {
    return this.optional(this.entity.vatNumberEnc, 'orderVatNumber');
  }
  get email(): string | null {
    return this.optional(this.entity.emailEnc, 'orderEmail');
  }
  get phone(): string | null {
    return this.optional(this.entity.phoneEnc, 'orderPhone');
  }
  get iban(): string | null {
    return this.optional(this.entity.ibanEnc, 'orderIban');
  }

  private optional(stored: string | null, field: OrderPersonalField): string | null {
    return stored === null ? null : this.cipher.decrypt(stored, orderAad(this.id, field));
  }
}
