/**
 * The platform's composition root: configuration, keys, database and the domain services, created once
 * and handed to the HTTP server, the command line and tests. No DI container: tests build one with
 * `createPlatform` and override what they need.
 */
import { AuditLog } from '../audit/audit-log';
import { FileWitness, HttpWitness, type CheckpointWitness } from '../audit/checkpoint-witness';
import type { Config } from './config/config';
import { ActorService } from './actors/actor.service';
import { RevocationListener } from './actors/revocation-listener';
import { resolvePlatformKeys, type PlatformKeys } from './crypto/platform-keys';
import { CustomerService } from './customers/customer.service';
import { openDatabase, type Database } from './db/database';
import { poolRunner } from './db/pg-pool-runner';
import { checkBlindIndexKey } from './crypto/key-fingerprint';
import { encryptLegacyPlaintext } from './db/legacy-plaintext';
import { InspectionReads } from './db/read-replica';
import { sqlRunner } from './db/sql-runner';
import { readFileSync, statSync } from 'node:fs';
import { GeoIpService } from '../geo/geoip-service';
import { geoConfigFrom } from './orders/geo-settings';
import { OrderReviewService } from './orders/order-review.service';
import { ComplaintService } from './privacy/complaints.service';
import { DataSubjectRightsService } from './privacy/data-subject-rights.service';
import { PolicyVersionService } from './privacy/policy-versions.service';
import { PrivacyReportService } from './privacy/privacy-reports.service';
import { PrivacyRequestService } from './privacy/privacy-requests.service';
import { RetentionService } from './privacy/retention';
import { RetentionNoticeService } from './privacy/retention-notices';
import { ThirdPartyService } from './privacy/third-parties.service';
import { OrderScoringService } from './orders/order-scoring.service';
import { DEFAULT_RISK_RULES, loadRiskRules, type RiskRules } from './scoring/risk-rules';
import { createVatRegistryCheck } from './vat/vies-client';
import { errorMessage } from './errors/errors';

export interface Services {
  actors: ActorService;
  customers: CustomerService;
  audit: AuditLog;
  /** Where the privacy officer's and finance's inspection reads run: the replica when fit, else the primary. */
  inspection: InspectionReads;
  /** The GeoIP service, opened on first use (loading the databases takes a few seconds). */
  geo: () => Promise<GeoIpService>;
  orders: OrderScoringService;
  orderReview: OrderReviewService;
  privacyRequests: PrivacyRequestService;
  dataSubjectRights: DataSubjectRightsService;
  thirdParties: ThirdPartyService;
  complaints: ComplaintService;
  policyVersions: PolicyVersionService;
  retention: RetentionService;
  retentionNotices: RetentionNoticeService;
  privacyReports: PrivacyReportService;
}

export interface Platform {
  config: Config;
  db: Database;
  keys: PlatformKeys;
  services: Services;
  log: (line: string) => void;
  close(): Promise<void>;
}

export async function createPlatform(config: Config, log: (line: string) => void): Promise<Platform> {
  const keys = resolvePlatformKeys(config, log);
  const db = await openDatabase(config, log);
  try {
    if ((await checkBlindIndexKey(sqlRunner(db.orm.em.fork()), keys.blindIndex, keys.source)) === 'recorded')
      log('Recorded the fingerprint of BLIND_INDEX_KEY: a start with another key will be refused.');
    const moved = await encryptLegacyPlaintext(db.orm.em.fork(), keys.cipher);
    if (moved > 0)
      log(`Encrypted ${moved} review note(s) and privacy text(s) stored in clear before migration 15.`);
  } catch (error) {
    await db.close();
    throw error;
  }
  const witnesses: CheckpointWitness[] = [new FileWitness(config.audit.witnessDir)];
  if (config.audit.witnessUrl !== undefined) witnesses.push(new HttpWitness(config.audit.witnessUrl));
  const idleConnectionLost = (error: Error) =>
    log(
      `Database: an idle connection was ended by the server (${error.message}); a new one opens when needed`,
    );
  const recorderDb = poolRunner(db.url, 2, idleConnectionLost);
  // Order scoring's own connections: its statements are prepared, and it runs as many transactions at
  // once as the ORM's pool allows other requests.
  const scoringDb = poolRunner(db.url, config.database.poolMax, idleConnectionLost);
  const replica = config.database.replica;
  const inspection = new InspectionReads(
    sqlRunner(db.orm.em.fork()),
    replica === undefined ? undefined : { ...replica, log },
  );
  const audit = new AuditLog(sqlRunner(db.orm.em.fork()), {
    recorderDb,
    signingKey: keys.auditSigningKey,
    publicKey: keys.auditPublicKey,
    retiredPublicKeys: config.audit.retiredPublicKeys,
    witnesses,
    sealIntervalMs: config.audit.sealIntervalMs,
    checkpointIntervalMs: config.audit.checkpointIntervalMs,
    log,
  });
  const customers = new CustomerService(keys.cipher, keys.blindIndex, audit);
  let geoService: Promise<GeoIpService> | undefined;
  // A load that failed is tried again at the next call, not remembered as failed for good.
  const geo = () =>
    (geoService ??= GeoIpService.open(geoConfigFrom(config.geo, log)).catch((error: unknown) => {
      geoService = undefined;
      throw error;
    }));
  const rules = riskRulesProvider(config.riskRulesFile, log);
  const privacyRequests = new PrivacyRequestService(keys.cipher, audit);
  const revocations = new RevocationListener(db.url, { log });
  const actors = new ActorService({ revocations });
  const services: Services = {
    actors,
    customers,
    audit,
    inspection,
    geo,
    orders: new OrderScoringService({
      cipher: keys.cipher,
      blindIndex: keys.blindIndex,
      audit,
      customers,
      db: scoringDb,
      geo,
      vies: createVatRegistryCheck({
        baseUrl: config.vies.url,
        timeoutMs: config.vies.timeoutMs,
        requester: config.vies.requester,
      }),
      rules,
    }),
    orderReview: new OrderReviewService(keys.cipher, audit, rules),
    privacyRequests,
    dataSubjectRights: new DataSubjectRightsService(privacyRequests, customers, audit, config.retention),
    thirdParties: new ThirdPartyService(audit),
    complaints: new ComplaintService(keys.cipher, audit),
    policyVersions: new PolicyVersionService(audit),
    retention: new RetentionService(audit, config.retention, keys.cipher),
    retentionNotices: new RetentionNoticeService(audit),
    privacyReports: new PrivacyReportService({
      audit,
      actors,
      cipher: keys.cipher,
      retention: config.retention,
      controller: config.controller,
    }),
  };
  return {
    config,
    db,
    keys,
    services,
    log,
    close: async () => {
      await audit.sealer.stop();
      await revocations.stop();
      if (geoService !== undefined) (await geoService.catch(() => undefined))?.close();
      await recorderDb.end();
      await scoringDb.end();
      await inspection.end();
      await db.close();
    },
  };
}

/**
 * The current risk rules: the defaults, or RISK_RULES_FILE, re-read when the file changes so a new rules
 * version applies without a restart. A file that stops parsing keeps the last good version in force.
 */
function riskRulesProvider(file: string | undefined, log: (line: string) => void): () => RiskRules {
  if (file === undefined) return () => DEFAULT_RISK_RULES;
  let current = loadRiskRules(readFileSync(file, 'utf8'), file);
  let seen = statSync(file).mtimeMs;
  return () => {
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? seen;
    if (mtime !== seen) {
      seen = mtime;
      try {
        current = loadRiskRules(readFileSync(file, 'utf8'), file);
        log(`Risk rules ${current.version} loaded from ${file}`);
      } catch (error) {
        log(`Keeping risk rules ${current.version}: ${errorMessage(error)}`);
      }
    }
    return current;
  };
}
