/**
 * The platform's composition root: configuration, keys, database and the domain services, created once
 * and handed to the HTTP server, the command line and tests. No DI container: tests build one with
 * `createPlatform` and override what they need.
 */
import { AuditLog } from '../audit/audit-log';
import { FileWitness, HttpWitness, type CheckpointWitness } from '../audit/checkpoint-witness';
import type { Config } from './config/config';
import { ActorService } from './actors/actor.service';
import { resolvePlatformKeys, type PlatformKeys } from './crypto/platform-keys';
import { CustomerService } from './customers/customer.service';
import { openDatabase, type Database } from './db/database';
import { sqlRunner } from './db/sql-runner';

export interface Services {
  actors: ActorService;
  customers: CustomerService;
  audit: AuditLog;
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
  const witnesses: CheckpointWitness[] = [new FileWitness(config.audit.witnessDir)];
  if (config.audit.witnessUrl !== undefined) witnesses.push(new HttpWitness(config.audit.witnessUrl));
  const audit = new AuditLog(sqlRunner(db.orm.em.fork()), {
    signingKey: keys.auditSigningKey,
    publicKey: keys.auditPublicKey,
    retiredPublicKeys: config.audit.retiredPublicKeys,
    witnesses,
    sealIntervalMs: config.audit.sealIntervalMs,
    log,
  });
  const services: Services = {
    actors: new ActorService(),
    customers: new CustomerService(keys.cipher, keys.blindIndex, audit),
    audit,
  };
  return {
    config,
    db,
    keys,
    services,
    log,
    close: async () => {
      await audit.sealer.stop();
      await db.close();
    },
  };
}
