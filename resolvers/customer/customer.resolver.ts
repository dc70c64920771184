/** Customer operations: parse, call the customer service, map. Authorisation happens before execution. */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../src/server/request-context';
import { toConnection } from '../common/connection.type';
import { noteSearchReads } from '../common/personal-search';
import { CustomerFilterInput, NewCustomerInput, UpdateCustomerInput } from './customer.inputs';
import { CustomerConnection, CustomerObject } from './customer.type';
import { toCustomerInput, toCustomerPatch } from './customer.mapping';

@Resolver(() => CustomerObject)
export class CustomerResolver {
  @Query(() => CustomerObject, { description: 'One customer by id.' })
  async customer(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CustomerObject> {
    return (await ctx.services.customers.get(ctx.em, id, ctx)) as unknown as CustomerObject;
  }

  @Query(() => CustomerConnection, {
    description: 'Customers, newest first; exact-match filters on personal fields.',
  })
  async customers(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => CustomerFilterInput, { nullable: true }) filter?: CustomerFilterInput,
    @Arg('first', () => Int, { nullable: true, description: 'At most 100; default 20.' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<CustomerConnection> {
    const page = await ctx.services.customers.list(ctx.em, filter ?? {}, first, after, ctx);
    noteSearchReads(
      ctx,
      info,
      page.edges.map((edge) => edge.node.id),
    );
    return toConnection(page) as unknown as CustomerConnection;
  }

  @Mutation(() => CustomerObject)
  async createCustomer(
    @Arg('input', () => NewCustomerInput) input: NewCustomerInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CustomerObject> {
    const created = await ctx.services.customers.create(ctx.em, toCustomerInput(input), ctx.audit);
    return created as unknown as CustomerObject;
  }

  @Mutation(() => CustomerObject)
  async updateCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CustomerObject> {
    const updated = await ctx.services.customers.update(ctx.em, id, toCustomerPatch(input), ctx.audit, ctx);
    return updated as unknown as CustomerObject;
  }

  @Mutation(() => CustomerObject, {
    description:
      'Ends the subscription now, or at a moment that has passed (not in the future). A restricted customer: the privacy officer only.',
  })
  async endSubscription(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
    @Arg('at', () => Date, { nullable: true }) at?: Date,
  ): Promise<CustomerObject> {
    return (await ctx.services.customers.endSubscription(
      ctx.em,
      id,
      ctx.audit,
      at ?? undefined,
      ctx,
    )) as unknown as CustomerObject;
  }
}
