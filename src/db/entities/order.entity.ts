/**
 * How a scored order is stored (table `customer_order`: `order` is an SQL keyword). Personal values
 * are ciphertext (see src/crypto/field-cipher.ts); the countries VAT reports group by are in clear.
 */
import { BigIntType, Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { ActorEntity } from './actor.entity';
import { CustomerEntity } from './customer.entity';

export const Decision = { Accept: 'ACCEPT', Review: 'REVIEW', Reject: 'REJECT' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

export const ReviewOutcome = { Approved: 'APPROVED', Rejected: 'REJECTED' } as const;
export type ReviewOutcome = (typeof ReviewOutcome)[keyof typeof ReviewOutcome];

export interface StoredReason {
  code: string;
  message: string;
  weight: number;
  evidence: Record<string, string | number | boolean | null>;
}

export interface OrderItem {
  product: string;
  tld: string | null;
  amountCents: number;
}

@Entity({ tableName: 'customer_order' })
export class OrderEntity {
  [OptionalProps]?: 'reviewOutcome' | 'reviewNoteEnc' | 'reviewedBy' | 'reviewedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => ActorEntity, { fieldName: 'actor_id' })
  actor!: ActorEntity;

  @Property({ type: 'text' })
  idempotencyKey!: string;

  /** SHA-256 of the request, so a retry with the same key but other content is refused. */
  @Property({ type: 'text' })
  requestHash!: string;

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id' })
  customer!: CustomerEntity;

  @Property({ type: 'boolean' })
  firstOrder!: boolean;

  @Property({ type: 'text', nullable: true })
  ipAddressEnc!: string | null;

  @Property({ type: 'text', nullable: true })
  ipBidx!: string | null;

  @Property({ type: 'text', nullable: true })
  ipNetworkBidx!: string | null;

  @Property({ type: 'text', nullable: true })
  ipCountry!: string | null;

  /** What GeoIP said at scoring time (encrypted JSON of IpIntelligence); null once erased. */
  @Property({ type: 'text', nullable: true })
  geoEnc!: string | null;

  @Property({ type: 'text', nullable: true })
  billingAddressEnc!: string | null;

  @Property({ type: 'text' })
  billingCountry!: string;

  @Property({ type: 'text', nullable: true })
  vatNumberEnc!: string | null;

  @Property({ type: 'text', nullable: true })
  emailBidx!: string | null;

  /**
   * The email address as a mailbox (src/validation/email.ts, emailMailbox), for VELOCITY_EMAIL; null
   * without an email, and for orders scored before migration 11.
   */
  @Property({ type: 'text', nullable: true })
  emailMailboxBidx!: string | null;

  @Property({ type: 'text', nullable: true })
  emailEnc!: string | null;

  @Property({ type: 'text', nullable: true })
  phoneEnc!: string | null;

  @Property({ type: 'text', nullable: true })
  phoneCountry!: string | null;

  @Property({ type: 'text', nullable: true })
  ibanEnc!: string | null;

  @Property({ type: 'text', nullable: true })
  ibanBidx!: string | null;

  @Property({ type: 'text', nullable: true })
  ibanCountry!: string | null;

  @Property({ type: 'json' })
  items!: OrderItem[];

  @Property({ type: new BigIntType('number') })
  amountCents!: number;

  @Property({ type: 'text' })
  currency!: string;

  @Property({ type: 'float', columnType: 'real' })
  riskScore!: number;

  @Enum({ items: () => Object.values(Decision), type: 'text' })
  decision!: Decision;

  @Property({ type: 'json' })
  reasons!: StoredReason[];

  @Property({ type: 'text[]', columnType: 'text[]' })
  reasonCodes!: string[];

  @Property({ type: 'text' })
  rulesVersion!: string;

  @Property({ type: 'text' })
  customerType!: string;

  /** The full VAT determination as returned to the order system. */
  @Property({ type: 'json' })
  vat!: Record<string, unknown>;

  @Property({ type: 'text', nullable: true })
  vatCountry!: string | null;

  @Property({ type: 'boolean' })
  vatConflict!: boolean;

  @Property({ type: 'boolean' })
  reverseCharge!: boolean;

  @Property({ type: 'text' })
  vatVerified!: string;

  @Enum({ items: () => Object.values(ReviewOutcome), type: 'text', nullable: true })
  reviewOutcome: ReviewOutcome | null = null;

  /**
   * The reviewer's note: personal data of the customer (category order_review), so encrypted like the
   * order's other values; erased at erasure and archiving. Notes written before migration 15 were moved
   * here from the plain column `review_note` (src/db/legacy-plaintext.ts).
   */
  @Property({ type: 'text', nullable: true })
  reviewNoteEnc: string | null = null;

  @ManyToOne(() => ActorEntity, { fieldName: 'reviewed_by', nullable: true })
  reviewedBy: ActorEntity | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null = null;
}

@Entity({ tableName: 'order_rescore' })
export class OrderRescoreEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => OrderEntity, { fieldName: 'order_id' })
  order!: OrderEntity;

  @Property({ type: 'timestamptz' })
  rescoredAt!: Date;

  @Property({ type: 'text' })
  rulesVersion!: string;

  @Property({ type: 'float', columnType: 'real' })
  riskScore!: number;

  @Property({ type: 'text' })
  decision!: string;

  @Property({ type: 'json' })
  reasons!: StoredReason[];
}
