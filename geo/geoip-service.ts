/**
 * The one entry point the rest of the platform uses for IP intelligence: parse and classify the
 * address, and for public addresses ask the configured location, ASN and anonymity sources. It sits
 * on the checkout scoring path, so a lookup is a handful of integer operations, the maxmind reader
 * walks and the result; what can be worked out ahead (source labels, the ASN index) is worked out
 * when files load.
 */
import { ConfigError } from '../src/errors/errors';
import { defaultGeoConfig, type GeoConfig } from './geo-config';
import type { GeoSource, OpenWatched } from './geo-source';
import { GeoIp2AnonymousIpSource, GeoIp2AsnSource, GeoIp2LocationSource } from './geoip2-schema';
import { classifyIpv4, classifyIpv6, parseCanonicalIpv4, parseIp, type ParsedIp } from './ip-classify';
import type { DatabaseInfo, IpAnonymity, IpIntelligence, IpIntelligenceDraft } from './ip-intelligence';
import { CsvAsnSource, FlatLocationSource } from './ip-location-db-schema';
import { TorExitListSource } from './tor-exit-list';
import { WatchedFile } from './watched-file';

// Shared by every result without an anonymity flag; frozen because it is shared.
const NOT_ANONYMOUS: IpAnonymity = Object.freeze({
  isAnonymous: false,
  isAnonymousVpn: false,
  isHostingProvider: false,
  isPublicProxy: false,
  isTorExitNode: false,
});

const HIT_LOCATION = 1;
const HIT_ASN = 2;
const USED_HOSTING_LIST = 4;

/** What is known about an address no database placed: nothing. */
const NO_LOCATION = {
  country: null,
  subdivision: null,
  subdivisionCode: null,
  city: null,
  latitude: null,
  longitude: null,
  accuracyRadius: null,
  asn: null,
  organisation: null,
  prefixLength: null,
} as const;

export class GeoIpService {
  /** Source labels by (family, which sources answered); rebuilt lazily after a reload. */
  private labels: (string | undefined)[] = [];
  private readonly draft: IpIntelligenceDraft = {
    ...NO_LOCATION,
    anonymity: {
      isAnonymous: false,
      isAnonymousVpn: false,
      isHostingProvider: false,
      isPublicProxy: false,
      isTorExitNode: false,
    },
  };

  private constructor(
    private readonly location: GeoSource,
    private readonly asn: GeoSource | null,
    private readonly anonymousIp: GeoSource | null,
    private readonly tor: GeoSource | null,
    private readonly hostingAsns: ReadonlySet<number>,
  ) {}

  /**
   * Loads every configured file (throwing ConfigError naming the file if one cannot be used) and
   * starts watching them for changes.
   */
  static async open(config: GeoConfig = defaultGeoConfig()): Promise<GeoIpService> {
    let service: GeoIpService | undefined;
    const onReloadError =
      config.onReloadError ??
      ((error: Error, path: string) => console.warn(`geo: keeping the previous ${path}: ${error.message}`));
    const open: OpenWatched = (path, role, load) =>
      WatchedFile.open(path, load, config.watch, {
        onError: onReloadError,
        onReload: (reloaded) => {
          if (service === undefined) return;
          service.labels = [];
          const info = service.databases().find((d) => d.path === reloaded && d.role === role);
          if (info !== undefined) config.onReload?.(info);
        },
      });

    const opened: GeoSource[] = [];
    const track = <S extends GeoSource>(source: S): S => {
      opened.push(source);
      return source;
    };
    try {
      const cache = config.recordCacheSize;
      const loc = config.location;
      const location = track(
        loc.schema === 'geoip2'
          ? await GeoIp2LocationSource.open(loc.path, cache, open)
          : await FlatLocationSource.open(loc.ipv4Path, loc.ipv6Path, cache, open),
      );
      const asnConfig = config.asn;
      const asn =
        asnConfig === null
          ? null
          : track(
              asnConfig.schema === 'geoip2'
                ? await GeoIp2AsnSource.open(asnConfig.path, cache, open)
                : await CsvAsnSource.open(asnConfig.ipv4Path, asnConfig.ipv6Path, open),
            );
      const anonymousIp =
        config.anonymousIp === null
          ? null
          : track(await GeoIp2AnonymousIpSource.open(config.anonymousIp.path, cache, open));
      const tor =
        config.torExitList === null
          ? null
          : track(await TorExitListSource.open(config.torExitList.path, open));
      service = new GeoIpService(location, asn, anonymousIp, tor, config.hostingAsns);
      return service;
    } catch (e) {
      for (const source of opened) source.close();
      throw new ConfigError(`GeoIP: ${(e as Error).message}`);
    }
  }

  /**
   * @param field names the input in the InvalidIpAddressError thrown for unparsable input.
   */
  lookup(input: string, field = 'ip'): IpIntelligence {
    const v4 = parseCanonicalIpv4(input);
    const ip: ParsedIp = v4 >= 0 ? { version: 4, address: input, value: v4 } : parseIp(input, field);
    const classification = ip.version === 4 ? classifyIpv4(ip.value) : classifyIpv6(ip.parts);
    if (classification !== 'public') {
      return {
        ip: ip.address,
        version: ip.version,
        classification,
        ...NO_LOCATION,
        anonymity: NOT_ANONYMOUS,
        source: 'none',
      };
    }

    // Sources fill a draft owned by the service (lookups are synchronous, so one is enough); the
    // result is then one object, sharing NOT_ANONYMOUS in the usual case of no anonymity flag.
    const d = this.draft;
    d.country = d.subdivision = d.subdivisionCode = d.city = d.organisation = null;
    d.latitude = d.longitude = d.accuracyRadius = d.asn = d.prefixLength = null;
    const a = d.anonymity;
    a.isAnonymous = a.isAnonymousVpn = a.isHostingProvider = a.isPublicProxy = a.isTorExitNode = false;
    let answered = 0;
    if (this.location.fill(ip, d)) answered |= HIT_LOCATION;
    if (this.asn !== null && this.asn.fill(ip, d)) answered |= HIT_ASN;
    if (this.anonymousIp !== null) {
      this.anonymousIp.fill(ip, d);
    } else if (d.asn !== null) {
      answered |= USED_HOSTING_LIST;
      a.isHostingProvider = this.hostingAsns.has(d.asn);
    }
    if (this.tor !== null) this.tor.fill(ip, d);
    const anonymous =
      a.isAnonymous || a.isAnonymousVpn || a.isHostingProvider || a.isPublicProxy || a.isTorExitNode;
    return {
      ip: ip.address,
      version: ip.version,
      classification,
      country: d.country,
      subdivision: d.subdivision,
      subdivisionCode: d.subdivisionCode,
      city: d.city,
      latitude: d.latitude,
      longitude: d.longitude,
      accuracyRadius: d.accuracyRadius,
      asn: d.asn,
      organisation: d.organisation,
      prefixLength: d.prefixLength,
      anonymity: anonymous
        ? {
            isAnonymous: true,
            isAnonymousVpn: a.isAnonymousVpn,
            isHostingProvider: a.isHostingProvider,
            isPublicProxy: a.isPublicProxy,
            isTorExitNode: a.isTorExitNode,
          }
        : NOT_ANONYMOUS,
      source: this.sourceLabel(ip.version, answered),
    };
  }

  /** Every file in service, with its type, schema and build date. */
  databases(): DatabaseInfo[] {
    return [this.location, this.asn, this.anonymousIp, this.tor].flatMap((s) =>
      s === null ? [] : s.databases(),
    );
  }

  /** Stops watching files; lookups keep working on the data already loaded. */
  close(): void {
    for (const source of [this.location, this.asn, this.anonymousIp, this.tor]) source?.close();
  }

  private sourceLabel(version: 4 | 6, answered: number): string {
    const key = (version === 6 ? 8 : 0) + answered;
    return this.labels[key] ?? (this.labels[key] = this.buildSourceLabel(version, answered));
  }

  private buildSourceLabel(version: 4 | 6, answered: number): string {
    const parts: (string | null | undefined)[] = [
      answered & HIT_LOCATION ? this.location.label(version) : null,
      answered & HIT_ASN ? this.asn?.label(version) : null,
      this.anonymousIp?.label(version),
      answered & USED_HOSTING_LIST ? 'hosting-asn list' : null,
      this.tor?.label(version),
    ];
    const named = parts.filter((p): p is string => typeof p === 'string');
    return named.length === 0 ? 'none' : named.join(' + ');
  }
}
