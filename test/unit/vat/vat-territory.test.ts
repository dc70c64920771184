// Places with their own VAT status: a billing address by its postal code, GeoIP by its subdivision, an
// IBAN or phone number by its country only (VAT Directive 2006/112/EC art. 6 and 7).
import { describe, expect, it } from 'vitest';
import {
  describeTerritory,
  ordinaryTerritory,
  territoriesOfCountry,
  territoriesOfGeoIp,
  territoryOfAddress,
  VAT_STATE_OF_COUNTRY,
  VAT_TERRITORIES,
  type TerritoryReading,
} from '../../../src/vat/vat-territory';
import { isEuCountry } from '../../../src/vat/vat-number';

const codes = (r: TerritoryReading) => r.territories.map((t) => t.code);
const address = (country: string, postalCode: string, city = 'X') =>
  codes(territoryOfAddress({ country, postalCode, city }));

describe('territoryOfAddress', () => {
  it.each([
    ['ES', '35001', 'ES-CN'],
    ['ES', '38670', 'ES-CN'],
    ['ES', '51002', 'ES-CE'],
    ['ES', '52006', 'ES-ML'],
    ['FI', '22100', 'AX'],
    ['DE', '78266', 'DE-BUSINGEN'],
    ['DE', '27498', 'DE-HELGOLAND'],
    ['IT', '23041', 'IT-LIVIGNO'],
    ['IT', '22061', 'IT-CAMPIONE'],
    ['GR', '630 86', 'GR-69'],
    ['FR', '97110', 'GP'],
    ['FR', '97200', 'MQ'],
    ['FR', '97300', 'GF'],
    ['FR', '97400', 'RE'],
    ['FR', '97600', 'YT'],
    ['FR', '97150', 'MF'],
  ])('places %s %s in %s', (country, postalCode, territory) => {
    expect(address(country, postalCode)).toEqual([territory]);
  });

  it.each([
    ['ES', '34999'],
    ['ES', '36000'],
    ['ES', '37999'],
    ['ES', '39000'],
    ['ES', '50999'],
    ['ES', '28001'],
    ['FI', '21999'],
    ['FI', '23000'],
    ['FI', '00100'],
    ['DE', '78267'],
    ['DE', '27499'],
    ['DE', '10117'],
    ['IT', '23040'],
    ['IT', '22060'],
    ['GR', '630 87'],
    ['FR', '75001'],
    ['FR', '97000'],
  ])('keeps %s %s in the ordinary territory', (country, postalCode) => {
    expect(address(country, postalCode)).toEqual([country]);
  });

  it('reads the boundaries of the Canary provinces exactly', () => {
    expect(address('ES', '34999')).toEqual(['ES']);
    expect(address('ES', '35000')).toEqual(['ES-CN']);
    expect(address('ES', '35999')).toEqual(['ES-CN']);
    expect(address('ES', '36000')).toEqual(['ES']);
    expect(address('ES', '38000')).toEqual(['ES-CN']);
  });

  it('reads postal codes with spaces, dashes, a country prefix and lower case', () => {
    expect(address('ES', ' 35 001 ')).toEqual(['ES-CN']);
    expect(address('es', '35001')).toEqual(['ES-CN']);
    expect(address('FI', 'ax-22100')).toEqual(['AX']);
    expect(address('fi', 'FI 22100')).toEqual(['AX']);
    expect(address('DE', 'D-78266')).toEqual(['DE-BUSINGEN']);
    expect(address('GR', '63086')).toEqual(['GR-69']);
    expect(address('GR', '630-86')).toEqual(['GR-69']);
  });

  it('needs the whole postal code, not a prefix of it', () => {
    expect(address('ES', '3500')).toEqual(['ES']);
    expect(address('ES', '350010')).toEqual(['ES']);
    expect(address('DE', '782661')).toEqual(['DE']);
  });

  it("takes Livigno's old postal code, shared with its neighbours, only with the city", () => {
    expect(address('IT', '23030', 'Livigno')).toEqual(['IT-LIVIGNO']);
    expect(address('IT', '23030', 'TREPALLE')).toEqual(['IT-LIVIGNO']);
    expect(address('IT', '23030', 'Valdidentro')).toEqual(['IT']);
  });

  it('takes Saint-Barthélemy and the overseas collectivities as the countries of their own codes', () => {
    expect(address('FR', '97133')).toEqual(['BL']);
    expect(address('FR', '97500')).toEqual(['PM']);
    expect(address('FR', '98714')).toEqual(['PF']);
    expect(territoryOfAddress({ country: 'FR', postalCode: '98714' }).territories[0]!.inEuVatArea).toBe(
      false,
    );
  });

  it('takes places by their own ISO codes: Åland, Monaco, the overseas departments', () => {
    expect(territoryOfAddress({ country: 'AX', postalCode: 'AX-22100' })).toEqual({
      country: 'AX',
      territories: [{ code: 'AX', country: 'FI', name: 'Åland', inEuVatArea: false }],
      note: 'Åland',
    });
    expect(territoryOfAddress({ country: 'MC', postalCode: '98000' })).toEqual({
      country: 'MC',
      territories: [{ code: 'FR', country: 'FR', name: null, inEuVatArea: true }],
      note: 'Monaco, in the French VAT area',
    });
    expect(address('GP', '97110')).toEqual(['GP']);
  });

  it('says which part of a country with special territories an ordinary address is in', () => {
    expect(territoryOfAddress({ country: 'ES', postalCode: '28001' }).note).toBe('rest of Spain');
    expect(territoryOfAddress({ country: 'NL', postalCode: '1016 GV' })).toEqual({
      country: 'NL',
      territories: [{ code: 'NL', country: 'NL', name: null, inEuVatArea: true }],
      note: null,
    });
  });

  it('names only the country without a postal code', () => {
    expect(codes(territoryOfAddress({ country: 'ES', postalCode: null }))).toEqual([
      'ES',
      'ES-CN',
      'ES-CE',
      'ES-ML',
    ]);
  });
});

describe('territoriesOfGeoIp', () => {
  it('places an address by its ISO 3166-2 subdivision code (GeoIP2)', () => {
    expect(codes(territoriesOfGeoIp({ country: 'ES', subdivisionCode: 'CN' }))).toEqual(['ES-CN']);
    expect(codes(territoriesOfGeoIp({ country: 'ES', subdivisionCode: 'ce' }))).toEqual(['ES-CE']);
    expect(codes(territoriesOfGeoIp({ country: 'ES', subdivisionCode: 'ML' }))).toEqual(['ES-ML']);
    expect(codes(territoriesOfGeoIp({ country: 'FI', subdivisionCode: '01' }))).toEqual(['AX']);
    expect(codes(territoriesOfGeoIp({ country: 'GR', subdivisionCode: '69' }))).toEqual(['GR-69']);
  });

  it('places an address by its subdivision name where that is all there is (ip-location-db)', () => {
    expect(codes(territoriesOfGeoIp({ country: 'ES', subdivision: 'Canary Islands' }))).toEqual(['ES-CN']);
    expect(codes(territoriesOfGeoIp({ country: 'ES', subdivision: ' canary  islands ' }))).toEqual(['ES-CN']);
    expect(codes(territoriesOfGeoIp({ country: 'ES', subdivision: 'Melilla' }))).toEqual(['ES-ML']);
    expect(codes(territoriesOfGeoIp({ country: 'FI', subdivision: 'Aland' }))).toEqual(['AX']);
  });

  it('rules the Spanish territories out for another Spanish region', () => {
    const madrid = territoriesOfGeoIp({ country: 'ES', subdivisionCode: 'MD', subdivision: 'Madrid' });
    expect(codes(madrid)).toEqual(['ES']);
    expect(madrid.note).toBe('rest of Spain');
  });

  it('names only the country where GeoIP cannot tell the territory apart', () => {
    expect(codes(territoriesOfGeoIp({ country: 'ES' }))).toEqual(['ES', 'ES-CN', 'ES-CE', 'ES-ML']);
    expect(codes(territoriesOfGeoIp({ country: 'DE', subdivisionCode: 'BW' }))).toEqual([
      'DE',
      'DE-BUSINGEN',
      'DE-HELGOLAND',
    ]);
    expect(codes(territoriesOfGeoIp({ country: 'GR', subdivision: 'Central Macedonia' }))).toEqual([
      'GR',
      'GR-69',
    ]);
    expect(territoriesOfGeoIp({ country: 'IT', subdivision: 'Lombardy' }).note).toBe('country only');
  });

  it('takes the codes GeoIP gives Åland, Monaco and the overseas departments', () => {
    expect(codes(territoriesOfGeoIp({ country: 'AX' }))).toEqual(['AX']);
    expect(codes(territoriesOfGeoIp({ country: 'MC' }))).toEqual(['FR']);
    expect(codes(territoriesOfGeoIp({ country: 'RE', subdivision: 'Saint-Denis' }))).toEqual(['RE']);
    expect(codes(territoriesOfGeoIp({ country: 'FR', subdivisionCode: '971' }))).toEqual(['GP']);
  });

  it('leaves a country without special territories as it is', () => {
    expect(territoriesOfGeoIp({ country: 'NL', subdivisionCode: 'NH' })).toEqual({
      country: 'NL',
      territories: [ordinaryTerritory('NL')],
      note: null,
    });
  });
});

describe('territoriesOfCountry', () => {
  it('gives every territory of the country, the ordinary one first', () => {
    expect(territoriesOfCountry('ES')).toMatchObject({ note: 'country only' });
    expect(codes(territoriesOfCountry('ES'))).toEqual(['ES', 'ES-CN', 'ES-CE', 'ES-ML']);
    expect(codes(territoriesOfCountry('FR'))).toEqual(['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'MF']);
  });

  it('tells where the code is one of its own', () => {
    expect(codes(territoriesOfCountry('AX'))).toEqual(['AX']);
    expect(codes(territoriesOfCountry('MC'))).toEqual(['FR']);
    expect(codes(territoriesOfCountry('CH'))).toEqual(['CH']);
    expect(territoriesOfCountry('CH').territories[0]!.inEuVatArea).toBe(false);
  });
});

describe('the territory table', () => {
  it('has only places outside the EU VAT area, each of a member state', () => {
    for (const t of VAT_TERRITORIES) {
      expect(t.inEuVatArea, t.code).toBe(false);
      expect(isEuCountry(t.country), t.code).toBe(true);
    }
    expect(VAT_TERRITORIES.map((t) => t.code)).toEqual([
      'ES-CN',
      'ES-CE',
      'ES-ML',
      'AX',
      'DE-BUSINGEN',
      'DE-HELGOLAND',
      'IT-LIVIGNO',
      'IT-CAMPIONE',
      'GR-69',
      'GP',
      'MQ',
      'GF',
      'RE',
      'YT',
      'MF',
    ]);
  });

  it('knows the state of places with codes of their own', () => {
    expect(VAT_STATE_OF_COUNTRY).toEqual({
      MC: 'FR',
      AX: 'FI',
      GP: 'FR',
      MQ: 'FR',
      GF: 'FR',
      RE: 'FR',
      YT: 'FR',
      MF: 'FR',
    });
  });

  it('describes a territory for a person', () => {
    expect(
      describeTerritory(territoryOfAddress({ country: 'ES', postalCode: '35001' }).territories[0]!),
    ).toBe('ES (Canary Islands, outside the EU VAT area)');
    expect(describeTerritory(ordinaryTerritory('NL'))).toBe('NL');
  });
});
