/**
 * The platform's composition root: configuration, keys, database and the domain services, created once
 * and handed to the HTTP server, the command line and tests. No DI container: tests build one with
 * `createPlatform` and override what they need.
 */
import type { Config } from './config/config';
import { ActorService } from './actors/actor.service';
import { resolvePlatformKeys, type PlatformKeys } from './crypto/platform-keys';
import { CustomerService } from './customers/customer.service';
import { openDatabase, type Database } from './db/database';

export interface Services {
  actors: ActorService;
  customers: CustomerService;
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
  const services: Services = {
    actors: new ActorService(),
    customers: new CustomerService(keys.cipher, keys.blindIndex),
  };
  return { config, db, keys, services, log, close: () => db.close() };
}
