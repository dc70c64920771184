import { describe, expect, it } from 'vitest';
import { compareTraderAddress } from '../../../src/vat/trader-address';

const place = (postalCode: string | null, city: string | null) => ({ postalCode, city });

describe('compareTraderAddress', () => {
  it.each([
    // VIES's layouts per member state, with the billing address as a customer types it.
    ['KERKSTRAAT 00001\n1234AB AMSTERDAM\n', place('1234 AB', 'Amsterdam')],
    ['KERKSTRAAT 00001\n1234 AB AMSTERDAM', place('1234AB', 'Amsterdam')],
    ['Rue de la Loi 16\n1000 Bruxelles', place('1000', 'Brussel')],
    ['12 RUE DE RIVOLI 75001 PARIS', place('75001', 'Paris')],
    ['VIA ROMA 1 \n20121 MILANO MI\n', place('20121', 'Milano')],
    ['1, RUE DU FORT\nL-1234 LUXEMBOURG', place('L-1234', 'Luxembourg')],
    ['1, RUE DU FORT\nL-1234 LUXEMBOURG', place('1234', 'Luxemburg')],
    ['Mariahilfer Straße 1\n1060 Wien', place('AT-1060', 'Vienna')],
    ['AVENIDA DA LIBERDADE 1\n1250-096 LISBOA', place('1250-096', 'Lisbon')],
    // The postal code differs (another street), the city is the same.
    ['PRINSENGRACHT 263\n1016GV AMSTERDAM', place('1012 AB', 'Amsterdam')],
    // Accents, case and the way a city's name is split are folded.
    ['HAUPTSTRASSE 5\n60311 FRANKFURT', place(null, 'Frankfurt am Main')],
    ["LANGE VOORHOUT 1\n2514EA 'S-GRAVENHAGE", place(null, "'s-Gravenhage")],
    ['RUA AUGUSTA 1\nSÃO PAULO', place(null, 'Sao Paulo')],
  ])('finds %j at %j', (registered, declared) => {
    expect(compareTraderAddress(registered, declared)).toBe('MATCH');
  });

  it.each([
    ['KERKSTRAAT 00001\n1234AB AMSTERDAM', place('3011 AA', 'Rotterdam')],
    ['Rue de la Loi 16\n1000 Bruxelles', place('4000', 'Liège')],
    // A house number that happens to look like the postal code's digits is not the postal code.
    ['KERKSTRAAT 1234\n9999ZZ GRONINGEN', place('1234 AB', 'Amsterdam')],
  ])('does not find %j at %j', (registered, declared) => {
    expect(compareTraderAddress(registered, declared)).toBe('MISMATCH');
  });

  it('compares nothing when VIES withholds the address or the billing address has neither postal code nor city', () => {
    expect(compareTraderAddress(null, place('1234 AB', 'Amsterdam'))).toBe('NOT_COMPARED');
    expect(compareTraderAddress('  ', place('1234 AB', 'Amsterdam'))).toBe('NOT_COMPARED');
    expect(compareTraderAddress('KERKSTRAAT 1\n1234AB AMSTERDAM', place(null, null))).toBe('NOT_COMPARED');
    // Codes too short to tell anything by are left out; the city still counts.
    expect(compareTraderAddress('MAIN STREET 1\nDUBLIN 2', place('2', null))).toBe('NOT_COMPARED');
    expect(compareTraderAddress('MAIN STREET 1\nDUBLIN 2', place('2', 'Dublin'))).toBe('MATCH');
  });
});
