/** GraphQL types of the audit log: events, checkpoints, proofs, verification, and the privacy officer's summaries. */
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../common/connection.type';

@ObjectType('AuditEvent', {
  description: 'One access to or change of personal data. Never holds the values themselves.',
})
export class AuditEventObject {
  @Field(() => ID, { description: 'The event id.' })
  id!: string;

  @Field(() => Int, { description: 'Position in the log: the leaf index in the Merkle tree.' })
  sequence!: number;

  @Field()
  occurredAt!: Date;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field({ description: 'employee, third_party, service, customer or system' })
  actorKind!: string;

  @Field(() => String, { nullable: true })
  role!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'For a third party: the order or contract it acted under.',
  })
  onBehalfOf!: string | null;

  @Field(() => ID, { nullable: true, description: 'The data subject (customer id).' })
  subjectId!: string | null;

  @Field(() => [String])
  categories!: string[];

  @Field(() => [String])
  fields!: string[];

  @Field({ description: 'read, export, create, update, erase or disclose' })
  action!: string;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String, { nullable: true })
  traceId!: string | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;
}

export const AuditEventConnection = Connection('AuditEvent', AuditEventObject);
export type AuditEventConnection = InstanceType<typeof AuditEventConnection>;

@InputType()
export class AuditEventFilter {
  @Field(() => ID, { nullable: true })
  subjectId?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true })
  actorKind?: string | null;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => String, { nullable: true })
  purpose?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;
}

@ObjectType('AuditCheckpoint', {
  description: 'A signed statement of the log: its size and Merkle root at a time.',
})
export class AuditCheckpointObject {
  @Field(() => Int)
  treeSize!: number;

  @Field({ description: 'SHA-256 Merkle root (RFC 6962), lowercase hex.' })
  rootHash!: string;

  @Field({ description: 'Ed25519 signature over the checkpoint text (see README), lowercase hex.' })
  signature!: string;

  @Field({ description: 'Ed25519 public key, raw 32 bytes as lowercase hex.' })
  publicKey!: string;

  @Field()
  createdAt!: Date;

  @Field({ description: 'The exact text that was signed.' })
  signedText!: string;
}

@ObjectType('InclusionProof')
export class InclusionProofObject {
  @Field(() => ID)
  eventId!: string;

  @Field(() => Int)
  leafIndex!: number;

  @Field(() => Int)
  treeSize!: number;

  @Field()
  leafHash!: string;

  @Field()
  rootHash!: string;

  @Field(() => [String])
  proof!: string[];
}

@ObjectType('ConsistencyProof')
export class ConsistencyProofObject {
  @Field(() => Int)
  fromSize!: number;

  @Field(() => Int)
  toSize!: number;

  @Field()
  fromRoot!: string;

  @Field()
  toRoot!: string;

  @Field(() => [String])
  proof!: string[];
}

@ObjectType('AuditVerification')
export class AuditVerificationObject {
  @Field()
  ok!: boolean;

  @Field(() => Int)
  treeSize!: number;

  @Field(() => Int)
  checkedEvents!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The first event that does not match, when one does not.',
  })
  firstBadSequence!: number | null;

  @Field()
  message!: string;
}

@InputType({ description: 'A checkpoint held outside the database (for example from the witness file).' })
export class CheckpointInput {
  @Field(() => Int)
  treeSize!: number;

  @Field()
  rootHash!: string;

  @Field(() => Date, { nullable: true })
  createdAt?: Date | null;

  @Field(() => String, { nullable: true })
  signature?: string | null;
}

@ObjectType('AccessSummary', { description: 'How often one actor read a person’s data for one purpose.' })
export class AccessSummaryObject {
  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  actorName!: string | null;

  @Field()
  actorKind!: string;

  @Field(() => String, { nullable: true })
  role!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => Int)
  reads!: number;

  @Field(() => [String])
  categories!: string[];

  @Field()
  firstAt!: Date;

  @Field()
  lastAt!: Date;
}

@ObjectType('UnusualAccess', { description: 'An actor-day with far more people read than usual.' })
export class UnusualAccessObject {
  @Field(() => ID)
  actorId!: string;

  @Field(() => String, { nullable: true })
  actorName!: string | null;

  @Field(() => String, { nullable: true })
  role!: string | null;

  @Field({ description: 'UTC day, YYYY-MM-DD' })
  day!: string;

  @Field(() => Int)
  distinctSubjects!: number;

  @Field(() => Float, { nullable: true })
  ownBaseline!: number | null;

  @Field(() => Float, { nullable: true })
  roleBaseline!: number | null;

  @Field(() => Float)
  ratio!: number;

  @Field()
  reason!: string;
}
