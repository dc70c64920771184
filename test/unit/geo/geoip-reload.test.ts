// Files replaced on disk take effect without a restart; broken replacements do not.
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeoIpService } from '../../../geo/geoip-service';
import type { DatabaseInfo } from '../../../geo/ip-intelligence';
import { buildMmdb, writeMmdb } from '../../support/mmdb-writer';
import {
  BUILT,
  eventually,
  FAST_WATCH,
  FLAT_V4,
  flatOptions,
  flatRecord,
  makeTempDir,
  writeFlatFixture,
  type FlatFixture,
} from './geo-fixtures';

let dir: string;
let remove: () => Promise<void>;
let service: GeoIpService | undefined;
let fixture: FlatFixture;
const reloaded: DatabaseInfo[] = [];
const failures: { error: Error; path: string }[] = [];

/** The v4 city fixture with 81.2.69.0/24 moved to Ireland. */
const MOVED = FLAT_V4.map((e) =>
  e.network === '81.2.69.0/24'
    ? { ...e, record: flatRecord({ country: 'IE', city: 'Dublin', latitude: 53.3498, longitude: -6.2603 }) }
    : e,
);

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
  fixture = await writeFlatFixture(dir, FAST_WATCH);
  reloaded.length = 0;
  failures.length = 0;
  service = await GeoIpService.open({
    ...fixture.config,
    onReload: (info) => reloaded.push(info),
    onReloadError: (error, path) => failures.push({ error, path }),
  });
});

afterEach(async () => {
  service?.close();
  await remove();
});

function geo(): GeoIpService {
  if (service === undefined) throw new Error('not open');
  return service;
}

describe('reloading files that change on disk', () => {
  it('picks up a database replaced by rename, with its new build date', async () => {
    expect(geo().lookup('81.2.69.160').country).toBe('GB');
    await writeMmdb(fixture.paths.cityV4, MOVED, flatOptions(4, BUILT.updated));
    await eventually(() =>
      expect(geo().lookup('81.2.69.160')).toMatchObject({ country: 'IE', city: 'Dublin' }),
    );
    expect(geo().lookup('81.2.69.160').source).toContain(
      'geolite2-city (ip-location-db flat, built 2024-03-01)',
    );
    expect(reloaded.map((d) => [d.path, d.buildDate])).toEqual([[fixture.paths.cityV4, BUILT.updated]]);
    const info = geo()
      .databases()
      .find((d) => d.path === fixture.paths.cityV4);
    expect(info?.buildDate).toEqual(BUILT.updated);
    // The IPv6 file was not touched and keeps answering.
    expect(geo().lookup('2a00:1450::1').country).toBe('DE');
    expect(failures).toEqual([]);
  });

  it('picks up a database overwritten in place', async () => {
    await writeFile(fixture.paths.cityV4, buildMmdb(MOVED, flatOptions(4, BUILT.updated)));
    await eventually(() => expect(geo().lookup('81.2.69.160').country).toBe('IE'));
    expect(failures).toEqual([]);
  });

  it('keeps the old data when the new file is broken, reports why, and recovers from the next good one', async () => {
    await writeFile(fixture.paths.cityV4, 'this is not a MaxMind database');
    await eventually(() => expect(failures).toHaveLength(1));
    expect(failures[0]?.path).toBe(fixture.paths.cityV4);
    expect(failures[0]?.error.message).toMatch(/not a readable MaxMind DB file|geolite2-city-ipv4\.mmdb/);
    expect(geo().lookup('81.2.69.160').country).toBe('GB');
    expect(reloaded).toEqual([]);

    await writeMmdb(fixture.paths.cityV4, MOVED, flatOptions(4, BUILT.updated));
    await eventually(() => expect(geo().lookup('81.2.69.160').country).toBe('IE'));
  });

  it('keeps the old data while a file is missing, and reports it once', async () => {
    const { rm } = await import('node:fs/promises');
    await rm(fixture.paths.tor);
    await eventually(() => expect(failures).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.path).toBe(fixture.paths.tor);
    expect(geo().lookup('185.220.101.7').anonymity.isTorExitNode).toBe(true);
  });

  it('reloads the ASN CSV and the Tor list', async () => {
    expect(geo().lookup('8.8.8.8').anonymity.isTorExitNode).toBe(false);
    await writeFile(fixture.paths.asnV4, '8.8.8.0,8.8.8.255,64500,Renumbered Inc.\n');
    await writeFile(fixture.paths.tor, '8.8.8.8\n');
    await eventually(() =>
      expect(geo().lookup('8.8.8.8')).toMatchObject({
        asn: 64500,
        organisation: 'Renumbered Inc.',
        anonymity: { isTorExitNode: true, isAnonymous: true },
      }),
    );
    expect(geo().lookup('185.220.101.7').anonymity.isTorExitNode).toBe(false);
    expect(reloaded.map((d) => d.role).sort()).toEqual(['asn', 'tor-exit-list']);
  });

  it('stops watching after close()', async () => {
    geo().close();
    await writeMmdb(fixture.paths.cityV4, MOVED, flatOptions(4, BUILT.updated));
    // Several poll intervals and the debounce period, twice over.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(geo().lookup('81.2.69.160').country).toBe('GB');
    expect(reloaded).toEqual([]);
  });
});
