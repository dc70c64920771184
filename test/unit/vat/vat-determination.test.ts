// VAT determination: reverse charge only with a VIES-confirmed number of another member state.
import { describe, expect, it } from 'vitest';
import { determineVat } from '../../../src/vat/vat-determination';
import { analyseVatNumber } from '../../../src/vat/vat-number';
import type { VatVerification, ViesResult } from '../../../src/vat/vies-client';

function vies(
  countryCode: string,
  vatNumber: string,
  status: VatVerification,
  reason: string | null = null,
): ViesResult {
  return {
    status,
    countryCode,
    vatNumber,
    name: null,
    address: null,
    requestDate: null,
    requestIdentifier: null,
    reason,
  };
}

const GERMAN_VAT = 'DE111111125';

describe('determineVat', () => {
  it('reverse-charges a business with a VIES-confirmed VAT number of another member state', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: vies('DE', '111111125', 'VERIFIED'),
      evidence: { billingCountry: 'DE', ipCountry: 'DE' },
    });
    expect(result).toMatchObject({
      customerType: 'business',
      declaredCustomerType: 'business',
      country: 'DE',
      conflict: false,
      reverseCharge: true,
      treatment: 'REVERSE_CHARGE',
      vatNumber: { valid: true, country: 'DE', verified: 'VERIFIED' },
    });
  });

  it("keeps VIES's date and consultation number of an answer about this number, and only of such", () => {
    const answered = {
      ...vies('DE', '111111125', 'VERIFIED'),
      requestDate: '2026-11-26+01:00',
      requestIdentifier: 'WAPIAAAAW1',
    };
    const verdict = (result: ViesResult, number = GERMAN_VAT) =>
      determineVat({
        customerType: 'business',
        vatNumber: analyseVatNumber(number),
        viesResult: result,
        evidence: { billingCountry: 'DE', ipCountry: 'DE' },
      }).vatNumber;
    expect(verdict(answered)).toMatchObject({
      checkedAt: '2026-11-26+01:00',
      consultationNumber: 'WAPIAAAAW1',
    });
    expect(verdict({ ...answered, status: 'NOT_REGISTERED' })).toMatchObject({
      verified: 'NOT_REGISTERED',
      consultationNumber: 'WAPIAAAAW1',
    });
    // An answer about another number, or no answer, proves nothing about this one.
    expect(verdict(answered, 'DE136695976')).toMatchObject({ checkedAt: null, consultationNumber: null });
    expect(verdict({ ...answered, status: 'NOT_VERIFIED' })).toMatchObject({ consultationNumber: null });
  });

  it("reverse-charges only when the name VIES holds is the customer's, or VIES withholds it", () => {
    const named = (name: string | null, declaredNames: (string | null)[]) =>
      determineVat({
        customerType: 'business',
        vatNumber: analyseVatNumber(GERMAN_VAT),
        viesResult: { ...vies('DE', '111111125', 'VERIFIED'), name },
        declaredNames,
        evidence: { billingCountry: 'DE', ipCountry: 'DE' },
      });
    expect(named('MUSTER HOSTING GMBH', ['Muster Hosting', 'Max Muster'])).toMatchObject({
      treatment: 'REVERSE_CHARGE',
      conflict: false,
      vatNumber: { verified: 'VERIFIED', nameMatch: 'MATCH' },
    });
    expect(named(null, ['Muster Hosting'])).toMatchObject({
      treatment: 'REVERSE_CHARGE',
      vatNumber: { nameMatch: 'NOT_COMPARED' },
    });
    const other = named('BEISPIEL HANDEL GMBH', ['Muster Hosting', 'Max Muster']);
    expect(other).toMatchObject({
      customerType: 'consumer',
      declaredCustomerType: 'business',
      reverseCharge: false,
      treatment: 'OSS',
      conflict: true,
      vatNumber: { verified: 'VERIFIED', nameMatch: 'MISMATCH' },
    });
    expect(other.reason).toContain("VIES registers the VAT number to another name than the customer's");
    // The names themselves stay out of the determination, which is stored in clear.
    expect(JSON.stringify(other)).not.toMatch(/BEISPIEL|Muster/);
  });

  it("reports whether VIES's address lies where the billing address does, without deciding the reverse charge by it", () => {
    const at = (address: string | null, status: VatVerification = 'VERIFIED') =>
      determineVat({
        customerType: 'business',
        vatNumber: analyseVatNumber(GERMAN_VAT),
        viesResult: { ...vies('DE', '111111125', status), address },
        declaredPlace: { postalCode: '10117', city: 'Berlin' },
        evidence: { billingCountry: 'DE', ipCountry: 'DE' },
      });
    expect(at('FRIEDRICHSTR. 1\n10117 BERLIN')).toMatchObject({
      treatment: 'REVERSE_CHARGE',
      vatNumber: { addressMatch: 'MATCH' },
    });
    expect(at(null).vatNumber.addressMatch).toBe('NOT_COMPARED');
    // VIES's address counts only for a number it confirmed.
    expect(at('MARIENPLATZ 1\n80331 MUENCHEN', 'NOT_REGISTERED').vatNumber.addressMatch).toBe('NOT_COMPARED');
    const elsewhere = at('MARIENPLATZ 1\n80331 MUENCHEN');
    expect(elsewhere).toMatchObject({
      customerType: 'business',
      reverseCharge: true,
      conflict: false,
      vatNumber: { verified: 'VERIFIED', addressMatch: 'MISMATCH' },
    });
    expect(elsewhere.reason).toContain(
      'VIES registers it at an address in another place than the billing address',
    );
    // The addresses themselves stay out of the determination, which is stored in clear.
    expect(JSON.stringify(elsewhere)).not.toMatch(/MARIENPLATZ|80331|10117|Berlin/i);
  });

  it('never reverse-charges a check-digit-valid number VIES could not confirm: NOT_VERIFIED, taxed as a consumer', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: vies('DE', '111111125', 'NOT_VERIFIED', 'VIES could not check the number (MS_UNAVAILABLE)'),
      evidence: { billingCountry: 'DE', ipCountry: 'DE' },
    });
    expect(result).toMatchObject({
      customerType: 'consumer',
      declaredCustomerType: 'business',
      country: 'DE',
      reverseCharge: false,
      treatment: 'OSS',
      vatNumber: { valid: true, country: 'DE', verified: 'NOT_VERIFIED' },
    });
    expect(result.reason).toMatch(/not verified \(VIES could not check the number \(MS_UNAVAILABLE\)\)/);
  });

  it('treats a number VIES says is not registered as NOT_REGISTERED, without reverse charge', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: vies('DE', '111111125', 'NOT_REGISTERED', 'VIES says the number is not registered'),
      evidence: { billingCountry: 'DE', ipCountry: 'DE' },
    });
    expect(result).toMatchObject({ reverseCharge: false, vatNumber: { verified: 'NOT_REGISTERED' } });
  });

  it('does not reverse-charge without a VIES answer', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: null,
      evidence: { billingCountry: 'DE', ipCountry: 'DE' },
    });
    expect(result).toMatchObject({ reverseCharge: false, vatNumber: { verified: 'NOT_VERIFIED' } });
    expect(result.reason).toMatch(/VIES was not asked/);
  });

  it('ignores a VIES answer about another number', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: vies('DE', '126639095', 'VERIFIED'),
      evidence: { billingCountry: 'DE', ipCountry: 'DE' },
    });
    expect(result).toMatchObject({ reverseCharge: false, vatNumber: { verified: 'NOT_VERIFIED' } });
    expect(result.reason).toMatch(/another number/);
  });

  it('charges Dutch VAT to a verified Dutch business: same member state as the supplier', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber('NL010000446B01'),
      viesResult: vies('NL', '010000446B01', 'VERIFIED'),
      evidence: { billingCountry: 'NL', ipCountry: 'NL' },
      supplierCountry: 'NL',
    });
    expect(result).toMatchObject({
      customerType: 'business',
      country: 'NL',
      reverseCharge: false,
      treatment: 'DOMESTIC',
    });
  });

  it('matches a Greek VIES answer (EL) to the number and reports the country as GR', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber('GR094259216'),
      viesResult: vies('EL', '094259216', 'VERIFIED'),
      evidence: {},
    });
    expect(result).toMatchObject({
      country: 'GR',
      reverseCharge: true,
      vatNumber: { country: 'GR', verified: 'VERIFIED' },
    });
  });

  it('flags a verified business whose evidence points to another country', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: vies('DE', '111111125', 'VERIFIED'),
      evidence: { billingCountry: 'NL', ipCountry: 'NL', bankCountry: 'NL' },
    });
    expect(result).toMatchObject({ country: 'DE', reverseCharge: true, conflict: true });
    expect(result.reason).toMatch(/evidence points to NL/);
  });

  it('never reverse-charges a consumer, whatever VAT number is given', () => {
    const result = determineVat({
      customerType: 'consumer',
      vatNumber: analyseVatNumber(GERMAN_VAT),
      viesResult: vies('DE', '111111125', 'VERIFIED'),
      evidence: { billingCountry: 'BE', ipCountry: 'BE' },
    });
    expect(result).toMatchObject({
      customerType: 'consumer',
      country: 'BE',
      reverseCharge: false,
      treatment: 'OSS',
    });
  });

  it('reports a malformed or bad-check-digit number as not valid', () => {
    const bad = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber('DE111111126'),
      viesResult: null,
      evidence: { billingCountry: 'DE', ipCountry: 'DE' },
    });
    expect(bad.vatNumber).toEqual({
      valid: false,
      country: 'DE',
      verified: 'NOT_VERIFIED',
      nameMatch: 'NOT_COMPARED',
      addressMatch: 'NOT_COMPARED',
      checkedAt: null,
      consultationNumber: null,
    });
    const none = determineVat({ customerType: 'business', vatNumber: null, viesResult: null, evidence: {} });
    expect(none.vatNumber).toEqual({
      valid: false,
      country: null,
      verified: 'NOT_VERIFIED',
      nameMatch: 'NOT_COMPARED',
      addressMatch: 'NOT_COMPARED',
      checkedAt: null,
      consultationNumber: null,
    });
    expect(none.reason).toMatch(/without a VAT number/);
  });

  it('does not reverse-charge a non-EU business and puts a non-EU consumer outside EU VAT', () => {
    const swiss = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber('CHE116281710'),
      viesResult: null,
      evidence: { billingCountry: 'CH', ipCountry: 'CH' },
    });
    expect(swiss).toMatchObject({
      reverseCharge: false,
      country: 'CH',
      treatment: 'OUTSIDE_EU',
      vatNumber: { valid: true },
    });
  });

  it('leaves the country undetermined when the evidence conflicts', () => {
    const result = determineVat({
      customerType: 'consumer',
      vatNumber: null,
      viesResult: null,
      evidence: { billingCountry: 'NL', ipCountry: 'DE' },
    });
    expect(result).toMatchObject({
      country: null,
      conflict: true,
      treatment: 'UNDETERMINED',
      reverseCharge: false,
    });
  });
});

describe('determineVat by VAT territory', () => {
  const canaryBilling = { country: 'ES', postalCode: '38670', city: 'Adeje' };
  const canaryIp = { country: 'ES', subdivisionCode: 'CN', subdivision: 'Canary Islands' };
  const consumer = (evidence: Parameters<typeof determineVat>[0]['evidence']) =>
    determineVat({ customerType: 'consumer', vatNumber: null, viesResult: null, evidence });

  it('puts a consumer on the Canary Islands outside EU VAT: no One Stop Shop supply', () => {
    expect(consumer({ billingCountry: canaryBilling, ipCountry: canaryIp, bankCountry: 'ES' })).toMatchObject(
      {
        country: 'ES',
        territory: { code: 'ES-CN', name: 'Canary Islands', inEuVatArea: false },
        conflict: false,
        reverseCharge: false,
        treatment: 'OUTSIDE_EU',
      },
    );
  });

  it('leaves a Canary billing address with a mainland IP address undetermined, as a conflict', () => {
    expect(
      consumer({ billingCountry: canaryBilling, ipCountry: { country: 'ES', subdivisionCode: 'AN' } }),
    ).toMatchObject({ country: null, territory: null, conflict: true, treatment: 'UNDETERMINED' });
  });

  it('treats a consumer in Monaco as one in France: French VAT through the One Stop Shop', () => {
    expect(
      consumer({
        billingCountry: { country: 'MC', postalCode: '98000', city: 'Monaco' },
        ipCountry: { country: 'FR' },
      }),
    ).toMatchObject({
      country: 'FR',
      territory: { code: 'FR', inEuVatArea: true },
      conflict: false,
      treatment: 'OSS',
    });
  });

  it('puts Åland, Ceuta and Guadeloupe outside EU VAT, and the supplier at home stays domestic', () => {
    expect(
      consumer({ billingCountry: { country: 'FI', postalCode: '22100' }, ipCountry: { country: 'AX' } }),
    ).toMatchObject({ country: 'FI', treatment: 'OUTSIDE_EU' });
    expect(
      consumer({
        billingCountry: { country: 'ES', postalCode: '51001' },
        ipCountry: { country: 'ES', subdivision: 'Ceuta' },
      }),
    ).toMatchObject({ territory: { code: 'ES-CE' }, treatment: 'OUTSIDE_EU' });
    expect(
      consumer({ billingCountry: { country: 'FR', postalCode: '97110' }, ipCountry: { country: 'GP' } }),
    ).toMatchObject({ country: 'FR', territory: { code: 'GP' }, treatment: 'OUTSIDE_EU' });
    expect(
      consumer({ billingCountry: { country: 'NL', postalCode: '1016 GV' }, ipCountry: { country: 'NL' } }),
    ).toMatchObject({ territory: { code: 'NL' }, treatment: 'DOMESTIC' });
  });

  it('reverse-charges a VIES-confirmed Spanish number, but flags evidence on the Canary Islands as a conflict', () => {
    const result = determineVat({
      customerType: 'business',
      vatNumber: analyseVatNumber('ESB12345674'),
      viesResult: vies('ES', 'B12345674', 'VERIFIED'),
      evidence: { billingCountry: canaryBilling, ipCountry: canaryIp },
    });
    expect(result).toMatchObject({
      country: 'ES',
      territory: { code: 'ES', inEuVatArea: true },
      conflict: true,
      reverseCharge: true,
      treatment: 'REVERSE_CHARGE',
    });
    expect(result.reason).toContain(
      'but the evidence points to ES (Canary Islands, outside the EU VAT area)',
    );
  });
});
