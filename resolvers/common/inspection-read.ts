/**
 * An inspection read from a resolver: run where the platform's InspectionReads decides (the replica
 * when it is fit, else the primary), and noted for the answer's `extensions.readFrom` under the
 * field's response key, so the asker sees where it came from and how far behind that server was.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { SqlRunner } from '../../audit/sql-runner';
import type { RequestContext } from '../../src/server/request-context';

export async function inspectionRead<T>(
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  work: (db: SqlRunner) => Promise<T>,
): Promise<T> {
  const { value, origin } = await ctx.services.inspection.read(work);
  ctx.readFrom.set(String(info.path.key), origin);
  return value;
}
