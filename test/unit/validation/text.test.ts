// Plain text fields: Unicode composition, whitespace, bounds and control characters.
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../../src/validation/text';
import { expectValidationError } from './expect-validation-error';

describe('normalizeText', () => {
  it('trims, collapses whitespace and composes Unicode so equal names index alike', () => {
    const decomposed = 'Ame\u0301lie  van\tDijk ';
    expect(normalizeText(decomposed, 'name', { maxLength: 50 })).toBe('Amélie van Dijk');
    expect(normalizeText(decomposed, 'name', { maxLength: 50 })).toBe(
      normalizeText('Amélie van Dijk', 'name', { maxLength: 50 }),
    );
  });

  it('enforces the bounds after normalisation', () => {
    expect(normalizeText(' abc ', 'name', { maxLength: 3 })).toBe('abc');
    expectValidationError(() => normalizeText('abcd', 'name', { maxLength: 3 }), 'name', /at most 3/);
    expectValidationError(() => normalizeText(' \n ', 'name', { maxLength: 3 }), 'name', /must not be empty/);
    expectValidationError(
      () => normalizeText('ab', 'name', { maxLength: 3, minLength: 3 }),
      'name',
      /at least 3/,
    );
  });

  it('counts characters as a person sees them, and refuses text that only looks like text', () => {
    expect(normalizeText('🙂'.repeat(3), 'name', { maxLength: 3 })).toBe('🙂🙂🙂');
    expectValidationError(() => normalizeText('🙂'.repeat(4), 'name', { maxLength: 3 }), 'name', /at most 3/);
    expectValidationError(
      () => normalizeText('\u200B\u200B\u200B', 'name', { maxLength: 50 }),
      'name',
      /must not be empty/,
    );
    expectValidationError(
      () => normalizeText('Jan \u202Enesnaj', 'name', { maxLength: 50 }),
      'name',
      /text-direction/,
    );
    expectValidationError(() => normalizeText('Jan\uD800', 'name', { maxLength: 50 }), 'name', /Unicode/);
    // A joiner inside a real name is fine.
    expect(normalizeText('Anna\u200DMaria', 'name', { maxLength: 50 })).toBe('Anna\u200DMaria');
  });

  it('refuses control characters', () => {
    expectValidationError(
      () => normalizeText('Jan\u0000Jansen', 'name', { maxLength: 50 }),
      'name',
      /control/,
    );
  });
});
