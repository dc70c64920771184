/**
 * The depth and size rule on crafted documents: fragments that multiply, cycle, chain or run wide are
 * measured in time linear in the document, and depth is counted as graphql-depth-limit counted it.
 */
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryLimitsRule } from '../../../src/server/query-limits.rule';

const schema = buildSchema(`
  type Query { me: Person, people(first: Int): [Person!]! }
  type Person { id: ID!, name: String, friend: Person, friends: [Person!]! }
`);

function check(query: string, maxDepth = 3, maxSelections = 100): string[] {
  const document = parse(query);
  return validate(schema, document, [queryLimitsRule({ maxDepth, maxSelections })]).map((e) => e.message);
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

/** `query{...F0}` where each fragment spreads the next twice: 2^levels selections once expanded. */
function doublingFragments(levels: number): string {
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment F${i} on Query{__typename ...F${i + 1} ...F${i + 1}}`,
  );
  return `query{...F0} ${fragments.join(' ')} fragment F${levels} on Query{__typename}`;
}

describe('queryLimitsRule', () => {
  it('counts depth from 0 at the root fields, as graphql-depth-limit did', () => {
    expect(check('{ me { friend { friend { id } } } }')).toEqual([]); // id at depth 3
    expect(check('query Deep { me { friend { friend { friend { id } } } } }')).toEqual([
      "Operation 'Deep' exceeds maximum operation depth of 3",
    ]);
    // __typename sits at a depth too; introspection fields add none below them.
    expect(check('{ me { friend { friend { friend { __typename } } } } }')).toHaveLength(1);
    expect(
      check('{ me { __type(name: "Person") { fields { type { ofType { ofType { name } } } } } } }'),
    ).toEqual([]);
  });

  it('follows fragments and inline fragments, which add no depth themselves', () => {
    const viaFragments = `
      { me { ...A } }
      fragment A on Person { friend { ...B } }
      fragment B on Person { ... on Person { friend { friend { id } } } }`;
    expect(check(viaFragments)).toEqual(['The operation exceeds maximum operation depth of 3']);
    expect(check(viaFragments, 4)).toEqual([]);
  });

  it('measures each operation of a document apart', () => {
    const messages = check(
      'query Shallow { me { id } } query Deep { me { friend { friend { friend { id } } } } }',
    );
    expect(messages).toEqual(["Operation 'Deep' exceeds maximum operation depth of 3"]);
  });

  it('counts every selection once fragments are expanded, and refuses past the limit', () => {
    // F4 has 1 selection, each fragment before it 3 + twice the next one's: F0 has 61, the operation 62.
    expect(check(doublingFragments(4), 3, 100)).toEqual([]);
    expect(check(doublingFragments(5), 3, 100)).toEqual([
      'The operation has more than 100 selections once its fragments are expanded; ask for fewer fields',
    ]);
    const aliases = Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(check(`{ ${aliases} }`)).toHaveLength(1);
  });

  it('measures fragments that each spread the next twice in time linear in the document', () => {
    check(doublingFragments(3)); // warm up
    for (const levels of [25, 60, 400]) {
      const { result, ms } = timed(() => check(doublingFragments(levels), 10, 10_000));
      expect(result).toEqual([
        'The operation has more than 10000 selections once its fragments are expanded; ask for fewer fields',
      ]);
      // About a millisecond once warm; the bound leaves room for a busy machine. Expanding the
      // fragments would take 2^levels steps: seconds at 25 levels, forever at 60.
      expect(ms).toBeLessThan(250);
    }
  });

  it('leaves fragment cycles and unknown fragments to graphql’s own rules, without overflowing', () => {
    const cycle = parse('query{...A} fragment A on Query{...B} fragment B on Query{...A}');
    const errors = validate(schema, cycle, [
      ...specifiedRules,
      queryLimitsRule({ maxDepth: 3, maxSelections: 100 }),
    ]);
    expect(errors.map((e) => e.message)).toEqual(['Cannot spread fragment "A" within itself via "B".']);
    expect(check('{ ...Nowhere }')).toEqual([]);
    expect(check('query{...A} fragment A on Query{me{...A}}')).toEqual([]);
  });

  it('copes with very wide selections and long fragment chains (no stack overflow)', () => {
    const wide = timed(() => check(`{ me { ${'id '.repeat(200_000)} } }`, 10, 10_000));
    expect(wide.result).toEqual([
      'The operation has more than 10000 selections once its fragments are expanded; ask for fewer fields',
    ]);
    const chain = Array.from({ length: 20_000 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`);
    const long = `{ ...F0 } ${chain.join(' ')} fragment F20000 on Query { __typename }`;
    expect(check(long, 10, 100_000)).toEqual([]);
  });

  it('lets a full introspection query through at the default depth', () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(check(query, 10, 10_000)).toEqual([]);
  });
});
