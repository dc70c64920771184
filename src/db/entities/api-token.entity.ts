/** An actor's API token. Only the SHA-256 of the token is kept; the token itself is shown once. */
import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { ActorEntity } from './actor.entity';

@Entity({ tableName: 'api_token' })
export class ApiTokenEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ActorEntity, { fieldName: 'actor_id' })
  actor!: ActorEntity;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** The first characters of the token, so a person can tell tokens apart without seeing them. */
  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
