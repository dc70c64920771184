// X-Purpose: a known kind, optionally with a reference; each way of getting it wrong says what to fix.
import { describe, expect, it } from 'vitest';
import { parsePurpose } from '../../../src/auth/purpose';
import { expectValidationError } from '../validation/expect-validation-error';

describe('parsePurpose', () => {
  it('reads a kind and its reference', () => {
    expect(parsePurpose(' support-ticket:4711 ')).toEqual({
      kind: 'support-ticket',
      reference: '4711',
      text: 'support-ticket:4711',
    });
    expect(parsePurpose('fraud-prevention').reference).toBeNull();
  });

  it('names the problem: an unknown kind, a reference too long or with odd characters, a missing one', () => {
    expectValidationError(() => parsePurpose('curiosity'), 'X-Purpose', /not a known purpose; use one of/);
    expectValidationError(
      () => parsePurpose(`support-ticket:${'9'.repeat(65)}`),
      'X-Purpose',
      /reference after "support-ticket:" must be 1 to 64/,
    );
    expectValidationError(() => parsePurpose('support-ticket:47 11'), 'X-Purpose', /letters, digits/);
    expectValidationError(
      () => parsePurpose('vat-audit:<script>'),
      'X-Purpose',
      /reference after "vat-audit:"/,
    );
    expectValidationError(() => parsePurpose('support-ticket:'), 'X-Purpose', /must be 1 to 64/);
    expectValidationError(() => parsePurpose('support-ticket'), 'X-Purpose', /needs a reference/);
  });
});
