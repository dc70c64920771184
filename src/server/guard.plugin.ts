/**
 * Apollo plugin that decides each operation before it executes: the operation's cost is bounded, then
 * the access policy is asked about every operation and personal-data category it touches. A refusal
 * stops the whole request, so nothing is half-done.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimator,
} from 'graphql-query-complexity';
import { authorizeOperation, DEFAULT_PURPOSES } from '../auth/access-policy';
import { parsePurpose } from '../auth/purpose';
import { DomainError, ValidationError } from '../errors/errors';
import { toRequestError } from '../errors/format-error';
import { analyseOperation } from './operation-analysis';
import type { RequestContext } from './request-context';

/** A list field's cost is its children times the page size asked for (default 20). */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  return first === undefined ? undefined : 1 + childComplexity * first;
};

/** A lone operation with an implied purpose (scoreOrder: fraud-prevention) gets it when none was sent. */
function applyDefaultPurpose(context: RequestContext, operations: readonly string[]): void {
  if (context.purpose !== null || operations.length !== 1) return;
  const implied = DEFAULT_PURPOSES[operations[0]!];
  if (implied === undefined) return;
  context.purpose = parsePurpose(implied);
  context.audit.purpose = context.purpose.text;
}

export function guardPlugin(options: { maxComplexity: number }): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation, schema, request }) {
          try {
            const complexity = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [
                pageSizeEstimator,
                fieldExtensionsEstimator(),
                simpleEstimator({ defaultComplexity: 1 }),
              ],
            });
            if (complexity > options.maxComplexity) {
              throw new ValidationError(
                'query',
                `is too expensive (cost ${complexity}, limit ${options.maxComplexity}); ask for fewer fields or smaller pages`,
              );
            }
            if (operation === undefined) return; // Apollo reports the missing operation itself.
            const analysis = analyseOperation(schema, document, operation);
            applyDefaultPurpose(contextValue, analysis.operations);
            authorizeOperation(contextValue.actor, contextValue.purpose, analysis);
          } catch (error) {
            if (error instanceof DomainError) throw toRequestError(error);
            if (error instanceof GraphQLError) throw error;
            throw error;
          }
        },
      };
    },
  };
}
