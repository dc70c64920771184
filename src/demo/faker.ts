/**
 * The one place that loads @faker-js/faker. Faker 10 is published as an ES module only, and this code
 * base compiles to CommonJS under `module: Node16`, where TypeScript refuses a static import of an ES
 * module (TS1479). Node >= 20.19 (the engines floor in package.json) can `require` an ES module without
 * top-level await, which faker is, so the module is required and its types are taken in import mode.
 * That keeps `generateDemoCustomers` synchronous; the alternative, `await import()`, would make it async.
 */
import type * as FakerModule from '@faker-js/faker' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const fakerModule = require('@faker-js/faker') as typeof FakerModule;

export type Faker = FakerModule.Faker;
export type LocaleDefinition = FakerModule.LocaleDefinition;
