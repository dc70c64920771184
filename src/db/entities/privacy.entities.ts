/**
 * The privacy officer's registers as stored: data-subject requests, recipients told of changes, third
 * parties and disclosures, complaints, policy versions and notifications, retention actions.
 */
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { ActorEntity } from './actor.entity';
import { CustomerEntity } from './customer.entity';

export const RequestKind = {
  Access: 'access',
  Rectification: 'rectification',
  Erasure: 'erasure',
  Restriction: 'restriction',
  Objection: 'objection',
  Portability: 'portability',
  MailingOptOut: 'mailing_opt_out',
} as const;
export type RequestKind = (typeof RequestKind)[keyof typeof RequestKind];

export const RequestChannel = {
  Email: 'email',
  CustomerPanel: 'customer_panel',
  Letter: 'letter',
  Phone: 'phone',
} as const;
export type RequestChannel = (typeof RequestChannel)[keyof typeof RequestChannel];

export const IdentityCheck = { Pending: 'pending', Verified: 'verified', Failed: 'failed' } as const;
export type IdentityCheck = (typeof IdentityCheck)[keyof typeof IdentityCheck];

export const RequestStatus = { Open: 'open', Completed: 'completed', Rejected: 'rejected' } as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

@Entity({ tableName: 'privacy_request' })
export class PrivacyRequestEntity {
  [OptionalProps]?:
    | 'identityCheck'
    | 'status'
    | 'extendedUntil'
    | 'extensionReasonEnc'
    | 'handler'
    | 'outcomeEnc'
    | 'closedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id' })
  customer!: CustomerEntity;

  @Enum({ items: () => Object.values(RequestKind), type: 'text' })
  kind!: RequestKind;

  @Enum({ items: () => Object.values(RequestChannel), type: 'text' })
  channel!: RequestChannel;

  @Enum({ items: () => Object.values(IdentityCheck), type: 'text' })
  identityCheck: IdentityCheck = IdentityCheck.Pending;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  extendedUntil: Date | null = null;

  /** The reason the person was told for the extension (free text about them, so encrypted). */
  @Property({ type: 'text', nullable: true })
  extensionReasonEnc: string | null = null;

  @Enum({ items: () => Object.values(RequestStatus), type: 'text' })
  status: RequestStatus = RequestStatus.Open;

  @ManyToOne(() => ActorEntity, { fieldName: 'handler_id', nullable: true })
  handler: ActorEntity | null = null;

  /** What was done, or why the request was refused, as told to the person (encrypted). */
  @Property({ type: 'text', nullable: true })
  outcomeEnc: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

export const ThirdPartyKind = {
  DomainRegistry: 'domain_registry',
  Registrar: 'registrar',
  PaymentProvider: 'payment_provider',
  Other: 'other',
} as const;
export type ThirdPartyKind = (typeof ThirdPartyKind)[keyof typeof ThirdPartyKind];

@Entity({ tableName: 'third_party' })
export class ThirdPartyEntity {
  [OptionalProps]?: 'actor' | 'onBehalfOfRequired';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', unique: true })
  name!: string;

  @Enum({ items: () => Object.values(ThirdPartyKind), type: 'text' })
  kind!: ThirdPartyKind;

  /** The actor this third party reads through the API as, when it has one. */
  @ManyToOne(() => ActorEntity, { fieldName: 'actor_id', nullable: true })
  actor: ActorEntity | null = null;

  /** Data categories it receives. */
  @Property({ type: 'text[]', columnType: 'text[]' })
  receives!: string[];

  /** Of those, the categories that become public through it (e.g. a WHOIS). */
  @Property({ type: 'text[]', columnType: 'text[]' })
  madePublic!: string[];

  @Property({ type: 'text' })
  disclosurePolicy!: string;

  /** Its reads must name the order or contract they are for (X-On-Behalf-Of). */
  @Property({ type: 'boolean' })
  onBehalfOfRequired: boolean = false;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

export const ThirdPartyChangeKind = {
  Registered: 'registered',
  ActorLinked: 'actor_linked',
  ActorUnlinked: 'actor_unlinked',
  OnBehalfOfRequired: 'on_behalf_of_required',
  OnBehalfOfNotRequired: 'on_behalf_of_not_required',
  /** The entry existed before changes were kept (migration 9): its settings as they stood then. */
  HistoryStarted: 'history_started',
} as const;
export type ThirdPartyChangeKind = (typeof ThirdPartyChangeKind)[keyof typeof ThirdPartyChangeKind];

/** One change of what a third party may read, with its settings after the change. Insert-only. */
@Entity({ tableName: 'third_party_change' })
export class ThirdPartyChangeEntity {
  [OptionalProps]?: 'changedBy' | 'actor';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => ThirdPartyEntity, { fieldName: 'third_party_id' })
  thirdParty!: ThirdPartyEntity;

  @Property({ type: 'timestamptz' })
  changedAt!: Date;

  @Enum({ items: () => Object.values(ThirdPartyChangeKind), type: 'text' })
  change!: ThirdPartyChangeKind;

  /** Who made the change; null: the platform itself or the command line. */
  @ManyToOne(() => ActorEntity, { fieldName: 'changed_by', nullable: true })
  changedBy: ActorEntity | null = null;

  /** The actor the third party reads the API as, after the change. */
  @ManyToOne(() => ActorEntity, { fieldName: 'actor_id', nullable: true })
  actor: ActorEntity | null = null;

  @Property({ type: 'boolean' })
  onBehalfOfRequired!: boolean;
}

@Entity({ tableName: 'disclosure' })
export class DisclosureEntity {
  [OptionalProps]?: 'reference' | 'actor' | 'validUntil';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id' })
  customer!: CustomerEntity;

  @ManyToOne(() => ThirdPartyEntity, { fieldName: 'third_party_id' })
  thirdParty!: ThirdPartyEntity;

  @Property({ type: 'timestamptz' })
  disclosedAt!: Date;

  @Property({ type: 'text[]', columnType: 'text[]' })
  categories!: string[];

  @Property({ type: 'text[]', columnType: 'text[]' })
  madePublic!: string[];

  @Property({ type: 'text' })
  purpose!: string;

  @Property({ type: 'text', nullable: true })
  reference: string | null = null;

  @ManyToOne(() => ActorEntity, { fieldName: 'actor_id', nullable: true })
  actor: ActorEntity | null = null;

  /** Until when the third party may read these categories through the API; null: no end was given. */
  @Property({ type: 'timestamptz', nullable: true })
  validUntil: Date | null = null;
}

/**
 * A disclosure's end recorded after the disclosure (see Migration20261203000007_disclosure_end). An end
 * may be brought forward by a later, earlier end (Migration20261208000013_disclosure_end_history): each
 * is a row of its own, and the earliest counts.
 */
@Entity({ tableName: 'disclosure_end' })
export class DisclosureEndEntity {
  [OptionalProps]?: 'actor';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  disclosureId!: string;

  /** From this moment the third party no longer reads what the disclosure covers. */
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Property({ type: 'text' })
  reason!: string;

  @ManyToOne(() => ActorEntity, { fieldName: 'actor_id', nullable: true })
  actor: ActorEntity | null = null;

  @Property({ type: 'timestamptz' })
  recordedAt!: Date;
}

@Entity({ tableName: 'recipient_notification' })
export class RecipientNotificationEntity {
  [OptionalProps]?: 'request' | 'retentionAction';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** The request whose outcome was passed on; null for a retention action's notice (exactly one is set). */
  @ManyToOne(() => PrivacyRequestEntity, { fieldName: 'request_id', nullable: true })
  request!: PrivacyRequestEntity | null;

  /** The retention step whose deletion was passed on; null for a request's notice. */
  @ManyToOne(() => RetentionActionEntity, { fieldName: 'retention_action_id', nullable: true })
  retentionAction!: RetentionActionEntity | null;

  @ManyToOne(() => ThirdPartyEntity, { fieldName: 'third_party_id' })
  thirdParty!: ThirdPartyEntity;

  @Property({ type: 'timestamptz' })
  notifiedAt!: Date;

  @Property({ type: 'text' })
  what!: string;
}

export const ComplaintSource = { Customer: 'customer', Regulator: 'regulator' } as const;
export type ComplaintSource = (typeof ComplaintSource)[keyof typeof ComplaintSource];

export const ComplaintStatus = {
  Open: 'open',
  Investigating: 'investigating',
  Resolved: 'resolved',
  Rejected: 'rejected',
} as const;
export type ComplaintStatus = (typeof ComplaintStatus)[keyof typeof ComplaintStatus];

@Entity({ tableName: 'complaint' })
export class ComplaintEntity {
  [OptionalProps]?:
    | 'status'
    | 'escalated'
    | 'resolutionEnc'
    | 'requestIds'
    | 'eventIds'
    | 'handler'
    | 'closedAt'
    | 'regulatorReference';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id', nullable: true })
  customer!: CustomerEntity | null;

  @Enum({ items: () => Object.values(ComplaintSource), type: 'text' })
  source!: ComplaintSource;

  @Property({ type: 'text', nullable: true })
  regulatorReference: string | null = null;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  @Enum({ items: () => Object.values(ComplaintStatus), type: 'text' })
  status: ComplaintStatus = ComplaintStatus.Open;

  @Property({ type: 'boolean' })
  escalated = false;

  /** What the complaint says (may hold personal data, so encrypted). */
  @Property({ type: 'text' })
  summaryEnc!: string;

  /** The answer the complainant or the regulator gets (may hold personal data, so encrypted). */
  @Property({ type: 'text', nullable: true })
  resolutionEnc: string | null = null;

  @Property({ type: 'uuid[]', columnType: 'uuid[]' })
  requestIds: string[] = [];

  @Property({ type: 'uuid[]', columnType: 'uuid[]' })
  eventIds: string[] = [];

  @ManyToOne(() => ActorEntity, { fieldName: 'handler_id', nullable: true })
  handler: ActorEntity | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

export const PolicyChangeKind = { Major: 'major', Minor: 'minor' } as const;
export type PolicyChangeKind = (typeof PolicyChangeKind)[keyof typeof PolicyChangeKind];

@Entity({ tableName: 'policy_version' })
export class PolicyVersionEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', unique: true })
  version!: string;

  @Enum({ items: () => Object.values(PolicyChangeKind), type: 'text' })
  kind!: PolicyChangeKind;

  @Property({ type: 'timestamptz' })
  announcedAt!: Date;

  @Property({ type: 'timestamptz' })
  effectiveAt!: Date;

  @Property({ type: 'text' })
  summary!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ tableName: 'policy_notification' })
export class PolicyNotificationEntity {
  @ManyToOne(() => PolicyVersionEntity, { fieldName: 'policy_version_id', primary: true })
  policyVersion!: PolicyVersionEntity;

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id', primary: true })
  customer!: CustomerEntity;

  @Property({ type: 'timestamptz' })
  notifiedAt!: Date;

  @Property({ type: 'text' })
  channel!: string;
}

export const RetentionActionKind = {
  DropBankDetails: 'drop_bank_details',
  Archive: 'archive',
  Purge: 'purge',
} as const;
export type RetentionActionKind = (typeof RetentionActionKind)[keyof typeof RetentionActionKind];

@Entity({ tableName: 'retention_action' })
export class RetentionActionEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { fieldName: 'customer_id' })
  customer!: CustomerEntity;

  @Enum({ items: () => Object.values(RetentionActionKind), type: 'text' })
  action!: RetentionActionKind;

  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  @Property({ type: 'timestamptz' })
  doneAt!: Date;
}
