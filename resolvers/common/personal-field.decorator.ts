/**
 * How the schema declares what is personal data. `@PersonalField('email', ...)` marks a field that
 * releases personal data: its category comes from the one declarative table
 * (src/personal-data/data-categories.ts), it is attached to the schema as a field extension (where the
 * operation guard reads it for role and purpose checks), and a middleware notes every value released,
 * per data subject, for the audit log. `@NonPersonalField()` says a field of such a type is not personal,
 * so the start-up check (src/server/personal-data-check.ts) can refuse any field that says neither.
 */
import { Extensions, Field, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import {
  PERSONAL_FIELDS,
  type DataCategory,
  type PersonalFieldName,
} from '../../src/personal-data/data-categories';
import type { RequestContext } from '../../src/server/request-context';

/** type-graphql's return-type thunk (its type is not exported from the package root). */
type ReturnTypeFunc = Parameters<typeof Field>[0] & ((...args: never[]) => unknown);

export const PERSONAL_DATA_EXTENSION = 'personalData';

export interface PersonalDataExtension {
  field: PersonalFieldName;
  category: DataCategory;
}

/** Objects that carry a person's data say whose it is. */
export interface DataSubject {
  readonly dataSubjectId: string;
}

function recordRelease(extension: PersonalDataExtension): MiddlewareFn<RequestContext> {
  return async ({ root, context }, next) => {
    const value: unknown = await next();
    const subjectId = (root as Partial<DataSubject>).dataSubjectId;
    if (typeof subjectId !== 'string') {
      // A personal field on an object that cannot say whose data it is would escape the audit log.
      throw new Error(`personal field ${extension.field} resolved on an object without dataSubjectId`);
    }
    context.reads.add(subjectId, extension.field, extension.category);
    return value;
  };
}

export function PersonalField(
  field: PersonalFieldName,
  returnType: ReturnTypeFunc,
  options: { nullable?: boolean; description?: string } = {},
): PropertyDecorator {
  const spec = PERSONAL_FIELDS[field];
  const extension: PersonalDataExtension = { field, category: spec.category };
  const description = options.description ?? `Personal data (${spec.category}): ${spec.description}.`;
  return (target, propertyKey) => {
    Field(returnType, { nullable: options.nullable ?? false, description })(target, propertyKey);
    Extensions({ [PERSONAL_DATA_EXTENSION]: extension })(target, propertyKey as string);
    UseMiddleware(recordRelease(extension))(target, propertyKey);
  };
}

/** A field of a personal-data type that holds no personal data (ids, status, timestamps). */
export function NonPersonalField(
  returnType?: ReturnTypeFunc,
  options: { nullable?: boolean; description?: string } = {},
): PropertyDecorator {
  return (target, propertyKey) => {
    if (returnType === undefined) Field(options)(target, propertyKey);
    else Field(returnType, options)(target, propertyKey);
    Extensions({ [PERSONAL_DATA_EXTENSION]: false })(target, propertyKey as string);
  };
}
