/**
 * A search by a personal value (`customers(filter: { iban: ... })`) tells the caller whose value it is,
 * so each person it finds has the searched fields recorded as read, like a released field
 * (personal-field.decorator.ts): in the request's reads, committed before the response leaves.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { personalInputsGiven } from '../../src/server/operation-analysis';
import type { RequestContext } from '../../src/server/request-context';

export function noteSearchReads(
  context: RequestContext,
  info: GraphQLResolveInfo,
  found: readonly string[],
): void {
  const field = info.parentType.getFields()[info.fieldName];
  if (field === undefined || found.length === 0) return;
  const inputs = info.fieldNodes.flatMap((node) => personalInputsGiven(field, node, info.variableValues));
  for (const subjectId of found) {
    for (const input of inputs) context.reads.add(subjectId, input.field, input.category);
  }
}
