/**
 * Reads MaxMind's own GeoIP2 / GeoLite2 record schema: City or Country databases (nested
 * country.iso_code, city.names, location), ASN databases (autonomous_system_*), and the Anonymous-IP
 * database (is_anonymous_* flags). These are the files a licensed deployment points GEOIP_CITY_DB,
 * GEOIP_ASN_DB and GEOIP_ANONYMOUS_DB at.
 */
import type { AnonymousIPResponse, AsnResponse, CityResponse } from 'maxmind';
import type { ParsedIp } from './ip-classify';
import type { DatabaseInfo, IpIntelligenceDraft } from './ip-intelligence';
import { day, describeFile, type GeoSource, type OpenWatched } from './geo-source';
import { mmdbLoader, type OpenedMmdb } from './mmdb-file';
import type { Loaded, WatchedFile } from './watched-file';

// ip-location-db's files say e.g. 'city ipv4'; read as GeoIP2 they would answer nothing, silently.
const FLAT_DATABASE_TYPE = /^(city|country|asn) ipv(4|6|all)$/i;

function acceptLocation(type: string): string | null {
  if (FLAT_DATABASE_TYPE.test(type)) {
    return `database_type '${type}' is an ip-location-db flat file; configure it with schema 'ip-location-db'`;
  }
  return /city|country|enterprise/i.test(type)
    ? null
    : `database_type '${type}' is not a City or Country database`;
}

function acceptAsn(type: string): string | null {
  return /asn|isp/i.test(type) && !FLAT_DATABASE_TYPE.test(type)
    ? null
    : `database_type '${type}' is not a GeoIP2/GeoLite2 ASN or ISP database`;
}

function acceptAnonymous(type: string): string | null {
  return /anonymous/i.test(type) ? null : `database_type '${type}' is not an Anonymous-IP database`;
}

function geoip2Label(info: Loaded<unknown>, version: 4 | 6): string | null {
  // An IPv4-only tree would walk an IPv6 address's bits as if they were IPv4 and answer nonsense.
  if (version === 6 && info.ipVersion === 4) return null;
  return `${info.type} (built ${day(info.buildDate)})`;
}

export class GeoIp2LocationSource implements GeoSource {
  private constructor(private readonly file: WatchedFile<OpenedMmdb<CityResponse>>) {}

  static async open(path: string, cacheSize: number, open: OpenWatched): Promise<GeoIp2LocationSource> {
    return new GeoIp2LocationSource(
      await open(path, 'location', mmdbLoader<CityResponse>(cacheSize, acceptLocation)),
    );
  }

  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean {
    const db = this.file.value;
    if (ip.version === 6 && db.ipVersion === 4) return false;
    const [record, prefixLength] = db.search.find(ip);
    if (record === null) return false;
    out.country = record.country?.iso_code ?? null;
    // The largest first: for Spain the autonomous community (CN for the Canary Islands), not the province.
    const subdivision = record.subdivisions?.[0];
    if (subdivision !== undefined) {
      out.subdivision = subdivision.names?.en ?? null;
      out.subdivisionCode = subdivision.iso_code ?? null;
    }
    out.city = record.city?.names?.en ?? null;
    const location = record.location;
    if (location !== undefined) {
      out.latitude = location.latitude ?? null;
      out.longitude = location.longitude ?? null;
      out.accuracyRadius = location.accuracy_radius ?? null;
    }
    // Enterprise and ISP-enriched City databases carry the ASN too; a dedicated ASN source, if
    // configured, overwrites it afterwards.
    const asn = record.traits?.autonomous_system_number;
    if (asn !== undefined) {
      out.asn = asn;
      out.organisation = record.traits?.autonomous_system_organization ?? null;
    }
    out.prefixLength = prefixLength;
    return true;
  }

  label(version: 4 | 6): string | null {
    return geoip2Label(this.file.info, version);
  }

  databases(): DatabaseInfo[] {
    return [describeFile(this.file, 'location', 'geoip2')];
  }

  close(): void {
    this.file.close();
  }
}

export class GeoIp2AsnSource implements GeoSource {
  private constructor(private readonly file: WatchedFile<OpenedMmdb<AsnResponse>>) {}

  static async open(path: string, cacheSize: number, open: OpenWatched): Promise<GeoIp2AsnSource> {
    return new GeoIp2AsnSource(await open(path, 'asn', mmdbLoader<AsnResponse>(cacheSize, acceptAsn)));
  }

  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean {
    const db = this.file.value;
    if (ip.version === 6 && db.ipVersion === 4) return false;
    const [record, prefixLength] = db.search.find(ip);
    if (record === null) return false;
    out.asn = record.autonomous_system_number ?? null;
    out.organisation = record.autonomous_system_organization ?? null;
    out.prefixLength ??= prefixLength;
    return true;
  }

  label(version: 4 | 6): string | null {
    return geoip2Label(this.file.info, version);
  }

  databases(): DatabaseInfo[] {
    return [describeFile(this.file, 'asn', 'geoip2')];
  }

  close(): void {
    this.file.close();
  }
}

export class GeoIp2AnonymousIpSource implements GeoSource {
  private constructor(private readonly file: WatchedFile<OpenedMmdb<AnonymousIPResponse>>) {}

  static async open(path: string, cacheSize: number, open: OpenWatched): Promise<GeoIp2AnonymousIpSource> {
    return new GeoIp2AnonymousIpSource(
      await open(path, 'anonymous-ip', mmdbLoader<AnonymousIPResponse>(cacheSize, acceptAnonymous)),
    );
  }

  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean {
    const db = this.file.value;
    if (ip.version === 6 && db.ipVersion === 4) return false;
    const [record] = db.search.find(ip);
    if (record === null) return false;
    const a = out.anonymity;
    a.isAnonymous = record.is_anonymous === true;
    a.isAnonymousVpn = record.is_anonymous_vpn === true;
    a.isHostingProvider = record.is_hosting_provider === true;
    a.isPublicProxy = record.is_public_proxy === true;
    a.isTorExitNode = record.is_tor_exit_node === true;
    return true;
  }

  label(version: 4 | 6): string | null {
    return geoip2Label(this.file.info, version);
  }

  databases(): DatabaseInfo[] {
    return [describeFile(this.file, 'anonymous-ip', 'geoip2')];
  }

  close(): void {
    this.file.close();
  }
}
