/**
 * The command line (`npm run cli -- <command>`): actors and tokens, key rotation, migrations, audit
 * verification and proofs, retention, and the audited exports. It uses the same configuration as the
 * service, so it works against the embedded default (also while the service is running) and against
 * DATABASE_URL. An export is decided by the API's access policy for the actor and purpose it names
 * (command-access.ts), and written through output-files.ts; errors are printed by cli-errors.ts.
 */
import 'reflect-metadata';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { auditEvent, offlineContext } from '../../audit/audit-context';
import { exportSubjectEvents, subjectEvents, type ExportFormat } from '../../audit/audit-export';
import { proofBundle } from '../../audit/proof-bundle';
import {
  CorruptWitnessFileError,
  parseCheckpointFile,
  WITNESS_FILE_NAME,
  WitnessFileError,
  type SignedCheckpoint,
} from '../../audit/checkpoint-witness';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import { parsePurpose } from '../auth/purpose';
import { allVatMismatches, mismatchesCsv, summaryCsv, vatEvidenceSummary } from '../finance/vat-reports';
import { ROLES_BY_KIND } from '../auth/roles';
import { loadConfig, type Config } from '../config/config';
import { reencryptStoredValues } from '../customers/key-rotation';
import type { ActorKind } from '../db/entities/actor.entity';
import type { ReadOrigin } from '../db/read-replica';
import { ValidationError } from '../errors/errors';
import { parseIsoDate } from '../validation/date';
import { checkPeriod } from '../validation/period';
import { isUuid } from '../validation/uuid';
import { CliUsageError, describeCliError, fileErrorReason } from './cli-errors';
import { authorizeCommand } from './command-access';
import { withOutputFiles } from './output-files';
import { createPlatform, type Platform } from '../platform';
import type { ThirdPartyView } from '../privacy/third-parties.service';

const quietLog = (line: string) => console.error(line);

let config: Config | undefined;
/** The configuration, read and validated on first use (a command's --help needs none). */
function cliConfig(): Config {
  return (config ??= loadConfig());
}

async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await createPlatform(cliConfig(), quietLog);
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
    .option(
      '--third-party <name>',
      'for kind third_party: its entry in the third-party register (e.g. SIDN); it reads only the customers disclosed to it',
    )
    .action(async (opts: { kind: ActorKind; role: string; name?: string; thirdParty?: string }) => {
      await withPlatform(async (platform) => {
        const em = platform.db.orm.em.fork();
        const thirdParties = platform.services.thirdParties;
        let entry: ThirdPartyView | undefined;
        if (opts.thirdParty !== undefined) {
          if (opts.kind !== 'third_party') {
            throw new ValidationError('--third-party', 'is only for --kind third_party');
          }
          const register = await thirdParties.ensureDefaults(em);
          entry = register.find((p) => p.name === opts.thirdParty);
          if (entry === undefined) {
            throw new ValidationError(
              '--third-party',
              `names no entry of the third-party register; there are: ${register.map((p) => p.name).join(', ')}`,
            );
          }
        }
        const created = await platform.services.actors.create(em, {
          kind: opts.kind,
          role: opts.role,
          name: opts.name ?? opts.role,
        });
        console.log(
          `Created ${created.actor.kind} "${created.actor.name}" (role ${created.actor.role}), id ${created.actor.id}`,
        );
        if (entry !== undefined) {
          await thirdParties.linkActor(em, entry.id, created.actor.id, null);
          console.log(`It reads as "${entry.name}": only customers whose data was disclosed to it.`);
        }
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
        const id = idOption(opts.actor, '--actor', 'an actor id (see: npm run cli -- actor list)');
        console.log(await platform.services.actors.issueToken(platform.db.orm.em.fork(), id));
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
          actorId:
            opts.actor === undefined
              ? undefined
              : idOption(opts.actor, '--actor', 'an actor id (see: npm run cli -- actor list)'),
        });
        console.log(
          `Revoked ${opts.actor === undefined ? '' : `actor ${opts.actor} and `}${count} token(s).`,
        );
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
          { format: 'rows {bar} {value}/{total}' },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const result = await reencryptStoredValues(platform.db.orm.em.fork(), platform.keys.cipher, (p) => {
          if (!started) {
            bar.start(p.total, 0);
            started = true;
          }
          bar.update(p.rowsSeen);
        });
        if (started) bar.stop();
        const { customers, orders, complaints, privacyRequests } = result.tables;
        console.log(
          `Checked ${customers} customers, ${orders} orders, ${complaints} complaints and ${privacyRequests} privacy requests, rewrote ${result.valuesRewritten} values.`,
        );
      });
    });

  const audit = program.command('audit').description('the audit log: verification, proofs, exports');

  audit
    .command('verify')
    .description('recompute the tree from the stored events and check every checkpoint (exit 1 on failure)')
    .option(
      '--against <file>',
      'a checkpoint held outside the database (JSON object, or a JSON-lines witness file: every line must match the log)',
    )
    .option('--no-witness', 'do not check against the checkpoints in the configured witness file')
    .action(async (opts: { against?: string; witness: boolean }) => {
      await withPlatform(async (platform) => {
        let external: { checkpoint: SignedCheckpoint; all: SignedCheckpoint[]; file: string } | undefined;
        try {
          external = await externalCheckpoint(platform.config, opts);
        } catch (error) {
          // A witness file with a line that is no checkpoint was altered: the verification has failed.
          if (!(error instanceof CorruptWitnessFileError)) throw error;
          console.log(`FAILED: ${error.message}`);
          process.exitCode = 1;
          return;
        }
        const against = external?.checkpoint;
        if (external !== undefined)
          console.log(
            `Checking against the external checkpoint at tree size ${external.checkpoint.treeSize} (${external.file}` +
              (external.all.length > 1 ? `, and the ${external.all.length - 1} older ones in it)` : ')'),
          );
        const bar = progressBar('events');
        const result = await platform.services.audit.verify(against, {
          heldOutside: external?.all,
          onProgress: (checked, total) => bar.update(checked, total),
        });
        bar.stop();
        console.log(`${result.ok ? 'OK' : 'FAILED'}: ${result.message}`);
        if (result.firstBadSequence !== null) console.log(`First bad sequence: ${result.firstBadSequence}`);
        if (!result.ok) process.exitCode = 1;
      });
    });

  audit
    .command('seal')
    .description('seal every event waiting in the inbox now (the service does this continuously)')
    .action(async () => {
      await withPlatform(async (platform) => {
        const made = await platform.services.audit.sealer.sealPending();
        console.log(
          made.length === 0
            ? 'Nothing to seal.'
            : `Sealed up to tree size ${made[made.length - 1]!.treeSize}.`,
        );
      });
    });

  audit
    .command('checkpoint')
    .description('print the newest signed checkpoint as JSON')
    .action(async () => {
      await withPlatform(async (platform) => {
        console.log(JSON.stringify(await platform.services.audit.latestCheckpoint(), null, 2));
      });
    });

  audit
    .command('proof')
    .description(
      'write a proof bundle for one event, for the standalone verifier (dist/audit/standalone-verifier.js); an audited export',
    )
    .requiredOption('--event <id>', 'event id')
    .requiredOption('--actor <actorId>', 'who is exporting (an actor id, see: actor list)')
    .requiredOption('--purpose <purpose>', 'why, e.g. privacy-request:123 or inspection')
    .option('--out <file>', 'where to write the bundle (default: stdout)')
    .action(async (opts: { event: string; actor: string; purpose: string; out?: string }) => {
      await withPlatform(async (platform) => {
        const em = platform.db.orm.em.fork();
        const id = idOption(opts.event, '--event', "an event id (an audit event's eventId)");
        const actor = await activeActor(platform, em, opts.actor);
        const purpose = parsePurpose(opts.purpose, '--purpose');
        authorizeCommand('audit proof', actor, purpose);
        const audit = platform.services.audit;
        // The bundle holds the event itself: who read whose data, when and why.
        const bundle = await proofBundle(audit, id);
        const record = () =>
          audit.record([
            auditEvent(offlineContext(actor, purpose.text), {
              action: 'export',
              subjectId: typeof bundle.event.subjectId === 'string' ? bundle.event.subjectId : null,
              categories: ['access_log'],
              fields: ['auditEvent'],
            }),
          ]);
        const text = `${JSON.stringify(bundle, null, 2)}\n`;
        if (opts.out === undefined) {
          await record();
          process.stdout.write(text);
          return;
        }
        const out = opts.out;
        await withOutputFiles('--out', [out], async (files) => {
          await record();
          await files.write(out, text);
        });
        console.log(
          `Wrote ${out}; check it with: node dist/audit/standalone-verifier.js ${out} --public-key ${bundle.checkpoint.publicKey}`,
        );
      });
    });

  audit
    .command('export')
    .description("export a data subject's audit events (an audited export)")
    .requiredOption('--subject <customerId>', 'the data subject')
    .requiredOption('--actor <actorId>', 'who is exporting (an actor id, see: actor list)')
    .requiredOption('--purpose <purpose>', 'why, e.g. privacy-request:123 or inspection')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .requiredOption('--out <file>', 'output file')
    .action(
      async (opts: {
        subject: string;
        actor: string;
        purpose: string;
        format: ExportFormat;
        out: string;
      }) => {
        await withPlatform(async (platform) => {
          const em = platform.db.orm.em.fork();
          const subject = idOption(opts.subject, '--subject', 'a customer id');
          const actor = await activeActor(platform, em, opts.actor);
          const purpose = parsePurpose(opts.purpose, '--purpose');
          authorizeCommand('audit export', actor, purpose);
          // An export about nobody would still be recorded as one, under an id that names no one.
          await platform.services.customers.get(em, subject);
          await withOutputFiles('--out', [opts.out], async (out) => {
            const { value: events, origin } = await platform.services.inspection.read((db) =>
              subjectEvents(db, subject),
            );
            const { content, count } = await exportSubjectEvents(
              platform.services.audit,
              offlineContext(actor, purpose.text),
              subject,
              events,
              opts.format,
            );
            await out.write(opts.out, content);
            console.log(`Wrote ${count} events to ${opts.out}.${readFromNote(origin)}`);
          });
        });
      },
    );

  program
    .command('finance')
    .description('finance reports')
    .command('vat-report')
    .description('write vat-mismatches.csv and vat-evidence-summary.csv for a period (an audited export)')
    .requiredOption(
      '--from <date>',
      'start of the period, inclusive (YYYY-MM-DD, or ISO 8601 with a time zone)',
    )
    .requiredOption('--to <date>', 'end of the period, exclusive (YYYY-MM-DD, or ISO 8601 with a time zone)')
    .requiredOption('--actor <actorId>', 'who is exporting (an actor id, see: actor list)')
    .option('--purpose <purpose>', 'why', 'vat-audit')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (opts: { from: string; to: string; actor: string; purpose: string; out: string }) => {
      await withPlatform(async (platform) => {
        const em = platform.db.orm.em.fork();
        const actor = await activeActor(platform, em, opts.actor);
        const purpose = parsePurpose(opts.purpose, '--purpose');
        const categories = authorizeCommand('finance vat-report', actor, purpose);
        const context = offlineContext(actor, purpose.text);
        const from = parseIsoDate(opts.from, '--from');
        const to = parseIsoDate(opts.to, '--to');
        checkPeriod(from, to, { from: '--from', to: '--to' });
        const mismatchesFile = path.join(opts.out, 'vat-mismatches.csv');
        const summaryFile = path.join(opts.out, 'vat-evidence-summary.csv');
        const { mismatches, summary, origin } = await withOutputFiles(
          '--out',
          [mismatchesFile, summaryFile],
          async (out) => {
            const { value, origin } = await platform.services.inspection.read(async (db) => ({
              mismatches: await allVatMismatches(db, em, from, to),
              summary: await vatEvidenceSummary(db, from, to),
            }));
            const { mismatches, summary } = value;
            // The mismatch file holds each customer's evidence countries: an export of their data, recorded first.
            const subjects = [...new Set(mismatches.map((m) => m.dataSubjectId))];
            await platform.services.audit.record(
              subjects.map((subjectId) =>
                auditEvent(context, {
                  action: 'export',
                  subjectId,
                  fields: ['orderVatEvidence'],
                  categories: [...categories],
                }),
              ),
            );
            await out.write(mismatchesFile, mismatchesCsv(mismatches));
            await out.write(summaryFile, summaryCsv(summary));
            return { mismatches, summary, origin };
          },
          opts.out,
        );
        console.log(
          `Wrote ${mismatches.length} mismatches and ${summary.length} summary rows to ${opts.out}.${readFromNote(origin)}`,
        );
      });
    });

  const privacy = program.command('privacy').description("the privacy officer's documents and jobs");

  privacy
    .command('access-report')
    .description(
      'write the answer to an access request as access-report.json and access-report.html (an audited export)',
    )
    .requiredOption('--customer <id>', 'the data subject')
    .requiredOption('--out <dir>', 'output directory')
    .requiredOption('--actor <actorId>', 'the privacy officer producing it (an actor id, see: actor list)')
    .requiredOption('--purpose <purpose>', 'e.g. privacy-request:123')
    .option(
      '--include-employee-names',
      'name the employees who read the data (not by default, C-579/21)',
      false,
    )
    .action(
      async (opts: {
        customer: string;
        out: string;
        actor: string;
        purpose: string;
        includeEmployeeNames: boolean;
      }) => {
        await withPlatform(async (platform) => {
          const em = platform.db.orm.em.fork();
          const actor = await activeActor(platform, em, opts.actor);
          const purpose = parsePurpose(opts.purpose, '--purpose');
          const customerId = idOption(opts.customer, '--customer', 'a customer id');
          const categories = authorizeCommand('privacy access-report', actor, purpose);
          const customer = await platform.services.customers.get(em, customerId, {
            actor,
            purpose,
            categories,
          });
          const jsonFile = path.join(opts.out, 'access-report.json');
          const htmlFile = path.join(opts.out, 'access-report.html');
          await withOutputFiles(
            '--out',
            [jsonFile, htmlFile],
            async (out) => {
              const { report, html } = await platform.services.privacyReports.accessReport(em, customer, {
                includeEmployeeNames: opts.includeEmployeeNames,
              });
              await platform.services.audit.record([
                auditEvent(offlineContext(actor, purpose.text), {
                  action: 'export',
                  subjectId: customer.id,
                  fields: ['subjectAccessReport'],
                  categories: report.processing.map((p) => p.category),
                }),
              ]);
              await out.write(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
              await out.write(htmlFile, html);
            },
            opts.out,
          );
          console.log(`Wrote access-report.json and access-report.html to ${opts.out}.`);
        });
      },
    );

  privacy
    .command('retention')
    .description(
      'run the retention job now (the service also runs it on a schedule); --report only prints what is due',
    )
    .option('--report', 'print what is due, done and overdue without changing anything', false)
    .action(async (opts: { report: boolean }) => {
      await withPlatform(async (platform) => {
        const em = platform.db.orm.em.fork();
        if (!opts.report) {
          const run = await platform.services.retention.run(em);
          console.log(
            `Dropped bank details of ${run.bankDetailsDropped}, archived ${run.archived}, purged ${run.purged} customer(s).`,
          );
        }
        const report = await platform.services.retention.report(em);
        for (const a of report.actions) {
          console.log(
            `${a.action.padEnd(18)} due ${a.due}, overdue ${a.overdue}, upcoming ${a.upcoming}, done ${a.doneTotal}, held (restricted) ${a.held}, notices owed to recipients ${a.noticesOwed}`,
          );
        }
      });
    });

  program
    .command('db')
    .description('database')
    .command('migrate')
    .description('apply pending migrations (the service also does this at start)')
    .action(async () => {
      // Opening the platform applies what is pending and logs it; after that, nothing is left.
      await withPlatform(async () => {
        console.log('The database is at the newest migration.');
      });
    });

  return program;
}

/** The actor a command acts as (audited commands record who ran them). */
async function activeActor(platform: Platform, em: EntityManager, given: string): Promise<Actor> {
  const id = idOption(given, '--actor', 'an actor id (see: npm run cli -- actor list)');
  const actor = (await platform.services.actors.list(em)).find((a) => a.id === id);
  if (actor === undefined)
    throw new CliUsageError(`no active actor with id ${id} (see: npm run cli -- actor list)`);
  return actor;
}

/** An export read on the replica says so, and how far behind the primary it was (nothing on the primary). */
function readFromNote(origin: ReadOrigin): string {
  return origin.source === 'replica' ? ` Read from the replica, ${origin.lagMs} ms behind the primary.` : '';
}

/**
 * An option that names a row by its id: a UUID, checked before any query, so a typo gets a message
 * about the option rather than the database's refusal of the query (which quotes its SQL).
 */
function idOption(value: string, option: string, what: string): string {
  if (!isUuid(value))
    throw new ValidationError(option, `${JSON.stringify(value.slice(0, 80))} is not ${what}`);
  return value;
}

/** A progress bar on a terminal; silent otherwise (CI logs, pipes). */
function progressBar(unit: string) {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${unit} {bar} {value}/{total}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (value: number, total: number) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(value);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/**
 * The checkpoints held outside the database that verify checks the log against: those in the file
 * given with --against, which must be readable; else those in the witness file. The newest is the one
 * the log is proved consistent with; every one must match the log (after a cut of the newest events
 * the running service signs new checkpoints, so the newest line alone may be one over the rewritten
 * log, while older lines still hold the history that was cut). A witness file
 * that does not exist (yet) is no error, but the operator is warned that nothing outside the database
 * was checked, since a log cut together with its checkpoints then still verifies.
 */
async function externalCheckpoint(
  config: Config,
  opts: { against?: string; witness: boolean },
): Promise<{ checkpoint: SignedCheckpoint; all: SignedCheckpoint[]; file: string } | undefined> {
  if (opts.against !== undefined) {
    return { ...(await checkpointsIn(opts.against, '--against')), file: opts.against };
  }
  if (!opts.witness) return undefined;
  const file = path.join(config.audit.witnessDir, WITNESS_FILE_NAME);
  if (!existsSync(file)) {
    console.error(
      `warning: there is no witness file ${file} (AUDIT_WITNESS_DIR); no checkpoint held outside the database was checked`,
    );
    return undefined;
  }
  return { ...(await checkpointsIn(file, 'witness file')), file };
}

/** The checkpoints in the file, and the newest of them. */
async function checkpointsIn(
  file: string,
  what: string,
): Promise<{ checkpoint: SignedCheckpoint; all: SignedCheckpoint[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`${what}: cannot read ${file} (${fileErrorReason(error)})`);
  }
  let checkpoints: SignedCheckpoint[];
  try {
    checkpoints = parseCheckpointFile(text, file);
  } catch (error) {
    // A corrupt witness file is a failed verification, reported as such by the caller.
    if (error instanceof WitnessFileError && !(error instanceof CorruptWitnessFileError)) {
      throw new CliUsageError(`${what}: ${error.message}`);
    }
    throw error;
  }
  const newest = [...checkpoints].sort((a, b) => a.treeSize - b.treeSize).at(-1);
  if (newest === undefined) throw new CliUsageError(`${what}: ${file} holds no checkpoint`);
  return { checkpoint: newest, all: checkpoints };
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      let debug = false;
      try {
        debug = cliConfig().logLevel === 'debug';
      } catch {
        // The configuration itself failed; describeCliError prints why.
      }
      for (const line of describeCliError(error, { debug })) console.error(line);
      process.exit(1);
    });
}
