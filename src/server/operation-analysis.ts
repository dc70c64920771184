/**
 * Reads a GraphQL operation before it runs: which root fields (operations) it calls and which
 * personal-data categories it selects, following fragments. The guard decides on this, so a forbidden
 * field stops the whole request before any resolver touches data.
 */
import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { DataCategory } from '../personal-data/data-categories';
import {
  PERSONAL_DATA_EXTENSION,
  type PersonalDataExtension,
} from '../../resolvers/common/personal-field.decorator';

export interface OperationAnalysis {
  kind: 'query' | 'mutation' | 'subscription';
  operations: string[];
  categories: Set<DataCategory>;
  /** `Type.field` of every personal field selected. */
  personalFields: Set<string>;
}

/**
 * Walks the operation and every fragment in the document. Counting a fragment the operation does not
 * use can only over-approximate, which errs on the side of asking for more permission, never less.
 */
export function analyseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationAnalysis {
  const rootType = schema.getRootType(operation.operation);
  const operations: string[] = [];
  const categories = new Set<DataCategory>();
  const personalFields = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(fieldNode) {
      const parent = typeInfo.getParentType();
      if (parent === null || parent === undefined) return;
      const name = fieldNode.name.value;
      if (parent === rootType && !operations.includes(name)) operations.push(name);
      const ext = typeInfo.getFieldDef()?.extensions?.[PERSONAL_DATA_EXTENSION] as
        PersonalDataExtension | undefined;
      if (ext) {
        categories.add(ext.category);
        personalFields.add(`${parent.name}.${name}`);
      }
    },
  });
  visit(operation, visitor);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
  }
  return { kind: operation.operation, operations, categories, personalFields };
}
