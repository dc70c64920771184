/**
 * GraphQL enums from the domain's const objects: GraphQL names in SCREAMING_SNAKE_CASE, values as the
 * domain stores them (`mailing_opt_out` is `MAILING_OPT_OUT` on the wire).
 */
import { registerEnumType } from 'type-graphql';

export function enumType<T extends Record<string, string>>(values: T, name: string, description?: string) {
  const graphqlEnum = Object.fromEntries(Object.values(values).map((v) => [v.toUpperCase(), v])) as Record<
    string,
    T[keyof T]
  >;
  registerEnumType(graphqlEnum, { name, description });
  return graphqlEnum;
}
