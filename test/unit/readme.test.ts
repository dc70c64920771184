/**
 * The README is the order system's reference for reason codes and the operator's for settings: it must
 * list every reason code the rules know and every environment variable the service reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../../src/config/config';
import { REASON_CODES } from '../../src/scoring/reason-codes';

describe('README', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

  it('lists every reason code', () => {
    expect(REASON_CODES.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });

  it("lists every environment variable the service reads (OpenTelemetry's under `OTEL_*`)", () => {
    const missing = ENVIRONMENT_VARIABLES.filter(
      (name) => !readme.includes(name) && !(name.startsWith('OTEL_') && readme.includes('`OTEL_*`')),
    );
    expect(missing).toEqual([]);
  });

  it('has the less privileged role made after the migrations that create platform_app, by an owner that may', () => {
    const section = readme.slice(readme.indexOf('### Running as a less privileged database role'));
    const migrate = section.indexOf('npm run cli -- db migrate');
    const member = section.indexOf('in role platform_app');
    expect(migrate).toBeGreaterThan(0);
    expect(member).toBeGreaterThan(migrate);
    expect(section.slice(0, migrate)).toMatch(/createrole/i);
  });

  it('starts with the two commands', () => {
    const top = readme.split('\n').slice(0, 8).join('\n');
    expect(top).toContain('npm install && npm start');
    expect(top).toContain('npm test');
  });
});
