/** The order system's operations: scoreOrder and ipIntelligence. Parse, call the domain, map. */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../src/server/request-context';
import { IpIntelligenceObject } from '../geo/ip-intelligence.type';
import { ScoreOrderInput } from './order.inputs';
import { toVatDeterminationObject } from './order.mapping';
import { OrderAssessmentObject, type OrderObject } from './order.types';

@Resolver()
export class ScoreOrderResolver {
  @Mutation(() => OrderAssessmentObject, {
    description: 'Scores a new order (or returns the stored answer for a retried idempotency key).',
  })
  async scoreOrder(
    @Arg('input', () => ScoreOrderInput) input: ScoreOrderInput,
    @Ctx() ctx: RequestContext,
  ): Promise<OrderAssessmentObject> {
    const assessment = await ctx.services.orders.score(
      ctx.em,
      {
        ...input,
        customer:
          input.customer == null
            ? null
            : ({ ...input.customer, address: { ...input.customer.address } } as never),
        billingAddress: { ...input.billingAddress },
        items: input.items.map((i) => ({ ...i })),
      },
      ctx.audit,
    );
    return {
      ...assessment,
      order: assessment.order as unknown as OrderObject,
      reasons: assessment.reasons,
      vat: toVatDeterminationObject(assessment.vat),
      decision: assessment.decision as OrderAssessmentObject['decision'],
    };
  }

  @Query(() => IpIntelligenceObject, {
    description: 'What GeoIP says about an address, and which database answered.',
  })
  async ipIntelligence(@Arg('ip') ip: string, @Ctx() ctx: RequestContext): Promise<IpIntelligenceObject> {
    return (await ctx.services.geo()).lookup(ip, 'ip');
  }
}
