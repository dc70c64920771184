/**
 * The command line (`npm run cli -- <command>`): actors and tokens, key rotation, migrations. It uses the
 * same configuration as the service, so it works against the embedded default (also while the service
 * is running) and against DATABASE_URL.
 */
import 'reflect-metadata';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { ROLES_BY_KIND } from '../auth/roles';
import { loadConfig } from '../config/config';
import { reencryptCustomers } from '../customers/key-rotation';
import type { ActorKind } from '../db/entities/actor.entity';
import { DomainError, ConfigError } from '../errors/errors';
import { createPlatform, type Platform } from '../platform';

const quietLog = (line: string) => console.error(line);

async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await createPlatform(loadConfig(), quietLog);
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

export function buildCli(): Command {
  const program = new Command('cli').description(
    'Fraud-detection and privacy-audit platform: administration',
  );
  const actor = program
    .command('actor')
    .description('actors (employees, services, third parties) and their API tokens');

  actor
    .command('create')
    .description('create an actor and print its API token (shown once)')
    .addOption(
      new Option('--kind <kind>', 'kind of actor').choices(Object.keys(ROLES_BY_KIND)).makeOptionMandatory(),
    )
    .requiredOption(
      '--role <role>',
      `role: ${Object.entries(ROLES_BY_KIND)
        .map(([k, r]) => `${k}: ${r.join('|')}`)
        .join('; ')}`,
    )
    .option('--name <name>', 'display name (defaults to the role)')
    .action(async (opts: { kind: ActorKind; role: string; name?: string }) => {
      await withPlatform(async (platform) => {
        const created = await platform.services.actors.create(platform.db.orm.em.fork(), {
          kind: opts.kind,
          role: opts.role,
          name: opts.name ?? opts.role,
        });
        console.log(
          `Created ${created.actor.kind} "${created.actor.name}" (role ${created.actor.role}), id ${created.actor.id}`,
        );
        console.log('API token (shown only now; store it safely):');
        console.log(created.token);
      });
    });

  actor
    .command('list')
    .description('list active actors')
    .action(async () => {
      await withPlatform(async (platform) => {
        for (const a of await platform.services.actors.list(platform.db.orm.em.fork())) {
          console.log(`${a.id}  ${a.kind.padEnd(11)}  ${a.role.padEnd(16)}  ${a.name}`);
        }
      });
    });

  actor
    .command('token')
    .description('issue a further token for an actor (for rotation)')
    .requiredOption('--actor <id>', 'actor id')
    .action(async (opts: { actor: string }) => {
      await withPlatform(async (platform) => {
        console.log(await platform.services.actors.issueToken(platform.db.orm.em.fork(), opts.actor));
      });
    });

  actor
    .command('revoke')
    .description('revoke a token (by value or shown prefix), or an actor with all its tokens')
    .option('--token <token>', 'the token, or its prefix as shown by the service')
    .option('--actor <id>', 'actor id: revokes the actor and every token it has')
    .action(async (opts: { token?: string; actor?: string }) => {
      if (opts.token === undefined && opts.actor === undefined)
        throw new CliUsageError('give --token or --actor');
      await withPlatform(async (platform) => {
        const count = await platform.services.actors.revoke(platform.db.orm.em.fork(), {
          token: opts.token,
          actorId: opts.actor,
        });
        console.log(`Revoked ${count} token(s).`);
      });
    });

  program
    .command('keys')
    .description('encryption keys')
    .command('reencrypt')
    .description('re-encrypt every stored personal value under the newest key (after adding a key)')
    .action(async () => {
      await withPlatform(async (platform) => {
        const bar = new cliProgress.SingleBar(
          { format: 'customers {bar} {value}/{total}' },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const result = await reencryptCustomers(platform.db.orm.em.fork(), platform.keys.cipher, (p) => {
          if (!started) {
            bar.start(p.total, 0);
            started = true;
          }
          bar.update(p.customersSeen);
        });
        if (started) bar.stop();
        console.log(`Checked ${result.customersSeen} customers, rewrote ${result.valuesRewritten} values.`);
      });
    });

  program
    .command('db')
    .description('database')
    .command('migrate')
    .description('apply pending migrations (the service also does this at start)')
    .action(async () => {
      await withPlatform(async () => {
        console.log('Migrations are up to date.');
      });
    });

  return program;
}

class CliUsageError extends Error {}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (error instanceof DomainError || error instanceof ConfigError || error instanceof CliUsageError) {
        console.error(`error: ${error.message}`);
      } else {
        console.error('error:', error instanceof Error ? error.message : error);
      }
      process.exit(1);
    });
}
