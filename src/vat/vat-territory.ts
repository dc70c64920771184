/**
 * Which VAT territory a place is in. A country's ISO code is not enough: some parts of member states
 * are outside the EU VAT area, and one country outside the EU is inside it. This module maps what an
 * evidence piece says about a place (a billing address's country and postal code, GeoIP's country and
 * subdivision, the country of an IBAN or phone number) to the territories it can be in, so that the
 * place-of-supply evidence (vat-evidence.ts) compares territories rather than countries.
 *
 * Sources of the rules:
 *
 * - Council Directive 2006/112/EC (the VAT Directive), art. 5 and 6, as amended by Council Directive
 *   (EU) 2019/475, which moved Campione d'Italia and the Italian waters of Lake Lugano into the EU's
 *   customs territory (from 1 January 2020) but kept them outside the VAT territory. The Directive does
 *   not apply to:
 *   - art. 6(1), inside the customs territory: (a) Mount Athos, (b) the Canary Islands, (c) the French
 *     territories of art. 349 and 355(1) TFEU (Guadeloupe, French Guiana, Martinique, Mayotte, Réunion
 *     and Saint-Martin), (d) the Åland Islands, (e) the Channel Islands, (f) Campione d'Italia, (g) the
 *     Italian waters of Lake Lugano;
 *   - art. 6(2), outside the customs territory: (a) Heligoland, (b) the territory of Büsingen,
 *     (c) Ceuta, (d) Melilla, (e) Livigno.
 *   A supply to a customer there is a supply outside the EU VAT area, as to any third country.
 * - art. 7: Monaco is not a third country; transactions intended for Monaco are treated as intended for
 *   France, so Monaco is in the French VAT area. (The Isle of Man and the Sovereign Base Areas of
 *   Akrotiri and Dhekelia are in the same article: the first follows the United Kingdom, outside the EU
 *   since 2021, and the second Cyprus; neither is read here, see "Not done".)
 * - Postal codes, from the national numbering: Spain's first two digits are the province, 35 Las
 *   Palmas and 38 Santa Cruz de Tenerife (the Canary Islands), 51 Ceuta, 52 Melilla; Finland's 22xxx are
 *   Åland's; Germany's 78266 is Büsingen am Hochrhein and 27498 Helgoland; Italy's 23041 is Livigno and
 *   22061 Campione d'Italia; Greece's 630 86 is Mount Athos (Karyes); France's 971 to 976 are the overseas
 *   departments, except 97133 (Saint-Barthélemy) and 97150 (Saint-Martin), and 975 and 984 to 988 the
 *   overseas collectivities, which have ISO codes of their own and are outside the EU altogether.
 * - GeoIP subdivisions are ISO 3166-2 codes without the country prefix (ES-CN Canarias, ES-CE Ceuta,
 *   ES-ML Melilla, FI-01 Åland, GR-69 Mount Athos, FR-971 ... FR-976, FR-MF); the flat ip-location-db
 *   files give only the English name ("Canary Islands"), so names are matched too.
 *
 * Not done: Livigno's old postal code 23030 is shared with other municipalities of Alta Valtellina, so
 * it counts as Livigno only with the city Livigno or Trepalle. GeoIP cannot place an address in
 * Büsingen, Heligoland, Livigno or Campione d'Italia (each lies in a larger German or Italian region),
 * and it rarely gives Mount Athos: an IP address in Germany, Italy or Greece therefore names only the
 * country for those. The Channel Islands and Lake Lugano are not read (the first have ISO codes of
 * their own, JE and GG; the second has no addresses). Neither are the areas of Cyprus outside the
 * government's control, nor Akrotiri and Dhekelia.
 */
import { foldedWords } from './trader-name';
import { isEuCountry } from './vat-number';

export interface VatTerritory {
  /**
   * The country's ISO 3166-1 code for its ordinary territory ('NL', 'ES'); for a part with a VAT status
   * of its own, its ISO 3166-2 code ('ES-CN', 'GR-69'), its own ISO 3166-1 code where it has one ('AX',
   * 'GP'), or else a code of ours ('DE-BUSINGEN').
   */
  readonly code: string;
  /** The state it belongs to (ISO 3166-1): 'ES' for the Canary Islands, 'FI' for Åland. */
  readonly country: string;
  /** English name of a part with its own status; null for a country's ordinary territory. */
  readonly name: string | null;
  /** In the EU VAT area: the country is a member state and the Directive applies there. */
  readonly inEuVatArea: boolean;
}

/**
 * What one piece of evidence says about the territory: the territories it can be in. One when the
 * piece tells (a billing postal code, GeoIP's region, an ISO code of its own); all of the country's
 * when it names only the country (an IBAN, a phone number, GeoIP without a region).
 */
export interface TerritoryReading {
  /** The country the piece names (ISO 3166-1, as given): 'MC' for Monaco, 'AX' for Åland. */
  readonly country: string;
  /** Never empty; the first is the one a piece naming only the country is presumed to mean. */
  readonly territories: readonly VatTerritory[];
  /** How the piece was read, for a person: 'Canary Islands', 'Monaco, in the French VAT area', 'country only'. */
  readonly note: string | null;
}

/** A part of a member state with its own VAT status, and how each kind of evidence names it. */
interface SpecialTerritory {
  readonly territory: VatTerritory;
  /** The state's postal codes (digits only) that lie in it; the city decides where a code is shared. */
  readonly postalCode: (digits: string, city: readonly string[]) => boolean;
  /** An ISO 3166-1 code of its own, as GeoIP, IBANs and phone numbers may name it. */
  readonly ownCode?: string;
  /**
   * How GeoIP names it as a subdivision of the state. `rulesOutOthers`: a record in another subdivision
   * is not in this territory (true where GeoIP knows the territory well: the Spanish autonomous
   * cities and communities, Åland, the French overseas departments; false for Mount Athos, whose few
   * networks cannot be counted on to carry a region of their own, so another Greek region does not
   * rule it out).
   */
  readonly subdivision?: {
    readonly codes: readonly string[];
    readonly names: readonly string[];
    readonly rulesOutOthers: boolean;
  };
}

const prefix =
  (...prefixes: string[]) =>
  (digits: string): boolean =>
    digits.length === 5 && prefixes.some((p) => digits.startsWith(p));

const exactly =
  (...codes: string[]) =>
  (digits: string): boolean =>
    codes.includes(digits);

/** Every one of them is outside the EU VAT area (art. 6); none inside has a status of its own. */
function outside(
  code: string,
  country: string,
  name: string,
  rest: Omit<SpecialTerritory, 'territory'>,
): SpecialTerritory {
  return { territory: Object.freeze({ code, country, name, inEuVatArea: false }), ...rest };
}

/** Places with their own VAT status, per state. */
const SPECIAL_TERRITORIES: readonly SpecialTerritory[] = [
  outside('ES-CN', 'ES', 'Canary Islands', {
    postalCode: prefix('35', '38'),
    subdivision: {
      codes: ['CN', 'GC', 'TF'],
      names: ['Canary Islands', 'Canarias', 'Islas Canarias', 'Las Palmas', 'Santa Cruz de Tenerife'],
      rulesOutOthers: true,
    },
  }),
  outside('ES-CE', 'ES', 'Ceuta', {
    postalCode: prefix('51'),
    subdivision: { codes: ['CE'], names: ['Ceuta'], rulesOutOthers: true },
  }),
  outside('ES-ML', 'ES', 'Melilla', {
    postalCode: prefix('52'),
    subdivision: { codes: ['ML'], names: ['Melilla'], rulesOutOthers: true },
  }),
  outside('AX', 'FI', 'Åland', {
    ownCode: 'AX',
    postalCode: prefix('22'),
    subdivision: {
      codes: ['01'],
      names: ['Åland', 'Åland Islands', 'Ahvenanmaa', 'Ahvenanmaan maakunta'],
      rulesOutOthers: true,
    },
  }),
  outside('DE-BUSINGEN', 'DE', 'Büsingen am Hochrhein', { postalCode: exactly('78266') }),
  outside('DE-HELGOLAND', 'DE', 'Heligoland', { postalCode: exactly('27498') }),
  outside('IT-LIVIGNO', 'IT', 'Livigno', {
    postalCode: (digits, city) =>
      digits === '23041' || (digits === '23030' && (city.includes('livigno') || city.includes('trepalle'))),
  }),
  outside('IT-CAMPIONE', 'IT', "Campione d'Italia", { postalCode: exactly('22061') }),
  outside('GR-69', 'GR', 'Mount Athos', {
    postalCode: exactly('63086'),
    subdivision: {
      codes: ['69'],
      names: ['Mount Athos', 'Agion Oros', 'Άγιον Όρος', 'Athos', 'Holy Mountain'],
      rulesOutOthers: false,
    },
  }),
  ...(
    [
      ['GP', 'Guadeloupe', '971', ['Guadeloupe']],
      ['MQ', 'Martinique', '972', ['Martinique']],
      ['GF', 'French Guiana', '973', ['French Guiana', 'Guyane']],
      ['RE', 'Réunion', '974', ['Réunion', 'La Réunion']],
      ['YT', 'Mayotte', '976', ['Mayotte']],
    ] as const
  ).map(([code, name, department, names]) =>
    outside(code, 'FR', name, {
      ownCode: code,
      // 97133 and 97150 start like Guadeloupe's codes but are Saint-Barthélemy's and Saint-Martin's.
      postalCode: (digits) => prefix(department)(digits) && digits !== '97133' && digits !== '97150',
      subdivision: { codes: [department, code], names, rulesOutOthers: true },
    }),
  ),
  outside('MF', 'FR', 'Saint-Martin', {
    ownCode: 'MF',
    postalCode: exactly('97150'),
    subdivision: { codes: ['MF'], names: ['Saint-Martin', 'Saint Martin'], rulesOutOthers: true },
  }),
];

/**
 * French postal codes of the overseas collectivities, which are outside the EU (TFEU art. 355(2)): they
 * are taken as the countries of their own ISO codes, as GeoIP and phone numbers name them.
 */
const FRENCH_COLLECTIVITY_POSTAL_CODES: readonly (readonly [(digits: string) => boolean, string])[] = [
  [exactly('97133'), 'BL'],
  [prefix('975'), 'PM'],
  [prefix('984'), 'TF'],
  [prefix('986'), 'WF'],
  [prefix('987'), 'PF'],
  [prefix('988'), 'NC'],
];

/** Countries in another state's VAT area (art. 7): Monaco in France's. */
const IN_VAT_AREA_OF: Readonly<Record<string, { readonly state: string; readonly note: string }>> = {
  MC: { state: 'FR', note: 'Monaco, in the French VAT area' },
};

const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  DE: 'Germany',
  ES: 'Spain',
  FI: 'Finland',
  FR: 'France',
  GR: 'Greece',
  IT: 'Italy',
};

const specialsOf = new Map<string, SpecialTerritory[]>();
const byOwnCode = new Map<string, SpecialTerritory>();
for (const special of SPECIAL_TERRITORIES) {
  const country = special.territory.country;
  specialsOf.set(country, [...(specialsOf.get(country) ?? []), special]);
  if (special.ownCode !== undefined) byOwnCode.set(special.ownCode, special);
}

/** Every special territory, for documentation and tests. */
export const VAT_TERRITORIES: readonly VatTerritory[] = SPECIAL_TERRITORIES.map((s) => s.territory);

/**
 * ISO 3166-1 codes of places that belong, for VAT, to another state: the state ('AX' -> 'FI',
 * 'MC' -> 'FR', 'GP' -> 'FR'). A VAT country established for such a place is the state's.
 */
export const VAT_STATE_OF_COUNTRY: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(Object.entries(IN_VAT_AREA_OF).map(([code, area]) => [code, area.state])),
  ...Object.fromEntries([...byOwnCode].map(([code, s]) => [code, s.territory.country])),
});

const ordinaryCache = new Map<string, VatTerritory>();

/** A country's ordinary territory: all of it but its special parts; in the EU VAT area if a member state's. */
export function ordinaryTerritory(country: string): VatTerritory {
  const cached = ordinaryCache.get(country);
  if (cached !== undefined) return cached;
  const territory = Object.freeze({ code: country, country, name: null, inEuVatArea: isEuCountry(country) });
  // Only codes of two letters are kept, so that odd input cannot grow the cache.
  if (/^[A-Z]{2}$/.test(country)) ordinaryCache.set(country, territory);
  return territory;
}

function reading(
  country: string,
  territories: readonly VatTerritory[],
  note: string | null,
): TerritoryReading {
  return { country, territories, note };
}

/** A place that tells its territory; the note says which, where that is more than the country. */
function told(country: string, territory: VatTerritory): TerritoryReading {
  if (territory.name !== null) return reading(country, [territory], territory.name);
  const area = IN_VAT_AREA_OF[country];
  if (area !== undefined) return reading(country, [territory], area.note);
  const name = COUNTRY_NAMES[territory.country];
  return reading(country, [territory], specialsOf.has(territory.country) && name ? `rest of ${name}` : null);
}

/** A country whose codes name no territory of their own: itself, or its state's territory. */
function ownCodeTerritory(country: string): VatTerritory | null {
  const special = byOwnCode.get(country);
  if (special !== undefined) return special.territory;
  const area = IN_VAT_AREA_OF[country];
  return area === undefined ? null : ordinaryTerritory(area.state);
}

/**
 * What a piece naming only a country says: for a country with special parts, any of its territories
 * (the ordinary one first); for Åland, Monaco or Guadeloupe, by their own codes, that one territory.
 */
export function territoriesOfCountry(country: string): TerritoryReading {
  const own = ownCodeTerritory(country);
  if (own !== null) return told(country, own);
  const specials = specialsOf.get(country);
  if (specials === undefined) return reading(country, [ordinaryTerritory(country)], null);
  return reading(country, [ordinaryTerritory(country), ...specials.map((s) => s.territory)], 'country only');
}

/** The postal code's digits: without spaces, dashes or a country prefix ('AX-22100', 'D-78266'). */
function postalDigits(postalCode: string): string {
  return postalCode
    .toUpperCase()
    .replace(/^[A-Z]{1,3}[\s-]*(?=\d)/, '')
    .replace(/[\s-]/g, '');
}

export interface AddressPlace {
  readonly country: string;
  readonly postalCode: string | null;
  readonly city?: string | null;
}

/**
 * The territory of a billing address: its country, and where the country has parts with their own VAT
 * status, its postal code (and, for a postal code shared with other places, its city).
 */
export function territoryOfAddress(address: AddressPlace): TerritoryReading {
  const country = address.country.trim().toUpperCase();
  const own = ownCodeTerritory(country);
  if (own !== null) return told(country, own);
  const specials = specialsOf.get(country);
  const postalCode = address.postalCode?.trim() ?? '';
  if (postalCode === '') {
    return specials === undefined ? told(country, ordinaryTerritory(country)) : territoriesOfCountry(country);
  }
  const digits = postalDigits(postalCode);
  const city = foldedWords(address.city ?? '');
  if (country === 'FR') {
    const collectivity = FRENCH_COLLECTIVITY_POSTAL_CODES.find(([matches]) => matches(digits));
    if (collectivity !== undefined) {
      return reading(country, [ordinaryTerritory(collectivity[1])], `${collectivity[1]} by its postal code`);
    }
  }
  const special = specials?.find((s) => s.postalCode(digits, city));
  return told(country, special?.territory ?? ordinaryTerritory(country));
}

export interface GeoPlace {
  readonly country: string;
  /** ISO 3166-2 code of the first-level subdivision without the country prefix ('CN'); GeoIP2 only. */
  readonly subdivisionCode?: string | null;
  /** Its name ('Canary Islands'), as either GeoIP schema gives it. */
  readonly subdivision?: string | null;
}

function folded(name: string): string {
  return foldedWords(name).join(' ');
}

const foldedSubdivisionNames = new Map(
  SPECIAL_TERRITORIES.map((s) => [s, new Set((s.subdivision?.names ?? []).map(folded))]),
);

/**
 * The territories of a GeoIP location: where the database gives a subdivision that is a special
 * territory, that one; where it gives another subdivision, the ordinary territory and any special one
 * GeoIP cannot tell apart (Büsingen within Baden-Württemberg, Mount Athos); without a subdivision,
 * every territory of the country.
 */
export function territoriesOfGeoIp(place: GeoPlace): TerritoryReading {
  const country = place.country.trim().toUpperCase();
  const specials = specialsOf.get(country);
  const code = place.subdivisionCode?.trim().toUpperCase() || null;
  const name = place.subdivision?.trim() ? folded(place.subdivision) : null;
  if (specials === undefined || (code === null && name === null)) return territoriesOfCountry(country);
  const named = specials.find(
    (s) =>
      s.subdivision !== undefined &&
      ((code !== null && s.subdivision.codes.includes(code)) ||
        (name !== null && foldedSubdivisionNames.get(s)!.has(name))),
  );
  if (named !== undefined) return told(country, named.territory);
  const possible = specials.filter((s) => s.subdivision?.rulesOutOthers !== true);
  if (possible.length === 0) return told(country, ordinaryTerritory(country));
  return reading(country, [ordinaryTerritory(country), ...possible.map((s) => s.territory)], 'country only');
}

/**
 * For a person: 'NL', or 'ES (Canary Islands, outside the EU VAT area)' for a part with its own status.
 */
export function describeTerritory(territory: VatTerritory): string {
  if (territory.name === null) return territory.code;
  const status = territory.inEuVatArea ? 'in the EU VAT area' : 'outside the EU VAT area';
  return `${territory.country} (${territory.name}, ${status})`;
}
