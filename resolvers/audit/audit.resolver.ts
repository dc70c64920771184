/**
 * The privacy officer's audit-log operations: parse, call the audit log, map. The questions
 * (auditEvents, accessSummary, unusualAccess) are inspection reads, answered by a streaming replica
 * when one is fit; proofs, checkpoints and verification stay on the primary, which has the newest tree.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { isUuid } from '../../src/validation/uuid';
import { Arg, Ctx, ID, Info, Int, Query, Resolver } from 'type-graphql';
import {
  accessSummary,
  checkAuditEventFilter,
  checkUnusualAccessPeriod,
  findAuditEvents,
  unusualAccess,
} from '../../audit/audit-queries';
import { checkpointText } from '../../audit/checkpoint';
import { ALL_DATA_CATEGORIES } from '../../src/personal-data/data-categories';
import { checkPeriod } from '../../src/validation/period';
import { NotFoundError, ValidationError } from '../../src/errors/errors';
import { decodeTimeIdCursor, pageSize, toPage } from '../../src/pagination/page';
import type { RequestContext } from '../../src/server/request-context';
import { toConnection } from '../common/connection.type';
import { AuditedRead, subjectsOfNodes } from '../common/audited-read.decorator';
import { inspectionRead } from '../common/inspection-read';
import {
  AccessSummaryObject,
  AuditCheckpointObject,
  AuditEventConnection,
  AuditEventFilter,
  AuditVerificationObject,
  CheckpointInput,
  ConsistencyProofObject,
  InclusionProofObject,
  UnusualAccessObject,
} from './audit.types';

@Resolver()
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'Audit events, newest first.' })
  @AuditedRead({
    subjectOf: (args) => (args.filter as AuditEventFilter | undefined)?.subjectId,
    subjectsInAnswer: subjectsOfNodes('subjectId'),
  })
  async auditEvents(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter,
    @Arg('first', () => Int, { nullable: true, description: 'At most 100; default 20.' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AuditEventConnection> {
    checkAuditEventFilter(filter ?? {}, ALL_DATA_CATEGORIES);
    const size = pageSize(first);
    const cursor = decodeTimeIdCursor(after, 'after', 'sequence');
    const position = cursor === null ? null : { occurredAt: new Date(cursor.t), sequence: Number(cursor.id) };
    const events = await inspectionRead(ctx, info, (db) =>
      findAuditEvents(db, filter ?? {}, size + 1, position),
    );
    const page = toPage(
      events.map((e) => ({ ...e, id: e.eventId })),
      size,
      (e) => ({ t: e.occurredAt.toISOString(), id: String(e.sequence) }),
      cursor !== null,
    );
    return toConnection(page) as unknown as AuditEventConnection;
  }

  @Query(() => AuditCheckpointObject, {
    description:
      'The newest signed checkpoint and the key that signed it; no personal data, so every authenticated role may fetch it.',
  })
  async auditCheckpoint(@Ctx() ctx: RequestContext): Promise<AuditCheckpointObject> {
    const checkpoint = await ctx.services.audit.latestCheckpoint();
    if (checkpoint === null) throw new NotFoundError('audit checkpoint', 'latest');
    return {
      ...checkpoint,
      createdAt: new Date(checkpoint.createdAt),
      signedText: checkpointText(checkpoint),
    };
  }

  @Query(() => InclusionProofObject, {
    description: 'Proof that an event is in the log at a signed tree size.',
  })
  async auditInclusionProof(
    @Arg('eventId', () => ID) eventId: string,
    @Ctx() ctx: RequestContext,
    @Arg('treeSize', () => Int, { nullable: true, description: 'Defaults to the newest checkpoint.' })
    treeSize?: number,
  ): Promise<InclusionProofObject> {
    if (!isUuid(eventId)) throw new ValidationError('eventId', 'is not an event id');
    return ctx.services.audit.inclusionProof(eventId, treeSize ?? undefined);
  }

  @Query(() => ConsistencyProofObject, {
    description: 'Proof that the log at toSize extends the log at fromSize.',
  })
  async auditConsistencyProof(
    @Arg('fromSize', () => Int) fromSize: number,
    @Arg('toSize', () => Int) toSize: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ConsistencyProofObject> {
    return ctx.services.audit.consistencyProof(fromSize, toSize);
  }

  @Query(() => AuditVerificationObject, {
    description:
      'Recomputes the tree from the stored events and checks every checkpoint (and an external one).',
  })
  async verifyAuditLog(
    @Ctx() ctx: RequestContext,
    @Arg('against', () => CheckpointInput, { nullable: true }) against?: CheckpointInput,
  ): Promise<AuditVerificationObject> {
    return ctx.services.audit.verifyWithWitnesses(
      against == null
        ? undefined
        : {
            treeSize: against.treeSize,
            rootHash: against.rootHash,
            createdAt: against.createdAt?.toISOString(),
            signature: against.signature ?? undefined,
          },
    );
  }

  @Query(() => [AccessSummaryObject], { description: 'Per actor and purpose: reads of this person’s data.' })
  @AuditedRead({ subjectOf: (args) => args.subjectId })
  async accessSummary(
    @Arg('subjectId', () => ID) subjectId: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
  ): Promise<AccessSummaryObject[]> {
    if (!isUuid(subjectId)) throw new ValidationError('subjectId', 'is not a customer id');
    checkPeriod(from, to);
    const rows = await inspectionRead(ctx, info, (db) =>
      accessSummary(db, subjectId, from ?? null, to ?? null),
    );
    const names = await ctx.services.actors.namesByIds(
      ctx.em,
      rows.flatMap((r) => (r.actorId === null ? [] : [r.actorId])),
    );
    return rows.map((r) => ({ ...r, actorName: r.actorId === null ? null : (names.get(r.actorId) ?? null) }));
  }

  @Query(() => [UnusualAccessObject], {
    description:
      'Actor-days whose number of people read is far above the actor’s (or its role’s) usual level.',
  })
  @AuditedRead()
  async unusualAccess(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UnusualAccessObject[]> {
    checkUnusualAccessPeriod(from, to);
    const rows = await inspectionRead(ctx, info, (db) => unusualAccess(db, from, to));
    const names = await ctx.services.actors.namesByIds(
      ctx.em,
      rows.map((r) => r.actorId),
    );
    return rows.map((r) => ({ ...r, actorName: names.get(r.actorId) ?? null }));
  }
}
