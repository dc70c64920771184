/** Scalars used across the API: `DateTime` (ISO 8601 with offset, always emitted in UTC) and `JSON`. */
import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver, JSONResolver } from 'graphql-scalars';

// The contract names the scalar `DateTime`; graphql-scalars' ISO variant has the behaviour we want.
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: 'DateTime',
  description: 'A date-time in ISO 8601 with a UTC offset, e.g. 2026-11-25T09:00:00.000Z.',
});

export const JSONScalar = JSONResolver;
