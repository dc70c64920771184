/**
 * What the GeoIP service says about one address, and what it says about the files it answers from.
 * Plain data with no behaviour, so scoring code and the API layer can depend on it without pulling in
 * readers or file watching.
 */
import { cidrOf, parseIp, type IpClassification } from './ip-classify';

export interface IpAnonymity {
  /** True when any of the other flags is (MaxMind's definition of is_anonymous). */
  readonly isAnonymous: boolean;
  readonly isAnonymousVpn: boolean;
  readonly isHostingProvider: boolean;
  readonly isPublicProxy: boolean;
  readonly isTorExitNode: boolean;
}

export interface IpIntelligence {
  /** Normalised: dotted quad, or RFC 5952 IPv6; IPv4-mapped IPv6 is reported as IPv4. */
  readonly ip: string;
  readonly version: 4 | 6;
  readonly classification: IpClassification;
  /** ISO 3166-1 alpha-2 of where the address is located (not where it is registered). */
  readonly country: string | null;
  /**
   * The largest subdivision (region, province, autonomous community) the address is in, in English as
   * the database names it: 'Canary Islands'. VAT needs it, as some regions have a VAT status of their
   * own (src/vat/vat-territory.ts).
   */
  readonly subdivision: string | null;
  /**
   * Its ISO 3166-2 code without the country prefix ('CN' for ES-CN); only MaxMind's schema carries it.
   * Snapshots stored before either field existed lack both.
   */
  readonly subdivisionCode: string | null;
  /** English name. */
  readonly city: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** Kilometres; only MaxMind's schema carries it. */
  readonly accuracyRadius: number | null;
  readonly asn: number | null;
  readonly organisation: string | null;
  /**
   * Length of the network prefix of the database record that matched: `ipNetwork` turns it into CIDR
   * text. Kept as a number because most lookups (order scoring) never show the network, and building
   * the text costs about a tenth of a lookup.
   */
  readonly prefixLength: number | null;
  /**
   * Flags false mean "not known to be", never "known not to be": without an Anonymous-IP database,
   * VPNs and public proxies are never flagged.
   */
  readonly anonymity: IpAnonymity;
  /** The databases that answered, with build dates; 'none' for addresses that are not looked up. */
  readonly source: string;
}

export type DatabaseRole = 'location' | 'asn' | 'anonymous-ip' | 'tor-exit-list';

/** The record layout a file uses. */
export type DatabaseSchema = 'geoip2' | 'ip-location-db' | 'ip-location-db-csv' | 'tor-exit-list';

export interface DatabaseInfo {
  readonly role: DatabaseRole;
  readonly path: string;
  /** MaxMind `database_type` (e.g. 'GeoIP2-City', 'city ipv4'), or a description for non-MaxMind files. */
  readonly type: string;
  readonly schema: DatabaseSchema;
  /** Build epoch from the MaxMind metadata; for CSV and text files, the file's modification time. */
  readonly buildDate: Date;
  /** 4 or 6 for files holding one family; 6 for MaxMind trees that hold both; null for text lists. */
  readonly ipVersion: 4 | 6 | null;
  /** When this process last (re)loaded the file. */
  readonly loadedAt: Date;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What sources fill in for one lookup, before the service copies it into the IpIntelligence. */
export type IpIntelligenceDraft = Mutable<
  Pick<
    IpIntelligence,
    | 'country'
    | 'subdivision'
    | 'subdivisionCode'
    | 'city'
    | 'latitude'
    | 'longitude'
    | 'accuracyRadius'
    | 'asn'
    | 'organisation'
    | 'prefixLength'
  >
> & {
  anonymity: Mutable<IpAnonymity>;
};

/**
 * CIDR of the database record that matched (e.g. '81.2.69.0/24'), or null when no database placed
 * the address. Snapshots stored before `prefixLength` existed carry the text itself.
 */
export function ipNetwork(r: Pick<IpIntelligence, 'ip' | 'prefixLength'>): string | null {
  if (r.prefixLength === null || r.prefixLength === undefined) {
    return (r as { network?: string | null }).network ?? null;
  }
  return cidrOf(parseIp(r.ip), r.prefixLength);
}
