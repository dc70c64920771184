/**
 * The committed SDL (schema/schema.graphql) and the generated typed operations must match the code.
 * Regenerate both with `npm run schema:emit && npm run codegen`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildPlatformSchema } from '../../../resolvers/schema';
import { allOperations } from '../../../src/auth/access-policy';
import { WHOLE_SET_OPERATIONS } from '../../../src/server/guard.plugin';

const root = path.resolve(__dirname, '../../..');
const schemaFile = path.join(root, 'schema/schema.graphql');

describe('schema/schema.graphql', () => {
  it('matches the schema built from the resolvers', async () => {
    const sdl = `${printSchema(lexicographicSortSchema(await buildPlatformSchema()))}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(schemaFile, sdl);
    expect(readFileSync(schemaFile, 'utf8'), 'schema/schema.graphql is stale: run npm run schema:emit').toBe(
      sdl,
    );
  });

  it('has every Query and Mutation field covered by the access policy', async () => {
    const schema = await buildPlatformSchema();
    const fields = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ];
    const covered = allOperations();
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
    // The operations run once per request are named as the schema names them.
    expect(WHOLE_SET_OPERATIONS.filter((op) => !fields.includes(op))).toEqual([]);
  });
});

describe('schema/generated/graphql.ts', () => {
  it('matches what codegen produces from the committed SDL and operations', async () => {
    const { generate, loadContext } = await import('@graphql-codegen/cli');
    const context = await loadContext(path.join(root, 'codegen.yml'));
    context.cwd = root;
    const outputs = (await generate(context, false)) as { filename: string; content: string }[];
    const generated = outputs.find((o) => o.filename.endsWith('schema/generated/graphql.ts'));
    expect(generated).toBeDefined();
    const committed = readFileSync(path.join(root, 'schema/generated/graphql.ts'), 'utf8');
    expect(committed, 'schema/generated/graphql.ts is stale: run npm run codegen').toBe(generated?.content);
  }, 60_000);
});
