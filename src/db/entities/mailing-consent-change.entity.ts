/** History of the mailing opt-out: every change, who made it and through which channel. */
import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { CustomerEntity } from './customer.entity';

@Entity({ tableName: 'mailing_consent_change' })
export class MailingConsentChangeEntity {
  [OptionalProps]?: 'id' | 'changedAt' | 'actorId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id' })
  customer!: CustomerEntity;

  @Property({ type: 'boolean' })
  optedOut!: boolean;

  @Property({ type: 'timestamptz' })
  changedAt: Date = new Date();

  /** The actor who recorded the change; null when the customer did it themselves. */
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'text' })
  source!: string;
}
