/**
 * `@PersonalField('email')` declares a GraphQL field that releases personal data. The category comes
 * from the one declarative table (src/personal-data/data-categories.ts) and is attached to the schema
 * as a field extension, where the operation guard (role and purpose checks) reads it.
 */
import { Extensions, Field } from 'type-graphql';
import {
  CUSTOMER_PERSONAL_FIELDS,
  type CustomerPersonalField,
  type DataCategory,
} from '../../src/personal-data/data-categories';

/** type-graphql's return-type thunk (its type is not exported from the package root). */
type ReturnTypeFunc = Parameters<typeof Field>[0] & ((...args: never[]) => unknown);

export const PERSONAL_DATA_EXTENSION = 'personalData';

export interface PersonalDataExtension {
  field: CustomerPersonalField;
  category: DataCategory;
}

export function PersonalField(
  field: CustomerPersonalField,
  returnType: ReturnTypeFunc,
  options: { nullable?: boolean; description?: string } = {},
): PropertyDecorator {
  const spec = CUSTOMER_PERSONAL_FIELDS[field];
  const extension: PersonalDataExtension = { field, category: spec.category };
  const description = options.description ?? `Personal data (${spec.category}): ${spec.description}.`;
  return (target, propertyKey) => {
    Field(returnType, { nullable: options.nullable ?? false, description })(target, propertyKey);
    Extensions({ [PERSONAL_DATA_EXTENSION]: extension })(target, propertyKey as string);
  };
}
