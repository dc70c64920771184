/** Third parties and disclosures, complaints, and privacy-policy versions. Parse, call, map. */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { DataCategory } from '../../src/personal-data/data-categories';
import type { RequestContext } from '../../src/server/request-context';
import { AuditedRead, subjectsOfNodes } from '../common/audited-read.decorator';
import { toConnection } from '../common/connection.type';
import {
  ComplaintConnection,
  ComplaintFilter,
  ComplaintObject,
  ComplaintUpdateInput,
  DisclosureEndInput,
  DisclosureInput,
  DisclosureObject,
  NewComplaintInput,
  PolicyNotifyResultObject,
  PolicyVersionInput,
  PolicyVersionObject,
  ThirdPartyChangeObject,
  ThirdPartyInput,
  ThirdPartyObject,
} from './privacy.types';

@Resolver()
export class PrivacyRegisterResolver {
  @Query(() => [ThirdPartyObject], {
    description: 'Third parties, what each receives and what becomes public.',
  })
  async thirdParties(@Ctx() ctx: RequestContext): Promise<ThirdPartyObject[]> {
    return ctx.services.thirdParties.list(ctx.em);
  }

  @Query(() => [ThirdPartyChangeObject], {
    description:
      'What changed in what the third party may read (its actor, the X-On-Behalf-Of requirement), oldest first, with who changed it.',
  })
  async thirdPartyChanges(
    @Arg('thirdPartyId', () => ID) thirdPartyId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ThirdPartyChangeObject[]> {
    return ctx.services.thirdParties.changes(ctx.em, thirdPartyId);
  }

  @Mutation(() => ThirdPartyObject)
  async registerThirdParty(
    @Arg('input', () => ThirdPartyInput) input: ThirdPartyInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ThirdPartyObject> {
    return ctx.services.thirdParties.register(ctx.em, { ...input }, ctx.actor?.id ?? null);
  }

  @Mutation(() => ThirdPartyObject, {
    description:
      'Ties the actor a third party reads the API as to its entry (actorId null unties it); it may then read the customers disclosed to it, and no others.',
  })
  async linkThirdPartyActor(
    @Arg('thirdPartyId', () => ID) thirdPartyId: string,
    @Arg('actorId', () => ID, { nullable: true }) actorId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ThirdPartyObject> {
    return ctx.services.thirdParties.linkActor(ctx.em, thirdPartyId, actorId ?? null, ctx.actor?.id ?? null);
  }

  @Mutation(() => ThirdPartyObject, {
    description:
      'Whether the third party must name the order or contract each read is for in the X-On-Behalf-Of header; a read without it is then BAD_USER_INPUT.',
  })
  async requireOnBehalfOf(
    @Arg('thirdPartyId', () => ID) thirdPartyId: string,
    @Arg('required') required: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<ThirdPartyObject> {
    return ctx.services.thirdParties.requireOnBehalfOf(ctx.em, thirdPartyId, required, ctx.actor?.id ?? null);
  }

  @Mutation(() => DisclosureObject, {
    description: 'Records that personal data went to a third party (an audited disclose).',
  })
  async recordDisclosure(
    @Arg('input', () => DisclosureInput) input: DisclosureInput,
    @Ctx() ctx: RequestContext,
  ): Promise<DisclosureObject> {
    return ctx.services.thirdParties.recordDisclosure(ctx.em, { ...input }, ctx.audit);
  }

  @Mutation(() => DisclosureObject, {
    description:
      'Ends a disclosure, or brings forward an end that still lies ahead (never later): from endsAt its third party no longer reads what it covers through the API (a later disclosure opens access again). Every end is kept.',
  })
  async endDisclosure(
    @Arg('input', () => DisclosureEndInput) input: DisclosureEndInput,
    @Ctx() ctx: RequestContext,
  ): Promise<DisclosureObject> {
    return ctx.services.thirdParties.endDisclosure(ctx.em, { ...input }, ctx.audit);
  }

  @Query(() => [DisclosureObject], {
    description: 'What went where for a customer, and what became public as a result.',
  })
  @AuditedRead({ subjectOf: (args) => args.customerId })
  async disclosures(
    @Arg('customerId', () => ID) customerId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DisclosureObject[]> {
    return ctx.services.thirdParties.disclosures(ctx.em, customerId);
  }

  @Query(() => ComplaintConnection, { description: 'Complaints, newest first.' })
  @AuditedRead({
    categories: [DataCategory.Correspondence],
    subjectOf: (args) => (args.filter as ComplaintFilter | undefined)?.customerId,
    subjectsInAnswer: subjectsOfNodes('customerId'),
  })
  async complaints(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ComplaintFilter, { nullable: true }) filter?: ComplaintFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ComplaintConnection> {
    const page = await ctx.services.complaints.list(ctx.em, filter ?? {}, first, after);
    return toConnection(page) as unknown as ComplaintConnection;
  }

  @Mutation(() => ComplaintObject)
  async createComplaint(
    @Arg('input', () => NewComplaintInput) input: NewComplaintInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ComplaintObject> {
    return (await ctx.services.complaints.create(
      ctx.em,
      { ...input },
      ctx.audit,
    )) as unknown as ComplaintObject;
  }

  @Mutation(() => ComplaintObject, {
    description: 'Status, resolution, escalation and links of a complaint.',
  })
  async updateComplaint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ComplaintUpdateInput) input: ComplaintUpdateInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ComplaintObject> {
    return (await ctx.services.complaints.update(
      ctx.em,
      id,
      { ...input },
      ctx.audit,
    )) as unknown as ComplaintObject;
  }

  @Mutation(() => PolicyVersionObject, {
    description: 'A major change takes effect 30 days after announcement, a minor one at once.',
  })
  async publishPolicyVersion(
    @Arg('input', () => PolicyVersionInput) input: PolicyVersionInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PolicyVersionObject> {
    return ctx.services.policyVersions.publish(ctx.em, { ...input }, ctx.audit);
  }

  @Mutation(() => PolicyNotifyResultObject, {
    description: 'Records that customers were told of a version (default: all current customers).',
  })
  async notifyPolicyVersion(
    @Arg('versionId', () => ID) versionId: string,
    @Arg('channel') channel: string,
    @Ctx() ctx: RequestContext,
    @Arg('customerIds', () => [ID], { nullable: true }) customerIds?: string[],
  ): Promise<PolicyNotifyResultObject> {
    return ctx.services.policyVersions.notify(ctx.em, versionId, {
      channel,
      customerIds: customerIds ?? null,
    });
  }

  @Query(() => [PolicyVersionObject])
  async policyVersions(@Ctx() ctx: RequestContext): Promise<PolicyVersionObject[]> {
    return ctx.services.policyVersions.list(ctx.em);
  }

  @Query(() => PolicyVersionObject, {
    nullable: true,
    description: 'The policy version that applied to a customer on a date.',
  })
  async policyVersionAt(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('at', () => Date) at: Date,
    @Ctx() ctx: RequestContext,
  ): Promise<PolicyVersionObject | null> {
    return ctx.services.policyVersions.versionAt(ctx.em, customerId, at);
  }
}
