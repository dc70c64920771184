/** The README is the order system's reference for reason codes: it must list every one the rules know. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/scoring/reason-codes';

describe('README', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

  it('lists every reason code', () => {
    expect(REASON_CODES.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });

  it('starts with the two commands', () => {
    const top = readme.split('\n').slice(0, 8).join('\n');
    expect(top).toContain('npm install && npm start');
    expect(top).toContain('npm test');
  });
});
