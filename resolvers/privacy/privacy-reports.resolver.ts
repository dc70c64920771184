/** The privacy officer's reports: subject access, inspection, retention and its notices. Parse, call, map. */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { checkpointText } from '../../audit/checkpoint';
import { ALL_DATA_CATEGORIES, DataCategory } from '../../src/personal-data/data-categories';
import type { RequestContext } from '../../src/server/request-context';
import { ValidationError } from '../../src/errors/errors';
import { AuditedRead, subjectsOfNodes } from '../common/audited-read.decorator';
import { toConnection } from '../common/connection.type';
import {
  InspectionReportObject,
  RecipientNotificationObject,
  RetentionNoticesOwedConnection,
  RetentionReportObject,
  RetentionRunObject,
  SubjectAccessReportObject,
} from './privacy.types';

@Resolver()
export class PrivacyReportResolver {
  @Query(() => SubjectAccessReportObject, {
    description:
      'The answer to an access request (GDPR art. 15, portability art. 20): JSON and a readable HTML document.',
  })
  @AuditedRead({ action: 'export', categories: ALL_DATA_CATEGORIES, subjectOf: (args) => args.customerId })
  async subjectAccessReport(
    @Arg('customerId', () => ID) customerId: string,
    @Ctx() ctx: RequestContext,
    @Arg('includeEmployeeNames', {
      defaultValue: false,
      description: 'Name the employees who read the data (C-579/21: not by default).',
    })
    includeEmployeeNames: boolean,
  ): Promise<SubjectAccessReportObject> {
    const customer = await ctx.services.customers.get(ctx.em, customerId, ctx);
    const { report, html } = await ctx.services.privacyReports.accessReport(ctx.em, customer, {
      includeEmployeeNames,
    });
    return { generatedAt: new Date(report.generatedAt), json: report, html };
  }

  @Query(() => InspectionReportObject, {
    description:
      'Every processing of a customer’s data in a period, with the checkpoint and inclusion proofs.',
  })
  @AuditedRead({
    action: 'export',
    categories: [DataCategory.AccessLog, DataCategory.Correspondence],
    subjectOf: (args) => args.customerId,
  })
  async inspectionReport(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: RequestContext,
  ): Promise<InspectionReportObject> {
    if (to.getTime() <= from.getTime()) throw new ValidationError('to', 'must be after from');
    await ctx.services.customers.get(ctx.em, customerId);
    const report = await ctx.services.privacyReports.inspection(ctx.em, customerId, from, to);
    return {
      customerId,
      from,
      to,
      generatedAt: new Date(report.generatedAt),
      checkpoint: {
        ...report.checkpoint,
        createdAt: new Date(report.checkpoint.createdAt),
        signedText: checkpointText(report.checkpoint),
      },
      eventCount: report.events.length,
      json: report,
    };
  }

  @Query(() => RetentionReportObject, { description: 'What retention has due, done and overdue.' })
  async retentionReport(@Ctx() ctx: RequestContext): Promise<RetentionReportObject> {
    return ctx.services.retention.report(ctx.em);
  }

  @Query(() => RetentionNoticesOwedConnection, {
    description:
      'The retention steps whose deletion some recipient of the data has not been told of yet (GDPR art. 19), longest owed first.',
  })
  @AuditedRead({ subjectsInAnswer: subjectsOfNodes('customerId') })
  async retentionNoticesOwed(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<RetentionNoticesOwedConnection> {
    const page = await ctx.services.retentionNotices.owed(ctx.em, first, after);
    return toConnection(page) as unknown as RetentionNoticesOwedConnection;
  }

  @Mutation(() => [RecipientNotificationObject], {
    description:
      'Records that every recipient a retention step owes a notice was told of it (what: what they were told); all or none. The platform sends nothing itself.',
  })
  async notifyRecipientsOfRetention(
    @Arg('retentionActionId', () => ID) retentionActionId: string,
    @Arg('what') what: string,
    @Ctx() ctx: RequestContext,
  ): Promise<RecipientNotificationObject[]> {
    return ctx.services.retentionNotices.notify(ctx.em, retentionActionId, what, ctx.audit);
  }

  @Mutation(() => RetentionRunObject, {
    description: 'Runs the retention job now (it also runs on a schedule).',
  })
  async runRetention(@Ctx() ctx: RequestContext): Promise<RetentionRunObject> {
    return ctx.services.retention.run(ctx.em, new Date(), ctx.audit);
  }
}
