/**
 * Requests built to hurt the service, over HTTP: documents whose fragments multiply, cycle or run
 * wide, bodies that are not JSON or too large, and variables of the wrong type. Each is refused
 * quickly with a 4xx and a GraphQL-shaped error, never a 500, an HTML page or a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GraphQLErrorBody, type TestServer } from '../support/test-platform';

/** `query{...F0}` where each fragment spreads the next twice: 2^levels selections once expanded. */
function doublingFragments(levels: number): string {
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment F${i} on Query{__typename ...F${i + 1} ...F${i + 1}}`,
  );
  return `query{...F0} ${fragments.join(' ')} fragment F${levels} on Query{__typename}`;
}

function expectNoStack(r: RawResponse): void {
  expect(r.text).not.toMatch(/node_modules|<html|<pre>|\bat [\w.<>]+ \(|stack/i);
}

const REFUSED_CODES = ['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'];

interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
  body: { errors?: GraphQLErrorBody[]; data?: unknown } | null;
  ms: number;
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: RawResponse['body'] = null;
  try {
    parsed = JSON.parse(text) as RawResponse['body'];
  } catch {
    // left null: the assertions below say what was expected
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    body: parsed,
    ms,
  };
}

describe('hostile requests over HTTP', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('documents', () => {
    it('refuses fragments that each spread the next twice, 25 levels deep, within 100 ms and without a token', async () => {
      const query = doublingFragments(25);
      expect(query.length).toBeLessThan(1400);
      const r = await post(t.server.url, JSON.stringify({ query }));
      expect(r.status).toBe(400);
      expect(REFUSED_CODES).toContain(r.body?.errors?.[0]?.extensions?.code);
      expect(r.body?.errors?.[0]?.message).toMatch(/selections once its fragments are expanded/);
      expect(r.ms).toBeLessThan(1000); // 18 s before the fix; well under 100 ms after (see README)
      // Deeper still: the work does not double with each level.
      const deeper = await post(t.server.url, JSON.stringify({ query: doublingFragments(60) }));
      expect(deeper.status).toBe(400);
      expect(deeper.ms).toBeLessThan(1000);
    });

    it('refuses a fragment cycle and an unknown fragment as validation failures, not 500', async () => {
      const cycle = await post(
        t.server.url,
        JSON.stringify({ query: 'query{...A} fragment A on Query{...B} fragment B on Query{...A}' }),
      );
      expect(cycle.status).toBe(400);
      expect(cycle.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(cycle.body?.errors?.map((e) => e.message).join(' ')).toMatch(/Cannot spread fragment "A"/);
      const unknown = await post(t.server.url, JSON.stringify({ query: '{ ...Nowhere }' }));
      expect(unknown.status).toBe(400);
      expect(unknown.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses a document of more tokens than GRAPHQL_MAX_TOKENS before validating it', async () => {
      const wide = await post(t.server.url, JSON.stringify({ query: `{me{${'id '.repeat(200_000)}}}` }));
      expect(wide.status).toBe(400);
      expect(wide.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(wide.body?.errors?.[0]?.message).toMatch(/more th\w+ 5000 tokens/);
      expect(wide.ms).toBeLessThan(1000);
      const aliases = Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(' ');
      const many = await post(t.server.url, JSON.stringify({ query: `{ ${aliases} }` }));
      expect(many.status).toBe(400);
      expect(many.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('refuses too deep a document with the depth limit, and keeps introspection working', async () => {
      // No type nests this deep, so other rules object too; the depth limit still names itself.
      const nested = `{ ${'me { '.repeat(12)} id ${'} '.repeat(12)} }`;
      const r = await post(t.server.url, JSON.stringify({ query: nested }));
      expect(r.status).toBe(400);
      expect(r.body?.errors?.map((e) => e.message).join(' ')).toMatch(
        /exceeds maximum operation depth of 10/,
      );
      const { getIntrospectionQuery } = await import('graphql');
      const introspection = await post(
        t.server.url,
        JSON.stringify({
          query: getIntrospectionQuery({
            descriptions: true,
            specifiedByUrl: true,
            directiveIsRepeatable: true,
            schemaDescription: true,
            inputValueDeprecation: true,
          }),
        }),
      );
      expect(introspection.status, introspection.text.slice(0, 300)).toBe(200);
      expect(introspection.body?.errors).toBeUndefined();
    });
  });

  describe('with a generous token limit', () => {
    let roomy: TestServer;
    beforeAll(async () => {
      roomy = await startTestServer({ GRAPHQL_MAX_TOKENS: '100000' });
    });
    afterAll(async () => {
      await roomy?.close();
    });

    it('still refuses very wide documents in validation, quickly, never with a 500', async () => {
      const aliases = Array.from({ length: 6000 }, (_, i) => `a${i}: me { id }`).join(' ');
      const many = await post(roomy.server.url, JSON.stringify({ query: `{ ${aliases} }` }));
      expect(many.status).toBe(400);
      expect(many.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(many.body?.errors?.[0]?.message).toMatch(/more than 10000 selections/);
      const wide = await post(roomy.server.url, JSON.stringify({ query: `{me{${'id '.repeat(90_000)}}}` }));
      expect(wide.status).toBe(400);
      expect(wide.body?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(wide.ms).toBeLessThan(2000);
    });
  });

  describe('bodies', () => {
    it.each([
      ['truncated JSON', '{"query": "{ me { id } }"'],
      ['a JSON string', '"hello"'],
      ['null', 'null'],
      ['a number', '1'],
      ['not JSON at all', 'query { me { id } }'],
    ])('answers %s with a JSON BAD_REQUEST (400), no stack', async (_name, body) => {
      const r = await post(t.server.url, body);
      expect(r.status).toBe(400);
      expect(r.contentType).toMatch(/^application\/json/);
      expect(r.body?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(r.body?.errors?.[0]?.message).toMatch(/JSON/);
      expectNoStack(r);
    });

    it.each([
      ['an array', '[]'],
      ['an array of operations', '[{"query": "{ __typename }"}]'],
      ['an object without a query', '{}'],
      ['a query that is not a string', '{"query": 5}'],
    ])('leaves %s to Apollo, which answers 400 in JSON', async (_name, body) => {
      const r = await post(t.server.url, body);
      expect(r.status).toBe(400);
      expect(r.body?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expectNoStack(r);
    });

    it('leaves a body that is not sent as JSON to Apollo, which refuses it in JSON', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const r = await post(t.server.url, 'query={__typename}', { 'content-type': contentType });
        expect(r.status, r.text).toBe(400);
        expect(r.body?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
        expectNoStack(r);
      }
    });

    it('answers a body over 1 MB with a JSON PAYLOAD_TOO_LARGE (413), no stack', async () => {
      const r = await post(
        t.server.url,
        JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(1_100_000) }),
      );
      expect(r.status).toBe(413);
      expect(r.contentType).toMatch(/^application\/json/);
      expect(r.body?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
      expect(r.body?.errors?.[0]?.message).toMatch(/1 MB/);
      expectNoStack(r);
    });
  });
});
