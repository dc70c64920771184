/** `me`: who the token belongs to, so a client can check its credentials and role. */
import { Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../src/server/request-context';

@ObjectType('Actor')
export class ActorObject {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'employee, third_party or service' })
  kind!: string;

  @Field()
  role!: string;

  @Field()
  name!: string;
}

@Resolver()
export class MeResolver {
  @Query(() => ActorObject, { description: 'The actor behind the bearer token.' })
  me(@Ctx() ctx: RequestContext): ActorObject {
    // The operation guard has already refused requests without an actor.
    if (ctx.actor === null) throw new Error('operation guard let an anonymous request through');
    return { ...ctx.actor };
  }

  @Mutation(() => String, {
    description:
      'Answers "pong": checks the write path of the GraphQL layer without touching data (and is the benchmarks\' baseline).',
  })
  ping(): string {
    return 'pong';
  }
}
