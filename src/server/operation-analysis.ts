/**
 * Reads a GraphQL operation before it runs: which root fields (operations) it calls and which
 * personal-data categories it selects, following fragments. The guard decides on this, so a forbidden
 * field stops the whole request before any resolver touches data.
 *
 * A search by a personal value (`customers(filter: { iban: ... })`) uses that value's category too. Which
 * input fields a request fills in depends on its variables, so the analysis, which is remembered per
 * document, notes the fields whose arguments can carry such values, and `argumentCategories` reads
 * them for each request.
 */
import {
  getArgumentValues,
  getNullableType,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { DataCategory } from '../personal-data/data-categories';
import {
  PERSONAL_DATA_EXTENSION,
  type PersonalDataExtension,
} from '../../resolvers/common/personal-field.decorator';

/** A selected field whose arguments can carry personal values (an input field tagged PersonalInputField). */
export interface PersonalArguments {
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

export interface OperationAnalysis {
  kind: 'query' | 'mutation' | 'subscription';
  operations: string[];
  /** Per root field, the response keys (aliases) it is asked for under: each runs once. */
  responseKeys: Map<string, Set<string>>;
  categories: Set<DataCategory>;
  /** `Type.field` of every personal field selected. */
  personalFields: Set<string>;
  /** Fields whose arguments may carry personal values; what they carry depends on the variables. */
  personalArguments: PersonalArguments[];
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
  const responseKeys = new Map<string, Set<string>>();
  const categories = new Set<DataCategory>();
  const personalFields = new Set<string>();
  const personalArguments: PersonalArguments[] = [];
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(fieldNode) {
      const parent = typeInfo.getParentType();
      if (parent === null || parent === undefined) return;
      const name = fieldNode.name.value;
      if (parent === rootType) {
        let keys = responseKeys.get(name);
        if (keys === undefined) responseKeys.set(name, (keys = new Set()));
        keys.add(fieldNode.alias?.value ?? name);
      }
      const field = typeInfo.getFieldDef();
      const ext = field?.extensions?.[PERSONAL_DATA_EXTENSION] as PersonalDataExtension | undefined;
      if (ext) {
        categories.add(ext.category);
        personalFields.add(`${parent.name}.${name}`);
      }
      if (field && field.args.some((arg) => personalInputCategories(arg.type).size > 0)) {
        personalArguments.push({ field, node: fieldNode });
      }
    },
  });
  visit(operation, visitor);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
  }
  return {
    kind: operation.operation,
    // The root fields in the order they first appear (a Map keeps insertion order).
    operations: [...responseKeys.keys()],
    responseKeys,
    categories,
    personalFields,
    personalArguments,
  };
}

/**
 * The categories of the personal values this request's arguments carry (the filled-in input fields
 * tagged PersonalInputField), given its coerced variable values.
 */
export function argumentCategories(
  analysis: OperationAnalysis,
  variableValues: Record<string, unknown>,
): Set<DataCategory> {
  const found = new Set<DataCategory>();
  for (const { field, node } of analysis.personalArguments) {
    let inputs: PersonalDataExtension[];
    try {
      inputs = personalInputsGiven(field, node, variableValues);
    } catch {
      // Execution refuses these arguments itself; until then, count all that they could carry.
      for (const arg of field.args) for (const c of personalInputCategories(arg.type)) found.add(c);
      continue;
    }
    for (const input of inputs) found.add(input.category);
  }
  return found;
}

/** The tagged input fields (PersonalInputField) given a value in this field's arguments. */
export function personalInputsGiven(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variableValues: Record<string, unknown>,
): PersonalDataExtension[] {
  const values = getArgumentValues(field, node, variableValues);
  const found: PersonalDataExtension[] = [];
  for (const arg of field.args) collectInputs(arg.type, values[arg.name], found);
  return found;
}

function collectInputs(type: GraphQLInputType, value: unknown, found: PersonalDataExtension[]): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) for (const item of value) collectInputs(nullable.ofType, item, found);
    return;
  }
  if (!isInputObjectType(nullable) || typeof value !== 'object') return;
  for (const inputField of Object.values(nullable.getFields())) {
    const fieldValue = (value as Record<string, unknown>)[inputField.name];
    if (fieldValue === null || fieldValue === undefined) continue;
    const ext = inputField.extensions?.[PERSONAL_DATA_EXTENSION] as PersonalDataExtension | undefined;
    if (ext) found.push(ext);
    collectInputs(inputField.type, fieldValue, found);
  }
}

const inputCategoriesCache = new WeakMap<object, Set<DataCategory>>();

/** Every category an input type can carry through tagged input fields, however deep. */
function personalInputCategories(type: GraphQLInputType): Set<DataCategory> {
  let nullable = getNullableType(type);
  while (isListType(nullable)) nullable = getNullableType(nullable.ofType);
  if (!isInputObjectType(nullable)) return new Set();
  let found = inputCategoriesCache.get(nullable);
  if (found !== undefined) return found;
  found = new Set();
  // Set before the walk, so an input type that contains itself ends the recursion.
  inputCategoriesCache.set(nullable, found);
  for (const inputField of Object.values(nullable.getFields())) {
    const ext = inputField.extensions?.[PERSONAL_DATA_EXTENSION] as PersonalDataExtension | undefined;
    if (ext) found.add(ext.category);
    for (const c of personalInputCategories(inputField.type)) found.add(c);
  }
  return found;
}
