/**
 * Places with their own VAT status, through scoreOrder over HTTP and finance's reports: a crafted
 * GeoIP2 City database (GEOIP_CITY_DB) gives the IP addresses their regions, as MaxMind's own data
 * does: the Canary Islands as subdivision CN of Spain, Madrid as MD.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ScoreOrderDocument,
  VatEvidenceSummaryDocument,
  VatMismatchesDocument,
  type ScoreOrderInput,
} from '../../schema/generated/graphql';
import { DEFAULT_RISK_RULES } from '../../src/scoring/risk-rules';
import { mmdbType, writeMmdb, type MmdbEntry } from '../support/mmdb-writer';
import { startTestServer, type TestServer } from '../support/test-platform';

// Consumer lines (Telefónica, Orange) in the bundled ASN data, so no hosting flag leaves them out.
const CANARY_IP = '2.137.0.1';
const MADRID_IP = '88.1.0.1';
const PARIS_IP = '90.0.0.1';

function cityRecord(country: string, subdivision: [string, string], city: string): MmdbEntry['record'] {
  const names = (en: string) => ({ en });
  return {
    country: { geoname_id: mmdbType.uint32(1), iso_code: country, names: names(country) },
    subdivisions: [
      { geoname_id: mmdbType.uint32(2), iso_code: subdivision[0], names: names(subdivision[1]) },
    ],
    city: { geoname_id: mmdbType.uint32(3), names: names(city) },
  };
}

const address = (street: string, postalCode: string, city: string, country: string) => ({
  street,
  postalCode,
  city,
  country,
});
const LAS_PALMAS = address('Calle Mayor de Triana 1', '35002', 'Las Palmas de Gran Canaria', 'ES');
const MONACO = address('Boulevard des Moulins 1', '98000', 'Monaco', 'MC');

function order(key: string, billing: ReturnType<typeof address>, ipAddress: string): ScoreOrderInput {
  return {
    idempotencyKey: key,
    customer: { name: 'Ana García', email: `ana.${key}@example.es`, address: billing },
    ipAddress,
    billingAddress: billing,
    email: `ana.${key}@example.es`,
    items: [{ product: 'hosting', amountCents: 1000 }],
    currency: 'EUR',
  };
}

describe('VAT territories through scoreOrder', () => {
  let t: TestServer;
  let dir: string;
  const tokens: Record<string, string> = {};
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();
  const score = async (input: ScoreOrderInput) => {
    const r = await t.graphql(ScoreOrderDocument, { variables: { input }, token: tokens.order_system });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!.scoreOrder;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vat-territories-'));
    const cityDb = path.join(dir, 'GeoIP2-City.mmdb');
    await writeMmdb(
      cityDb,
      [
        { network: '2.137.0.0/16', record: cityRecord('ES', ['CN', 'Canary Islands'], 'Adeje') },
        { network: '88.1.0.0/16', record: cityRecord('ES', ['MD', 'Madrid'], 'Madrid') },
        { network: '90.0.0.0/16', record: cityRecord('FR', ['IDF', 'Île-de-France'], 'Paris') },
      ],
      { databaseType: 'GeoIP2-City', ipVersion: 6, languages: ['en'], description: {} },
    );
    t = await startTestServer({ GEOIP_CITY_DB: cityDb });
    const em = t.platform.db.orm.em.fork();
    for (const role of ['order_system', 'finance'] as const) {
      const kind = role === 'order_system' ? 'service' : 'employee';
      tokens[role] = (await t.platform.services.actors.create(em, { kind, role, name: role })).token;
    }
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a billing address and an IP address on the Canary Islands outside EU VAT: no One Stop Shop supply', async () => {
    const a = await score(order('canary', LAS_PALMAS, CANARY_IP));
    expect(a.ip).toMatchObject({ country: 'ES', subdivision: 'Canary Islands', subdivisionCode: 'CN' });
    expect(a.vat).toMatchObject({
      country: 'ES',
      territory: {
        code: 'ES-CN',
        country: 'ES',
        name: 'Canary Islands',
        inEuVatArea: false,
        description: 'ES (Canary Islands, outside the EU VAT area)',
      },
      conflict: false,
      treatment: 'OUTSIDE_EU',
    });
    expect(a.vat.evidence).toEqual([
      { kind: 'billingCountry', country: 'ES', territory: 'ES-CN', supports: true },
      { kind: 'ipCountry', country: 'ES', territory: 'ES-CN', supports: true },
    ]);
    expect(a.reasons.map((r) => r.code)).not.toContain('VAT_EVIDENCE_CONFLICT');
    expect(a.order.rulesVersion).toBe(DEFAULT_RISK_RULES.version);
    expect(DEFAULT_RISK_RULES.version >= '2026-11-26.4').toBe(true);
  });

  it('finds a billing address on the Canary Islands and an IP address in Madrid in conflict', async () => {
    const a = await score(order('canary-madrid', LAS_PALMAS, MADRID_IP));
    expect(a.vat).toMatchObject({
      country: null,
      territory: null,
      conflict: true,
      treatment: 'UNDETERMINED',
    });
    expect(a.vat.evidence).toEqual([
      { kind: 'billingCountry', country: 'ES', territory: 'ES-CN', supports: false },
      { kind: 'ipCountry', country: 'ES', territory: 'ES', supports: false },
    ]);
    expect(a.vat.reason).toContain(
      'evidence is split: billingCountry ES (Canary Islands), ipCountry ES (rest of Spain)',
    );
    expect(a.reasons.map((r) => r.code)).toContain('VAT_EVIDENCE_CONFLICT');
  });

  it('establishes France from a billing address in Monaco and a French IP address', async () => {
    const a = await score(order('monaco', MONACO, PARIS_IP));
    expect(a.vat).toMatchObject({
      country: 'FR',
      territory: { code: 'FR', inEuVatArea: true, description: 'FR' },
      conflict: false,
      treatment: 'OSS',
    });
    expect(a.vat.evidence).toEqual([
      { kind: 'billingCountry', country: 'MC', territory: 'FR', supports: true },
      { kind: 'ipCountry', country: 'FR', territory: 'FR', supports: true },
    ]);
  });

  it('shows finance the Canary supply apart from Spain, and no mismatch for Monaco', async () => {
    const summary = await t.graphql(VatEvidenceSummaryDocument, {
      variables: { from, to: to() },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(summary.body.errors, JSON.stringify(summary.body.errors)).toBeUndefined();
    const rows = summary.body.data!.vatEvidenceSummary.map((r) => [r.country, r.territory, r.orders]);
    expect(rows).toEqual([
      ['ES', 'ES-CN', 1],
      ['FR', null, 1],
      [null, null, 1],
    ]);

    const mismatches = await t.graphql(VatMismatchesDocument, {
      variables: { from, to: to() },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(mismatches.body.errors, JSON.stringify(mismatches.body.errors)).toBeUndefined();
    // Only the conflicting order: Monaco's billing country MC is in France's VAT area.
    const nodes = mismatches.body.data!.vatMismatches.edges.map((e) => e.node);
    expect(nodes.map((n) => [n.billingCountry, n.vatCountry, n.conflict])).toEqual([['ES', null, true]]);
  });
});
