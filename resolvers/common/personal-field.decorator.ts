/**
 * How the schema declares what is personal data. `@PersonalField('email', ...)` marks a field that
 * releases personal data: its category comes from the one declarative table
 * (src/personal-data/data-categories.ts), it is attached to the schema as a field extension (where the
 * operation guard reads it for role and purpose checks), and `notePersonalReleases` wraps the resolver
 * of every field with that extension, when the schema is built, so that each value released is noted,
 * per data subject, for the audit log. `@NonPersonalField()` says a field of such a type is not
 * personal, so the start-up check (src/server/personal-data-check.ts) can refuse any field that says
 * neither.
 */
import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { Extensions, Field } from 'type-graphql';
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

/**
 * Wraps the resolver of every field tagged as personal data so that the value it releases is noted in
 * the request's reads, whose events the audit plugin commits before the response leaves. A plain
 * synchronous wrapper rather than a type-graphql middleware: a middleware makes every field it is on
 * asynchronous (several promises per field, each tracked by the request's async context), which
 * cost a read of ten personal fields more than decrypting them.
 */
export function notePersonalReleases(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const extension = field.extensions[PERSONAL_DATA_EXTENSION] as
        PersonalDataExtension | false | undefined;
      if (extension === undefined || extension === false) continue;
      field.resolve = noteRelease(extension, field.resolve ?? defaultFieldResolver);
    }
  }
  return schema;
}

function noteRelease(
  extension: PersonalDataExtension,
  resolve: GraphQLFieldResolver<unknown, RequestContext>,
): GraphQLFieldResolver<unknown, RequestContext> {
  return (root, args, context, info) => {
    const subjectId = (root as Partial<DataSubject>).dataSubjectId;
    if (typeof subjectId !== 'string') {
      // A personal field on an object that cannot say whose data it is would escape the audit log.
      throw new Error(`personal field ${extension.field} resolved on an object without dataSubjectId`);
    }
    const value: unknown = resolve(root, args, context, info);
    // Noted once the value is there: a field that fails releases nothing.
    if (isPromiseLike(value)) {
      return value.then((released: unknown) => {
        context.reads.add(subjectId, extension.field, extension.category);
        return released;
      });
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
  };
}

/**
 * An input field that looks people up by a personal value (an exact-match filter on an email address
 * or an IBAN). Asking with it uses the category as reading it would: the operation guard asks the
 * role and the purpose for it (src/server/operation-analysis.ts), and whoever the search finds has
 * that field recorded as read, since the caller learns it is theirs.
 */
export function PersonalInputField(
  field: PersonalFieldName,
  returnType: ReturnTypeFunc,
  options: { nullable?: boolean; description?: string } = {},
): PropertyDecorator {
  const extension: PersonalDataExtension = { field, category: PERSONAL_FIELDS[field].category };
  return (target, propertyKey) => {
    Field(returnType, options)(target, propertyKey);
    Extensions({ [PERSONAL_DATA_EXTENSION]: extension })(target, propertyKey as string);
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

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
