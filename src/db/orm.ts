/**
 * The ORM: one MikroORM instance per process over a PostgreSQL URL, with the checked-in migrations.
 * Requests work on `orm.em.fork()`; nothing uses the global entity manager directly.
 */
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities';
import { migrationsList } from './migrations';

export type Orm = MikroORM;

export interface OrmOptions {
  url: string;
  poolMax?: number;
  debug?: boolean;
}

export function ormConfig(options: OrmOptions): Options {
  return {
    clientUrl: options.url,
    // MikroORM reads host, port, user and database from the URL but ignores its query; `pg` (the raw
    // pools) takes `?host=/socket/dir` as a Unix-domain socket, so the ORM is told the same host.
    ...socketHost(options.url),
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, disableForeignKeys: false },
    pool: { min: 0, max: options.poolMax ?? 10 },
    forceUtcTimezone: true,
    debug: options.debug ?? false,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: true },
    // Entities are declared with explicit column types; reflection only fills in what is obvious.
    ensureDatabase: false,
  };
}

function socketHost(url: string): { host?: string } {
  const host = URL.canParse(url) ? new URL(url).searchParams.get('host') : null;
  return host === null || host === '' ? {} : { host };
}

export async function initORM(options: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormConfig(options));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((m) => m.name);
}
