/** GraphQL types of the privacy officer's registers and reports. */
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import {
  ComplaintSource,
  ComplaintStatus,
  IdentityCheck,
  PolicyChangeKind,
  RequestChannel,
  RequestKind,
  RequestStatus,
  ThirdPartyChangeKind,
  ThirdPartyKind,
} from '../../src/db/entities/privacy.entities';
import { Connection } from '../common/connection.type';
import { enumType } from '../common/enum-type';
import { JSONScalar } from '../common/scalars';
import { AuditCheckpointObject } from '../audit/audit.types';

export const RequestKindEnum = enumType(RequestKind, 'PrivacyRequestKind');
export const RequestChannelEnum = enumType(RequestChannel, 'PrivacyRequestChannel');
export const IdentityCheckEnum = enumType(IdentityCheck, 'IdentityCheck');
export const RequestStatusEnum = enumType(RequestStatus, 'PrivacyRequestStatus');
export const ThirdPartyKindEnum = enumType(ThirdPartyKind, 'ThirdPartyKind');
export const ThirdPartyChangeKindEnum = enumType(
  ThirdPartyChangeKind,
  'ThirdPartyChangeKind',
  'What changed in what a third party may read. HISTORY_STARTED: the entry existed before changes were kept; its settings as they stood then.',
);
export const ComplaintSourceEnum = enumType(ComplaintSource, 'ComplaintSource');
export const ComplaintStatusEnum = enumType(ComplaintStatus, 'ComplaintStatus');
export const PolicyChangeKindEnum = enumType(PolicyChangeKind, 'PolicyChangeKind');

@ObjectType('PrivacyRequest', {
  description: 'A data-subject request with its statutory deadline (GDPR art. 12(3)).',
})
export class PrivacyRequestObject {
  @Field(() => ID)
  id!: string;

  @Field(() => RequestKindEnum)
  kind!: RequestKind;

  @Field(() => RequestChannelEnum)
  channel!: RequestChannel;

  @Field(() => ID)
  customerId!: string;

  @Field(() => IdentityCheckEnum)
  identityCheck!: IdentityCheck;

  @Field()
  receivedAt!: Date;

  @Field({ description: 'One month after receipt.' })
  dueAt!: Date;

  @Field(() => Date, { nullable: true, description: 'At most three months after receipt, with a reason.' })
  extendedUntil!: Date | null;

  @Field(() => String, { nullable: true })
  extensionReason!: string | null;

  @Field({ description: 'The deadline that binds now.' })
  deadline!: Date;

  @Field(() => RequestStatusEnum)
  status!: RequestStatus;

  @Field(() => String, { nullable: true })
  outcome!: string | null;

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  handlerId!: string | null;
}

export const PrivacyRequestConnection = Connection('PrivacyRequest', PrivacyRequestObject);
export type PrivacyRequestConnection = InstanceType<typeof PrivacyRequestConnection>;

@InputType()
export class PrivacyRequestFilter {
  @Field(() => RequestStatusEnum, { nullable: true })
  status?: RequestStatus | null;

  @Field(() => RequestKindEnum, { nullable: true })
  kind?: RequestKind | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Open and past the binding deadline' })
  overdue?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  open?: boolean | null;
}

@InputType()
export class NewPrivacyRequestInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => RequestKindEnum)
  kind!: RequestKind;

  @Field(() => RequestChannelEnum)
  channel!: RequestChannel;

  @Field(() => Date, { nullable: true, description: 'When it reached us; defaults to now.' })
  receivedAt?: Date | null;

  @Field(() => IdentityCheckEnum, { nullable: true })
  identityCheck?: IdentityCheck | null;
}

@ObjectType('KeptData', { description: 'Data kept after an erasure, and why (GDPR art. 17(3)).' })
export class KeptDataObject {
  @Field()
  category!: string;

  @Field(() => [String])
  fields!: string[];

  @Field()
  reason!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'When it will be deleted; null: never (the audit log is append-only; its events are not deleted).',
  })
  until!: Date | null;
}

@ObjectType('RecipientNotification', {
  description: 'A recipient told of a correction, erasure or restriction (art. 19).',
})
export class RecipientNotificationObject {
  @Field()
  thirdParty!: string;

  @Field()
  notifiedAt!: Date;

  @Field()
  what!: string;
}

@ObjectType('ErasureResult')
export class ErasureResultObject {
  @Field(() => [String])
  erased!: string[];

  @Field(() => [KeptDataObject])
  kept!: KeptDataObject[];

  @Field(() => [RecipientNotificationObject])
  recipientsNotified!: RecipientNotificationObject[];

  @Field(() => PrivacyRequestObject)
  request!: PrivacyRequestObject;
}

@ObjectType('RequestCarriedOut')
export class RequestCarriedOutObject {
  @Field(() => PrivacyRequestObject)
  request!: PrivacyRequestObject;

  @Field(() => [RecipientNotificationObject])
  recipientsNotified!: RecipientNotificationObject[];
}

@ObjectType('SubjectAccessReport')
export class SubjectAccessReportObject {
  @Field()
  generatedAt!: Date;

  @Field(() => JSONScalar, {
    description: 'Machine-readable; schema in schema/subject-access-report.schema.json.',
  })
  json!: unknown;

  @Field({ description: 'A readable document that can be sent to the person.' })
  html!: string;
}

@ObjectType('InspectionReport')
export class InspectionReportObject {
  @Field(() => ID)
  customerId!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field()
  generatedAt!: Date;

  @Field(() => AuditCheckpointObject)
  checkpoint!: AuditCheckpointObject;

  @Field(() => Int)
  eventCount!: number;

  @Field(() => JSONScalar, {
    description: 'Events with inclusion proofs, requests, complaints and disclosures.',
  })
  json!: unknown;
}

@ObjectType('RetentionActionStatus')
export class RetentionActionStatusObject {
  @Field({ description: 'drop_bank_details, archive or purge' })
  action!: string;

  @Field(() => Int, { description: 'Due now and not done; restricted customers are counted in `held`.' })
  due!: number;

  @Field(() => Int, {
    description:
      'Due, but held because the customer restricted processing (GDPR art. 18); done once the restriction is lifted.',
  })
  held!: number;

  @Field(() => Int)
  overdue!: number;

  @Field(() => Int)
  upcoming!: number;

  @Field(() => Int)
  doneLast30Days!: number;

  @Field(() => Int)
  doneTotal!: number;

  @Field(() => [ID])
  overdueCustomerIds!: string[];

  @Field(() => [ID], { description: 'Up to 50 held customers, longest held first.' })
  heldCustomerIds!: string[];

  @Field(() => Int, {
    description:
      'Notices the steps done owe the recipients of the erased data (GDPR art. 19), one per recipient per customer, not yet recorded as sent (retentionNoticesOwed).',
  })
  noticesOwed!: number;
}

@ObjectType('OwedRecipient', {
  description: 'A third party a retention step owes a notice, with the erased categories it had received.',
})
export class OwedRecipientObject {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field({ description: 'The third party’s name.' })
  thirdParty!: string;

  @Field(() => [String], { description: 'What the step erased of what this recipient had received.' })
  categories!: string[];
}

@ObjectType('RetentionNoticesOwed', {
  description:
    'A step of the retention job whose deletion is not yet passed on to every recipient of the data (GDPR art. 19).',
})
export class RetentionNoticesOwedObject {
  @Field(() => ID)
  retentionActionId!: string;

  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'drop_bank_details, archive or purge' })
  action!: string;

  @Field()
  dueAt!: Date;

  @Field()
  doneAt!: Date;

  @Field(() => [OwedRecipientObject], { description: 'The recipients not yet told, by name.' })
  recipients!: OwedRecipientObject[];
}

export const RetentionNoticesOwedConnection = Connection('RetentionNoticesOwed', RetentionNoticesOwedObject);
export type RetentionNoticesOwedConnection = InstanceType<typeof RetentionNoticesOwedConnection>;

@ObjectType('RetentionReport')
export class RetentionReportObject {
  @Field()
  generatedAt!: Date;

  @Field(() => Int)
  graceDays!: number;

  @Field(() => [RetentionActionStatusObject])
  actions!: RetentionActionStatusObject[];
}

@ObjectType('RetentionRun')
export class RetentionRunObject {
  @Field(() => Int)
  bankDetailsDropped!: number;

  @Field(() => Int)
  archived!: number;

  @Field(() => Int)
  purged!: number;
}

@ObjectType('ThirdParty')
export class ThirdPartyObject {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ThirdPartyKindEnum)
  kind!: ThirdPartyKind;

  @Field(() => ID, {
    nullable: true,
    description: 'The actor it reads the API as; it reads only the customers disclosed to it.',
  })
  actorId!: string | null;

  @Field(() => [String])
  receives!: string[];

  @Field(() => [String], { description: 'What becomes public through it (e.g. in WHOIS).' })
  madePublic!: string[];

  @Field()
  disclosurePolicy!: string;

  @Field({ description: 'Its reads must name the order or contract they are for (X-On-Behalf-Of).' })
  onBehalfOfRequired!: boolean;
}

@ObjectType('ThirdPartyChange', {
  description: 'A change of what a third party may read, with its settings after the change.',
})
export class ThirdPartyChangeObject {
  @Field()
  changedAt!: Date;

  @Field(() => ThirdPartyChangeKindEnum)
  change!: ThirdPartyChangeKind;

  @Field(() => ID, {
    nullable: true,
    description: 'The actor who made the change; null: the platform itself or the command line.',
  })
  changedBy!: string | null;

  @Field(() => ID, { nullable: true, description: 'The actor the third party reads the API as, after it.' })
  actorId!: string | null;

  @Field()
  onBehalfOfRequired!: boolean;
}

@InputType()
export class ThirdPartyInput {
  @Field()
  name!: string;

  @Field(() => ThirdPartyKindEnum)
  kind!: ThirdPartyKind;

  @Field(() => [String])
  receives!: string[];

  @Field(() => [String])
  madePublic!: string[];

  @Field()
  disclosurePolicy!: string;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Its reads must name the order or contract they are for (X-On-Behalf-Of); false when left out.',
  })
  onBehalfOfRequired?: boolean | null;
}

@ObjectType('DisclosureEnd')
export class DisclosureEndObject {
  @Field({ description: 'From this moment the third party no longer reads what the disclosure covers.' })
  endsAt!: Date;

  @Field()
  reason!: string;

  @Field(() => ID, { nullable: true, description: 'Who recorded the end.' })
  actorId!: string | null;

  @Field()
  recordedAt!: Date;
}

@ObjectType('Disclosure')
export class DisclosureObject {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => ThirdPartyObject)
  thirdParty!: ThirdPartyObject;

  @Field()
  disclosedAt!: Date;

  @Field(() => [String])
  categories!: string[];

  @Field(() => [String], { description: 'Of those, what became publicly visible.' })
  madePublic!: string[];

  @Field()
  purpose!: string;

  @Field(() => String, { nullable: true })
  reference!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until when the third party may read these categories through the API; null: no end.',
  })
  validUntil!: Date | null;

  @Field(() => DisclosureEndObject, {
    nullable: true,
    description:
      'The end recorded after the disclosure (endDisclosure) that counts, if any: the earliest, when an end was brought forward.',
  })
  end!: DisclosureEndObject | null;

  @Field(() => [DisclosureEndObject], {
    description:
      'Every end recorded (endDisclosure), oldest recorded first: an end brought forward keeps the one it replaced.',
  })
  ends!: DisclosureEndObject[];

  @Field(() => Date, {
    nullable: true,
    description:
      "When the third party's API access to these categories ends: the earlier of validUntil and end.endsAt; null: no end.",
  })
  accessEndsAt!: Date | null;
}

@InputType()
export class DisclosureInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => [String])
  categories!: string[];

  @Field({
    description:
      'A purpose the platform knows, written as in X-Purpose (order-fulfilment, domain-registration, direct-debit, ...), that covers every category (bank details only for direct-debit and the legal duties).',
  })
  purpose!: string;

  @Field(() => String, { nullable: true, description: 'The order, domain or contract.' })
  reference?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Defaults to now; not in the future, not before 2018-05-25.',
  })
  disclosedAt?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until when the third party may read these categories through the API (after disclosedAt).',
  })
  validUntil?: Date | null;
}

@InputType()
export class DisclosureEndInput {
  @Field(() => ID)
  disclosureId!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'From when the third party may no longer read; now when left out. May lie ahead; before an end already set, it brings that end forward.',
  })
  endsAt?: Date | null;

  @Field({ description: 'Why: the order was carried out, the contract ended, the domain moved, ...' })
  reason!: string;
}

@ObjectType('Complaint')
export class ComplaintObject {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  customerId!: string | null;

  @Field(() => ComplaintSourceEnum)
  source!: ComplaintSource;

  @Field(() => String, { nullable: true })
  regulatorReference!: string | null;

  @Field()
  receivedAt!: Date;

  @Field()
  dueAt!: Date;

  @Field(() => ComplaintStatusEnum)
  status!: ComplaintStatus;

  @Field()
  escalated!: boolean;

  @Field()
  summary!: string;

  @Field(() => String, { nullable: true })
  resolution!: string | null;

  @Field(() => [ID])
  requestIds!: string[];

  @Field(() => [ID])
  eventIds!: string[];

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;
}

export const ComplaintConnection = Connection('Complaint', ComplaintObject);
export type ComplaintConnection = InstanceType<typeof ComplaintConnection>;

@InputType()
export class ComplaintFilter {
  @Field(() => ComplaintStatusEnum, { nullable: true })
  status?: ComplaintStatus | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => Boolean, { nullable: true })
  escalated?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  overdue?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  open?: boolean | null;
}

@InputType()
export class NewComplaintInput {
  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => ComplaintSourceEnum)
  source!: ComplaintSource;

  @Field(() => String, {
    nullable: true,
    description:
      'The Autoriteit Persoonsgegevens case number: required for source REGULATOR, refused for CUSTOMER.',
  })
  regulatorReference?: string | null;

  @Field(() => Date, { nullable: true })
  receivedAt?: Date | null;

  @Field()
  summary!: string;

  @Field(() => [ID], { nullable: true })
  requestIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Audit event ids the complaint is about.' })
  eventIds?: string[] | null;
}

@InputType()
export class ComplaintUpdateInput {
  @Field(() => ComplaintStatusEnum, { nullable: true })
  status?: ComplaintStatus | null;

  @Field(() => String, { nullable: true })
  resolution?: string | null;

  @Field(() => Boolean, { nullable: true })
  escalated?: boolean | null;

  @Field(() => [ID], { nullable: true })
  linkRequestIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  linkEventIds?: string[] | null;
}

@ObjectType('PolicyVersion')
export class PolicyVersionObject {
  @Field(() => ID)
  id!: string;

  @Field()
  version!: string;

  @Field(() => PolicyChangeKindEnum)
  kind!: PolicyChangeKind;

  @Field()
  announcedAt!: Date;

  @Field({ description: 'Major changes: 30 days after announcement; minor: at once.' })
  effectiveAt!: Date;

  @Field()
  summary!: string;
}

@InputType()
export class PolicyVersionInput {
  @Field()
  version!: string;

  @Field(() => PolicyChangeKindEnum)
  kind!: PolicyChangeKind;

  @Field(() => Date, {
    nullable: true,
    description: 'When it was announced; defaults to now. Not in the future, not before 2018-05-25.',
  })
  announcedAt?: Date | null;

  @Field()
  summary!: string;
}

@ObjectType('PolicyNotifyResult')
export class PolicyNotifyResultObject {
  @Field(() => Int)
  notified!: number;

  @Field(() => Int)
  alreadyNotified!: number;
}
