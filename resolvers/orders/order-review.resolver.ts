/**
 * Employees' order operations: review, re-scoring and the finance VAT reports. Parse, call, map. The VAT
 * reports are inspection reads, answered by a streaming replica when one is fit.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { vatEvidenceSummary, vatMismatches } from '../../src/finance/vat-reports';
import type { RequestContext } from '../../src/server/request-context';
import { toConnection } from '../common/connection.type';
import { inspectionRead } from '../common/inspection-read';
import { noteSearchReads } from '../common/personal-search';
import { OrderFilterInput } from './order.inputs';
import {
  OrderConnection,
  OrderObject,
  RescoreResultObject,
  ReviewOutcome,
  VatEvidenceSummaryObject,
  VatMismatchConnection,
} from './order.types';

@Resolver()
export class OrderReviewResolver {
  @Query(() => OrderConnection, { description: 'Scored orders, newest first.' })
  async orders(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => OrderFilterInput, { nullable: true }) filter?: OrderFilterInput,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<OrderConnection> {
    const page = await ctx.services.orderReview.list(ctx.em, filter ?? {}, first, after, ctx);
    noteSearchReads(
      ctx,
      info,
      page.edges.map((edge) => edge.node.customerId),
    );
    return toConnection(page) as unknown as OrderConnection;
  }

  @Mutation(() => OrderObject, { description: 'Records the outcome of reviewing an order (once).' })
  async reviewOrder(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => ReviewOutcome) outcome: ReviewOutcome,
    @Ctx() ctx: RequestContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<OrderObject> {
    return (await ctx.services.orderReview.review(
      ctx.em,
      id,
      outcome,
      note ?? null,
      ctx.audit,
      ctx,
    )) as unknown as OrderObject;
  }

  @Mutation(() => [RescoreResultObject], {
    description: 'Scores the orders of a period again under the current rules.',
  })
  async rescoreOrders(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: RequestContext,
  ): Promise<RescoreResultObject[]> {
    return (await ctx.services.orderReview.rescore(
      ctx.em,
      from,
      to,
      ctx.audit,
      ctx,
    )) as RescoreResultObject[];
  }

  @Query(() => VatMismatchConnection, { description: 'Orders whose VAT country and evidence disagree.' })
  async vatMismatches(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('country', () => String, { nullable: true }) country?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<VatMismatchConnection> {
    const page = await inspectionRead(ctx, info, (db) =>
      vatMismatches(db, ctx.em, from, to, country ?? null, first, after),
    );
    const views = {
      ...page,
      edges: page.edges.map((e) => ({
        ...e,
        node: { ...e.node, order: ctx.services.orderReview.view(e.node.order) },
      })),
    };
    return toConnection(views) as unknown as VatMismatchConnection;
  }

  @Query(() => [VatEvidenceSummaryObject], {
    description:
      'Per VAT country (a part of it with its own VAT status, such as the Canary Islands, apart) and currency: orders, amounts, reverse-charged, conflicting, unverified.',
  })
  async vatEvidenceSummary(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<VatEvidenceSummaryObject[]> {
    return inspectionRead(ctx, info, (db) => vatEvidenceSummary(db, from, to));
  }
}
