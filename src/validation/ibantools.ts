/**
 * The one place that loads ibantools. Its package declares a single set of type declarations that
 * TypeScript reads as ES module types (the package is `"type": "module"`), although `require` gets a
 * working CommonJS build; under `module: Node16` a static import from this CommonJS code base is then
 * refused (TS1479). So the types are taken in import mode and the CommonJS build is required.
 */
import type * as IbantoolsModule from 'ibantools' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ibantools = require('ibantools') as typeof IbantoolsModule;
