/**
 * notePersonalReleases: every field tagged as personal data notes what it released, per data subject,
 * whether its resolver answers at once or later; a field that fails releases nothing, and a personal
 * field on an object that cannot say whose data it is refuses to answer.
 */
import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { offlineContext, ReadCollector } from '../../../audit/audit-context';
import {
  notePersonalReleases,
  PERSONAL_DATA_EXTENSION,
} from '../../../resolvers/common/personal-field.decorator';

const personal = (field: string, category: string) => ({
  [PERSONAL_DATA_EXTENSION]: { field, category },
});

function schemaWith(person: Record<string, unknown>): GraphQLSchema {
  const Person = new GraphQLObjectType({
    name: 'Person',
    fields: {
      id: { type: GraphQLString, extensions: { [PERSONAL_DATA_EXTENSION]: false } },
      email: { type: GraphQLString, extensions: personal('email', 'email') }, // the default resolver
      phone: {
        type: GraphQLString,
        extensions: personal('phone', 'phone'),
        resolve: (p: { phone: string }) => Promise.resolve(p.phone),
      },
      iban: {
        type: GraphQLString,
        extensions: personal('iban', 'bank_account'),
        resolve: () => Promise.reject(new Error('cannot decrypt')),
      },
    },
  });
  const Query = new GraphQLObjectType({
    name: 'Query',
    fields: { person: { type: Person, resolve: () => person } },
  });
  return notePersonalReleases(new GraphQLSchema({ query: Query }));
}

async function run(schema: GraphQLSchema, source: string) {
  const reads = new ReadCollector();
  const result = await graphql({ schema, source, contextValue: { reads } });
  const events = reads.events(offlineContext(null, 'test'));
  return {
    result,
    events: events.map((e) => ({ subjectId: e.subjectId, fields: e.fields, categories: e.categories })),
  };
}

describe('notePersonalReleases', () => {
  const person = { dataSubjectId: 'subject-1', id: 'p1', email: 'a@example.nl', phone: '+31201234567' };

  it('notes the personal fields released, sync and async, and not the others', async () => {
    const { result, events } = await run(schemaWith(person), '{ person { id email phone } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ person: { id: 'p1', email: 'a@example.nl', phone: '+31201234567' } });
    expect(events).toEqual([
      { subjectId: 'subject-1', fields: ['email', 'phone'], categories: ['email', 'phone'] },
    ]);
  });

  it('notes nothing for a query without personal fields, or for a personal field that failed', async () => {
    expect((await run(schemaWith(person), '{ person { id } }')).events).toEqual([]);
    const failed = await run(schemaWith(person), '{ person { iban } }');
    expect(failed.result.errors?.[0]?.message).toBe('cannot decrypt');
    expect(failed.events).toEqual([]);
  });

  it('refuses a personal field on an object without dataSubjectId', async () => {
    const { result, events } = await run(
      schemaWith({ id: 'p1', email: 'a@example.nl' }),
      '{ person { email } }',
    );
    expect(result.errors?.[0]?.message).toMatch(
      /personal field email resolved on an object without dataSubjectId/,
    );
    expect(result.data).toEqual({ person: { email: null } });
    expect(events).toEqual([]);
  });
});
