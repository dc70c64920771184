/**
 * Who makes requests: employees (by role), third parties (a registry, a payment provider) and services
 * (the order system). Every audit event names one of these.
 */
import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export const ActorKind = { Employee: 'employee', ThirdParty: 'third_party', Service: 'service' } as const;
export type ActorKind = (typeof ActorKind)[keyof typeof ActorKind];

@Entity({ tableName: 'actor' })
export class ActorEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Enum({ items: () => Object.values(ActorKind), type: 'text' })
  kind!: ActorKind;

  @Property({ type: 'text' })
  role!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
