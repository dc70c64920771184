// The place-of-supply evidence rule: two agreeing pieces, a disagreeing third, ties.
import { describe, expect, it } from 'vitest';
import { establishVatCountry } from '../../../src/vat/vat-evidence';

describe('establishVatCountry', () => {
  it('establishes the country from two agreeing pieces', () => {
    expect(establishVatCountry({ billingCountry: 'NL', ipCountry: 'NL' })).toEqual({
      country: 'NL',
      conflict: false,
      pieces: [
        { kind: 'billingCountry', country: 'NL' },
        { kind: 'ipCountry', country: 'NL' },
      ],
      supporting: ['billingCountry', 'ipCountry'],
      contradicting: [],
      excluded: [],
      reason: 'NL from billingCountry NL, ipCountry NL',
    });
  });

  it('keeps two agreeing pieces against a third that disagrees, and flags the conflict', () => {
    const outcome = establishVatCountry({ billingCountry: 'DE', ipCountry: 'NL', bankCountry: 'DE' });
    expect(outcome.country).toBe('DE');
    expect(outcome.conflict).toBe(true);
    expect(outcome.supporting).toEqual(['billingCountry', 'bankCountry']);
    expect(outcome.contradicting).toEqual(['ipCountry']);
    expect(outcome.reason).toBe('DE from billingCountry DE, bankCountry DE; contradicted by ipCountry NL');
  });

  it('lets three agree against one', () => {
    const outcome = establishVatCountry({
      billingCountry: 'BE',
      ipCountry: 'BE',
      bankCountry: 'NL',
      phoneCountry: 'BE',
    });
    expect(outcome).toMatchObject({ country: 'BE', conflict: true, contradicting: ['bankCountry'] });
  });

  it('establishes nothing on a tie', () => {
    const outcome = establishVatCountry({
      billingCountry: 'NL',
      ipCountry: 'DE',
      bankCountry: 'NL',
      phoneCountry: 'DE',
    });
    expect(outcome).toMatchObject({ country: null, conflict: true, supporting: [] });
    expect(outcome.contradicting).toEqual(['billingCountry', 'ipCountry', 'bankCountry', 'phoneCountry']);
    expect(outcome.reason).toMatch(/split/);
  });

  it('establishes nothing when every piece names another country', () => {
    const outcome = establishVatCountry({ billingCountry: 'NL', ipCountry: 'DE', bankCountry: 'FR' });
    expect(outcome).toMatchObject({ country: null, conflict: true });
  });

  it('needs two pieces: one alone establishes nothing, and is no conflict', () => {
    expect(establishVatCountry({ billingCountry: 'NL', ipCountry: null })).toMatchObject({
      country: null,
      conflict: false,
      supporting: [],
      contradicting: [],
      reason: '2 agreeing pieces needed, only billingCountry NL present',
    });
    expect(establishVatCountry({})).toMatchObject({
      country: null,
      conflict: false,
      pieces: [],
      reason: 'no evidence',
    });
  });

  it('accepts one piece under the small-supplier rule, but not two that disagree', () => {
    expect(establishVatCountry({ billingCountry: 'FR' }, { minimumPieces: 1 }).country).toBe('FR');
    expect(
      establishVatCountry({ billingCountry: 'FR', ipCountry: 'NL' }, { minimumPieces: 1 }).country,
    ).toBeNull();
  });

  it('compares ISO codes whatever their case, reads EL as GR and UK as GB, and skips values that are no code', () => {
    expect(establishVatCountry({ billingCountry: 'gr', bankCountry: 'EL' }).country).toBe('GR');
    expect(establishVatCountry({ billingCountry: 'GB', phoneCountry: ' uk ' }).country).toBe('GB');
    expect(establishVatCountry({ billingCountry: 'NL', ipCountry: 'NLD', phoneCountry: '' }).pieces).toEqual([
      { kind: 'billingCountry', country: 'NL' },
    ]);
  });

  it('does not count a piece the caller leaves out, and names it with why in the outcome and the reason', () => {
    const outcome = establishVatCountry({ billingCountry: 'DE', ipCountry: 'NL', phoneCountry: 'DE' }, {}, [
      { kind: 'phoneCountry', country: null, why: 'national format' },
      { kind: 'ipCountry', country: 'FI', why: 'hosting provider' },
    ]);
    expect(outcome).toEqual({
      country: null,
      conflict: false,
      pieces: [{ kind: 'billingCountry', country: 'DE' }],
      supporting: [],
      contradicting: [],
      excluded: [
        { kind: 'phoneCountry', country: null, why: 'national format' },
        { kind: 'ipCountry', country: 'FI', why: 'hosting provider' },
      ],
      reason:
        '2 agreeing pieces needed, only billingCountry DE present; not counted: phoneCountry (national format), ipCountry FI (hosting provider)',
    });
  });
});
