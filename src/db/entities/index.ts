/** Every entity the ORM knows about, in one list for the ORM configuration. */
import { ActorEntity } from './actor.entity';
import { ApiTokenEntity } from './api-token.entity';
import { CustomerEntity } from './customer.entity';
import { MailingConsentChangeEntity } from './mailing-consent-change.entity';
import { OrderEntity, OrderRescoreEntity } from './order.entity';
import {
  ComplaintEntity,
  DisclosureEndEntity,
  DisclosureEntity,
  PolicyNotificationEntity,
  PolicyVersionEntity,
  PrivacyRequestEntity,
  RecipientNotificationEntity,
  RetentionActionEntity,
  ThirdPartyChangeEntity,
  ThirdPartyEntity,
} from './privacy.entities';

export const entities = [
  ActorEntity,
  ApiTokenEntity,
  CustomerEntity,
  MailingConsentChangeEntity,
  OrderEntity,
  OrderRescoreEntity,
  PrivacyRequestEntity,
  ThirdPartyEntity,
  ThirdPartyChangeEntity,
  DisclosureEntity,
  DisclosureEndEntity,
  RecipientNotificationEntity,
  ComplaintEntity,
  PolicyVersionEntity,
  PolicyNotificationEntity,
  RetentionActionEntity,
];
