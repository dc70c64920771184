// The place-of-supply evidence rule: two agreeing pieces, a disagreeing third, ties; pieces compared by
// VAT territory (the Canary Islands, Monaco, ...), not bare country.
import { describe, expect, it } from 'vitest';
import { establishVatCountry } from '../../../src/vat/vat-evidence';

describe('establishVatCountry', () => {
  it('establishes the country from two agreeing pieces', () => {
    expect(establishVatCountry({ billingCountry: 'NL', ipCountry: 'NL' })).toEqual({
      country: 'NL',
      territory: { code: 'NL', country: 'NL', name: null, inEuVatArea: true },
      conflict: false,
      pieces: [
        { kind: 'billingCountry', country: 'NL', territory: 'NL' },
        { kind: 'ipCountry', country: 'NL', territory: 'NL' },
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
      { kind: 'billingCountry', country: 'NL', territory: 'NL' },
    ]);
  });

  it('does not count a piece the caller leaves out, and names it with why in the outcome and the reason', () => {
    const outcome = establishVatCountry({ billingCountry: 'DE', ipCountry: 'NL', phoneCountry: 'DE' }, {}, [
      { kind: 'phoneCountry', country: null, why: 'national format' },
      { kind: 'ipCountry', country: 'FI', why: 'hosting provider' },
    ]);
    expect(outcome).toEqual({
      country: null,
      territory: null,
      conflict: false,
      // A German country alone may be Büsingen's or Heligoland's as well: no territory of its own.
      pieces: [{ kind: 'billingCountry', country: 'DE', territory: null }],
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

describe('establishVatCountry by VAT territory', () => {
  const canaryBilling = { country: 'ES', postalCode: '35001', city: 'Las Palmas de Gran Canaria' };
  const madridBilling = { country: 'ES', postalCode: '28001', city: 'Madrid' };
  const canaryIp = { country: 'ES', subdivisionCode: 'CN', subdivision: 'Canary Islands' };
  const madridIp = { country: 'ES', subdivisionCode: 'MD', subdivision: 'Madrid' };

  it('establishes the Canary Islands, outside the EU VAT area, from a billing address and an IP address there', () => {
    const outcome = establishVatCountry({ billingCountry: canaryBilling, ipCountry: canaryIp });
    expect(outcome).toMatchObject({
      country: 'ES',
      territory: { code: 'ES-CN', country: 'ES', name: 'Canary Islands', inEuVatArea: false },
      conflict: false,
      pieces: [
        { kind: 'billingCountry', country: 'ES', territory: 'ES-CN' },
        { kind: 'ipCountry', country: 'ES', territory: 'ES-CN' },
      ],
      supporting: ['billingCountry', 'ipCountry'],
      reason:
        'ES (Canary Islands, outside the EU VAT area) from billingCountry ES (Canary Islands), ipCountry ES (Canary Islands)',
    });
  });

  it('finds a billing address on the Canary Islands and an IP address in Madrid in conflict', () => {
    const outcome = establishVatCountry({ billingCountry: canaryBilling, ipCountry: madridIp });
    expect(outcome).toMatchObject({
      country: null,
      territory: null,
      conflict: true,
      contradicting: ['billingCountry', 'ipCountry'],
      reason: 'evidence is split: billingCountry ES (Canary Islands), ipCountry ES (rest of Spain)',
    });
    // The other way round as well.
    expect(establishVatCountry({ billingCountry: madridBilling, ipCountry: canaryIp })).toMatchObject({
      country: null,
      conflict: true,
    });
  });

  it('does not let a Spanish IBAN, which names only the country, settle that conflict either way', () => {
    const outcome = establishVatCountry({
      billingCountry: canaryBilling,
      ipCountry: madridIp,
      bankCountry: 'ES',
    });
    expect(outcome).toMatchObject({ country: null, territory: null, conflict: true });
    // It agrees with both, so it contradicts neither.
    expect(outcome.contradicting).toEqual(['billingCountry', 'ipCountry']);
    expect(outcome.pieces[2]).toEqual({ kind: 'bankCountry', country: 'ES', territory: null });
    expect(outcome.reason).toBe(
      'evidence is split: billingCountry ES (Canary Islands), ipCountry ES (rest of Spain), bankCountry ES (country only)',
    );
  });

  it('counts an IBAN, a phone number or a GeoIP answer without a region as agreeing with the islands', () => {
    expect(
      establishVatCountry({ billingCountry: canaryBilling, bankCountry: 'ES', phoneCountry: 'ES' }),
    ).toMatchObject({
      territory: { code: 'ES-CN' },
      conflict: false,
      supporting: ['billingCountry', 'bankCountry', 'phoneCountry'],
    });
    expect(
      establishVatCountry({ billingCountry: canaryBilling, ipCountry: { country: 'ES' } }),
    ).toMatchObject({ territory: { code: 'ES-CN' }, conflict: false });
  });

  it('takes pieces naming only Spain to mean its ordinary territory', () => {
    const outcome = establishVatCountry({ billingCountry: 'NL', bankCountry: 'ES', phoneCountry: 'ES' });
    expect(outcome).toMatchObject({
      country: 'ES',
      territory: { code: 'ES', inEuVatArea: true },
      conflict: true,
      supporting: ['bankCountry', 'phoneCountry'],
      contradicting: ['billingCountry'],
      reason: 'ES from bankCountry ES, phoneCountry ES; contradicted by billingCountry NL',
    });
  });

  it('keeps the mainland as before: a Madrid address and IP are Spain', () => {
    expect(
      establishVatCountry({ billingCountry: madridBilling, ipCountry: madridIp, bankCountry: 'ES' }),
    ).toMatchObject({
      country: 'ES',
      territory: { code: 'ES', inEuVatArea: true },
      conflict: false,
      reason: 'ES from billingCountry ES, ipCountry ES, bankCountry ES',
    });
  });

  it('establishes France from a billing address in Monaco and a French IP address', () => {
    const outcome = establishVatCountry({
      billingCountry: { country: 'MC', postalCode: '98000', city: 'Monaco' },
      ipCountry: { country: 'FR', subdivisionCode: 'IDF', subdivision: 'Île-de-France' },
    });
    expect(outcome).toMatchObject({
      country: 'FR',
      territory: { code: 'FR', inEuVatArea: true },
      conflict: false,
      pieces: [
        { kind: 'billingCountry', country: 'MC', territory: 'FR' },
        { kind: 'ipCountry', country: 'FR', territory: 'FR' },
      ],
      reason: 'FR from billingCountry MC (Monaco, in the French VAT area), ipCountry FR (rest of France)',
    });
    expect(establishVatCountry({ billingCountry: 'MC', bankCountry: 'MC' }).country).toBe('FR');
  });

  it('establishes Åland from a Finnish postal code and GeoIP, which gives Åland its own code', () => {
    expect(
      establishVatCountry({
        billingCountry: { country: 'FI', postalCode: '22100', city: 'Mariehamn' },
        ipCountry: { country: 'AX' },
        bankCountry: 'FI',
      }),
    ).toMatchObject({
      country: 'FI',
      territory: { code: 'AX', name: 'Åland', inEuVatArea: false },
      conflict: false,
    });
  });

  it('establishes Büsingen from its postal code and a German IP address GeoIP cannot place more closely', () => {
    expect(
      establishVatCountry({
        billingCountry: { country: 'DE', postalCode: '78266', city: 'Büsingen am Hochrhein' },
        ipCountry: { country: 'DE', subdivisionCode: 'BW', subdivision: 'Baden-Württemberg' },
      }),
    ).toMatchObject({ territory: { code: 'DE-BUSINGEN' }, conflict: false });
  });

  it('tells two special territories of one state apart', () => {
    expect(
      establishVatCountry({
        billingCountry: canaryBilling,
        ipCountry: { country: 'ES', subdivisionCode: 'CE', subdivision: 'Ceuta' },
      }),
    ).toMatchObject({ country: null, conflict: true });
  });

  it('keeps the rule for a third piece: two on the islands against a Dutch IBAN establish the islands, with a conflict', () => {
    expect(
      establishVatCountry({ billingCountry: canaryBilling, ipCountry: canaryIp, bankCountry: 'NL' }),
    ).toMatchObject({
      country: 'ES',
      territory: { code: 'ES-CN' },
      conflict: true,
      supporting: ['billingCountry', 'ipCountry'],
      contradicting: ['bankCountry'],
      reason:
        'ES (Canary Islands, outside the EU VAT area) from billingCountry ES (Canary Islands), ipCountry ES (Canary Islands); contradicted by bankCountry NL',
    });
  });
});
