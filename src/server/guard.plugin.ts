/**
 * Apollo plugin that decides each operation before it executes: the operation's cost is bounded, then
 * the access policy is asked about every operation and personal-data category it touches. A refusal
 * stops the whole request, so nothing is half-done.
 *
 * Both look at the parsed document only, which Apollo keeps and hands over again for every request with
 * the same query text, so what they find is remembered per document: the order system sends the same
 * mutation for every order. The cost is remembered only when no variable can change it (see
 * `costDependsOnVariables`); the access decision itself is taken for every request.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  BREAK,
  GraphQLError,
  getVariableValues,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimator,
} from 'graphql-query-complexity';
import { authorizeOperation, impliedPurpose } from '../auth/access-policy';
import { parsePurpose } from '../auth/purpose';
import { DomainError, ValidationError } from '../errors/errors';
import { DEFAULT_PAGE_SIZE } from '../pagination/page';
import { toRequestError, toVariablesError } from '../errors/format-error';
import type { DataCategory } from '../personal-data/data-categories';
import { analyseOperation, argumentCategories, type OperationAnalysis } from './operation-analysis';
import type { RequestContext } from './request-context';

/**
 * A paged list's cost is its children times the page it returns: the size asked for, or the default
 * page when `first` is left out. A size the resolver refuses (below one) costs one page, never less, so
 * it cannot lower the cost of the fields beside it, which run all the same.
 */
const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === 'first')) return undefined;
  const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + childComplexity * Math.max(first, 1);
};

/**
 * An operation with a purpose of its own (scoreOrder: fraud-prevention) gets it when none was sent,
 * also beside public fields such as `__typename`; the access policy refuses any other.
 */
function applyDefaultPurpose(context: RequestContext, operations: readonly string[]): void {
  if (context.purpose !== null) return;
  const implied = impliedPurpose(operations);
  if (implied === null) return;
  context.purpose = parsePurpose(implied);
  context.audit.purpose = context.purpose.text;
}

/** What is remembered of a document's operation: its cost (when variables cannot change it) and analysis. */
interface KnownOperation {
  complexity: number | null;
  analysis: OperationAnalysis | null;
}

const knownOperations = new WeakMap<DocumentNode, Map<string, KnownOperation>>();
const schemasWithComplexityExtensions = new WeakMap<GraphQLSchema, boolean>();

/** Whether any field sets its own cost (type-graphql's `complexity` option), which may read any argument. */
function hasComplexityExtensions(schema: GraphQLSchema): boolean {
  let found = schemasWithComplexityExtensions.get(schema);
  if (found === undefined) {
    found = Object.values(schema.getTypeMap()).some(
      (type) =>
        'getFields' in type &&
        Object.values(type.getFields()).some((field) => field.extensions?.complexity !== undefined),
    );
    schemasWithComplexityExtensions.set(schema, found);
  }
  return found;
}

/**
 * Whether the estimators could count this document differently for other variable values: through a
 * page size (`first`) or a `@skip`/`@include` condition given as a variable, or through any argument
 * when some field computes its own cost.
 */
function costDependsOnVariables(schema: GraphQLSchema, document: DocumentNode): boolean {
  if (hasComplexityExtensions(schema)) return true;
  let depends = false;
  const usesVariable = (node: Parameters<typeof visit>[0]) => {
    let found = false;
    visit(node, {
      Variable() {
        found = true;
        return BREAK;
      },
    });
    return found;
  };
  visit(document, {
    Directive(node) {
      if (usesVariable(node)) {
        depends = true;
        return BREAK;
      }
      return false;
    },
    Argument(node) {
      if (node.name.value === 'first' && usesVariable(node)) {
        depends = true;
        return BREAK;
      }
      return false;
    },
  });
  return depends;
}

function knownOperation(document: DocumentNode, operationName: string | null | undefined): KnownOperation {
  let byName = knownOperations.get(document);
  if (byName === undefined) knownOperations.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let known = byName.get(key);
  if (known === undefined) byName.set(key, (known = { complexity: null, analysis: null }));
  return known;
}

function analysisOf(
  known: KnownOperation,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationAnalysis {
  return (known.analysis ??= analyseOperation(schema, document, operation));
}

/**
 * The categories the operation selects, and those of the personal values its arguments search by
 * (read with the request's variables; when these do not fit their types, nothing runs anyway).
 */
function withArgumentCategories(
  analysis: OperationAnalysis,
  variables: Record<string, unknown> | undefined,
): ReadonlySet<DataCategory> {
  if (analysis.personalArguments.length === 0 || variables === undefined) return analysis.categories;
  return new Set([...analysis.categories, ...argumentCategories(analysis, variables)]);
}

/**
 * Operations that work through a whole log, table or period whatever fields they return: verifying the
 * audit log, the reports, re-scoring and the retention job. The cost estimate counts a field once, so
 * 800 aliases of `verifyAuditLog` would verify the whole log 800 times in one request; each of these
 * is asked for under one name per request.
 */
export const WHOLE_SET_OPERATIONS: readonly string[] = [
  'verifyAuditLog',
  'unusualAccess',
  'subjectAccessReport',
  'inspectionReport',
  'retentionReport',
  'vatEvidenceSummary',
  'rescoreOrders',
  'runRetention',
];

function assertWholeSetOperationsOnce(analysis: OperationAnalysis): void {
  const repeated = WHOLE_SET_OPERATIONS.filter((op) => (analysis.responseKeys.get(op)?.size ?? 0) > 1);
  if (repeated.length > 0) {
    throw new ValidationError(
      'query',
      `asks for ${repeated.join(', ')} under more than one name; each works through a whole log, table or period, so ask for it once per request`,
      { operations: repeated },
    );
  }
}

export interface GuardOptions {
  maxComplexity: number;
  /**
   * The most selections an operation may have once its fragments are expanded, as validation
   * (`queryLimitsRule`) already enforced: the cost estimate walks the expanded operation, so this
   * bounds its work, and it never stops short of a document validation let through.
   */
  maxSelections: number;
}

export function guardPlugin(options: GuardOptions): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation, schema, request }) {
          // Apollo reports a missing or ambiguous operation itself, and nothing executes.
          if (operation === undefined) return;
          try {
            // Variables that do not fit their types are refused as Apollo refuses them in execution
            // (BAD_USER_INPUT, graphql's message), whether or not this document's cost is known, but
            // only after the access decision: a caller without a token or role learns nothing more.
            const coerced = getVariableValues(
              schema,
              operation.variableDefinitions ?? [],
              request.variables ?? {},
            );
            const known = knownOperation(document, request.operationName);
            let complexity = known.complexity;
            if (complexity === null && coerced.errors === undefined) {
              complexity = getComplexity({
                schema,
                query: document,
                operationName: operation.name?.value,
                variables: request.variables ?? {},
                maxQueryNodes: options.maxSelections + 1,
                estimators: [
                  pageSizeEstimator,
                  fieldExtensionsEstimator(),
                  simpleEstimator({ defaultComplexity: 1 }),
                ],
              });
              if (!costDependsOnVariables(schema, document)) known.complexity = complexity;
            }
            if (complexity !== null && complexity > options.maxComplexity) {
              throw new ValidationError(
                'query',
                `is too expensive (cost ${complexity}, limit ${options.maxComplexity}); ask for fewer fields or smaller pages`,
              );
            }
            const analysis = analysisOf(known, schema, document, operation);
            assertWholeSetOperationsOnce(analysis);
            applyDefaultPurpose(contextValue, analysis.operations);
            const categories = withArgumentCategories(analysis, coerced.coerced);
            authorizeOperation(contextValue.actor, contextValue.purpose, {
              operations: analysis.operations,
              categories,
            });
            if (coerced.errors !== undefined) throw toVariablesError(coerced.errors);
            contextValue.categories = categories;
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
