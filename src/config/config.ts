/**
 * The service's configuration: read from the environment once at start, validated into one typed
 * object. A bad value stops the start with a message that names the variable and what it expects.
 * Nothing else in the code reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';
import { viesRequester } from '../vat/vies-client';
import { ConfigError } from '../errors/errors';
import { shownValue } from './redact';

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();
const postgresUrl = z
  .string()
  .trim()
  .refine((s) => /^postgres(ql)?:\/\/.+/.test(s), 'a URL like postgres://user:password@host:5432/database');
const httpUrl = z
  .string()
  .trim()
  .refine((s) => /^https?:\/\/.+/.test(s), 'an http(s) URL');
const bool = z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  DATABASE_URL: postgresUrl.optional(),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** A streaming replica of DATABASE_URL that answers the inspection reads (src/db/read-replica.ts). */
  DATABASE_REPLICA_URL: postgresUrl.optional(),
  /** How far behind the primary the replica may be and still answer; 0: only when it has caught up. */
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** `kid:base64key,kid:base64key`; the last one (or FIELD_ENCRYPTION_ACTIVE_KEY_ID) encrypts new values. */
  FIELD_ENCRYPTION_KEYS: optionalString,
  FIELD_ENCRYPTION_ACTIVE_KEY_ID: optionalString,
  BLIND_INDEX_KEY: optionalString,
  AUDIT_SIGNING_KEY: optionalString,
  SEED_DEMO_DATA: bool.default(true),
  /** Runs migrations with this (owner) role while DATABASE_URL uses the less privileged application role. */
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  AUDIT_WITNESS_DIR: optionalString,
  AUDIT_WITNESS_URL: httpUrl.optional(),
  /** Retired audit signing keys (Ed25519 public keys, 64 hex characters each, comma-separated). */
  AUDIT_TRUSTED_PUBLIC_KEYS: z
    .string()
    .trim()
    .refine(
      (s) => s === '' || s.split(',').every((k) => /^[0-9a-f]{64}$/.test(k.trim())),
      'comma-separated 64-character lowercase hex Ed25519 public keys',
    )
    .optional(),
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /** Licensed MaxMind databases (GeoIP2 schema); each one given replaces the free default for its role. */
  GEOIP_CITY_DB: optionalString,
  GEOIP_ASN_DB: optionalString,
  GEOIP_ANONYMOUS_DB: optionalString,
  GEOIP_TOR_EXIT_LIST: optionalString,
  /** Fresher copies of the free ip-location-db files (flat schema), IPv4 and IPv6 separately. */
  GEOIP_FLAT_CITY_IPV4_DB: optionalString,
  GEOIP_FLAT_CITY_IPV6_DB: optionalString,
  GEOIP_ASN_IPV4_CSV: optionalString,
  GEOIP_ASN_IPV6_CSV: optionalString,
  VIES_URL: httpUrl.optional(),
  VIES_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** Our own EU VAT number: VIES then gives a consultation number per check, the proof finance keeps. */
  VIES_REQUESTER_VAT_NUMBER: optionalString.refine(
    (s) => s === undefined || viesRequester(s) !== null,
    'an EU VAT number with its country prefix and a valid check digit, such as NL123456782B01',
  ),
  RISK_RULES_FILE: optionalString,
  ARCHIVE_AFTER_YEARS: z.coerce.number().int().min(0).max(10).default(1),
  FISCAL_RETENTION_YEARS: z.coerce.number().int().min(1).max(30).default(7),
  OSS_RETENTION_YEARS: z.coerce.number().int().min(1).max(30).default(10),
  /** How often the service runs the retention job; 0 turns the schedule off (the command still works). */
  RETENTION_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(3_600_000),
  CONTROLLER_NAME: z.string().trim().min(1).default('the hosting company'),
  CONTROLLER_CONTACT: z.string().trim().min(1).default('privacy@example.nl'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).max(100_000).default(5_000),
  /** Tokens a GraphQL document may have; the parser stops past it. The largest own operation has under 900. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1_000).max(100_000).default(5_000),
  OTEL_SDK_DISABLED: bool.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('privacy-fraud-platform'),
  OTEL_TRACES_EXPORTER: z
    .string()
    .trim()
    .refine(
      (s) => s.split(',').every((e) => ['none', 'otlp', 'console'].includes(e.trim())),
      'a comma-separated list of none, otlp, console',
    )
    .default('none'),
  OTEL_METRICS_EXPORTER: z
    .string()
    .trim()
    .refine(
      (s) => s.split(',').every((e) => ['none', 'otlp', 'console', 'prometheus'].includes(e.trim())),
      'a comma-separated list of none, otlp, console, prometheus',
    )
    .default('none'),
  OTEL_LOGS_EXPORTER: z.string().trim().default('none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json', 'grpc']).optional(),
});

/** Every environment variable the service reads (the README's configuration table lists each one). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface KeyMaterial {
  /** `kid:base64,...` as accepted by `parseEncryptionKeys`; undefined when not configured. */
  fieldEncryptionKeys?: string;
  fieldEncryptionActiveKeyId?: string;
  blindIndexKey?: string;
  /** Ed25519 private key, PKCS#8 PEM (or its base64 body). */
  auditSigningKey?: string;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string };
  dataDir: string;
  database: {
    url?: string;
    migrationUrl?: string;
    embeddedPort: number;
    poolMax: number;
    /** A streaming replica for the inspection reads, and the most it may lag behind the primary. */
    replica?: { url: string; maxLagMs: number };
  };
  audit: {
    witnessDir: string;
    witnessUrl?: string;
    retiredPublicKeys: string[];
    sealIntervalMs: number;
    checkpointIntervalMs: number;
  };
  geo: {
    cityDb?: string;
    asnDb?: string;
    anonymousDb?: string;
    torExitList?: string;
    flatCityIpv4?: string;
    flatCityIpv6?: string;
    asnIpv4Csv?: string;
    asnIpv6Csv?: string;
  };
  vies: { url?: string; timeoutMs: number; requester?: { countryCode: string; vatNumber: string } };
  riskRulesFile?: string;
  retention: { archiveAfterYears: number; fiscalYears: number; ossYears: number; intervalMs: number };
  controller: { name: string; contact: string };
  keys: KeyMaterial;
  seedDemoData: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  graphql: { maxDepth: number; maxComplexity: number; maxTokens: number };
  telemetry: {
    enabled: boolean;
    serviceName: string;
    tracesExporter: string;
    metricsExporter: string;
    otlpEndpoint?: string;
  };
}

/** Reads and validates the environment. Throws one ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const value = env[name];
      const shown = value === undefined ? '' : ` (got ${JSON.stringify(shownValue(name, value))})`;
      return `  ${name}: expected ${describeIssue(issue)}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const keys: KeyMaterial = {
    fieldEncryptionKeys: e.FIELD_ENCRYPTION_KEYS,
    fieldEncryptionActiveKeyId: e.FIELD_ENCRYPTION_ACTIVE_KEY_ID,
    blindIndexKey: e.BLIND_INDEX_KEY,
    auditSigningKey: e.AUDIT_SIGNING_KEY,
  };
  if (e.OSS_RETENTION_YEARS < e.FISCAL_RETENTION_YEARS) {
    // One Stop Shop records are invoices too: a shorter period would purge them before the fiscal one.
    throw new ConfigError(
      `OSS_RETENTION_YEARS (${e.OSS_RETENTION_YEARS}) must not be shorter than FISCAL_RETENTION_YEARS (${e.FISCAL_RETENTION_YEARS}).`,
    );
  }
  if (e.DATABASE_REPLICA_URL !== undefined && e.DATABASE_REPLICA_URL === e.DATABASE_URL) {
    throw new ConfigError(
      'DATABASE_REPLICA_URL is the same as DATABASE_URL; it must name a streaming replica of that database (or be left unset).',
    );
  }
  if (e.NODE_ENV === 'production') {
    const missing = (
      [
        ['FIELD_ENCRYPTION_KEYS', keys.fieldEncryptionKeys],
        ['BLIND_INDEX_KEY', keys.blindIndexKey],
        ['AUDIT_SIGNING_KEY', keys.auditSigningKey],
      ] as const
    )
      .filter(([, v]) => v === undefined)
      .map(([n]) => n);
    if (missing.length > 0) {
      throw new ConfigError(
        `NODE_ENV=production needs key material; missing: ${missing.join(', ')}. ` +
          'Development keys are generated only outside production (see README, "Configuration").',
      );
    }
    if (e.DATABASE_URL === undefined) {
      throw new ConfigError(
        'NODE_ENV=production needs DATABASE_URL; the embedded PostgreSQL is for development.',
      );
    }
  }
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST },
    dataDir: path.resolve(e.DATA_DIR),
    database: {
      url: e.DATABASE_URL,
      migrationUrl: e.MIGRATION_DATABASE_URL,
      embeddedPort: e.EMBEDDED_POSTGRES_PORT,
      poolMax: e.DATABASE_POOL_MAX,
      ...(e.DATABASE_REPLICA_URL === undefined
        ? {}
        : { replica: { url: e.DATABASE_REPLICA_URL, maxLagMs: e.DATABASE_REPLICA_MAX_LAG_MS } }),
    },
    audit: {
      witnessDir: path.resolve(e.AUDIT_WITNESS_DIR ?? path.join(e.DATA_DIR, 'audit-witness')),
      witnessUrl: e.AUDIT_WITNESS_URL,
      retiredPublicKeys: (e.AUDIT_TRUSTED_PUBLIC_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
      sealIntervalMs: e.AUDIT_SEAL_INTERVAL_MS,
      checkpointIntervalMs: e.AUDIT_CHECKPOINT_INTERVAL_MS,
    },
    geo: {
      cityDb: e.GEOIP_CITY_DB,
      asnDb: e.GEOIP_ASN_DB,
      anonymousDb: e.GEOIP_ANONYMOUS_DB,
      torExitList: e.GEOIP_TOR_EXIT_LIST,
      flatCityIpv4: e.GEOIP_FLAT_CITY_IPV4_DB,
      flatCityIpv6: e.GEOIP_FLAT_CITY_IPV6_DB,
      asnIpv4Csv: e.GEOIP_ASN_IPV4_CSV,
      asnIpv6Csv: e.GEOIP_ASN_IPV6_CSV,
    },
    vies: {
      url: e.VIES_URL,
      timeoutMs: e.VIES_TIMEOUT_MS,
      ...(e.VIES_REQUESTER_VAT_NUMBER === undefined
        ? {}
        : { requester: viesRequester(e.VIES_REQUESTER_VAT_NUMBER)! }),
    },
    riskRulesFile: e.RISK_RULES_FILE,
    retention: {
      archiveAfterYears: e.ARCHIVE_AFTER_YEARS,
      fiscalYears: e.FISCAL_RETENTION_YEARS,
      ossYears: e.OSS_RETENTION_YEARS,
      intervalMs: e.RETENTION_INTERVAL_MS,
    },
    controller: { name: e.CONTROLLER_NAME, contact: e.CONTROLLER_CONTACT },
    keys,
    seedDemoData: e.SEED_DEMO_DATA,
    logLevel: e.LOG_LEVEL,
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
    },
    telemetry: {
      enabled: e.OTEL_SDK_DISABLED !== true,
      serviceName: e.OTEL_SERVICE_NAME,
      tracesExporter: e.OTEL_TRACES_EXPORTER,
      metricsExporter: e.OTEL_METRICS_EXPORTER,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `a value of at least ${String(issue.minimum)}`;
    case 'too_big':
      return `a value of at most ${String(issue.maximum)}`;
    case 'invalid_type':
      return `a ${issue.expected}`;
    default:
      return issue.message;
  }
}
