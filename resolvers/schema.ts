/** Builds the executable schema from the resolver classes; the one list of what the API offers. */
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { MeResolver } from './actor/me.resolver';
import { AuditResolver } from './audit/audit.resolver';
import { notePersonalReleases } from './common/personal-field.decorator';
import { DateTimeScalar } from './common/scalars';
import { CustomerResolver } from './customer/customer.resolver';
import { IpIntelligenceResolver } from './geo/ip-intelligence.resolver';
import { OrderReviewResolver } from './orders/order-review.resolver';
import { ScoreOrderResolver } from './orders/score-order.resolver';
import { PrivacyRegisterResolver } from './privacy/privacy-registers.resolver';
import { PrivacyReportResolver } from './privacy/privacy-reports.resolver';
import { PrivacyRequestResolver } from './privacy/privacy-requests.resolver';

export const resolverClasses = [
  MeResolver,
  CustomerResolver,
  AuditResolver,
  ScoreOrderResolver,
  IpIntelligenceResolver,
  OrderReviewResolver,
  PrivacyRequestResolver,
  PrivacyReportResolver,
  PrivacyRegisterResolver,
] as const;

export async function buildPlatformSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolverClasses],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
  });
  return notePersonalReleases(schema);
}
