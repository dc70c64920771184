import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config';
import { maskCredentials, shownValue } from '../../../src/config/redact';
import { ConfigError } from '../../../src/errors/errors';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4000);
    expect(config.env).toBe('development');
    expect(config.database.url).toBeUndefined();
    expect(config.telemetry.tracesExporter).toBe('none');
  });

  it('names every bad variable and what it expects', () => {
    let message = '';
    try {
      loadConfig({
        PORT: 'abc',
        NODE_ENV: 'prod',
        DATABASE_URL: 'mysql://x',
        OTEL_TRACES_EXPORTER: 'jaeger',
      });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/PORT: expected .*number.*"abc"/);
    expect(message).toMatch(/NODE_ENV: expected one of "development", "production", "test"/);
    expect(message).toMatch(/DATABASE_URL: expected a URL like postgres:/);
    expect(message).toMatch(/OTEL_TRACES_EXPORTER: expected a comma-separated list/);
  });

  it('never shows a password in a bad URL, nor the value of a secret variable', () => {
    let message = '';
    try {
      loadConfig({
        DATABASE_URL: 'postgresql:/admin:Sup3rS3cret@db.example.nl/platform',
        MIGRATION_DATABASE_URL: 'mysql://owner:0wn3r@db.example.nl/platform',
        AUDIT_WITNESS_URL: 'ftp://witness:W1tness@example.nl/cp',
        AUDIT_TRUSTED_PUBLIC_KEYS: 'not-a-key',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /DATABASE_URL: expected a URL like .* \(got "postgresql:\/admin:\*\*\*@db\.example\.nl\/platform"\)/,
    );
    expect(message).toMatch(/MIGRATION_DATABASE_URL: .*"mysql:\/\/owner:\*\*\*@db\.example\.nl\/platform"/);
    expect(message).toMatch(/AUDIT_WITNESS_URL: .*"ftp:\/\/witness:\*\*\*@example\.nl\/cp"/);
    expect(message).toMatch(/AUDIT_TRUSTED_PUBLIC_KEYS: .*"<hidden>"/);
    for (const secret of ['Sup3rS3cret', '0wn3r', 'W1tness', 'not-a-key'])
      expect(message).not.toContain(secret);
  });

  it('masks whatever may be a URL password, also in URLs that do not parse', () => {
    expect(maskCredentials('postgres://u:p/a?s@s@host:5432/db')).toBe('postgres://u:***@host:5432/db');
    expect(maskCredentials('u:secret@host')).toBe('u:***@host');
    expect(maskCredentials('https://ghp_token@example.nl/x')).toBe('https://***@example.nl/x');
    expect(maskCredentials('postgres://host/db?sslmode=require&password=pw&sslpassword=x')).toBe(
      'postgres://host/db?sslmode=require&password=***&sslpassword=***',
    );
    expect(maskCredentials('postgres://host/db')).toBe('postgres://host/db');
    expect(shownValue('BLIND_INDEX_KEY', 'c2VjcmV0')).toBe('<hidden>');
    expect(shownValue('PORT', 'abc')).toBe('abc');
  });

  it('reads the audit checkpoint interval, 500 ms unless set, and refuses a negative one', () => {
    expect(loadConfig({}).audit.checkpointIntervalMs).toBe(500);
    expect(loadConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '0' }).audit.checkpointIntervalMs).toBe(0);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '-5' })).toThrow(
      /AUDIT_CHECKPOINT_INTERVAL_MS: expected/,
    );
  });

  it('reads the GraphQL token limit, 5000 unless set, and refuses one too small for the own operations', () => {
    expect(loadConfig({}).graphql.maxTokens).toBe(5_000);
    expect(loadConfig({ GRAPHQL_MAX_TOKENS: '20000' }).graphql.maxTokens).toBe(20_000);
    expect(() => loadConfig({ GRAPHQL_MAX_TOKENS: '100' })).toThrow(
      /GRAPHQL_MAX_TOKENS: expected a value of at least 1000/,
    );
    expect(() => loadConfig({ GRAPHQL_MAX_TOKENS: 'many' })).toThrow(/GRAPHQL_MAX_TOKENS: expected/);
  });

  it('reads our VAT number for VIES consultation numbers, and refuses one that is not an EU VAT number', () => {
    expect(loadConfig({}).vies.requester).toBeUndefined();
    expect(loadConfig({ VIES_REQUESTER_VAT_NUMBER: 'nl 1234.56.782 b01' }).vies.requester).toEqual({
      countryCode: 'NL',
      vatNumber: '123456782B01',
    });
    for (const bad of ['NL123456783B01', 'CHE-123.456.788', 'ours']) {
      expect(() => loadConfig({ VIES_REQUESTER_VAT_NUMBER: bad }), bad).toThrow(
        /VIES_REQUESTER_VAT_NUMBER: expected an EU VAT number/,
      );
    }
  });

  it('refuses a One Stop Shop period shorter than the fiscal one (those records are invoices too)', () => {
    expect(loadConfig({ FISCAL_RETENTION_YEARS: '7', OSS_RETENTION_YEARS: '7' }).retention.ossYears).toBe(7);
    expect(() => loadConfig({ FISCAL_RETENTION_YEARS: '7', OSS_RETENTION_YEARS: '5' })).toThrow(
      /OSS_RETENTION_YEARS \(5\) must not be shorter than FISCAL_RETENTION_YEARS \(7\)/,
    );
  });

  it('reads a replica for the inspection reads, with 30 s of lag allowed unless set, and refuses a bad one', () => {
    expect(loadConfig({}).database.replica).toBeUndefined();
    expect(loadConfig({ DATABASE_REPLICA_URL: 'postgres://u:p@replica/platform' }).database.replica).toEqual({
      url: 'postgres://u:p@replica/platform',
      maxLagMs: 30_000,
    });
    expect(
      loadConfig({ DATABASE_REPLICA_URL: 'postgres://replica/platform', DATABASE_REPLICA_MAX_LAG_MS: '0' })
        .database.replica?.maxLagMs,
    ).toBe(0);
    expect(() => loadConfig({ DATABASE_REPLICA_MAX_LAG_MS: '-1' })).toThrow(
      /DATABASE_REPLICA_MAX_LAG_MS: expected a value of at least 0/,
    );
    let message = '';
    try {
      loadConfig({ DATABASE_REPLICA_URL: 'replica:S3cret@host/platform' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /DATABASE_REPLICA_URL: expected a URL like postgres:.*"replica:\*\*\*@host\/platform"/,
    );
    expect(message).not.toContain('S3cret');
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://u:p@db/platform',
        DATABASE_REPLICA_URL: 'postgres://u:p@db/platform',
      }),
    ).toThrow(/DATABASE_REPLICA_URL is the same as DATABASE_URL; it must name a streaming replica/);
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT: expected a value of at most 65535/);
  });

  it('refuses production without keys and names the missing ones', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@h/db' })).toThrow(
      /missing: FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY, AUDIT_SIGNING_KEY/,
    );
  });
});
