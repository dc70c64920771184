/** Data-subject requests: the register, deadlines, and carrying requests out. Parse, call, map. */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { IdentityCheck, RequestStatus } from '../../src/db/entities/privacy.entities';
import { DataCategory } from '../../src/personal-data/data-categories';
import type { RequestContext } from '../../src/server/request-context';
import { AuditedRead, subjectsOfNodes } from '../common/audited-read.decorator';
import { toConnection } from '../common/connection.type';
import { toCustomerPatch } from '../customer/customer.mapping';
import { UpdateCustomerInput } from '../customer/customer.inputs';
import {
  ErasureResultObject,
  IdentityCheckEnum,
  RequestStatusEnum,
  NewPrivacyRequestInput,
  PrivacyRequestConnection,
  PrivacyRequestFilter,
  PrivacyRequestObject,
  RequestCarriedOutObject,
} from './privacy.types';

const CORRESPONDENCE = { categories: [DataCategory.Correspondence] };

@Resolver()
export class PrivacyRequestResolver {
  @Query(() => PrivacyRequestConnection, { description: 'Data-subject requests, newest received first.' })
  @AuditedRead({
    ...CORRESPONDENCE,
    subjectOf: (args) => (args.filter as PrivacyRequestFilter | undefined)?.customerId,
    subjectsInAnswer: subjectsOfNodes('customerId'),
  })
  async privacyRequests(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => PrivacyRequestFilter, { nullable: true }) filter?: PrivacyRequestFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<PrivacyRequestConnection> {
    const page = await ctx.services.privacyRequests.list(ctx.em, filter ?? {}, first, after);
    return toConnection(page) as unknown as PrivacyRequestConnection;
  }

  @Mutation(() => PrivacyRequestObject, {
    description: 'Registers a request; the due date is one month after receipt.',
  })
  async createPrivacyRequest(
    @Arg('input', () => NewPrivacyRequestInput) input: NewPrivacyRequestInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PrivacyRequestObject> {
    return (await ctx.services.privacyRequests.create(
      ctx.em,
      { ...input },
      ctx.audit,
    )) as unknown as PrivacyRequestObject;
  }

  @Mutation(() => PrivacyRequestObject, {
    description:
      'Extends the deadline once (GDPR art. 12(3)), by at most two further months, with a reason; a second extension is CONFLICT.',
  })
  async extendPrivacyRequest(
    @Arg('id', () => ID) id: string,
    @Arg('until', () => Date) until: Date,
    @Arg('reason') reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PrivacyRequestObject> {
    return (await ctx.services.privacyRequests.extend(
      ctx.em,
      id,
      until,
      reason,
      ctx.audit,
    )) as unknown as PrivacyRequestObject;
  }

  @Mutation(() => PrivacyRequestObject)
  async setPrivacyRequestIdentityCheck(
    @Arg('id', () => ID) id: string,
    @Arg('identityCheck', () => IdentityCheckEnum) identityCheck: IdentityCheck,
    @Ctx() ctx: RequestContext,
  ): Promise<PrivacyRequestObject> {
    return (await ctx.services.privacyRequests.setIdentityCheck(
      ctx.em,
      id,
      identityCheck,
      ctx.audit,
    )) as unknown as PrivacyRequestObject;
  }

  @Mutation(() => PrivacyRequestObject, {
    description:
      'Closes a request with its outcome: COMPLETED (access, objection, portability; identity verified) or REJECTED. Erasure, rectification, restriction and mailing opt-out are completed only by their carryOut* mutation; here they can only be rejected.',
  })
  async closePrivacyRequest(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => RequestStatusEnum, { description: 'COMPLETED or REJECTED' }) status: RequestStatus,
    @Arg('outcome') outcome: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PrivacyRequestObject> {
    return (await ctx.services.privacyRequests.close(
      ctx.em,
      id,
      { status: status as typeof RequestStatus.Completed, outcome },
      ctx.audit,
    )) as unknown as PrivacyRequestObject;
  }

  @Mutation(() => ErasureResultObject, {
    description: 'Erases what the law does not require keeping; says what was kept and why.',
  })
  async carryOutErasure(
    @Arg('requestId', () => ID) requestId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ErasureResultObject> {
    const result = await ctx.services.dataSubjectRights.carryOutErasure(ctx.em, requestId, ctx.audit);
    return { ...result, request: result.request as unknown as PrivacyRequestObject };
  }

  @Mutation(() => RequestCarriedOutObject, {
    description: 'Corrects the fields; recipients are told (art. 19).',
  })
  async carryOutRectification(
    @Arg('requestId', () => ID) requestId: string,
    @Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput,
    @Ctx() ctx: RequestContext,
  ): Promise<RequestCarriedOutObject> {
    const result = await ctx.services.dataSubjectRights.carryOutRectification(
      ctx.em,
      requestId,
      toCustomerPatch(input),
      ctx.audit,
    );
    return { ...result, request: result.request as unknown as PrivacyRequestObject };
  }

  @Mutation(() => RequestCarriedOutObject, {
    description: 'Restricts processing: only the privacy officer reads the data.',
  })
  async carryOutRestriction(
    @Arg('requestId', () => ID) requestId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<RequestCarriedOutObject> {
    const result = await ctx.services.dataSubjectRights.carryOutRestriction(ctx.em, requestId, ctx.audit);
    return { ...result, request: result.request as unknown as PrivacyRequestObject };
  }

  @Mutation(() => Boolean, { description: 'Lifts a restriction.' })
  async liftRestriction(
    @Arg('customerId', () => ID) customerId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    await ctx.services.dataSubjectRights.liftRestriction(ctx.em, customerId, ctx.audit);
    return true;
  }

  @Mutation(() => RequestCarriedOutObject, {
    description: 'Records the opt-out of internal mailings, with its history.',
  })
  async carryOutMailingOptOut(
    @Arg('requestId', () => ID) requestId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<RequestCarriedOutObject> {
    const result = await ctx.services.dataSubjectRights.carryOutMailingOptOut(ctx.em, requestId, ctx.audit);
    return { ...result, request: result.request as unknown as PrivacyRequestObject };
  }
}
